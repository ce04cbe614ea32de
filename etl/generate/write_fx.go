package generate

import "context"

// writeFXRates writes the fx_rates file. The generated company sells in the
// base currency only, so no row needs a rate; the file shows the format with
// one EUR rate on the first day of each quarter of the generated years, a
// fixed 1.0850 (a rate that moved would change nothing else either).
func (g *gen) writeFXRates(_ context.Context, sinks []*sink) error {
	s := sinks[0]
	for d := g.begin; d <= g.asOf; d = d.addMonths(3) {
		s.str("EUR")
		s.date(d)
		s.dec(108_500_000) // 1.085, in units of 1e-8
		if err := s.end(); err != nil {
			return err
		}
	}
	return nil
}

package generate

import "context"

// checkEvery is how many rows a writer emits between context checks.
const checkEvery = 4096

// writeAccounts writes accounts in ID (creation) order.
func (g *gen) writeAccounts(ctx context.Context, sinks []*sink) error {
	s := sinks[0]
	names := newNamer(uint64(len(namePrefixes)*len(nameRoots)*len(nameSuffixes)), g.seed^purposeNames)
	for i := range g.accounts {
		if i%checkEvery == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		a := &g.accounts[i]
		s.str(accountID(i))
		s.str(companyName(names, i))
		s.str(a.seg.String())
		s.str(regionNames[a.region])
		s.str(industries[a.industry])
		s.date(a.created)
		if err := s.end(); err != nil {
			return err
		}
	}
	return nil
}

// writeReps writes the reps, team by team, managers first.
func (g *gen) writeReps(_ context.Context, sinks []*sink) error {
	s := sinks[0]
	names := newNamer(uint64(len(firstNames)*len(lastNames)), g.seed^(purposeNames<<8))
	for i, r := range g.reps {
		s.str(repID(i))
		s.str(personName(names, i))
		s.str(g.teams[r.team].name)
		if r.manager >= 0 {
			s.str(repID(int(r.manager)))
		} else {
			s.str("")
		}
		if err := s.end(); err != nil {
			return err
		}
	}
	return nil
}

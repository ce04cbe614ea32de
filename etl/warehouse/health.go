package warehouse

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrNoLink means generations are on disk but the warehouse link is gone.
var ErrNoLink = errors.New("the warehouse link is missing while generations are on disk")

// Health says whether the published generation can be read, and what can
// be read instead when it cannot.
type Health struct {
	// Published is the generation the link names; zero without a link.
	Published Generation
	// Damage is why Published cannot be read: a *DamagedError (checksum
	// mismatch or file missing), ErrNoLink, or the error that kept it from
	// being read. Nil when it can be; a generation without a checksum
	// (ErrNoChecksum) counts as readable.
	Damage error
	// Intact are, when Damage is set, the generations older than Published
	// (all of them without a link) that match their checksums or have none,
	// newest first.
	Intact []Generation
}

// Check verifies the published generation with v and, when it is damaged
// or missing, the older ones. It returns ErrNoWarehouse when no generation
// was ever published.
func (d Dir) Check(v *Verifier) (Health, error) {
	var h Health
	g, err := d.linked()
	switch {
	case errors.Is(err, ErrNoWarehouse):
		h.Damage = ErrNoLink
	case err != nil:
		return h, err
	default:
		h.Published = g
		if err := v.Verify(g.Path); err != nil && !errors.Is(err, ErrNoChecksum) {
			h.Damage = err
		}
	}
	if h.Damage == nil {
		return h, nil
	}
	if h.Intact, err = d.IntactBefore(v, h.Published.ID); err != nil {
		return h, err
	}
	if len(h.Intact) == 0 && h.Published.ID == 0 {
		if all, err := d.List(); err == nil && len(all) == 0 {
			return Health{}, ErrNoWarehouse
		}
	}
	return h, nil
}

// IntactBefore returns the generations older than id (all of them when id
// is 0) that match their checksums or have none, newest first.
func (d Dir) IntactBefore(v *Verifier, id int) ([]Generation, error) {
	all, err := d.List()
	if err != nil {
		return nil, err
	}
	var out []Generation
	for _, g := range all {
		if id != 0 && g.ID >= id {
			continue
		}
		if err := v.Verify(g.Path); err == nil || errors.Is(err, ErrNoChecksum) {
			out = append(out, g)
		}
	}
	return out, nil
}

// Damaged is the folder damaged files are moved to, under their path in
// the data directory, kept for inspection.
func (d Dir) Damaged() string { return d.Path("damaged") }

// SetAside moves the damaged file at rel (relative to the data directory),
// and a generation's checksum file with it, to the same path under
// Damaged. Nothing is deleted. It returns the new path.
func (d Dir) SetAside(rel string) (string, error) {
	dst := filepath.Join(d.Damaged(), rel)
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return "", fmt.Errorf("set aside %s: %w", rel, err)
	}
	if err := os.Rename(d.Path(rel), dst); err != nil {
		return "", fmt.Errorf("set aside %s: %w", rel, err)
	}
	if err := os.Rename(checksumPath(d.Path(rel)), checksumPath(dst)); err != nil && !os.IsNotExist(err) {
		return "", fmt.Errorf("set aside %s: %w", rel, err)
	}
	return dst, nil
}

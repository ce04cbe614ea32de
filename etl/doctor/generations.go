package doctor

import (
	"errors"
	"os"
	"path/filepath"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// generations checks the link and every generation's checksum. With
// Repair it points a link whose generation is damaged or gone at the
// newest intact generation, and moves damaged generations that nothing
// publishes to data/damaged. It returns the generation whose list of lake
// files the lake check reads (zero when none is intact).
func (d *doctor) generations() (wh.Generation, error) {
	data := d.opts.Data
	link := filepath.Base(data.Current())
	h, err := data.Check(d.v)
	if errors.Is(err, wh.ErrNoWarehouse) {
		d.r.add(Note, "no warehouse has been published yet: run precedent etl")
		return wh.Generation{}, nil
	}
	if err != nil {
		return wh.Generation{}, err
	}
	all, err := data.List()
	if err != nil {
		return wh.Generation{}, err
	}
	use, linked := h.Published, h.Published
	switch {
	case h.Damage == nil:
		d.r.add(OK, "%s points at %s", link, name(h.Published))
	case len(h.Intact) == 0 && len(all) == 0 && d.opts.Repair:
		if err := os.Remove(data.Current()); err != nil {
			d.r.add(Problem, "%s: %v; removing the dangling link failed: %v", link, h.Damage, err)
		} else {
			d.r.add(Repaired, "%s: %v; no generation is left, so the dangling link was removed: run precedent etl", link, h.Damage)
		}
		use = wh.Generation{}
	case len(h.Intact) == 0:
		d.r.add(Problem, "%s: %v; no intact generation is left to point it at: run precedent etl, which loads the source again", link, h.Damage)
		use = wh.Generation{}
	case !d.opts.Repair:
		d.r.add(Problem, "%s: %v; precedent doctor --repair points it at %s, the newest intact generation", link, h.Damage, name(h.Intact[0]))
		use = h.Intact[0]
	default:
		use = h.Intact[0]
		if err := data.Repoint(use.ID); err != nil {
			d.r.add(Problem, "%s: %v; pointing it at %s failed: %v", link, h.Damage, name(use), err)
			break
		}
		d.r.add(Repaired, "%s: %v; it now points at %s, the newest intact generation (precedent etl rebuilds the loads since)", link, h.Damage, name(use))
		h.Published = use
	}
	for _, g := range all {
		d.generation(g, h.Published, linked, len(h.Intact) > 0)
	}
	d.keptAside()
	return use, nil
}

// generation checks one generation's checksum; with Repair a damaged one
// that is not published is moved to data/damaged. Published is what the
// link names now, linked what it named before the check repaired it, and
// replaceable says an intact generation can take the published one's place.
func (d *doctor) generation(g, published, linked wh.Generation, replaceable bool) {
	err := d.v.Verify(g.Path)
	var damaged *wh.DamagedError
	switch {
	case err == nil:
		d.r.add(OK, "%s: checksum matches", name(g))
	case errors.Is(err, wh.ErrNoChecksum):
		d.r.add(Note, "%v: it cannot be verified; the next etl publishes a generation that can", err)
	case !errors.As(err, &damaged):
		d.r.add(Problem, "%s: cannot be checked: %v", name(g), err)
	case g.ID == published.ID && replaceable:
		d.r.add(Problem, "%v; precedent doctor --repair points the link away from it and moves it to %s", err, d.opts.Data.Damaged())
	case g.ID == published.ID:
		d.r.add(Problem, "%v; it is published, and no intact generation can take its place: run precedent etl", err)
	case !d.opts.Repair:
		d.r.add(Problem, "%v; precedent doctor --repair moves it to %s", err, d.opts.Data.Damaged())
	default:
		dst, serr := d.opts.Data.SetAside(filepath.Join("warehouse", name(g)))
		if serr != nil {
			d.r.add(Problem, "%v; moving it aside failed: %v", err, serr)
		} else {
			d.r.add(Repaired, "%v; moved to %s", err, dst)
		}
		return
	}
	if linked.ID != 0 && g.ID > linked.ID {
		d.r.add(Note, "%s is newer than the published generation: a run stopped before publishing it; the next etl removes it", name(g))
	}
}

// keptAside notes the damaged files kept under data/damaged.
func (d *doctor) keptAside() {
	filepath.WalkDir(d.opts.Data.Damaged(), func(path string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() || filepath.Ext(path) == ".sha256" {
			return nil
		}
		d.r.add(Note, "%s: damaged, kept for inspection; delete it when done", path)
		return nil
	})
}

func name(g wh.Generation) string { return filepath.Base(g.Path) }

package doctor

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/precedent-dev/precedent/etl"
	"github.com/precedent-dev/precedent/etl/runlog"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// lake verifies every lake file generation g lists against its checksum.
// Doctor cannot repair a lake file: the line says which run writes it
// again.
func (d *doctor) lake(ctx context.Context, g wh.Generation) error {
	if g.ID == 0 {
		d.r.add(Note, "lake not checked: no intact generation lists its files")
		return nil
	}
	db, err := wh.OpenReadOnly(ctx, g.Path, d.opts.DuckDB)
	if err != nil {
		d.r.add(Problem, "lake not checked: %s cannot be opened: %s", name(g), wh.Message(err))
		return nil
	}
	defer db.Close()
	files, err := etl.LakeFiles(ctx, db)
	if err != nil {
		return err
	}
	if files == nil {
		d.r.add(Note, "lake not checked: %s was built before lake checksums were kept; the next etl records them", name(g))
		return nil
	}
	later, err := d.publishedAfter(g.ID)
	if err != nil {
		return err
	}
	if later != "" {
		d.r.add(Note, "%s published after %s (its generation is damaged, or the link was pointed back): the next precedent etl replays their lake files", later, name(g))
	}
	good, superseded := 0, 0
	for _, f := range files {
		err := f.Verify(d.opts.Data)
		var damaged *wh.DamagedError
		switch {
		case err == nil:
			good++
		case !errors.As(err, &damaged):
			return err
		case later != "" && (f.Mart() || !exists(d.opts.Data, f.Path)):
			// A later run rewrote the mart, or its full refresh removed the file.
			superseded++
		case f.Mart():
			d.r.add(Problem, "%s is damaged: %s; the next precedent etl writes it again", f.Path, damaged.Reason)
		default:
			d.r.add(Problem, "%s is damaged: %s; precedent etl --full-refresh writes the lake again from the source", f.Path, damaged.Reason)
		}
	}
	if superseded > 0 {
		d.r.add(Note, "%d lake files %s lists were rewritten or removed by the runs after it", superseded, name(g))
	}
	status := OK
	if good < len(files) {
		status = Note
	}
	d.r.add(status, "lake: %d of the %d files %s lists match their checksums", good, len(files), name(g))
	return nil
}

// publishedAfter names the ETL runs after generation id that published
// ("" when none did): the published generation is behind them.
func (d *doctor) publishedAfter(id int) (string, error) {
	runs, err := runlog.Open(d.opts.Data.RunLog()).Runs("etl")
	if err != nil {
		return "", err
	}
	var ids []string
	for _, r := range runs {
		if r.ID > id && (r.Status == runlog.Success || r.Status == runlog.Warning) {
			ids = append(ids, fmt.Sprint(r.ID))
		}
	}
	switch len(ids) {
	case 0:
		return "", nil
	case 1:
		return "run " + ids[0], nil
	}
	return "runs " + strings.Join(ids, ", "), nil
}

func exists(data wh.Dir, rel string) bool {
	_, err := os.Stat(data.Path(filepath.FromSlash(rel)))
	return err == nil
}

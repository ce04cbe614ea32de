package etl

import (
	"context"
	"errors"
	"fmt"
	"os"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// Preview is what a load of a source would do, found by loading it into a
// throw-away data directory: how each file was recognised, what it would
// load and quarantine (with the first reasons), the warnings, and what
// would stop the load.
type Preview struct {
	Result *Result `json:"result"`
	// Samples are the first quarantined rows of each file, by path.
	Samples map[string][]Sample `json:"quarantine_samples,omitempty"`
	// Problems say why the source would not load as it is: a file
	// refused whole, or the error that stopped the run (a required entity
	// without rows). A preview with problems exits 1.
	Problems []string `json:"problems,omitempty"`
}

// Sample is one row a load would quarantine.
type Sample struct {
	Row    int64  `json:"row"`
	Column string `json:"column"`
	Reason string `json:"reason"`
	Values string `json:"raw_values"`
}

// samplesPerFile is how many quarantined rows a preview shows per file.
const samplesPerFile = 3

// PreviewSource loads opts.Source into a temporary data directory, without
// models, and reports what the load did; nothing of opts.Data is read or
// written, and no source is pulled.
func PreviewSource(ctx context.Context, opts Options) (*Preview, error) {
	tmp, err := os.MkdirTemp("", "precedent-preview-")
	if err != nil {
		return nil, fmt.Errorf("preview: %w", err)
	}
	defer os.RemoveAll(tmp)
	opts.Data, opts.Models, opts.FullRefresh, opts.Trigger, opts.Pullers = wh.Dir(tmp), nil, true, "preview", nil
	res, runErr := Run(ctx, opts)
	if res == nil && runErr != nil {
		return nil, runErr
	}
	p := &Preview{Result: res, Samples: map[string][]Sample{}}
	for _, f := range res.Files {
		if f.Status == "rejected" || f.Status == "unreadable" {
			p.Problems = append(p.Problems, fmt.Sprintf("%s: %s (%s)", f.Path, f.Status, f.Error))
		}
	}
	if runErr != nil {
		p.Problems = append(p.Problems, runErr.Error())
		return p, nil
	}
	if err := p.readSamples(ctx, wh.Dir(tmp), opts.DuckDB); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *Preview) readSamples(ctx context.Context, data wh.Dir, s wh.Settings) error {
	g, err := data.Published()
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("preview: %w", err)
	}
	db, err := wh.OpenReadOnly(ctx, g.Path, s)
	if err != nil {
		return fmt.Errorf("preview: %w", err)
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT source_file, row_number, coalesce(column_name, ''), reason, coalesce(raw_values, '')
FROM quarantine QUALIFY row_number() OVER (PARTITION BY source_file ORDER BY row_number, column_name) <= ?
ORDER BY source_file, row_number`, samplesPerFile)
	if err != nil {
		return fmt.Errorf("preview: read quarantine: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var file string
		var q Sample
		if err := rows.Scan(&file, &q.Row, &q.Column, &q.Reason, &q.Values); err != nil {
			return fmt.Errorf("preview: read quarantine: %w", err)
		}
		p.Samples[file] = append(p.Samples[file], q)
	}
	return rows.Err()
}

package main

import (
	"context"
	"fmt"

	"github.com/precedent-dev/precedent/etl"
	"github.com/precedent-dev/precedent/queries"
)

// modelsStep builds the SQL models inside an ETL run.
type modelsStep struct{ m *Main }

// Fingerprint identifies the models' SQL and settings (the as-of date among
// them), so a run that changes none of them nor the source keeps the
// published generation.
func (s modelsStep) Fingerprint() (string, error) {
	return queries.Fingerprint(s.m.config.ModelSettings(s.m.Now()), s.m.config.ModelsDir)
}

// Build runs queries.Build on the run's new generation.
func (s modelsStep) Build(ctx context.Context, env etl.BuildEnv) (etl.ModelsReport, error) {
	rep, err := queries.Build(ctx, env.Conn, queries.Options{
		Settings: s.m.config.ModelSettings(s.m.Now()),
		UserDir:  s.m.config.ModelsDir,
		Stage:    env.Stage,
		Logger:   s.m.logger,
		Prev:     env.Prev,
		Versions: env.Versions,
		Program:  env.Program,
		Data:     env.Data,
		Delta:    env.Delta,
		Same:     env.Same,
		RunID:    env.RunID,
		Side:     env.Side,
		More:     env.More,
	})
	var out etl.ModelsReport
	if rep != nil {
		for _, r := range rep.Models {
			if r.Status == queries.Built {
				out.Built++
			}
			if r.Kept {
				out.Kept++
			}
			if r.Volatile != "" {
				out.Volatile = append(out.Volatile, r.Name)
			}
			// A view updated in place stores no rows to merge: nothing
			// of it was computed.
			if r.Incremental && !r.View {
				out.Incremental++
				out.InPlace = append(out.InPlace, r.Name)
			}
		}
		out.Failed = rep.FailedModels()
		for _, t := range rep.Tests {
			if t.Status == queries.Pass {
				out.TestsPassed++
			} else {
				out.TestsFailed = append(out.TestsFailed, fmt.Sprintf("%s %s: %s", t.Model, t.Name, t.Status))
			}
		}
	}
	return out, err
}

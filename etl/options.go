package etl

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/precedent-dev/precedent/etl/contract"
)

// loaderOptions are the options a row is loaded with: they decide whether
// it is quarantined and what its values become. Each generation records
// them in its ledger etl_options.
type loaderOptions struct {
	BaseCurrency  string
	MaxTextLength int
	Vendors       string // a hash of the vendor configuration
	Rules         string // the data contract's version (contract.Version)
}

func (b *build) loaderOptions() (loaderOptions, error) {
	v, err := json.Marshal(b.opts.Vendors)
	if err != nil {
		return loaderOptions{}, fmt.Errorf("loader options: %w", err)
	}
	sum := sha256.Sum256(v)
	return loaderOptions{BaseCurrency: b.opts.BaseCurrency, MaxTextLength: b.opts.MaxTextLength, Vendors: hex.EncodeToString(sum[:]), Rules: contract.Version()}, nil
}

// recordOptions writes the run's loader options into the ledger
// etl_options of the new generation.
func (b *build) recordOptions(ctx context.Context, o loaderOptions) error {
	_, err := b.conn.ExecContext(ctx, "CREATE TABLE etl_options AS SELECT ?::VARCHAR AS base_currency, ?::INTEGER AS max_text_length, ?::VARCHAR AS vendors, ?::VARCHAR AS rules",
		o.BaseCurrency, o.MaxTextLength, o.Vendors, o.Rules)
	if err != nil {
		return fmt.Errorf("record loader options: %w", err)
	}
	return nil
}

// checkOptions compares the run's loader options with those the published
// generation's rows were loaded with, when the run builds on it. A new base
// currency is an error: the earlier rows' amounts are in the old one, and
// no sum may mix two, so only --full-refresh can convert every row. A new
// text limit or vendor configuration makes the run read every source file
// again (reload), as a run from nothing would, so that a row quarantined
// under the old options loads, or a vendor row is read anew; the rows of
// files no longer in the source stay as they were loaded. New rules of the
// data contract (a new version of Precedent) read every file again too,
// and warn: a row loaded earlier that a new rule rejects stays until
// --full-refresh. A generation recorded before etl_options existed says
// nothing, and nothing changes; one recorded before its rules column, nothing
// of the rules.
func (b *build) checkOptions(ctx context.Context, o loaderOptions) (reload bool, err error) {
	if !b.prev || b.opts.FullRefresh {
		return false, nil
	}
	has, err := b.prevHas(ctx, "etl_options")
	if err != nil || !has {
		return false, err
	}
	var n int
	if err := b.conn.QueryRowContext(ctx, "SELECT count(*) FROM duckdb_columns() WHERE database_name = 'prev' AND table_name = 'etl_options' AND column_name = 'rules'").Scan(&n); err != nil {
		return false, fmt.Errorf("read the published generation's loader options: %w", err)
	}
	rules := "NULL"
	if n > 0 {
		rules = "rules"
	}
	var was loaderOptions
	err = b.conn.QueryRowContext(ctx, "SELECT base_currency, max_text_length, vendors, coalesce("+rules+", ?) FROM prev.etl_options", o.Rules).Scan(&was.BaseCurrency, &was.MaxTextLength, &was.Vendors, &was.Rules)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read the published generation's loader options: %w", err)
	}
	if !strings.EqualFold(was.BaseCurrency, o.BaseCurrency) {
		return false, fmt.Errorf("the base currency is %s, but the published warehouse's amounts are in %s: run with --full-refresh to load every file in %s", o.BaseCurrency, was.BaseCurrency, o.BaseCurrency)
	}
	var changed []string
	if was.MaxTextLength != o.MaxTextLength {
		changed = append(changed, fmt.Sprintf("the text limit (%d, was %d)", o.MaxTextLength, was.MaxTextLength))
	}
	if was.Vendors != o.Vendors {
		changed = append(changed, "the vendor configuration")
	}
	if was.Rules != o.Rules {
		changed = append(changed, "the data contract's rules")
		w := "the data contract's rules changed since the published generation was loaded (a new version of Precedent): every source file is read again, so rows the new rules accept load; a row loaded earlier that a new rule rejects stays until precedent etl --full-refresh"
		b.res.Warnings = append(b.res.Warnings, w)
	}
	if len(changed) == 0 {
		return false, nil
	}
	b.opts.Logger.Info("loader options changed since the published generation: every source file is read again", "changed", strings.Join(changed, ", "))
	return true, nil
}

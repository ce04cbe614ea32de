package main

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/chzyer/readline"
	"golang.org/x/term"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// shell reads statements until .quit or end of input: with line editing,
// history and completion on a terminal, line by line from a pipe.
func (r *sqlRunner) shell(ctx context.Context, db *sql.DB) error {
	next, closeInput, interactive, err := r.lineReader(db)
	if err != nil {
		return err
	}
	defer closeInput()
	var interrupts <-chan os.Signal
	if interactive {
		stop := catchInterrupts()
		defer stop.close()
		interrupts = stop.c
	}
	var buf strings.Builder
	for {
		prompt := "precedent> "
		if buf.Len() > 0 {
			prompt = "      ...> "
		}
		line, err := next(prompt)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if errors.Is(err, readline.ErrInterrupt) {
			buf.Reset()
			continue
		}
		if err != nil {
			return err
		}
		trimmed := strings.TrimSpace(line)
		if buf.Len() == 0 && strings.HasPrefix(trimmed, ".") {
			if quit := r.dotCommand(ctx, db, trimmed); quit {
				return nil
			}
			continue
		}
		if trimmed == "" && buf.Len() == 0 {
			continue
		}
		buf.WriteString(line)
		buf.WriteString("\n")
		if !strings.HasSuffix(trimmed, ";") {
			continue
		}
		q := strings.TrimSpace(buf.String())
		buf.Reset()
		if err := r.interruptible(ctx, interrupts, strings.TrimSuffix(q, ";")); err != nil {
			fmt.Fprintln(r.m.Stdout, "error:", err)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
}

// errCancelled is a statement stopped by Ctrl-C in the shell.
var errCancelled = errors.New("cancelled (Ctrl-C)")

// interruptible runs one statement that Ctrl-C (a signal on interrupts)
// cancels, leaving the shell at its prompt.
func (r *sqlRunner) interruptible(ctx context.Context, interrupts <-chan os.Signal, q string) error {
	for len(interrupts) > 0 { // a Ctrl-C from before this statement
		<-interrupts
	}
	qctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-interrupts:
			cancel()
		case <-done:
		}
	}()
	err := r.run(qctx, q)
	if err != nil && qctx.Err() != nil && ctx.Err() == nil {
		return errCancelled
	}
	return err
}

// interruptCatcher receives Ctrl-C for the shell instead of the program.
type interruptCatcher struct{ c chan os.Signal }

// catchInterrupts takes SIGINT from the program's context (main cancels
// everything on it) for the shell: on a terminal, Ctrl-C at the prompt is
// read by the line editor, and Ctrl-C during a statement cancels only that
// statement. SIGTERM still stops the program.
func catchInterrupts() *interruptCatcher {
	// Ignore undoes every earlier Notify for SIGINT, main's included;
	// Notify then routes it to the shell alone.
	signal.Ignore(os.Interrupt)
	c := make(chan os.Signal, 1)
	signal.Notify(c, os.Interrupt)
	return &interruptCatcher{c: c}
}

// close gives SIGINT back its default action: the shell is ending.
func (ic *interruptCatcher) close() {
	signal.Stop(ic.c)
	signal.Reset(os.Interrupt)
}

// lineReader returns a function reading one line with a prompt, and
// whether it reads from a terminal.
func (r *sqlRunner) lineReader(db *sql.DB) (func(prompt string) (string, error), func(), bool, error) {
	in, isFile := r.m.Stdin.(*os.File)
	if !isFile || !term.IsTerminal(int(in.Fd())) {
		sc := bufio.NewScanner(r.m.Stdin)
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		return func(string) (string, error) {
			if sc.Scan() {
				return sc.Text(), nil
			}
			if err := sc.Err(); err != nil {
				return "", err
			}
			return "", io.EOF
		}, func() {}, false, nil
	}
	home, _ := os.UserHomeDir()
	rl, err := readline.NewEx(&readline.Config{
		Prompt:          "precedent> ",
		HistoryFile:     filepath.Join(home, ".precedent_history"),
		AutoComplete:    r.completer(db),
		InterruptPrompt: "^C",
		EOFPrompt:       ".quit",
	})
	if err != nil {
		return nil, nil, false, err
	}
	fmt.Fprintln(r.m.Stdout, "Precedent SQL (read-only). End statements with ';'. Ctrl-C cancels a running statement; .help for commands.")
	return func(prompt string) (string, error) {
		rl.SetPrompt(prompt)
		return rl.Readline()
	}, func() { rl.Close() }, true, nil
}

// completer completes dot commands and table names.
func (r *sqlRunner) completer(db *sql.DB) readline.AutoCompleter {
	var names []readline.PrefixCompleterInterface
	if rows, err := db.Query("SELECT table_name FROM duckdb_tables() UNION SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY 1"); err == nil {
		for rows.Next() {
			var n string
			if rows.Scan(&n) == nil {
				names = append(names, readline.PcItem(n))
			}
		}
		rows.Close()
	}
	return readline.NewPrefixCompleter(
		readline.PcItem(".tables"), readline.PcItem(".schema", names...), readline.PcItem(".models"),
		readline.PcItem(".format", readline.PcItem("table"), readline.PcItem("csv"), readline.PcItem("json")),
		readline.PcItem(".help"), readline.PcItem(".quit"),
	)
}

const shellHelp = `.tables          list tables: sources, models by layer, ledgers
.schema NAME     columns of a table with their types and documentation
.models          every model with its grain, rows, tests and dependencies
.format FORMAT   table, csv or json
.quit            leave (also .exit or Ctrl-D)
Ctrl-C cancels the running statement, or clears the line at the prompt.
Statements end with ';' and may span lines. Everything is read-only.`

// dotCommand runs one shell command and reports whether to quit.
func (r *sqlRunner) dotCommand(ctx context.Context, db *sql.DB, line string) bool {
	fields := strings.Fields(line)
	out := r.m.Stdout
	var err error
	switch fields[0] {
	case ".quit", ".exit":
		return true
	case ".help":
		fmt.Fprintln(out, shellHelp)
	case ".tables":
		var rows *wh.Rows
		rows, err = r.lookup(ctx, `WITH t AS (
  SELECT t.table_name, coalesce(m.layer, CASE
      WHEN t.table_name IN ('quarantine', 'etl_files', 'etl_lake_files', 'etl_options', 'etl_runs', 'etl_run_entities', 'vendor_records') THEN 'ledger'
      WHEN t.table_name IN ('_models', '_model_columns', '_data_tests') THEN 'catalog'
      WHEN t.table_name LIKE '\_%' ESCAPE '\' OR t.table_name IN ('precedent_settings', 'discount_policy', 'vague_phrases', 'risk_weights') THEN 'settings'
      ELSE 'source' END) AS kind
  FROM (SELECT table_name FROM duckdb_tables() UNION ALL SELECT view_name FROM duckdb_views() WHERE NOT internal) t
  LEFT JOIN _models m ON m.name = t.table_name)
SELECT kind, string_agg(table_name, ', ' ORDER BY table_name) AS tables FROM t GROUP BY kind
ORDER BY list_position(['source', 'staging', 'intermediate', 'marts', 'user', 'ledger', 'catalog', 'settings'], kind)`)
		if err == nil {
			err = r.print(rows)
		}
	case ".schema":
		if len(fields) != 2 {
			fmt.Fprintln(out, "usage: .schema NAME")
			return false
		}
		err = r.schema(ctx, fields[1])
	case ".models":
		var cat catalog
		if cat, err = readCatalog(ctx, db); err == nil {
			err = cat.writeList(out)
		}
	case ".format":
		if len(fields) == 2 && (fields[1] == "table" || fields[1] == "csv" || fields[1] == "json") {
			r.format = fields[1]
		} else {
			fmt.Fprintln(out, "usage: .format table|csv|json")
		}
	default:
		fmt.Fprintf(out, "unknown command %s (.help lists them)\n", fields[0])
	}
	if err != nil {
		fmt.Fprintln(out, "error:", err)
	}
	return false
}

func (r *sqlRunner) schema(ctx context.Context, name string) error {
	rows, err := r.lookup(ctx, `SELECT c.column_name, c.data_type, coalesce(mc.description, '') AS description
FROM duckdb_columns() c LEFT JOIN _model_columns mc ON mc.model = c.table_name AND mc.column_name = c.column_name
WHERE c.table_name = ? ORDER BY c.column_index`, name)
	if err != nil {
		return err
	}
	if len(rows.Values) == 0 {
		return fmt.Errorf("no table named %s", name)
	}
	return writeRows(r.m.Stdout, rows, "table")
}

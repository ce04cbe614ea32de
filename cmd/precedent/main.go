// Command precedent is Precedent's one binary: it generates sample data,
// loads sources into the warehouse, answers SQL, serves the dashboard and
// runs the schedules. This package only wires the other packages together.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/precedent-dev/precedent/cmd/precedent/config"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := NewMain()
	if err := m.Run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(m.Stderr, "precedent:", err)
		os.Exit(1)
	}
}

// Main is the program, with its inputs and outputs, so tests can run it
// whole in-process.
type Main struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Now    func() time.Time

	configPath string
	asOf       string
	verbose    bool
	config     config.Config
	logger     *slog.Logger
}

// NewMain returns a Main on the process's standard streams.
func NewMain() *Main {
	return &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Now: time.Now}
}

// Run parses args and runs the command they name.
func (m *Main) Run(ctx context.Context, args []string) error {
	root := &cobra.Command{
		Use:           "precedent",
		Short:         "Quote-to-cash analytics: what you sold, and what it costs you later",
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			return m.setup(cmd)
		},
	}
	root.SetArgs(args)
	root.SetIn(m.Stdin)
	root.SetOut(m.Stdout)
	root.SetErr(m.Stderr)
	pf := root.PersistentFlags()
	pf.StringVar(&m.configPath, "config", "", "configuration file (default $PRECEDENT_CONFIG or ./"+config.DefaultPath+")")
	pf.StringVar(&m.asOf, "as-of", "", "as-of date YYYY-MM-DD (default: the config's as_of, else today)")
	pf.BoolVarP(&m.verbose, "verbose", "v", false, "log debug detail")
	root.AddCommand(
		m.generateCommand(),
		m.etlCommand(),
		m.pullCommand(),
		m.sqlCommand(),
		m.modelsCommand(),
		m.configCommand(),
		m.serveCommand(),
		m.reportCommand(),
		m.runCommand(),
		m.userCommand(),
		m.doctorCommand(),
		m.sourcesCommand(),
	)
	return root.ExecuteContext(ctx)
}

// setup loads the configuration and configures logging, once per run.
func (m *Main) setup(cmd *cobra.Command) error {
	path, explicit := m.configPath, m.configPath != ""
	if !explicit {
		if env := os.Getenv("PRECEDENT_CONFIG"); env != "" {
			path, explicit = env, true
		} else {
			path = config.DefaultPath
		}
	}
	c, err := config.Load(path, explicit)
	if err != nil {
		return err
	}
	if m.asOf != "" {
		c.AsOf = m.asOf
		if err := c.Validate(); err != nil {
			return fmt.Errorf("--as-of: %w", err)
		}
	}
	if f := cmd.Flags().Lookup("data"); f != nil && f.Changed {
		c.Data = f.Value.String()
	}
	if c.ModelsDir == "" {
		// Analysts' models live with the data they build on.
		c.ModelsDir = wh.Dir(c.Data).Models()
	}
	m.config = c
	level := slog.LevelInfo
	if m.verbose {
		level = slog.LevelDebug
	}
	m.logger = slog.New(slog.NewTextHandler(m.Stderr, &slog.HandlerOptions{Level: level}))
	slog.SetDefault(m.logger)
	return nil
}

// dataDir is the data directory the command works on.
func (m *Main) dataDir() wh.Dir { return wh.Dir(m.config.Data) }

// duckdb is the DuckDB budget from the configuration.
func (m *Main) duckdb() wh.Settings {
	return wh.Settings{Threads: m.config.DuckDB.Threads, MemoryLimit: m.config.DuckDB.MemoryLimit, TempDir: m.config.DuckDB.TempDirectory, ModelBuilds: m.config.DuckDB.ModelBuilds}
}

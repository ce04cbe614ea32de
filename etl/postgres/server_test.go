package postgres_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// pgBin finds the directory of PostgreSQL's initdb: on the PATH, or where
// Debian's postgresql package installs it.
func pgBin() string {
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p)
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(matches) > 0 {
		return filepath.Dir(matches[len(matches)-1])
	}
	return ""
}

// startPostgres starts a throwaway PostgreSQL cluster listening on a unix
// socket only, stopped when tb ends, and returns its DSN (user postgres,
// trust authentication). It skips tb when PostgreSQL is not installed. As
// root (which initdb refuses), the cluster runs as the postgres user.
func startPostgres(tb testing.TB) string {
	tb.Helper()
	bin := pgBin()
	if bin == "" {
		tb.Skip("PostgreSQL is not installed (no initdb on the PATH or in /usr/lib/postgresql/*/bin): apt-get install -y postgresql")
	}
	dir, err := os.MkdirTemp("", "precedent-pg-")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { os.RemoveAll(dir) })
	var runAs []string
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			tb.Skip("running as root, and there is no postgres user to run PostgreSQL as")
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			tb.Fatal(err)
		}
		runAs = []string{"runuser", "-u", "postgres", "--"}
	}
	run := func(name string, args ...string) {
		tb.Helper()
		argv := append(append(runAs, filepath.Join(bin, name)), args...)
		out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput()
		if err != nil {
			tb.Fatalf("%s: %v\n%s", name, err, out)
		}
	}
	pgdata := filepath.Join(dir, "data")
	run("initdb", "-D", pgdata, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C")
	opts := fmt.Sprintf("-c listen_addresses='' -c unix_socket_directories=%s -c fsync=off -c shared_buffers=32MB", dir)
	run("pg_ctl", "-D", pgdata, "-l", filepath.Join(dir, "log"), "-o", opts, "-w", "start")
	tb.Cleanup(func() {
		argv := append(append(runAs, filepath.Join(bin, "pg_ctl")), "-D", pgdata, "-m", "immediate", "stop")
		exec.Command(argv[0], argv[1:]...).Run()
	})
	return fmt.Sprintf("host=%s port=5432 user=postgres dbname=postgres sslmode=disable", dir)
}

// connect opens a connection for the test's own statements.
func connect(tb testing.TB, dsn string) *pgx.Conn {
	tb.Helper()
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// exec runs statements, failing tb on an error.
func execSQL(tb testing.TB, conn *pgx.Conn, stmts ...string) {
	tb.Helper()
	for _, q := range stmts {
		if _, err := conn.Exec(context.Background(), q); err != nil {
			tb.Fatalf("%s: %v", q, err)
		}
	}
}

// fivetranTypes are the column types of Fivetran's tables that change how
// PostgreSQL prints a value: the sync time and the deletion flags.
var fivetranTypes = map[string]string{
	"_fivetran_synced":  "timestamptz",
	"_fivetran_deleted": "boolean",
	"is_deleted":        "boolean",
}

// airbyteTypes are the column types Airbyte's PostgreSQL destination gives
// its metadata columns (docs/integrations/destinations/postgres.md in
// airbytehq/airbyte, "Output Schema (Direct Load)") and the layout's
// timestamps, booleans and JSON (its "Final Tables Data type mapping"). The
// layout writes numbers as a DECIMAL(38,9) prints them, so they stay text.
var airbyteTypes = map[string]string{
	"_airbyte_raw_id": "varchar", "_airbyte_extracted_at": "timestamptz", "_airbyte_meta": "jsonb", "_airbyte_generation_id": "bigint",
	"IsDeleted": "boolean", "IsWon": "boolean", "IsClosed": "boolean", "IsActive": "boolean", "SBQQ__Renewal__c": "boolean",
	"Auto_Renew__c": "boolean", "Side_Letter__c": "boolean", "is_deleted": "boolean", "proration": "boolean",
	"CreatedDate": "timestamptz", "LastModifiedDate": "timestamptz", "created_at": "timestamptz", "updated_at": "timestamptz",
	"metadata": "jsonb", "status_transitions": "jsonb", "period": "jsonb", "price": "jsonb",
	"via": "jsonb", "tags": "jsonb", "domain_names": "jsonb", "events": "jsonb",
}

// loadTables creates one table per CSV file of folder dir/<vendor> in
// schema schemas[vendor], as a connector would: every column text but
// those types names, then copies the file in.
func loadTables(tb testing.TB, conn *pgx.Conn, dir string, schemas, types map[string]string) {
	tb.Helper()
	ctx := context.Background()
	for vendor, schema := range schemas {
		execSQL(tb, conn, "CREATE SCHEMA "+pgx.Identifier{schema}.Sanitize())
		files, _ := filepath.Glob(filepath.Join(dir, vendor, "*.csv"))
		if len(files) == 0 {
			tb.Fatalf("no CSV files in %s", filepath.Join(dir, vendor))
		}
		for _, path := range files {
			f, err := os.Open(path)
			if err != nil {
				tb.Fatal(err)
			}
			header, err := bufio.NewReader(f).ReadString('\n')
			if err != nil {
				tb.Fatal(err)
			}
			var cols []string
			for _, c := range strings.Split(strings.TrimSpace(header), ",") {
				typ := "text"
				if t, ok := types[c]; ok {
					typ = t
				}
				cols = append(cols, pgx.Identifier{c}.Sanitize()+" "+typ)
			}
			tbl := pgx.Identifier{schema, strings.TrimSuffix(filepath.Base(path), ".csv")}.Sanitize()
			execSQL(tb, conn, "CREATE TABLE "+tbl+" ("+strings.Join(cols, ", ")+")")
			if _, err := f.Seek(0, 0); err != nil {
				tb.Fatal(err)
			}
			if _, err := conn.PgConn().CopyFrom(ctx, f, "COPY "+tbl+" FROM STDIN WITH (FORMAT csv, HEADER true)"); err != nil {
				tb.Fatalf("copy %s: %v", path, err)
			}
			f.Close()
		}
	}
}

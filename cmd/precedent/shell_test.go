//go:build unix

package main

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
)

// TestSQLShellInterrupt runs the built binary's shell under a
// pseudo-terminal: Ctrl-C during a long statement cancels that statement
// only, and the shell answers the next one; Ctrl-C at the prompt clears
// the line; .quit leaves with status 0.
func TestSQLShellInterrupt(t *testing.T) {
	bin := buildBinary(t)
	_, cfg := loaded(t)
	cmd := exec.Command(bin, "sql", "--config", cfg, "--timeout", "10m")
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir(), "TERM=dumb")
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 200})
	if err != nil {
		t.Fatal(err)
	}
	defer tty.Close()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer cmd.Process.Kill()

	var mu sync.Mutex
	var out bytes.Buffer
	go func() {
		b := make([]byte, 4096)
		for {
			n, err := tty.Read(b)
			mu.Lock()
			out.Write(b[:n])
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	// waitFor waits until the output after from holds want, and returns
	// where it ends.
	waitFor := func(from int, want string) int {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for time.Now().Before(deadline) {
			mu.Lock()
			s := out.String()
			mu.Unlock()
			if i := strings.Index(s[from:], want); i >= 0 {
				return from + i + len(want)
			}
			select {
			case err := <-exited:
				t.Fatalf("shell exited (%v) before printing %q:\n%s", err, want, s)
			case <-time.After(20 * time.Millisecond):
			}
		}
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("no %q within a minute:\n%s", want, out.String())
		return 0
	}
	send := func(s string) {
		t.Helper()
		if _, err := tty.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
	}

	at := waitFor(0, "precedent> ")
	send("SELECT sum(a.range) AS s FROM range(10000000000) a;\r")
	at = waitFor(at, "range(10000000000) a;")
	time.Sleep(500 * time.Millisecond) // the statement is running
	start := time.Now()
	send("\x03")
	at = waitFor(at, "cancelled (Ctrl-C)")
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("cancelling took %s", d)
	}
	at = waitFor(at, "precedent> ")
	send("SELECT 41 + 1 AS answer;\r")
	at = waitFor(at, "42")
	at = waitFor(at, "precedent> ")
	send("SELECT 'half a line'\x03") // Ctrl-C at the prompt clears the line
	at = waitFor(at, "precedent> ")
	send("SELECT 'after' AS word;\r")
	at = waitFor(at, "after")
	waitFor(at, "precedent> ")
	send(".quit\r")
	select {
	case err := <-exited:
		if err != nil {
			mu.Lock()
			defer mu.Unlock()
			t.Fatalf("shell exit: %v\n%s", err, out.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("shell did not leave on .quit")
	}
}

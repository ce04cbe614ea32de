package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// prepare generates and loads a company of the given scale under dir,
// unless a previous run left one made with the same arguments by the same
// binary (a new binary may build other models).
func prepare(ctx context.Context, bin, dir, scale string, seed int, asOf string) (string, error) {
	source, data := filepath.Join(dir, "source"), filepath.Join(dir, "data")
	fi, err := os.Stat(bin)
	if err != nil {
		return "", err
	}
	stamp := fmt.Sprintf("generate --scale %s --seed %d --as-of %s\nbinary %d bytes, %s\n", scale, seed, asOf, fi.Size(), fi.ModTime().UTC().Format(time.RFC3339Nano))
	ready := filepath.Join(dir, "ready")
	if b, err := os.ReadFile(ready); err == nil && string(b) == stamp {
		return data, nil
	}
	if err := os.RemoveAll(dir); err != nil {
		return "", err
	}
	for _, args := range [][]string{
		{"generate", "--out", source, "--scale", scale, "--seed", strconv.Itoa(seed), "--as-of", asOf},
		{"etl", "--source", source, "--data", data, "--as-of", asOf},
	} {
		start := time.Now()
		cmd := exec.CommandContext(ctx, bin, args...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			return "", fmt.Errorf("%s %s: %w\n%s", bin, strings.Join(args, " "), err, out)
		}
		logf("%s %s (%.1fs)", filepath.Base(bin), strings.Join(args, " "), time.Since(start).Seconds())
	}
	return data, os.WriteFile(ready, []byte(stamp), 0o644)
}

// server is a `precedent serve` child process.
type server struct {
	cmd *exec.Cmd
	URL string
}

var servingRe = regexp.MustCompile(`serving (https?://\S+)`)

// startServer starts `precedent serve` on a free loopback port, with env
// added to this process's environment, reads its address from its first
// line and waits until /readyz answers 200.
func startServer(ctx context.Context, bin, data, logFile string, env []string) (*server, error) {
	cmd := exec.Command(bin, "serve", "--data", data, "--addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), env...)
	log, err := os.Create(logFile)
	if err != nil {
		return nil, err
	}
	cmd.Stderr = log
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd}
	lines := bufio.NewScanner(stdout)
	if lines.Scan() {
		if m := servingRe.FindStringSubmatch(lines.Text()); m != nil {
			s.URL = m[1]
		}
	}
	go func() {
		for lines.Scan() {
			fmt.Fprintln(log, lines.Text())
		}
	}()
	if s.URL == "" {
		s.stop()
		return nil, fmt.Errorf("precedent serve did not say where it listens; see %s", logFile)
	}
	for deadline := time.Now().Add(30 * time.Second); ; {
		resp, err := http.Get(s.URL + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			s.stop()
			return nil, errors.Join(fmt.Errorf("precedent serve not ready after 30s; see %s", logFile), err, ctx.Err())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// stop interrupts the server (a graceful shutdown) and waits for it; it
// kills it after ten seconds.
func (s *server) stop() error {
	s.cmd.Process.Signal(os.Interrupt)
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
		return fmt.Errorf("precedent serve did not stop after SIGINT; killed: %w", <-done)
	}
}

// cpu returns the CPU time the server process has used so far, or -1 when
// it cannot be read (not Linux).
func (s *server) cpu() time.Duration { return processCPU(s.cmd.Process.Pid) }

// ticks is USER_HZ, the unit of /proc's CPU times on Linux.
const ticks = 100

// processCPU returns the CPU time process pid has used so far, or -1.
func processCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return -1
	}
	// The fields after the command name, which is in parentheses.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return -1
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return -1
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return -1
	}
	return time.Duration(utime+stime) * time.Second / ticks
}

// machineCPU returns the CPU time all processes have used so far (user,
// nice, system and interrupts; not idle or stolen), or -1.
func machineCPU() time.Duration {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return -1
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 8 || f[0] != "cpu" {
		return -1
	}
	var busy int64
	for _, i := range []int{1, 2, 3, 6, 7} { // user nice system irq softirq
		n, err := strconv.ParseInt(f[i], 10, 64)
		if err != nil {
			return -1
		}
		busy += n
	}
	return time.Duration(busy) * time.Second / ticks
}

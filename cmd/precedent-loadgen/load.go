package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"slices"
	"sync"
	"time"
)

// result is what one target answered during one measured phase.
type result struct {
	Requests  int
	Errors    int
	FirstErr  string
	Elapsed   time.Duration
	Latencies []time.Duration // sorted
	Bytes     int64
}

// RPS is completed requests per second.
func (r result) RPS() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// Quantile returns the q-quantile of the latencies (nearest rank).
func (r result) Quantile(q float64) time.Duration {
	n := len(r.Latencies)
	if n == 0 {
		return 0
	}
	i := int(q*float64(n)+0.5) - 1
	return r.Latencies[max(0, min(n-1, i))]
}

// load runs clients concurrent closed-loop clients, each sending GET url
// one request after another, for d, and measures every request that
// started before the deadline. A request fails on a transport error or any
// status other than 200.
func load(ctx context.Context, client *http.Client, url string, clients int, d time.Duration) result {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type worker struct {
		lat      []time.Duration
		errors   int
		firstErr string
		bytes    int64
	}
	workers := make([]worker, clients)
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for i := range workers {
		w := &workers[i]
		wg.Go(func() {
			for time.Now().Before(deadline) && ctx.Err() == nil {
				t0 := time.Now()
				n, err := get(ctx, client, url)
				w.lat = append(w.lat, time.Since(t0))
				w.bytes += n
				if err != nil {
					w.errors++
					if w.firstErr == "" {
						w.firstErr = err.Error()
					}
				}
			}
		})
	}
	wg.Wait()
	res := result{Elapsed: time.Since(start)}
	for _, w := range workers {
		res.Latencies = append(res.Latencies, w.lat...)
		res.Errors += w.errors
		res.Bytes += w.bytes
		if res.FirstErr == "" {
			res.FirstErr = w.firstErr
		}
	}
	res.Requests = len(res.Latencies)
	slices.Sort(res.Latencies)
	return res
}

// get fetches url and reads the whole body, as a browser would.
func get(ctx context.Context, client *http.Client, url string) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	if err != nil {
		return n, err
	}
	if resp.StatusCode != http.StatusOK {
		return n, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return n, nil
}

// newClient is an HTTP client that keeps one connection per client open
// and, like a browser, keeps the cookies it is given (the CSRF cookie).
func newClient(clients int) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = clients * 2
	tr.MaxIdleConnsPerHost = clients * 2
	jar, _ := cookiejar.New(nil)
	return &http.Client{Transport: tr, Jar: jar, Timeout: 30 * time.Second}
}

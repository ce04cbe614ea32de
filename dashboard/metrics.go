package dashboard

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/precedent-dev/precedent/etl/runlog"
)

// metrics is what /metrics exposes to Prometheus: request latency, and
// from the run log the last ETL run that published (success or warning)
// and its rows.
type metrics struct {
	registry *prometheus.Registry
	latency  *prometheus.HistogramVec
	http     http.Handler // serves the registry
}

func newMetrics(s *Server) *metrics {
	m := &metrics{registry: prometheus.NewRegistry()}
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "precedent_http_request_duration_seconds",
		Help:    "Time to answer HTTP requests, by route, method and status code.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"route", "method", "code"})
	lastETL := func(f func(runlog.Record) float64) func() float64 {
		return func() float64 {
			r, ok, err := s.runlog.LastSuccess("etl")
			if err != nil || !ok {
				return 0
			}
			return f(r)
		}
	}
	m.registry.MustRegister(
		m.latency,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "precedent_etl_last_success_timestamp_seconds", Help: "When the last ETL run that published (success or warning) ended (Unix seconds; 0 if none)."},
			lastETL(func(r runlog.Record) float64 { return float64(r.EndedAt.Unix()) })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "precedent_etl_last_rows_loaded", Help: "Rows the last ETL run that published loaded."},
			lastETL(func(r runlog.Record) float64 { return float64(detailOf(r).Loaded) })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "precedent_etl_last_rows_quarantined", Help: "Rows the last ETL run that published quarantined."},
			lastETL(func(r runlog.Record) float64 { return float64(detailOf(r).Quarantined) })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "precedent_warehouse_generation", Help: "The warehouse generation being served (0 if none)."},
			func() float64 { g, _ := s.wh.current(); return float64(g.ID) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "precedent_warehouse_age_seconds", Help: "Seconds since the served generation was published."},
			func() float64 {
				g, ok := s.wh.current()
				if !ok {
					return 0
				}
				return time.Since(g.PublishedAt).Seconds()
			}),
		newRunCollector(s.runlog),
	)
	m.http = promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
	return m
}

func (m *metrics) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		code := c.Response().Status
		if he, ok := err.(*echo.HTTPError); ok && !c.Response().Committed {
			code = he.Code
		}
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		m.latency.WithLabelValues(route, c.Request().Method, strconv.Itoa(code)).Observe(time.Since(start).Seconds())
		return err
	}
}

func (m *metrics) handler(c echo.Context) error {
	m.http.ServeHTTP(c.Response(), c.Request())
	return nil
}

// runCollector counts runs by kind and status from the run log at each scrape.
type runCollector struct {
	log  *runlog.Log
	desc *prometheus.Desc
}

func newRunCollector(l *runlog.Log) *runCollector {
	return &runCollector{log: l, desc: prometheus.NewDesc("precedent_runs", "Runs in the run log, by kind and status.", []string{"kind", "status"}, nil)}
}

func (r *runCollector) Describe(ch chan<- *prometheus.Desc) { ch <- r.desc }

func (r *runCollector) Collect(ch chan<- prometheus.Metric) {
	runs, err := r.log.Runs("")
	if err != nil {
		return
	}
	counts := map[[2]string]int{}
	for _, run := range runs {
		counts[[2]string{run.Kind, run.Status}]++
	}
	for k, n := range counts {
		ch <- prometheus.MustNewConstMetric(r.desc, prometheus.GaugeValue, float64(n), k[0], k[1])
	}
}

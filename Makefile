# Precedent: quote-to-cash analytics warehouse.
# `make run` builds, makes demo data, loads it and starts the dashboard;
# `make test` runs every test. See README.md.

GO         ?= go
# Optional: Parquet exports through DuckDB's Arrow interface (TAGS= for none).
TAGS       ?= duckdb_arrow
BIN        ?= bin/precedent
DATA       ?= data
DEMO_SCALE ?= 1
DEMO_SEED  ?= 42
ADDR       ?= 127.0.0.1:8080
BENCH_SCALE ?= 1 10

export CGO_ENABLED = 1

.PHONY: all build run test test-short fuzz bench bench-serve screenshots lint clean

all: build

build:
	$(GO) build -tags $(TAGS) -o $(BIN) ./cmd/precedent

# Build, generate demo data when absent, load it, then serve it.
run: build
	@test -d $(DATA)/demo || ./$(BIN) generate --out $(DATA)/demo --scale $(DEMO_SCALE) --seed $(DEMO_SEED)
	./$(BIN) etl --source $(DATA)/demo --data $(DATA)
	./$(BIN) serve --data $(DATA) --addr $(ADDR)

# Every test with the tag (TAGS= for none); then the plain build, which
# writes Parquet exports without DuckDB's Arrow interface, vetted and its
# Parquet tests run, so go install and editors keep working.
test:
	$(GO) test -tags "$(TAGS)" -count=1 -timeout 40m ./...
	$(GO) vet ./...
	$(GO) test -count=1 -run 'Parquet|Analyst' ./etl/warehouse/

# The fuzz targets: the row validator, the analysts' statement allow-list
# and the HTTP filters, each for FUZZTIME (FUZZTIME=5m for longer).
FUZZTIME ?= 60s
fuzz:
	$(GO) test -tags $(TAGS) ./dashboard -run '^$$' -fuzz FuzzSafeNext -fuzztime $(FUZZTIME)
	$(GO) test -tags $(TAGS) ./dashboard -run '^$$' -fuzz FuzzParseFilters -fuzztime $(FUZZTIME)
	$(GO) test -tags $(TAGS) ./dashboard -run '^$$' -fuzz FuzzAllowedHost -fuzztime $(FUZZTIME)
	$(GO) test -tags $(TAGS) ./etl -run '^$$' -fuzz FuzzValidateRow -fuzztime $(FUZZTIME)
	$(GO) test -tags $(TAGS) ./etl/warehouse -run '^$$' -fuzz FuzzCheck -fuzztime $(FUZZTIME)

bench: build
	$(GO) run -tags $(TAGS) ./cmd/precedent-bench --bin $(BIN) --scales "$(BENCH_SCALE)"

# The dashboard under load (docs/benchmarks.md, "Dashboard under load"): for
# each scale, generate and load a company (kept in data/bench-serve), start
# precedent serve on it, and run BENCH_SERVE_CLIENTS concurrent clients for
# BENCH_SERVE_DURATION on each of three requests; BENCH_SERVE_RUNS fresh
# servers per scale, medians in a Markdown table.
BENCH_SERVE_SCALES   ?= 1 10
BENCH_SERVE_RUNS     ?= 3
BENCH_SERVE_DURATION ?= 30s
BENCH_SERVE_CLIENTS  ?= 32
bench-serve: build
	$(GO) run ./cmd/precedent-loadgen --bin $(BIN) --work $(DATA)/bench-serve --scales "$(BENCH_SERVE_SCALES)" \
		--runs $(BENCH_SERVE_RUNS) --duration $(BENCH_SERVE_DURATION) --clients $(BENCH_SERVE_CLIENTS)

# Screenshots of every page at 1440 and 390 px into docs/screenshots (linked
# from the README): generate and load a small company as of a fixed date,
# serve it on SHOTS_ADDR, capture each page in Debian's chromium (headless),
# then stop the server.
SHOTS_DATA  ?= data/screenshots
SHOTS_ADDR  ?= 127.0.0.1:8091
SHOTS_AS_OF ?= 2026-11-26
screenshots: build
	rm -rf $(SHOTS_DATA)
	./$(BIN) generate --out $(SHOTS_DATA)/demo --scale 1 --seed $(DEMO_SEED) --as-of $(SHOTS_AS_OF)
	./$(BIN) etl --source $(SHOTS_DATA)/demo --data $(SHOTS_DATA) --as-of $(SHOTS_AS_OF)
	./$(BIN) serve --data $(SHOTS_DATA) --addr $(SHOTS_ADDR) >$(SHOTS_DATA)/serve.log 2>&1 & pid=$$!; \
	for i in $$(seq 100); do curl -fsS -o /dev/null http://$(SHOTS_ADDR)/readyz && break; sleep 0.2; done; \
	$(GO) run -tags $(TAGS) ./cmd/precedent-screenshots --url http://$(SHOTS_ADDR) --out docs/screenshots; rc=$$?; \
	kill $$pid; wait $$pid; exit $$rc

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet -tags $(TAGS) ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 -tags $(TAGS) ./...

clean:
	rm -rf bin test-output

# Precedent: quote-to-cash analytics warehouse.
# `make run` builds, makes demo data, loads it and starts the dashboard;
# `make test` runs every test. See README.md.

GO         ?= go
TAGS       ?= duckdb_arrow
BIN        ?= bin/precedent
DATA       ?= data
DEMO_SCALE ?= 1
DEMO_SEED  ?= 42
ADDR       ?= 127.0.0.1:8080
BENCH_SCALE ?= 1 10

export CGO_ENABLED = 1

.PHONY: all build run test test-short fuzz bench lint clean

all: build

build:
	$(GO) build -tags $(TAGS) -o $(BIN) ./cmd/precedent

# Build, generate demo data when absent, load it, then serve it.
run: build
	@test -d $(DATA)/demo || ./$(BIN) generate --out $(DATA)/demo --scale $(DEMO_SCALE) --seed $(DEMO_SEED)
	./$(BIN) etl --source $(DATA)/demo --data $(DATA)
	./$(BIN) serve --data $(DATA) --addr $(ADDR)

test:
	$(GO) test -tags $(TAGS) -count=1 -timeout 40m ./...

# The fuzz target of the row validator; FUZZTIME=5m for longer.
FUZZTIME ?= 60s
fuzz:
	$(GO) test -tags $(TAGS) ./etl -run '^$$' -fuzz FuzzValidateRow -fuzztime $(FUZZTIME)

bench: build
	$(GO) run -tags $(TAGS) ./cmd/precedent-bench --bin $(BIN) --scales "$(BENCH_SCALE)"

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet -tags $(TAGS) ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 -tags $(TAGS) ./...

clean:
	rm -rf bin test-output

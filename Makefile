# shnor-kg: `make run` serves the sample acts on http://127.0.0.1:5000, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ASSETS := server/static/vendor/.installed
DATA_DIR ?= var/kg

.PHONY: run test venv assets bench bench-large lint clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

# Browser libraries come from the npm registry (package-lock.json), never from a CDN.
$(ASSETS): package.json package-lock.json scripts/vendor.sh
	@if command -v npm >/dev/null 2>&1; then sh scripts/vendor.sh; \
	else echo "npm not found: the pages will run without their browser libraries"; fi

assets: $(ASSETS)

run: $(STAMP) $(ASSETS)
	$(BIN)/shnor-kg --data-dir $(DATA_DIR) ingest examples/
	$(BIN)/shnor-kg --data-dir $(DATA_DIR) serve

test: $(STAMP) $(ASSETS)
	$(BIN)/python -m pytest

# Benchmarks (issue 13, docs/benchmarks.md): the `bench` extra adds matplotlib, psutil, py-spy.
BENCH_STAMP := $(VENV)/.bench-installed

$(BENCH_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python -m bench.run --scale small

bench-large: $(BENCH_STAMP)
	$(BIN)/python -m bench.run --scale large
	$(BIN)/python -m bench.load --acts 1000 --seconds 60 --clients 32

clean:
	rm -rf $(VENV) var node_modules server/static/vendor

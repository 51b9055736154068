# Two commands on a fresh machine: `make demo` and `make test`. Both create .venv on first use and reuse it after.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
UV_VERSION := $(shell grep -E '^uv==' constraints.txt | cut -d= -f3)

.PHONY: install chromium postgresql demo test lint bench dashboard clean

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)" 2>/dev/null \
		|| $(BIN)/python -m pip install --quiet "uv==$(UV_VERSION)"
	# Bytecode compiled at install: without it every dlt/dbt/Prefect process recompiles ~1,800 modules.
	$(BIN)/uv pip install --python $(BIN)/python --compile-bytecode --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

demo: install
	$(BIN)/feedback-warehouse demo

# the dashboard browser test drives Debian's chromium through Playwright (it never downloads a browser)
chromium:
	@test -x /usr/bin/chromium || { apt-get update -qq && apt-get install -y -qq chromium; }

# the PostgreSQL tests start a throwaway cluster from Debian's binaries (never the system's own server)
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq postgresql; }

# random order (pytest-randomly; the seed is printed, `--randomly-seed=N` replays it), one worker per core
# (pytest-xdist; tests sharing the demo or Prefect's test server stay on one worker: tests/conftest.py)
test: install chromium postgresql
	$(BIN)/python -m pytest -n auto --dist loadgroup

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# the quick preset (~15 min); `make bench BENCH_ARGS=--full` for the issue's sizes (see benchmarks/README.md)
bench: install
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

dashboard: install
	$(BIN)/feedback-warehouse dashboard

clean:
	rm -rf $(VENV) transforms/target transforms/logs transforms/dbt_packages .pytest_cache

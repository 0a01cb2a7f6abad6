# Jumin developer targets. See docs/testing.md for how `make test` runs the suite twice.
#
#   make demo       virtualenv + migrate + demo data (once) + demo users, then serve 127.0.0.1:8000
#   make test       whole suite on SQLite, then the database tests again on PostgreSQL
#   make bench      benchmarks (python -m bench)
#   make lint       ruff, when installed
#   make clean-db   remove the embedded SQLite database under var/

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
VPY := $(VENV)/bin/python
JUMIN := $(VENV)/bin/jumin
STAMP := $(VENV)/.installed
VAR_DIR := $(or $(JUMIN_VAR_DIR),var)

# Extra pytest arguments for both passes, e.g. make test PYTEST_ARGS='-x -k seed'
PYTEST_ARGS ?=
DEMO_RESIDENTS ?= 2000
DEMO_SEED ?= 1
BENCH_ARGS ?=

export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help venv demo test test-sqlite test-postgres system-deps bench lint clean-db FORCE

help:
	@sed -n 's/^#   \(make .*\)/\1/p' $(firstword $(MAKEFILE_LIST))

# --- virtual environment -------------------------------------------------------------------
# Created from nothing with `python3 -m venv`, reused when present, and the project reinstalled
# only when pyproject.toml is newer than the stamp. A venv whose interpreter no longer runs (moved
# checkout, removed Python) is rebuilt.
ifeq ($(shell $(VPY) -c 'import sys' >/dev/null 2>&1 && echo ok),)
$(STAMP): FORCE
endif
$(STAMP): pyproject.toml
	@if ! $(VPY) -c 'import sys' >/dev/null 2>&1; then \
	    echo "==> creating $(VENV) with $$($(PYTHON) --version 2>&1)"; \
	    $(PYTHON) -m venv --clear $(VENV); \
	fi
	$(VPY) -m pip install --quiet -e '.[test]'
	@touch $@

venv: $(STAMP)

# --- demo ----------------------------------------------------------------------------------
# Every step is idempotent: migrate applies nothing new, seed does nothing when residents exist,
# createdemousers resets the demo accounts and prints the login.
demo: $(STAMP)
	$(JUMIN) migrate
	$(JUMIN) seed --residents $(DEMO_RESIDENTS) --seed $(DEMO_SEED) --if-empty
	$(JUMIN) createdemousers
	$(JUMIN) serve

# --- tests ---------------------------------------------------------------------------------
# Pass 1: every test, DATABASE_URL unset -> in-memory SQLite (postgres_only tests skipped).
# Pass 2: tests marked `database` (marked automatically by tests/conftest.py) on PostgreSQL at
#         DATABASE_URL (default below), when reachable. JUMIN_REQUIRE_POSTGRES=1 makes an
#         unreachable server a failure instead of a skip.
# Both passes always run; `make test` fails when either failed.
PG_DEFAULT_URL := postgresql://postgres@127.0.0.1:5432/jumin_test

test: $(STAMP) system-deps
	@sqlite=0; pg=0; \
	$(MAKE) --no-print-directory test-sqlite || sqlite=$$?; \
	$(MAKE) --no-print-directory test-postgres || pg=$$?; \
	echo; \
	echo "==> make test: SQLite pass $$([ $$sqlite = 0 ] && echo ok || echo FAILED)," \
	     "PostgreSQL pass $$([ $$pg = 0 ] && echo 'ok (or skipped, see above)' || echo FAILED)"; \
	[ $$sqlite = 0 ] && [ $$pg = 0 ]

system-deps:
	@scripts/system-deps.sh

test-sqlite: $(STAMP)
	@echo "==> pass 1/2: SQLite (in memory), all tests"
	env -u DATABASE_URL JUMIN_TEST_DB_VENDOR=sqlite $(VPY) -m pytest $(PYTEST_ARGS)

test-postgres: $(STAMP)
	@pg_url="$${DATABASE_URL:-$(PG_DEFAULT_URL)}"; \
	echo "==> pass 2/2: PostgreSQL, tests marked 'database'"; \
	reach=0; $(VPY) scripts/pg_reachable.py "$$pg_url" || reach=$$?; \
	if [ $$reach = 2 ]; then \
	    echo "==> PostgreSQL pass FAILED: DATABASE_URL must be a PostgreSQL URL (or unset)." >&2; \
	    exit 1; \
	elif [ $$reach != 0 ]; then \
	    if [ "$${JUMIN_REQUIRE_POSTGRES:-0}" = 1 ]; then \
	        echo "==> PostgreSQL pass FAILED: JUMIN_REQUIRE_POSTGRES=1 but PostgreSQL is not usable (see above)." >&2; \
	        exit 1; \
	    fi; \
	    echo "==> PostgreSQL pass SKIPPED: server not reachable; database tests ran on SQLite only." \
	         "Set JUMIN_REQUIRE_POSTGRES=1 to make this an error."; \
	    exit 0; \
	fi; \
	rc=0; \
	echo "+ DATABASE_URL=... JUMIN_TEST_DB_VENDOR=postgresql" $(VPY) -m pytest -m database $(PYTEST_ARGS); \
	DATABASE_URL="$$pg_url" JUMIN_TEST_DB_VENDOR=postgresql \
	    $(VPY) -m pytest -m database $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc = 5 ]; then \
	    echo "==> PostgreSQL pass: no database tests selected."; rc=0; \
	fi; \
	exit $$rc

# --- other ---------------------------------------------------------------------------------
bench: $(STAMP)
	$(VPY) -m bench $(BENCH_ARGS)

lint:
	@if $(VPY) -m ruff --version >/dev/null 2>&1; then \
	    $(VPY) -m ruff check src tests scripts bench; \
	elif command -v ruff >/dev/null 2>&1; then \
	    ruff check src tests scripts bench; \
	else \
	    echo "lint: ruff is not installed; skipping"; \
	fi

clean-db:
	rm -f $(VAR_DIR)/jumin.sqlite3 $(VAR_DIR)/jumin.sqlite3-wal $(VAR_DIR)/jumin.sqlite3-shm

FORCE:

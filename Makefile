# Waypoint development tasks. `make help` lists them; docs/development.md explains them.
#
# Every task but `clean` starts with `setup`, which brings a Debian 12 machine with Python 3.11 and
# pip to a working state and does nothing (quietly, without network) when everything is there.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
MAKEFLAGS += --no-print-directory
.DEFAULT_GOAL := help

PYTHON ?= python3
UV_VERSION := 0.13.9
VENV := .venv
WAYPOINT := $(VENV)/bin/waypoint
# `uv` on the PATH, else the copy pip installs for $(PYTHON) (found at the time a recipe runs).
UV = $(shell command -v uv 2>/dev/null || echo $(PYTHON) -m uv)

DEMO_INCIDENTS ?= 3000
DEMO_SEED ?= 1
PORT ?= 8000
TEST_ARGS ?=
BENCH_ARGS ?=
LANGUAGES := fr es ar ru zh_Hans

.PHONY: help setup demo test test-sqlite test-postgres bench lint messages clean

help:
	@echo "make setup          install system packages, uv and the virtualenv; compile translations"
	@echo "make demo           demo database ($(DEMO_INCIDENTS) incidents, seed $(DEMO_SEED)) served on http://127.0.0.1:$(PORT)/"
	@echo "make test           the whole suite on SQLite, then on a throwaway PostgreSQL"
	@echo "make test-sqlite    the suite on SQLite only"
	@echo "make test-postgres  the suite on PostgreSQL only"
	@echo "make bench          the benchmarks in bench/"
	@echo "make lint           ruff format --check, ruff check, mypy"
	@echo "make messages       update the .po files of every language, then compile them"
	@echo "make clean          delete var/ (the demo database and its keys); keeps .venv"
	@echo "Variables: DEMO_INCIDENTS DEMO_SEED PORT TEST_ARGS BENCH_ARGS PYTHON"

setup:
	@bash scripts/install-system-packages
	@if ! command -v uv >/dev/null 2>&1 && ! $(PYTHON) -m uv --version >/dev/null 2>&1; then \
		echo "setup: installing uv $(UV_VERSION)"; \
		$(PYTHON) -m pip install --quiet "uv==$(UV_VERSION)" \
		|| PIP_BREAK_SYSTEM_PACKAGES=1 $(PYTHON) -m pip install --quiet "uv==$(UV_VERSION)"; \
	fi
	@UV_PYTHON_DOWNLOADS=never UV_COMPILE_BYTECODE=1 $(UV) sync --frozen --group dev --quiet
	@if command -v msgfmt >/dev/null 2>&1; then \
		stale=""; \
		while IFS= read -r po; do \
			[[ "$${po%.po}.mo" -nt "$$po" ]] || stale=1; \
		done < <(find waypoint -path '*/locale/*' -name '*.po'); \
		if [[ -n "$$stale" ]]; then \
			WAYPOINT_MODE=test $(WAYPOINT) compilemessages --ignore .venv --ignore var --verbosity 0; \
		fi; \
	fi

demo: setup
	@WAYPOINT_MODE=demo $(WAYPOINT) migrate --noinput --verbosity 0
	@WAYPOINT_MODE=demo $(WAYPOINT) demo --incidents $(DEMO_INCIDENTS) --seed $(DEMO_SEED) --if-empty
	@WAYPOINT_MODE=demo $(WAYPOINT) serve --host 127.0.0.1 --port $(PORT)

test: setup
	@bash scripts/run-tests sqlite postgres -- $(TEST_ARGS)

test-sqlite: setup
	@bash scripts/run-tests sqlite -- $(TEST_ARGS)

test-postgres: setup
	@bash scripts/run-tests postgres -- $(TEST_ARGS)

# The benchmarks that read a database run again on a throwaway PostgreSQL cluster, unless some
# modules are named in BENCH_ARGS or BENCH_POSTGRES is emptied.
BENCH_POSTGRES ?= pages statistics
bench: setup
	@$(VENV)/bin/python bench/run.py $(BENCH_ARGS)
	@if [ -z "$(BENCH_ARGS)" ] && [ -n "$(BENCH_POSTGRES)" ]; then \
		scripts/with-postgres $(VENV)/bin/python bench/run.py $(BENCH_POSTGRES) \
			--output bench/results/latest-postgresql.json; \
	fi

lint: setup
	@status=0; \
	$(VENV)/bin/ruff format --check . || status=1; \
	$(VENV)/bin/ruff check . || status=1; \
	WAYPOINT_MODE=test $(VENV)/bin/mypy waypoint || status=1; \
	exit $$status

messages: setup
	WAYPOINT_MODE=test $(WAYPOINT) makemessages $(addprefix --locale ,$(LANGUAGES)) \
		--ignore .venv --ignore var --ignore browser_tests --ignore bench --ignore scripts \
		--add-location file
	WAYPOINT_MODE=test $(WAYPOINT) compilemessages --ignore .venv --ignore var

clean:
	rm -rf var

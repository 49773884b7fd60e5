# BRÅ-portalen. `make run` starts the portal on the embedded default; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test lint format bench messages system-packages clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip uv
	$(VENV)/bin/uv pip install --python $(PY) --quiet -e '.[dev]'
	touch $(STAMP)

# Debian packages the suite needs (installed only when missing, and only as root).
system-packages:
	@missing=""; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Missing Debian packages:$$missing (run as root, or install them)"; exit 1; fi; \
	fi

messages: $(STAMP)
	@if command -v msgfmt >/dev/null; then DEBUG=true $(PY) manage.py compilemessages --ignore=.venv -v0; fi

run: $(STAMP) messages
	@mkdir -p var
	DEBUG=true $(PY) manage.py migrate --noinput -v0
	DEBUG=true $(PY) manage.py seed_demo
	@echo "BRÅ-portalen: http://$(HOST):$(PORT)/  (Ctrl-C stops the web server, the worker and the scheduler)"
	@DEBUG=true HOST=$(HOST) PORT=$(PORT) bash scripts/run.sh

test: system-packages $(STAMP) messages
	$(PY) -m pytest $(PYTEST_ARGS)

# Throughput, latency, PDF time and query counts of the public pages on a throwaway PostgreSQL, Redis and
# gunicorn, loaded with wrk (README, "Benchmarks"), then 60 s of mixed load over all public pages at once with
# requests/s and errors (goal: none); figures in var/bench/latest.json. Then the national-scale
# figures (seed_scale: analysis, statistics import, /oversikt/, plan PDF) in var/bench/scale.json, and the
# reminder engine at national scale (one scan; 10,000 reminders by two senders) in var/bench/reminders.json.
bench: $(STAMP)
	@missing=""; \
	command -v wrk >/dev/null || missing="$$missing wrk"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Missing Debian packages:$$missing (run as root, or install them)"; exit 1; fi; \
	fi
	$(PY) -m bench $(BENCH_ARGS)
	$(PY) -m bench.scale
	$(PY) -m bench.reminders

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf var staticfiles .pytest_cache .ruff_cache

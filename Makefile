# Two commands on a fresh machine: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-fast lint bench chromium messages clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $@

# Migrate the SQLite database under var/, load the demo, then serve with a background worker.
run: $(STAMP)
	mkdir -p var
	DEBUG=true $(PY) manage.py migrate --noinput
	DEBUG=true $(PY) manage.py load_demo
	DEBUG=true FAIRDESK_TEST_CLOCK=true $(PY) manage.py serve --host $(HOST) --port $(PORT)

# The whole suite, browser tests included (Debian's Chromium is installed when missing).
test: $(STAMP) chromium
	$(PY) -m pytest $(PYTEST_ARGS)

# Everything but the browser tests.
test-fast: $(STAMP)
	$(PY) -m pytest -m "not browser"

lint: $(STAMP)
	$(VENV)/bin/ruff check .

# resolve.py needs nothing; bookings.py, reminders.py and plan_changes.py use PostgreSQL at 127.0.0.1:5432 (DATABASE_URL).
bench: $(STAMP)
	$(PY) bench/resolve.py
	$(PY) bench/bookings.py
	$(PY) bench/reminders.py
	$(PY) bench/emergency_sim.py
	$(PY) bench/plan_changes.py
	$(PY) bench/support.py
	DEBUG=true $(PY) manage.py vrptw_bench ../shared/data/vrptw/solomon/*.txt --seconds 10 --json

chromium:
	@test -x /usr/bin/chromium || { apt-get update -qq && apt-get install -y -qq chromium; }

# Rebuild the compiled translations after editing a .po file.
messages: $(STAMP)
	cd src/fairdesk && DEBUG=true ../../$(PY) ../../manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var .pytest_cache

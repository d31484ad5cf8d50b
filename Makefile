# Auditdesk — `make run` starts the product, `make test` runs the suite (README).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-fast lint format bench worker messages clean-data

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(PY) -m config.devserver

test: $(STAMP)
	$(PY) -m config.testrun

# mypy's Django plugin imports the settings: placeholder URLs (never connected to) keep it from
# starting the embedded servers on a fresh clone.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DATABASE_URL=$${DATABASE_URL:-postgres://lint@localhost/lint} \
	REDIS_URL=$${REDIS_URL:-redis://localhost:6379/0} SECRET_KEY=$${SECRET_KEY:-lint} \
	DEMO_ENABLED=1 $(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

worker: $(STAMP)
	$(VENV)/bin/celery -A config worker -l info

messages: $(STAMP)
	$(PY) manage.py makemessages -l nl --ignore=.venv --ignore=.data
	$(PY) manage.py compile_translations

# The Audit Logs page against the admin changelist and OFFSET paging (1M events; BENCH_ARGS=--large
# for 10M), then exports against a naive ORM export and psql's \copy. Writes docs/benchmarks.md.
bench: $(STAMP)
	$(PY) -m bench.run $(BENCH_ARGS)
	$(PY) -m bench.exports $(BENCH_EXPORT_ARGS)

clean-data:
	$(PY) -c 'from config import embedded; embedded.stop_all()'
	rm -rf .data

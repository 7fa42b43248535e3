# The two commands of the README: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/crpd
REDIS_URL ?= redis://127.0.0.1:6379

.PHONY: run test lint bench venv dev-venv services-check messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

venv: $(VENV)/.runtime
dev-venv: $(VENV)/.dev

## make run: set up (venv, install, migrate, load the CRPD data, demo accounts) and start
## web + Celery worker + beat. Embedded defaults unless DATABASE_URL / CELERY_BROKER_URL are set.
run: venv
	mkdir -p var/celery/queue var/celery/control var/mail
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_crpd --if-changed
	$(BIN)/python manage.py create_demo_accounts
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile

## make test: the whole suite against real PostgreSQL and Redis, plus lint, import-layer and
## migration checks.
test: dev-venv
	$(BIN)/python -m scripts.wait_for_services "$(PG_URL)" "$(REDIS_URL)"
	DATABASE_URL="$(PG_URL)" $(BIN)/python manage.py makemigrations --check --dry-run --settings=config.settings.test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	DATABASE_URL="$(PG_URL)" CELERY_BROKER_URL="$(REDIS_URL)/14" CELERY_RESULT_BACKEND="$(REDIS_URL)/15" \
		$(BIN)/pytest $(PYTEST_ARGS)

## make bench: on PostgreSQL (a database of its own): the load, every page and API list at 1x and
## BENCH_FACTOR x (default 100; scale data by generate_scale_data), gunicorn under 50 clients
## (BENCH_PORT, default 8110) and the status reports, into docs/BENCHMARKS.md. About 20 minutes.
bench: dev-venv
	$(BIN)/python -m scripts.wait_for_services "$(PG_URL)" "$(REDIS_URL)"
	-psql "$(dir $(PG_URL))postgres" -c "CREATE DATABASE crpd_bench" >/dev/null 2>&1
	DATABASE_URL="$(dir $(PG_URL))crpd_bench" CELERY_BROKER_URL="$(REDIS_URL)/14" \
		CELERY_RESULT_BACKEND="$(REDIS_URL)/15" $(BIN)/python -m scripts.bench

lint: dev-venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

messages: dev-venv
	$(BIN)/python manage.py makemessages -l kk -l ru --no-obsolete --ignore=.venv --ignore=var
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf var

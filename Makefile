# The two commands of the README: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/crpd
REDIS_URL ?= redis://127.0.0.1:6379

.PHONY: run test lint bench venv dev-venv services-check messages clean serve-production lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Every installed package at the version in requirements.lock (-c: constraints), so two builds of
# one commit install the same things. psycopg2 is built from source; an older venv may still hold
# the binary wheel, which installs the same module: remove it first.
$(VENV)/.runtime: requirements.txt requirements.lock | $(BIN)/python
	-$(BIN)/pip uninstall --quiet --yes psycopg2-binary 2>/dev/null
	$(BIN)/pip install --quiet -c requirements.lock -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt requirements.lock | $(BIN)/python
	-$(BIN)/pip uninstall --quiet --yes psycopg2-binary 2>/dev/null
	$(BIN)/pip install --quiet -c requirements.lock -r requirements-dev.txt
	touch $(VENV)/.runtime $@

## make lock: re-pin every package after a change to requirements*.txt: a fresh venv installs
## them, and `pip freeze` writes requirements.lock. Commit the result.
lock:
	rm -rf var/lock-venv
	$(PYTHON) -m venv var/lock-venv
	var/lock-venv/bin/pip install --quiet --upgrade pip
	var/lock-venv/bin/pip install --quiet -r requirements-dev.txt
	( echo "# Every installed package, pinned: made by make lock (pip freeze of a fresh venv with"; \
	  echo "# requirements-dev.txt); the Makefile installs with -c requirements.lock. Do not edit."; \
	  var/lock-venv/bin/pip freeze --all --exclude pip --exclude setuptools --exclude wheel ) > requirements.lock
	rm -rf var/lock-venv

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

## make serve-production: the production processes (gunicorn, K Celery workers, one beat) from
## Procfile.production, with config.settings.production; the environment (docs/DEPLOYMENT.md)
## must name the database, the broker and the secret key. Static files: collectstatic first.
serve-production: venv
	PATH="$(CURDIR)/$(BIN):$$PATH" DJANGO_SETTINGS_MODULE=config.settings.production \
		$(BIN)/honcho start -f Procfile.production

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
## (BENCH_PORT, default 8110) and the status reports, into docs/BENCHMARKS.md. About 40 minutes.
## Its own Redis databases (12: broker, 13: cache), emptied at the end: nothing it queues is sent.
bench: dev-venv
	$(BIN)/python -m scripts.wait_for_services "$(PG_URL)" "$(REDIS_URL)"
	-psql "$(dir $(PG_URL))postgres" -c "CREATE DATABASE crpd_bench" >/dev/null 2>&1
	DATABASE_URL="$(dir $(PG_URL))crpd_bench" CELERY_BROKER_URL="$(REDIS_URL)/12" \
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

# Umecom Map: `make run` serves the app, `make test` runs every test. Both install what is missing.
SHELL := /bin/bash
.DEFAULT_GOAL := run

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
PGPORT ?= 54329
TEST_WORKERS ?= 2
export PGPORT

# With no DATABASE_URL given, a private PostGIS cluster under var/ is started and used.
ifeq ($(origin DATABASE_URL),undefined)
LOCAL_DB := 1
DATABASE_URL := $(shell scripts/db.sh url)
endif
export DATABASE_URL
export FLASK_APP := app:create_app

VENDOR_STAMP := static/vendor/.installed
SECRET_KEY_FILE := var/secret_key
CATALOGS := $(wildcard app/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)

.PHONY: run test stop setup tools system system-browser system-bench db migrate districts lint \
	format i18n-extract bench bench-streams bench-http clean

## Install everything, start the database, migrate, load districts, serve with gunicorn.
run: setup
	$(BIN)/gunicorn --config gunicorn.conf.py "app:create_app()"

## Style gate, then the whole test suite (browser tests included). The tests make their own
## databases (<db>_test, <db>_migrations): the database DATABASE_URL names is never touched.
## TEST_WORKERS processes share the tests a file at a time (pytest-xdist); 1 runs them in one.
# Compiled modules are kept even where the environment says not to (PYTHONDONTWRITEBYTECODE):
# each of the suite's gunicorn workers compiled the app's modules again (0.4 s apiece here),
# and pytest kept none of its rewritten test modules.
# A test past its timeout ends its process (pyproject.toml): pytest-xdist must not start
# another, since after that restart its file-by-file scheduler waited forever for the
# crashed process's tests (a whole run sat idle at 95 %, on 5 December).
# The slowest tests are listed at the end, where the next cut is found: on this machine the
# run took 14:29-15:29 on 6 December and 18:17-18:20 on 7 December (the same tests, the
# machine slower); 14:09 once the browser tests stopped routing tiles (a faster hour, too).
# It must keep to 15 minutes.
test: tools system-browser db lint
	PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder \
		--max-worker-restart=0 --durations=20

## Stop the private PostGIS cluster.
stop:
	scripts/db.sh stop

## What serving needs: the tools, the database, migrated, with the districts loaded.
setup: tools db migrate districts

## What every target needs: system packages, the venv, browser assets, catalogs, the secret.
tools: system $(BIN)/.installed $(VENDOR_STAMP) $(COMPILED) $(SECRET_KEY_FILE)

system:
	scripts/install-system.sh

system-browser:
	scripts/install-system.sh --browser

system-bench:
	scripts/install-system.sh --bench

# --no-compile: a module is compiled when first imported (and kept), not every installed one
# at install time. Installing took 32 s with the compiling and 14 s without, on a fresh venv.
$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q --no-compile -e '.[dev]'
	touch $@

$(VENDOR_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf static/vendor && mkdir -p static/vendor/leaflet static/vendor/markercluster \
		static/vendor/geoman
	cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css \
		node_modules/leaflet/dist/images node_modules/leaflet/LICENSE static/vendor/leaflet/
	cp node_modules/leaflet.markercluster/dist/leaflet.markercluster.js \
		node_modules/leaflet.markercluster/dist/MarkerCluster.css \
		node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css \
		node_modules/leaflet.markercluster/MIT-LICENCE.txt static/vendor/markercluster/
	cp node_modules/@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.min.js \
		node_modules/@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.css \
		node_modules/@geoman-io/leaflet-geoman-free/LICENSE static/vendor/geoman/
	touch $@

# One key for every gunicorn worker (sessions, CSRF, supporter ids); made once, kept private.
$(SECRET_KEY_FILE):
	mkdir -p var
	umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_hex(32))" > $@

%.mo: %.po $(BIN)/.installed
	$(BIN)/pybabel compile -d app/translations -f

db:
ifdef LOCAL_DB
	scripts/db.sh start
endif

migrate: $(BIN)/.installed
	$(BIN)/alembic upgrade head

districts: $(BIN)/.installed
	$(BIN)/flask districts load data/umea_stadsdelar.geojson --if-empty

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(BIN)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Re-extract UI strings into the catalogs (then translate app/translations/en/.../messages.po).
i18n-extract: $(BIN)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ --no-location --sort-output \
		-o app/translations/messages.pot .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations \
		--no-fuzzy-matching --ignore-obsolete --width 100

## Benchmarks (bench/README.md): in process, then the map over HTTP for each spread of pins;
## BENCH_ARGS="--pins 1000000 --runs 5" for the big run.
bench: tools system-bench db
	$(BIN)/python -m bench $(BENCH_ARGS)

## 200 workshop event streams against gunicorn as `make run` serves it (bench/README.md).
bench-streams: tools db
	$(BIN)/python -m bench.streams

## The citizen map over HTTP, 16 clients, against Supercluster under Node (bench/README.md);
## BENCH_HTTP_ARGS="--pins 1000000 --spread population --reuse" for the big run.
bench-http: tools system-bench db
	$(BIN)/python -m bench.http $(BENCH_HTTP_ARGS)

clean: stop
	rm -rf var static/vendor node_modules $(VENV)

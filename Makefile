# Every target installs what it needs, so a fresh clone only needs `make run`
# or `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
OPORTUNA := $(BIN)/oportuna
VENDOR := src/oportuna/static/vendor
HOST_PORT ?= 127.0.0.1:8000
# The code mypy checks: services, selectors, the engine layer and access.
TYPED := src/oportuna/processes src/oportuna/opportunities/services \
	src/oportuna/opportunities/selectors.py src/oportuna/accounts/services.py \
	src/oportuna/accounts/selectors.py src/oportuna/observatories/selectors.py \
	src/oportuna/access.py src/oportuna/errors.py

.PHONY: run test install static messages chromium lint format migrate demo clean

run: install static messages
	$(OPORTUNA) migrate --no-input
	$(OPORTUNA) load_demo --url http://$(HOST_PORT)
	$(OPORTUNA) runserver $(HOST_PORT)

test: install static messages chromium
	$(BIN)/pytest

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Front-end packages come from the npm registry, pinned in package-lock.json,
# and are copied into our own static files.
static: $(VENDOR)/.installed

$(VENDOR)/.installed: package-lock.json
	npm ci --no-audit --no-fund --silent
	mkdir -p $(VENDOR)/bootstrap
	cp node_modules/bootstrap/dist/css/bootstrap.min.css \
	   node_modules/bootstrap/dist/css/bootstrap.min.css.map \
	   node_modules/bootstrap/dist/js/bootstrap.bundle.min.js \
	   node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map \
	   node_modules/bootstrap/LICENSE \
	   $(VENDOR)/bootstrap/
	touch $@

messages: install
	cd src/oportuna && ../../$(OPORTUNA) compilemessages --ignore '.venv' >/dev/null

# Browser tests drive Debian's Chromium; install it when it is missing.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		apt-get update -qq && apt-get install -y -qq chromium; \
	fi

migrate: install
	$(OPORTUNA) migrate --no-input

demo: migrate
	$(OPORTUNA) load_demo --url http://$(HOST_PORT)

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy $(TYPED)
	DJANGO_SETTINGS_MODULE=oportuna.settings.test $(OPORTUNA) makemigrations --check --dry-run

format: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var

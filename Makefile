# Everything a fresh machine needs: `make run` and `make test` set up the venv and assets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
ASSETS := static/build/.built
export FLASK_APP := reporting
# Catalogues: reporting/i18n/translations/<locale>/LC_MESSAGES/<domain>.po are
# committed; the compiled .mo files are built here (and gitignored).
# `make translations` extracts the strings, updates every catalogue and compiles.
TRANSLATIONS := reporting/i18n/translations
COMPILED := $(patsubst %.po,%.mo,$(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/*.po))

.PHONY: run test bench assets install translations clean

install: $(INSTALLED)

$(INSTALLED): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

assets: $(ASSETS)

$(ASSETS): package.json package-lock.json $(wildcard static/src/*) $(wildcard templates/*.html templates/*/*.html)
	npm ci --no-audit --no-fund --loglevel=error
	npm run --silent build
	touch $@

# A local install: development settings (secret generated into instance/, plain HTTP).
run: export REPORTING_ENV_NAME ?= development
run: $(INSTALLED) $(ASSETS) $(COMPILED)
	$(BIN)/flask db upgrade
	$(BIN)/flask demo
	$(BIN)/flask run --host 127.0.0.1 --port 5000

test: $(INSTALLED) $(ASSETS) $(COMPILED)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(INSTALLED) $(ASSETS)
	$(BIN)/python -m tests.bench

%.mo: %.po | $(INSTALLED)
	$(BIN)/pybabel compile -i $< -o $@ >/dev/null

translations: $(INSTALLED)
	$(BIN)/pybabel extract -F babel.cfg -k _l --no-location --sort-output -o reporting/i18n/messages.pot . >/dev/null
	$(BIN)/pybabel update -i reporting/i18n/messages.pot -d $(TRANSLATIONS) -D messages --no-wrap >/dev/null
	$(BIN)/pybabel update -i reporting/i18n/messages.pot -d $(TRANSLATIONS) -D easy -l en --no-wrap >/dev/null
	$(BIN)/pybabel compile -d $(TRANSLATIONS) -D messages --statistics
	$(BIN)/pybabel compile -d $(TRANSLATIONS) -D easy --statistics

clean:
	rm -rf $(VENV) node_modules static/build

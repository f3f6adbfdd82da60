# Everything a fresh machine needs: `make run` and `make test` set up the venv and assets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Pinned, hashed dependencies (requirements/*.txt, made by `make lock` from setup.cfg's ranges).
RUN_LOCK := requirements/run.txt
TEST_LOCK := requirements/test.txt
INSTALLED_RUN := $(VENV)/.installed-run
INSTALLED := $(VENV)/.installed-test
UV_VERSION := uv>=0.5,<1
LOCK_ARGS := --universal --python-version 3.11 --generate-hashes --quiet
ASSETS := static/build/.built
export FLASK_APP := reporting
# Catalogues: reporting/i18n/translations/<locale>/LC_MESSAGES/<domain>.po are
# committed; the compiled .mo files are built here (and gitignored).
# `make translations` extracts the strings, updates every catalogue and compiles.
TRANSLATIONS := reporting/i18n/translations
COMPILED := $(patsubst %.po,%.mo,$(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/*.po))

.PHONY: run test bench prove lock audit assets install translations clean

install: $(INSTALLED)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# What running needs, exactly as locked; then the package itself (its dependencies are already there).
$(INSTALLED_RUN): $(RUN_LOCK) setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r $(RUN_LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

# The same plus the test tools (pytest, Playwright, Hypothesis, mypy...), for `make test` only.
$(INSTALLED): $(TEST_LOCK) setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r $(TEST_LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

# Regenerate both lock files from setup.cfg (after adding or changing a dependency there).
lock: | $(BIN)/python
	$(BIN)/pip install --quiet '$(UV_VERSION)'
	$(BIN)/uv pip compile setup.cfg $(LOCK_ARGS) -o $(RUN_LOCK)
	$(BIN)/uv pip compile setup.cfg --extra test $(LOCK_ARGS) -o $(TEST_LOCK)

assets: $(ASSETS)

$(ASSETS): package.json package-lock.json $(wildcard static/src/*) $(wildcard templates/*.html templates/*/*.html)
	npm ci --no-audit --no-fund --loglevel=error
	npm run --silent build
	touch $@

# A local install: development settings (secret generated into instance/, plain HTTP).
# Another port: `make run PORT=5100`.
PORT ?= 5000
run: export REPORTING_ENV_NAME ?= development
run: $(INSTALLED_RUN) $(ASSETS) $(COMPILED)
	$(BIN)/flask db upgrade
	$(BIN)/flask demo --port $(PORT)
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

# One pytest worker per core (pytest-xdist), whole files to a worker so module-scoped
# fixtures (a browser context, a live server) are made once; TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= auto
test: $(INSTALLED) $(ASSETS) $(COMPILED)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# The benchmark on SQLite and on PostgreSQL (BENCH_DATABASES=sqlite,postgresql; the server from
# BENCH_DATABASE_URL, where it creates and drops its reporting_bench_* databases); about 20 minutes.
# Niced: it shares the machine. See docs/performance.md.
bench: $(INSTALLED) $(ASSETS)
	nice -n 5 $(BIN)/python -m tests.bench

# Known vulnerabilities in the exact versions installed (pinned from the venv). Needs the
# vulnerability data from PyPI, so it is not part of `make test` (see docs/operating.md).
audit: $(INSTALLED)
	$(BIN)/pip freeze --exclude-editable --local | grep -v '^-e ' > $(VENV)/pinned-requirements.txt
	$(BIN)/pip-audit --requirement $(VENV)/pinned-requirements.txt --no-deps --disable-pip --progress-spinner off

# The whole deployment under faults (own PostgreSQL, nginx, two hosts); at most 15 minutes.
prove: $(INSTALLED) $(ASSETS)
	timeout 900 $(BIN)/python -m tests.prove $(PROVE_ARGS)

# Compiled catalogues (not committed), made after the install that brings pybabel.
# Quietly: pybabel says "compiling catalog" on stderr for each (warnings still show).
%.mo: %.po | $(BIN)/python
	$(BIN)/pybabel --quiet compile -i $< -o $@

translations: $(INSTALLED)
	$(BIN)/pybabel extract -F babel.cfg -k _l --no-location --sort-output -o reporting/i18n/messages.pot . >/dev/null
	$(BIN)/pybabel update -i reporting/i18n/messages.pot -d $(TRANSLATIONS) -D messages --no-wrap >/dev/null
	$(BIN)/pybabel update -i reporting/i18n/messages.pot -d $(TRANSLATIONS) -D easy -l en --no-wrap >/dev/null
	$(BIN)/pybabel compile -d $(TRANSLATIONS) -D messages --statistics
	$(BIN)/pybabel compile -d $(TRANSLATIONS) -D easy --statistics

clean:
	rm -rf $(VENV) node_modules static/build

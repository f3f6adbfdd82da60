# Everything a fresh machine needs: `make run` and `make test` set up the venv and assets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
ASSETS := static/build/.built
export FLASK_APP := reporting

.PHONY: run test bench assets install translations clean audit

install: $(INSTALLED)

$(INSTALLED): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

assets: $(ASSETS)

$(ASSETS): package.json package-lock.json $(wildcard static/src/*)
	npm ci --no-audit --no-fund --loglevel=error
	npm run --silent build
	touch $@

# A local install: development settings (secret generated into instance/, plain HTTP).
run: export REPORTING_ENV_NAME ?= development
run: $(INSTALLED) $(ASSETS)
	$(BIN)/flask db upgrade
	$(BIN)/flask demo
	$(BIN)/flask run --host 127.0.0.1 --port 5000

test: $(INSTALLED) $(ASSETS)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(INSTALLED) $(ASSETS)
	$(BIN)/python -m tests.bench

# Known vulnerabilities in the exact versions installed (pinned from the venv). Needs the
# vulnerability data from PyPI, so it is not part of `make test` (see README).
audit: $(INSTALLED)
	$(BIN)/pip freeze --exclude-editable --local | grep -v '^-e ' > $(VENV)/pinned-requirements.txt
	$(BIN)/pip-audit --requirement $(VENV)/pinned-requirements.txt --no-deps --disable-pip --progress-spinner off

translations: $(INSTALLED)
	$(BIN)/pybabel extract -F babel.cfg -k _l -o reporting/i18n/messages.pot . >/dev/null

clean:
	rm -rf $(VENV) node_modules static/build

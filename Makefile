# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test screenshots lint format messages clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Set up, migrate, seed the demo business in sandbox mode, and serve.
run: $(STAMP)
	$(BIN)/crm run

## Set up and run the whole test suite with the linters and the import contracts (pyproject.toml).
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	CRM_CHECK_TREE=1 $(BIN)/pytest --numprocesses=auto --dist=loadfile --durations=25

## Take the guide's screenshots (docs/screenshots) again with the browser tests.
screenshots: $(STAMP)
	CRM_SCREENSHOTS=1 $(BIN)/pytest --numprocesses=auto --dist=loadfile $(wildcard tests/test_*browser*.py tests/*/test_*browser*.py)

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Re-extract translatable strings into the catalogs (then translate crm/locales/*/LC_MESSAGES/messages.po).
messages: $(STAMP)
	$(BIN)/pybabel extract --width 100 --no-location --omit-header -F babel.cfg -k _ -k __ -k N_ -k NP_:1,2 -o crm/locales/messages.pot bot handlers crm notifications web
	$(BIN)/pybabel update --width 100 --no-fuzzy-matching -i crm/locales/messages.pot -d crm/locales -D messages

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .import_linter_cache

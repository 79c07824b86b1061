# The two commands a newcomer needs: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint messages clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

## Set up everything and serve the site with the demo register on http://127.0.0.1:$${PORT:-8000}
run: $(STAMP)
	$(PY) -m registry.devrun

## Run the whole test suite
test: $(STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .

## Re-extract the Arabic translations after changing interface strings
messages: $(STAMP)
	$(PY) manage.py makemessages --locale ar --no-obsolete --ignore '.venv/*' --ignore 'bench/*' --ignore 'tests/*'
	$(PY) manage.py compilemessages --locale ar

clean:
	rm -rf $(VENV) .pytest_cache staticfiles

# The two commands a newcomer needs: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# pip-tools writes the locks from a throwaway environment of its own, with the machine's pip
# configuration set aside, so the hashes are PyPI's and the tool is not among the pins.
LOCKENV := $(or $(TMPDIR),/tmp)/registry-lock-tools
LOCK := PIP_CONFIG_FILE=/dev/null PIP_FIND_LINKS= $(LOCKENV)/bin/pip-compile --quiet --generate-hashes \
	--allow-unsafe --strip-extras --index-url=https://pypi.org/simple --no-emit-index-url --no-emit-find-links

.PHONY: run test lint messages lock clean

# Every file pip downloads must match a hash in the lock (pip itself is not upgraded: that
# download would be the one unchecked).
$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.txt
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

## Recompile requirements*.txt (every package, with hashes) from requirements*.in, keeping today's pins
lock:
	test -x $(LOCKENV)/bin/pip-compile || { $(PYTHON) -m venv $(LOCKENV) && $(LOCKENV)/bin/pip install --quiet pip-tools; }
	$(LOCK) --output-file requirements.txt requirements.in
	$(LOCK) --output-file requirements-dev.txt requirements-dev.in

clean:
	rm -rf $(VENV) .pytest_cache staticfiles

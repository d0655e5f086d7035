# Needs only python3 and make: everything else is installed into .venv by these targets.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check
export KEYPLAN_DATA_DIR ?= $(CURDIR)/data

.PHONY: demo test install install-test serve lint clean

demo: install
	$(BIN)/keyplan demo

test: install-test
	$(BIN)/python tools/run_tests.py

serve: install
	$(BIN)/keyplan serve

lint: install-test
	$(BIN)/ruff check .

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

$(BIN)/python:
	$(PYTHON) tools/bootstrap_venv.py $(VENV)

$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PIP) install --quiet -c constraints.txt -e '.[test]'
	touch $@

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache

# Treffpunkt: `make run` serves the app, `make test` runs every test tier.
# Needs only Python >= 3.11 (with its venv module); everything else goes into .venv.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
PO     := $(wildcard planner/translations/*/LC_MESSAGES/messages.po)
MO     := $(PO:.po=.mo)

.PHONY: install install-dev run test test-fast lint bench messages clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Treffpunkt needs Python 3.11 or newer (found: $(PYTHON))"; exit 1; }
	$(PYTHON) -m venv $(VENV) || \
	  { echo "Could not create a virtualenv: on Debian/Ubuntu run 'apt-get install python3-venv'"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# Message catalogs are compiled as part of install.
%.mo: %.po | $(VENV)/.installed
	$(BIN)/pybabel compile -i $< -o $@

install: $(VENV)/.installed $(MO)

install-dev: $(VENV)/.installed-dev $(MO)

run: install
	$(BIN)/planner db upgrade
	$(BIN)/planner geo build
	$(BIN)/planner serve --host $(HOST) --port $(PORT)

test: install-dev
	$(BIN)/pytest

test-fast: install-dev
	$(BIN)/pytest tests/unit

lint: install-dev
	$(BIN)/ruff check planner tests bench
	$(BIN)/mypy

bench: install-dev
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/geo.py

# After changing user-facing text: refresh the catalogs, then translate the new German entries.
messages: install-dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 --ignore-dirs '.*' \
	  --sort-output --project Treffpunkt -o planner/translations/messages.pot .
	$(BIN)/pybabel update -i planner/translations/messages.pot -d planner/translations \
	  --no-fuzzy-matching --ignore-obsolete

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache $(MO)

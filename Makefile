# Two entry points (see README): `make run` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.kg-installed

.PHONY: setup system-deps run build serve test test-all lint bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Build the graph from corpus/ into data/store, then serve it on http://127.0.0.1:5000
# (a build that skipped a bad article still serves what it built).
run: setup
	$(BIN)/kg build; status=$$?; [ $$status -le 1 ] || exit $$status; $(BIN)/kg serve

build: setup
	$(BIN)/kg build

serve: setup
	$(BIN)/kg serve

lint: setup
	$(BIN)/ruff check kg tests bench

# What the tests need beyond Python: Debian's chromium (browser tests), Debian's Virtuoso (a second
# real remote store) and the npm clients (Comunica, rdf-test-suite) pinned in tests/clients/package-lock.json.
system-deps:
	bash .ci/setup-browser.sh
	bash .ci/setup-virtuoso.sh
	bash .ci/setup-node.sh

# The default suite (what CI runs) leaves out tests marked slow: the 20-run kill test,
# 20k-case fuzzing, the npm W3C runner and 100k-row streaming. `make test-all` runs them too.
test: setup system-deps
	$(BIN)/ruff check kg tests bench
	$(BIN)/pytest -m "not slow"

test-all: setup system-deps
	$(BIN)/ruff check kg tests bench
	$(BIN)/pytest

clean:
	rm -rf data $(VENV) .pytest_cache .ruff_cache

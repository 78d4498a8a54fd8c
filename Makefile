# The two commands a new developer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test lint typecheck pytest reliability bench bench-quick bench-check screenshots clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Papershelf needs Python 3.11 or newer (set PYTHON=...)."; exit 2; }
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || \
	  { echo "Python's venv module is missing: on Debian/Ubuntu run 'sudo apt-get install python3-venv'."; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@ $(RUN_STAMP)

run: $(RUN_STAMP)
	$(BIN)/papershelf

lint: $(TEST_STAMP)
	$(BIN)/ruff check .

typecheck: $(TEST_STAMP)
	$(BIN)/mypy

pytest: $(TEST_STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

test: lint typecheck pytest

# Crash safety and hostile input at length (not part of `make test`, which runs the same
# tests briefly): 200+ SIGKILLed operations, 10,000 fuzz cases per parser, a file corpus.
reliability: $(TEST_STAMP)
	QT_QPA_PLATFORM=offscreen PAPERSHELF_RELIABILITY=long $(BIN)/python -m pytest -q -s tests/reliability

# Speed and memory figures (not part of `make test`): builds the synthetic 1k–1M libraries
# once into benchmarks/.cache, writes benchmarks/results/*.json.
bench: $(TEST_STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/run.py

bench-quick: $(TEST_STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/run.py --quick

# Fails on a figure more than 25 % worse than benchmarks/baseline.json, or a missed target.
bench-check: bench
	$(BIN)/python benchmarks/check.py

screenshots: $(RUN_STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python docs/make_screenshots.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache

# The desktop bundle, dist/Papershelf/ (packaging/README.md). `make package ONEFILE=1`
# builds one self-extracting file instead, dist/papershelf.
PACKAGE_STAMP := $(VENV)/.installed-package
.PHONY: package package-test

$(PACKAGE_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[package]'
	@touch $@ $(RUN_STAMP)

package: $(PACKAGE_STAMP)
	$(BIN)/python packaging/build.py $(if $(ONEFILE),--onefile)

# What a user's first minutes do, run by the bundle itself: a missing module or data file
# fails here. Also the desktop entry and AppStream checks, when their validators are installed.
package-test: package
	$(BIN)/python packaging/smoke_test.py $(if $(ONEFILE),dist/papershelf)

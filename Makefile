# Two commands set everything up (see README.md):
#   make lab    create .venv if missing, install the course, open JupyterLab on notebooks/
#   make test   create or update .venv with the test extras and run the whole suite
# Each install step is remembered in a stamp file that depends on pyproject.toml, so a
# second call installs nothing unless the dependencies changed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMPS := $(VENV)/.stamps
# Extra flags for JupyterLab, e.g. `make lab LAB_ARGS="--no-browser --port 8890"`.
LAB_ARGS ?=
# Jupyter refuses to start as root (containers, Binder-like images) without this flag.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: lab test lint bench fixtures slides slide-assets screenshots clean help

help:
	@echo "make lab     open the course in JupyterLab (sets up .venv on first use)"
	@echo "make test    run the whole test suite (lint + pytest)"
	@echo "make bench   run the benchmarks against torch.optim and print a table"
	@echo "make fixtures  re-record the PyTorch reference fixtures (optimizers, layers)"
	@echo "make slides  build each lesson's offline reveal.js deck into slides/build/"
	@echo "             (LESSON=08_momentum for one deck)"
	@echo "make screenshots  re-take the README's screenshots with the browser tests"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMPS)/base: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@mkdir -p $(STAMPS) && touch $@ $(STAMPS)/base

$(STAMPS)/bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	@mkdir -p $(STAMPS) && touch $@ $(STAMPS)/test $(STAMPS)/base

lab: $(STAMPS)/base
	$(BIN)/jupyter lab $(ROOT_FLAG) $(LAB_ARGS) notebooks/

lint: $(STAMPS)/test
	$(BIN)/ruff check .

test: $(STAMPS)/test lint
	$(BIN)/python -m pytest

BENCHMARKS := bench_optim bench_layers bench_grading bench_notebooks

bench: $(STAMPS)/bench
	@for b in $(BENCHMARKS); do echo "== $$b"; $(BIN)/python -m tests.benchmarks.$$b || exit 1; echo; done

# The decks' reveal.js, MathJax, require.js and jQuery: pinned npm packages, installed once
# (npm ci writes node_modules/.package-lock.json) and loaded by relative paths, so the
# built decks work offline.
SLIDE_ASSETS := slides/node_modules/.package-lock.json

$(SLIDE_ASSETS): slides/package.json slides/package-lock.json
	cd slides && npm ci --no-audit --no-fund --loglevel=error

slide-assets: $(SLIDE_ASSETS)

slides: $(STAMPS)/base $(SLIDE_ASSETS)
	$(BIN)/python -m autograder slides $(if $(LESSON),--assignment $(LESSON))

# The README's pictures are the browser tests' own screenshots (JupyterLab with a lesson's
# widget, a slide of a deck), saved where the README links them.
screenshots: $(STAMPS)/test $(SLIDE_ASSETS)
	COURSE_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q -p no:cacheprovider \
		tests/test_browser_lab.py tests/test_slides.py

fixtures: $(STAMPS)/bench
	$(BIN)/python scripts/record_torch_fixtures.py
	$(BIN)/python scripts/record_torch_layer_fixtures.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis slides/build slides/node_modules

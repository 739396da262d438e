# Two entry points, used by the README and by CI:
#   make compare  - install, then run the regime comparison (the main job)
#   make test     - install with test extras and the dashboard's browser assets, then run the tests
PYTHON ?= $(shell command -v python3.12 2>/dev/null || echo python3)
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= results/compare_regimes

.PHONY: install install-test compare test lint reference clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	scripts/setup_dashboard.sh $(VENV)

compare: install
	$(BIN)/govsim run configs/compare_regimes.yaml --out $(OUT) --overwrite

test: install-test
	$(BIN)/python -m pytest

lint: install-test
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

reference: install
	$(BIN)/govsim reference --out docs/CONFIG_REFERENCE.md --overwrite

clean:
	rm -rf results .pytest_cache .ruff_cache

# Every target that needs the environment bootstraps it first (packaging/bootstrap.sh: idempotent, fast when done).
VENV := .venv
PY := $(VENV)/bin/python
PROFILE ?= sandbox

.PHONY: bootstrap run sandbox test lint typecheck unit bench clean

bootstrap:
	@bash packaging/bootstrap.sh

run: bootstrap
	$(PY) -m desktop --profile $(PROFILE)

sandbox: bootstrap
	$(PY) -m desktop.sandbox

lint: bootstrap
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: bootstrap
	$(VENV)/bin/mypy desktop tests bench

test: lint typecheck
	$(PY) -m pytest

bench: bootstrap
	$(PY) bench/startup.py
	$(PY) bench/sandbox_api.py
	$(PY) bench/render.py
	$(PY) bench/assets.py
	$(PY) bench/live.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache build *.egg-info

# The everyday commands, one entry point. `make help` lists them; CONTRIBUTING.md says what each checks.
PYTHON ?= .venv/bin/python
BIN := $(dir $(PYTHON))

.PHONY: help install lint types fast full slow bench models format hooks check

help:  ## this list
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

install:  ## a virtual environment with the skill, its tests and the everyday tools (pre-commit hooks too)
	test -x $(PYTHON) || python3 -m venv .venv
	$(PYTHON) -m pip install -q -e '.[test,dev]'
	$(BIN)pre-commit install

lint:  ## ruff's lint rules and the import rules of docs/ARCHITECTURE.md (seconds)
	$(BIN)ruff check skill lambda tests bench tools
	$(BIN)ruff format --check skill lambda tests bench tools
	$(BIN)lint-imports --no-logo --cache-dir .cache/import-linter pyproject.toml

types:  ## mypy over skill/ and lambda/, as configured in pyproject.toml
	$(PYTHON) -m mypy --config-file pyproject.toml --cache-dir .cache/mypy

fast:  ## every test but the slow ones (no DynamoDB Local, npm, Docker, checkov, subprocess CLIs), one worker a core: under a minute
	$(PYTHON) -m pytest -q -m "not slow" -n auto

full:  ## the whole suite, as CI runs it (.ci/run): includes DynamoDB Local, checkov, apl-suggester, bundles, Docker
	$(PYTHON) -m pytest -q

slow:  ## only the slow tests
	$(PYTHON) -m pytest -q -m slow

bench:  ## the performance harness (python -m bench): cold start, memory, latency against the README's targets
	$(PYTHON) -m pip install -q -r bench/requirements.txt
	$(PYTHON) -m bench

models:  ## regenerate interaction_models/ from the content (commit the result)
	$(BIN)our-rituals models

format:  ## ruff format over the tree (`make lint` checks that nothing is left to format)
	$(BIN)ruff format skill lambda tests bench tools

hooks:  ## the pre-commit hooks over every file
	$(BIN)pre-commit run --all-files

check: lint types fast  ## what to run before a commit

# The one way to set up, build, check and test. GNU make; recipes run with /bin/sh.
SHELL := /bin/sh
.DEFAULT_GOAL := site

PY := .venv/bin/python
# Python used only to create the venv: 3.11 when the machine has it.
BOOTSTRAP_PY := $(shell command -v python3.11 2>/dev/null || command -v python3)
# Lint what exists: other parts of the tree arrive at different times.
LINT_PATHS := $(wildcard generator tests build.py bench)

VENV := .venv/.stamp
NODE := node_modules/.stamp

.PHONY: site check lint test bench serve clean system-deps venv node

venv: $(VENV)
node: $(NODE)

$(VENV): requirements.txt requirements-dev.txt
	$(BOOTSTRAP_PY) -m venv .venv
	.venv/bin/pip install --disable-pip-version-check --no-input -r requirements-dev.txt
	touch $@

# --ignore-scripts: vnu-jar's postinstall tries to download a Java runtime from outside the
# registries; we use Debian's (see system-deps). No other package needs a script.
$(NODE): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

system-deps:
	sh tools/install-system-deps.sh

site: $(VENV)
	$(PY) build.py build

check: $(VENV)
	$(PY) build.py check

lint: $(VENV)
	$(PY) -m ruff check $(LINT_PATHS)
	$(PY) -m ruff format --check $(LINT_PATHS)
	$(PY) -m mypy --strict generator

test: $(VENV) $(NODE) system-deps lint
	$(PY) -m pytest -q

bench: $(VENV)
	$(PY) bench/run.py

serve: $(VENV)
	$(PY) build.py serve

clean:
	rm -rf site .cache

# Two commands on a fresh machine: `make synth` (offline, default STACK=dev) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STACK ?= dev
BOOTSTRAP_STACK ?= example
STAMP := $(VENV)/.installed

.PHONY: synth test venv bench clean policy-check bootstrap-synth

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

synth: $(STAMP)
	$(PY) -m tools.synth --stack $(STACK)

# The bootstrap project (bootstrap/): build/bootstrap-<stack>/, checked with policy/config/bootstrap.json.
bootstrap-synth: $(STAMP)
	$(PY) -m tools.synth --project bootstrap --stack $(BOOTSTRAP_STACK)

policy-check: synth
	$(PY) -m policy.check build/$(STACK)/inventory.json

test: $(STAMP)
	$(PY) -m pytest -n auto

bench: $(STAMP)
	$(PY) -m tools.bench

clean:
	rm -rf build .pytest_cache

# Two commands on a fresh machine: `make synth` (offline, default STACK=dev) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STACK ?= dev
STAMP := $(VENV)/.installed

.PHONY: synth test venv bench clean policy-check

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

synth: $(STAMP)
	$(PY) -m tools.synth --stack $(STACK)

policy-check: synth
	$(PY) -m policy.check build/$(STACK)/inventory.json

# What the stack costs a month (docs/cost.md); traffic flags via COST_FLAGS="--requests-per-month 5000000".
.PHONY: cost
cost: synth
	$(PY) -m tools.cost --stack $(STACK) $(COST_FLAGS)

test: $(STAMP)
	$(PY) -m pytest -n auto

bench: $(STAMP)
	$(PY) -m tools.bench

clean:
	rm -rf build .pytest_cache

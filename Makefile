# Two commands on a fresh machine: `make synth` (offline, default STACK=dev) and `make test`.
# Both create .venv with the pinned dependencies first (tools/venv.sh; PYTHON=python3.12 picks the
# interpreter, 3.11 to 3.13). Scripts that need synth's own exit status (0/1/2) call bin/synth.
PYTHON ?= python3
STACK ?= dev
BOOTSTRAP_STACK ?= example
PY := .venv/bin/python
# Passed to recipes through the environment and quoted there, never pasted into a command line.
export STACK BOOTSTRAP_STACK PYTHON COST_FLAGS
export PYTHON_EXPLICIT := $(if $(filter environment command line,$(origin PYTHON)),1,0)

.PHONY: synth test venv bench clean policy-check cost bootstrap-synth mirror-images

venv:
	@tools/venv.sh

synth:
	@bin/synth --stack "$$STACK"

# The bootstrap project (bootstrap/): build/bootstrap-<stack>/, checked with policy/config/bootstrap.json.
bootstrap-synth:
	@bin/synth --project bootstrap --stack "$$BOOTSTRAP_STACK"

policy-check: synth
	@$(PY) -m policy.check "build/$${STACK##*/}/inventory.json"

# What the stack costs a month (docs/cost.md); traffic flags via COST_FLAGS="--requests-per-month 5000000".
cost: synth
	@$(PY) -m tools.cost --stack "$${STACK##*/}" $$COST_FLAGS

# Copy the images the stack's tasks pull from its own ECR repository there (docs/mirror-images.md);
# needs AWS credentials for the stack's account and docker with buildx.
mirror-images: synth
	@bin/mirror-images --stack "$$STACK"

test: venv
	$(PY) -m pytest -n auto --dist worksteal

bench: venv
	$(PY) -m tools.bench

clean:
	rm -rf build .pytest_cache

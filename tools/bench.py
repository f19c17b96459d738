"""Time the heavy parts and the suite against the cost of importing the stack's pulumi_aws classes.

``make bench`` prints the numbers quoted in closing notes; timing lives here, never in tests.

The yardstick is machine-independent enough to compare over time: the suite's wall time divided
by the time a fresh interpreter takes to import exactly the pulumi_aws resource classes the dev
and prod stacks use (the floor any test of the program pays once per process). The exit status
is that of the slowest failing step, so a failing suite fails the benchmark too.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, TypeVar

RUN_LOG_ENV = "AI_GATEWAY_RUN_LOG"
"""When set, the file every program run of the test suite appends ``<seconds> <key>`` to
(``tests/support.py``): how many runs the suite computes and what they cost."""

ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")


def _timed(label: str, fn: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - start
    print(f"{label:<48} {elapsed:7.2f} s", flush=True)
    return result, elapsed


def class_paths(types: set[str]) -> list[str]:
    """``aws:ec2/vpc:Vpc`` -> ``ec2.Vpc`` (the pulumi_aws attribute path), for custom AWS types."""
    paths = []
    for token in sorted(types):
        package, module, cls = token.split(":")
        if package != "aws":
            continue
        module = module.split("/")[0]
        paths.append(f"{'lambda_' if module == 'lambda' else module}.{cls}")
    return paths


def import_script(paths: list[str]) -> str:
    """A one-liner that imports pulumi_aws and touches each class."""
    attrs = ", ".join(f"aws.{p}" for p in paths)
    return f"import pulumi_aws as aws; [{attrs}]"


def main() -> int:
    """Run each measurement and print wall times; returns non-zero when a step failed."""
    from tools.synth import policy_report, synthesize

    failures = 0
    types: set[str] = set()
    for stack in ("dev", "prod"):
        inv, _ = _timed(f"synth {stack} (program under mocks, in-process)", lambda: synthesize(stack))
        print(f"{'':<48} {len(inv.resources)} registrations")
        types |= {r.type for r in inv.resources}
        _timed(f"policy check {stack}", lambda: policy_report(inv, stack))
    _timed("synth prod, preview mode", lambda: synthesize("prod", preview=True))
    synth_run, _ = _timed("bin/synth --stack prod (new process)", lambda: subprocess.run(
        ["bin/synth", "--stack", "prod", "--out", str(ROOT / "build")], cwd=ROOT, capture_output=True, check=False))
    failures += synth_run.returncode != 0

    script = import_script(class_paths(types))
    imports = []
    for i in range(3):
        _, seconds = _timed(f"import the stacks' {len(class_paths(types))} pulumi_aws classes (run {i + 1})",
                            lambda: subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True))
        imports.append(seconds)
    baseline = statistics.median(imports)

    with tempfile.TemporaryDirectory() as scratch:
        run_log = Path(scratch) / "runs.log"
        run_log.touch()
        suite, suite_seconds = _timed("make test: pytest -n auto --dist worksteal", lambda: subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-n", "auto", "--dist", "worksteal", "--durations=15"], cwd=ROOT,
            capture_output=True, text=True, check=False, env={**os.environ, RUN_LOG_ENV: str(run_log)}))
        runs = [float(line.split()[0]) for line in run_log.read_text().splitlines() if line.strip()]
    print(_slowest(suite.stdout))
    print(suite.stdout.strip().splitlines()[-1] if suite.stdout.strip() else "(no pytest output)")
    print(f"{'program runs in the suite (shared, computed once)':<48} {len(runs):7d}   {sum(runs):7.2f} s in all")
    failures += suite.returncode != 0
    print(f"{'suite / import baseline':<48} {suite_seconds / baseline:7.1f} x  (budget: under 15 x)")
    return 1 if failures else 0


def _slowest(pytest_output: str) -> str:
    """The ``slowest durations`` block of a pytest run (empty when there is none)."""
    lines = pytest_output.splitlines()
    start = next((i for i, line in enumerate(lines) if "slowest" in line and "durations" in line), None)
    if start is None:
        return ""
    block = []
    for line in lines[start:]:
        if not line.strip() or line.startswith("="):
            if block:
                break
            continue
        block.append(line)
    return "\n".join(block)


if __name__ == "__main__":
    sys.exit(main())

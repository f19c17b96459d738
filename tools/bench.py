"""Time the heavy parts: program under mocks per stack (cold and warm), policy check, test suite.

``make bench`` prints the numbers quoted in closing notes. Timing lives here, never in tests.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _timed(label: str, fn) -> object:
    start = time.perf_counter()
    result = fn()
    print(f"{label:<40} {time.perf_counter() - start:7.2f} s")
    return result


def main() -> int:
    """Run each measurement once and print wall times."""
    from tools.synth import policy_report, synthesize

    for stack in ("dev", "prod"):
        inv = _timed(f"synth {stack} (program under mocks)", lambda: synthesize(stack))
        print(f"{'':<40} {len(inv.resources)} registrations")
        _timed(f"policy check {stack}", lambda: policy_report(inv, stack))
    _timed("synth prod, preview mode", lambda: synthesize("prod", preview=True))
    _timed("make synth STACK=prod (new process)", lambda: subprocess.run(
        [sys.executable, "-m", "tools.synth", "--stack", "prod", "--out", str(ROOT / "build")],
        cwd=ROOT, capture_output=True, check=False))
    _timed("pytest (whole suite, new process)", lambda: subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n", "auto"], cwd=ROOT, capture_output=True, check=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The pull-request comment: each stack's monthly cost and its change against the base branch.

``python -m tools.cost.compare --head build --base .base/build dev prod`` reads
``<dir>/<stack>/cost.json`` (``python -m tools.cost --json`` output) on both sides and prints
Markdown. A stack missing on the base side (new stack, or the base could not be synthesized) shows
its cost without a change.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Mapping, Optional

MARKER = "<!-- ai-gateway-cost -->"
"""First line of the comment, so the workflow finds and updates its own comment."""
TOP_CHANGES = 8


def _delta(new: float, old: Optional[float]) -> str:
    if old is None:
        return "new"
    change = new - old
    return "no change" if abs(change) < 0.005 else f"{'+' if change > 0 else '-'}${abs(change):,.2f}"


def _line_keys(doc: Mapping[str, Any]) -> dict[tuple[str, str], float]:
    sums: dict[tuple[str, str], float] = {}
    for line in doc.get("lines", []):
        key = (line["resource"], line["item"])
        sums[key] = sums.get(key, 0.0) + line["monthly"]
    return sums


def stack_row(stack: str, head: Mapping[str, Any], base: Optional[Mapping[str, Any]]) -> str:
    """The table row of one stack: totals at minimum and maximum capacity and their changes."""
    t = head["totals"]
    b = base["totals"] if base else None
    return (f"| `{stack}` | ${t['monthly']:,.2f} | {_delta(t['monthly'], b and b['monthly'])} "
            f"| ${t['monthlyAtMax']:,.2f} | {_delta(t['monthlyAtMax'], b and b['monthlyAtMax'])} |")


def largest_changes(stack: str, head: Mapping[str, Any], base: Optional[Mapping[str, Any]]) -> list[str]:
    """The lines whose monthly cost changed most (nothing without a base)."""
    if base is None:
        return []
    new, old = _line_keys(head), _line_keys(base)
    changes = sorted(((new.get(k, 0.0) - old.get(k, 0.0), k) for k in set(new) | set(old)),
                     key=lambda c: (-abs(c[0]), c[1]))
    return [f"`{stack}` {res}: {item} {_delta(change, 0.0)}" for change, (res, item) in changes[:TOP_CHANGES]
            if abs(change) >= 0.005]


def comment(stacks: Mapping[str, tuple[Mapping[str, Any], Optional[Mapping[str, Any]]]]) -> str:
    """The whole comment for ``{stack: (head estimate, base estimate or None)}``."""
    table = ["| stack | monthly (min capacity) | change | at max capacity | change |", "|---|---:|---:|---:|---:|"]
    details: list[str] = []
    requests = ""
    for stack, (head, base) in stacks.items():
        table.append(stack_row(stack, head, base))
        details += largest_changes(stack, head, base)
        requests = next((f"{a['value']:,} requests/month" for a in head["assumptions"]
                         if a["name"] == "requests_per_month"), requests)
    out = [MARKER, "### What this change costs", "", *table, ""]
    if details:
        out += ["Largest line changes against the base branch:", "", *[f"- {d}" for d in details], ""]
    out.append(f"Default traffic assumptions ({requests}); prices from `tools/cost/prices/`; "
               "both sides priced by this branch's estimator. Reproduce with `make cost STACK=<stack>`.")
    return "\n".join(out) + "\n"


def _load(path: Path) -> Optional[dict[str, Any]]:
    try:
        return json.loads(path.read_text())
    except (OSError, json.JSONDecodeError):
        return None


def main(argv: Optional[list[str]] = None) -> int:
    """CLI entry point; prints the comment, returns 0 (2 when a head estimate is missing)."""
    parser = argparse.ArgumentParser(prog="python -m tools.cost.compare", description=__doc__.splitlines()[0])
    parser.add_argument("--head", required=True, help="build directory of the pull request")
    parser.add_argument("--base", required=True, help="build directory of the base commit")
    parser.add_argument("stacks", nargs="+")
    args = parser.parse_args(argv)
    stacks = {}
    for stack in args.stacks:
        head = _load(Path(args.head) / stack / "cost.json")
        if head is None:
            print(f"error: no cost estimate for {stack} in {args.head}", file=sys.stderr)
            return 2
        stacks[stack] = (head, _load(Path(args.base) / stack / "cost.json"))
    sys.stdout.write(comment(stacks))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``python -m tools.cost --stack dev [--json] [--requests-per-month N ...]``: what a stack costs.

Reads ``build/<stack>/inventory.json`` (``make synth`` writes it; ``make cost`` runs both).
Exit status: 0 fine, 2 no inventory, no price table for the region, or an unpriced resource type.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import fields
from pathlib import Path
from typing import Any, Optional

from .assumptions import Assumptions, flag_name
from .estimate import UnpricedTypesError, estimate
from .prices import PriceTableError, load_prices
from .render import render_table, to_json

ROOT = Path(__file__).resolve().parents[2]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tools.cost", description=__doc__.splitlines()[0])
    parser.add_argument("--stack", default="dev", help="stack whose build/<stack>/inventory.json to price")
    parser.add_argument("--inventory", help="price this inventory.json instead (for example a base commit's)")
    parser.add_argument("--region", help="price table to use (default: the stack's region)")
    parser.add_argument("--json", action="store_true", help="print the estimate as JSON")
    group = parser.add_argument_group("traffic and usage assumptions (defaults in tools/cost/assumptions.py)")
    for f in fields(Assumptions):
        kind = float if f.type in ("float", "Optional[float]") else int
        group.add_argument(flag_name(f.name), dest=f.name, type=kind, metavar=f.metadata["unit"].upper().replace(" ", "_"),
                           help=f"{f.metadata['text']} (default {f.default})")
    return parser


def main(argv: Optional[list[str]] = None) -> int:
    """CLI entry point; returns the exit status."""
    args = _parser().parse_args(argv)
    path = Path(args.inventory) if args.inventory else ROOT / "build" / args.stack / "inventory.json"
    if not path.is_file():
        print(f"error: {path} not found; run `make synth STACK={args.stack}` first (or `make cost`)", file=sys.stderr)
        return 2
    overrides: dict[str, Any] = {f.name: getattr(args, f.name) for f in fields(Assumptions)
                                 if getattr(args, f.name) is not None}
    try:
        doc = json.loads(path.read_text())
        prices = load_prices(args.region) if args.region else None
        result = estimate(doc, Assumptions().with_overrides(overrides), prices)
    except (PriceTableError, UnpricedTypesError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(json.dumps(to_json(result), indent=2) if args.json else render_table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())

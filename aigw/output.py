"""What the CLI prints: aligned tables for people, or the API's JSON for scripts (``--json``)."""

from __future__ import annotations

import json
from typing import Any, Iterable, Sequence, TextIO


def table(rows: Iterable[Sequence[Any]], headers: Sequence[str]) -> str:
    """Rows as left-aligned columns under ``headers`` (None printed as ``-``)."""
    cells = [[str(h) for h in headers]] + [["-" if c is None else _cell(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells)


def _cell(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ",".join(_cell(v) for v in value) or "-"
    if isinstance(value, dict):
        return ",".join(f"{k}={_cell(v)}" for k, v in value.items()) or "-"
    return str(value)


def fields(record: dict[str, Any]) -> str:
    """One object as ``key  value`` lines."""
    return table(([k, v] for k, v in record.items()), ["field", "value"])


def emit(out: TextIO, data: Any, as_json: bool, human: str) -> None:
    """Print ``data`` as JSON, or the human rendering."""
    out.write((json.dumps(data, indent=2, sort_keys=True) if as_json else human) + "\n")

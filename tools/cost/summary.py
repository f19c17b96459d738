"""One line for the synth summary: the monthly total at the default assumptions."""

from __future__ import annotations

from typing import Any, Mapping

from .estimate import estimate
from .render import money


def summary_line(doc: Mapping[str, Any]) -> str:
    """``cost: $201.34/month ...`` for an inventory document. Never raises: synth must still finish."""
    try:
        t = estimate(doc).totals
    except Exception as err:  # noqa: BLE001 - an unpriced type or a missing table is reported, not fatal here
        return f"cost: not available ({err})"
    return (f"cost: {money(t.monthly)}/month at minimum capacity, {money(t.monthly_at_max)} at maximum "
            "(default traffic assumptions; `make cost` for the table)")

"""The estimate as a text table (by component, then by resource) and as JSON."""

from __future__ import annotations

from typing import Any

from .estimate import Estimate
from .model import Totals

UNVERIFIED_MARK = "*"


def money(value: float) -> str:
    """``1234.5`` -> ``$1,234.50``."""
    return f"${value:,.2f}"


def _quantity(value: float) -> str:
    if value == 0:
        return "0"
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:,.4g}"


def _headline(est: Estimate) -> str:
    t = est.totals
    return (f"{est.project}/{est.stack} ({est.region}): {money(t.monthly)}/month at minimum capacity, "
            f"{money(t.monthly_at_max)} at maximum")


def render_table(est: Estimate) -> str:
    """The whole report: lines grouped by component, component totals, assumptions, price caveats."""
    rows: list[tuple[str, ...]] = []
    components = est.by_component()
    for component, sums in components.items():
        rows.append((component, "", "", money(sums.monthly), money(sums.monthly_at_max)))
        for line in (x for x in est.lines if x.component == component):
            mark = "" if line.verified else UNVERIFIED_MARK
            cost = f"{_quantity(line.quantity)} x {line.unit} @ ${line.unit_price:g}{mark}"
            rows.append((f"  {line.resource}", line.item, cost, money(line.monthly), money(line.monthly_at_max)))
    widths = [max(len(r[i]) for r in rows + [_HEADER]) for i in range(5)]
    out = [_headline(est), f"prices: tools/cost/prices/{est.region}.json (read {est.prices.read}); "
           f"traffic: {est.assumptions.requests_per_month:,} requests/month (assumptions below)", ""]
    out.append(_format(_HEADER, widths))
    out += [_format(r, widths) for r in rows]
    out += ["", "by component:"]
    out += [_format((c, "", "", money(s.monthly), money(s.monthly_at_max)), widths) for c, s in components.items()]
    out += _totals(est.totals, widths)
    out += ["", "free (no charge by themselves): " + ", ".join(f"{_short(f.type)} x{f.count}" for f in est.free)]
    out += ["", "assumptions (change with flags, see python -m tools.cost --help):"]
    for a in est.assumptions.described():
        value = "from the task definition" if a["value"] is None else f"{a['value']:,}" if isinstance(a["value"], (int, float)) else a["value"]
        out.append(f"  {a['name']} = {value} {a['unit']}{'' if a['default'] else '  (set)'}: {a['text']}")
    unverified = est.unverified()
    if unverified:
        out += ["", f"{UNVERIFIED_MARK} unverified prices (best available value; check before relying on it):"]
        out += [f"  {key}: {est.prices[key].note} [{est.prices[key].source}]" for key in unverified]
    out += ["", "Free tiers, savings plans and model tokens are not included; fixed = capacity and hours, "
                "variable = driven by the traffic assumptions."]
    return "\n".join(out)


def _short(type_: str) -> str:
    return "provider" if type_.startswith("pulumi:providers:") else type_.rsplit(":", 1)[-1]


_HEADER = ("component / resource", "charge", "quantity x unit @ price", "monthly (min)", "at max capacity")


def _format(row: tuple[str, ...], widths: list[int]) -> str:
    left = "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:3]))
    right = "  ".join(cell.rjust(widths[i + 3]) for i, cell in enumerate(row[3:]))
    return f"{left}  {right}".rstrip()


def _totals(t: Totals, widths: list[int]) -> list[str]:
    return [
        _format(("total", "", "", money(t.monthly), money(t.monthly_at_max)), widths),
        f"  of which fixed {money(t.fixed)}, variable {money(t.variable)} (at minimum capacity)",
    ]


def to_json(est: Estimate) -> dict[str, Any]:
    """The ``--json`` document: lines, sums by component and resource, totals, assumptions, sources."""
    t = est.totals
    used = sorted({line.price_key for line in est.lines})
    return {
        "project": est.project,
        "stack": est.stack,
        "region": est.region,
        "priceTable": {"file": f"tools/cost/prices/{est.region}.json", "read": est.prices.read},
        "totals": {"monthly": t.monthly, "monthlyAtMax": t.monthly_at_max, "fixed": t.fixed, "variable": t.variable},
        "byComponent": [{"component": c, "monthly": s.monthly, "monthlyAtMax": s.monthly_at_max}
                        for c, s in est.by_component().items()],
        "byResource": [{"component": c, "resource": r, "monthly": s.monthly, "monthlyAtMax": s.monthly_at_max}
                       for (c, r), s in est.by_resource().items()],
        "lines": [line.to_json() for line in est.lines],
        "free": [{"type": f.type, "count": f.count, "reason": f.reason} for f in est.free],
        "assumptions": est.assumptions.described(),
        "prices": {key: {"price": est.prices[key].price, "unit": est.prices[key].unit, "kind": est.prices[key].kind,
                         "verified": est.prices[key].verified, "source": est.prices[key].source} for key in used},
    }

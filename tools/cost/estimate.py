"""Price an inventory: run every resource's pricer at minimum and maximum capacity."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

from . import catalog
from .assumptions import Assumptions
from .context import PricingContext
from .facts import StackFacts
from .inventory import Resource, StackInventory
from .model import Charge, FreeType, Line, Totals, cents
from .prices import PriceTable, load_prices
from .traffic import Traffic

DEFAULT_REGION = "us-east-1"


class UnpricedTypesError(Exception):
    """The inventory holds resource types the catalog neither prices nor lists as free."""

    def __init__(self, types: list[str]):
        self.types = types
        super().__init__("no price for " + ", ".join(types) + " (add a pricer or a FREE entry in tools/cost/catalog.py)")


@dataclass
class Estimate:
    """The priced lines of one stack, with what they were priced from."""

    project: str
    stack: str
    region: str
    prices: PriceTable
    assumptions: Assumptions
    lines: list[Line] = field(default_factory=list)
    free: list[FreeType] = field(default_factory=list)

    @property
    def totals(self) -> Totals:
        """Sums of every line."""
        totals = Totals()
        for line in self.lines:
            totals.add(line)
        return totals

    def by_component(self) -> dict[str, Totals]:
        """Sums per component, in the order components first appear."""
        groups: dict[str, Totals] = {}
        for line in self.lines:
            groups.setdefault(line.component, Totals()).add(line)
        return groups

    def by_resource(self) -> dict[tuple[str, str], Totals]:
        """Sums per (component, resource)."""
        groups: dict[tuple[str, str], Totals] = {}
        for line in self.lines:
            groups.setdefault((line.component, line.resource), Totals()).add(line)
        return groups

    def unverified(self) -> list[str]:
        """Price keys used by a line whose figure is marked unverified."""
        return sorted({line.price_key for line in self.lines if not line.verified})


def estimate(doc: Mapping[str, Any], assumptions: Optional[Assumptions] = None,
             prices: Optional[PriceTable] = None) -> Estimate:
    """Price an ``inventory.json`` document. Raises :class:`UnpricedTypesError` for unknown types."""
    inv = StackInventory(doc)
    assumptions = assumptions or Assumptions()
    region = inv.region or DEFAULT_REGION
    prices = prices or load_prices(region)
    missing = catalog.unpriced({r.type for r in inv.cloud_resources()})
    if missing:
        raise UnpricedTypesError(missing)
    facts = StackFacts.of(inv)
    traffic = Traffic.from_assumptions(assumptions)
    contexts = [PricingContext(inv, facts, prices, assumptions, traffic, scenario) for scenario in ("min", "max")]
    result = Estimate(project=inv.project, stack=inv.stack, region=region, prices=prices, assumptions=assumptions)
    free: dict[str, FreeType] = {}
    for res in sorted(inv.cloud_resources(), key=lambda r: (inv.component_of(r), r.name, r.type)):
        pricer = catalog.pricer_for(res.type)
        low = pricer(res, contexts[0]) if pricer else []
        if pricer is None or not low:
            reason = catalog.FREE.get(res.type, "no charge as configured")
            entry = free.setdefault(res.type, FreeType(res.type, 0, reason))
            entry.count += 1
            entry.names.append(res.name)
            continue
        high = pricer(res, contexts[1])
        if [c.item for c in low] != [c.item for c in high]:
            raise RuntimeError(f"{res.type} pricer returned different items at minimum and maximum capacity")
        result.lines += [_line(inv, res, a, b, prices) for a, b in zip(low, high)]
    result.free = sorted(free.values(), key=lambda f: f.type)
    return result


def _line(inv: StackInventory, res: Resource, low: Charge, high: Charge, prices: PriceTable) -> Line:
    price = prices[low.price_key]
    return Line(
        component=inv.component_of(res), resource=res.name, type=res.type, item=low.item, kind=low.kind,
        price_key=low.price_key, unit=price.unit, unit_price=price.price,
        quantity=low.quantity, quantity_at_max=high.quantity,
        monthly=cents(low.quantity * price.price), monthly_at_max=cents(high.quantity * price.price),
        basis=low.basis, verified=price.verified,
    )

"""What an estimate is made of: charges a pricer reports, and the priced lines of the table."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["fixed", "variable"]


@dataclass(frozen=True)
class Charge:
    """One thing a resource is billed for, as a pricer reports it: a quantity of a priced unit."""

    item: str
    quantity: float
    price_key: str
    kind: Kind
    basis: str = ""
    """How the quantity was reached, in words (``730 h x 2 AZs``)."""


@dataclass(frozen=True)
class Line:
    """A row of the table: a charge of one resource, priced at minimum and at maximum capacity."""

    component: str
    resource: str
    type: str
    item: str
    kind: Kind
    price_key: str
    unit: str
    unit_price: float
    quantity: float
    quantity_at_max: float
    monthly: float
    """USD per month at minimum capacity, rounded to cents (totals add these exactly)."""
    monthly_at_max: float
    basis: str
    verified: bool

    def to_json(self) -> dict[str, Any]:
        """The line as the ``--json`` output shows it."""
        return {
            "component": self.component, "resource": self.resource, "type": self.type, "item": self.item,
            "kind": self.kind, "priceKey": self.price_key, "unit": self.unit, "unitPrice": self.unit_price,
            "quantity": self.quantity, "quantityAtMax": self.quantity_at_max, "monthly": self.monthly,
            "monthlyAtMax": self.monthly_at_max, "basis": self.basis, "verified": self.verified,
        }


def cents(value: float) -> float:
    """Round to cents, half up (so totals of rounded lines are exact)."""
    return float(f"{value + 1e-9:.2f}") if value >= 0 else -cents(-value)


@dataclass
class Totals:
    """Sums of lines, at minimum and at maximum capacity."""

    monthly: float = 0.0
    monthly_at_max: float = 0.0
    fixed: float = 0.0
    variable: float = 0.0

    def add(self, line: Line) -> None:
        """Add a line (all amounts stay rounded to cents)."""
        self.monthly = cents(self.monthly + line.monthly)
        self.monthly_at_max = cents(self.monthly_at_max + line.monthly_at_max)
        if line.kind == "fixed":
            self.fixed = cents(self.fixed + line.monthly)
        else:
            self.variable = cents(self.variable + line.monthly)


@dataclass
class FreeType:
    """Resources of a type that cost nothing by themselves, and why."""

    type: str
    count: int
    reason: str
    names: list[str] = field(default_factory=list)

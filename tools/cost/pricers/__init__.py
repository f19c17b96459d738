"""Pricers: one function per priced resource type, grouped by AWS area.

A pricer takes a resource and a :class:`~tools.cost.context.PricingContext` and returns the
:class:`~tools.cost.model.Charge` items the resource is billed for. It must return the same items
in both scenarios (minimum and maximum capacity); only quantities may differ. An empty list
means the resource costs nothing as configured.
"""

from __future__ import annotations

from typing import Callable

from ..context import PricingContext
from ..inventory import Resource
from ..model import Charge
from . import compute, data, edge, identity, network, observability, security, serverless

Pricer = Callable[[Resource, PricingContext], list[Charge]]

PRICERS: dict[str, Pricer] = {
    **network.PRICERS, **edge.PRICERS, **compute.PRICERS, **observability.PRICERS,
    **identity.PRICERS, **security.PRICERS, **serverless.PRICERS, **data.PRICERS,
}
"""Resource type -> pricer."""

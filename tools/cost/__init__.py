"""What a stack costs: a monthly estimate of a synthesized inventory (``make cost``).

Pure functions over ``build/<stack>/inventory.json``: no Pulumi, no network. Prices come from
the pinned, dated table for the stack's region (``prices/<region>.json``); traffic comes from
stated assumptions (:mod:`tools.cost.assumptions`). :func:`estimate` returns the lines,
:mod:`tools.cost.render` prints them, ``python -m tools.cost`` is the command line.
"""

from .assumptions import Assumptions
from .estimate import Estimate, UnpricedTypesError, estimate
from .summary import summary_line

__all__ = ["Assumptions", "Estimate", "UnpricedTypesError", "estimate", "summary_line"]

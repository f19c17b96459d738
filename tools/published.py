"""What a deploy publishes to AppConfig, read from an inventory: the publisher Invocation's input.

Pure and import-light, so the synth and the cost tool read it the same way (any inventory whose
``of_type(type)`` gives rows with ``inputs``: the harness's or the cost tool's).
"""

from __future__ import annotations

import json
from typing import Any, Optional

INVOCATION = "aws:lambda/invocation:Invocation"


def published_documents(inventory: Any) -> Optional[dict[str, Any]]:
    """``{"base", "overlay", "strategy"}`` the deploy publishes, or None when the stack publishes nothing."""
    for invocation in inventory.of_type(INVOCATION):
        raw = invocation.inputs.get("input")
        if not (isinstance(raw, str) and raw.startswith("{")):
            continue
        try:
            doc = json.loads(raw)
        except ValueError:
            continue
        if isinstance(doc, dict) and "base" in doc:
            return doc
    return None

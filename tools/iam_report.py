"""The IAM documents a synthesized stack deploys, for reviewers: ``build/<...>/iam-policies.json``.

Trust policies, inline and managed policies, each with its allowed actions grouped by service,
read back from the inventory (exactly what would be deployed).
"""

from __future__ import annotations

import json
from typing import Any

from .harness import Inventory

IAM_DOCUMENTS = {"aws:iam/policy:Policy": "policy", "aws:iam/rolePolicy:RolePolicy": "policy",
                 "aws:iam/role:Role": "assumeRolePolicy"}


def iam_policies(inventory: Inventory) -> dict[str, Any]:
    """Every IAM document the stack deploys, by resource name, with its allowed actions by service."""
    found: dict[str, Any] = {}
    for row in sorted(inventory.resources, key=lambda r: r.name):
        raw = row.inputs.get(IAM_DOCUMENTS.get(row.type, ""))
        if not isinstance(raw, str) or not raw.startswith("{"):
            continue
        document = json.loads(raw)
        services: dict[str, set[str]] = {}
        for st in document.get("Statement", []):
            if st.get("Effect") == "Allow":
                for action in [st["Action"]] if isinstance(st["Action"], str) else st["Action"]:
                    services.setdefault(action.split(":")[0], set()).add(action)
        found[row.name] = {"type": row.type, "actionsByService": {k: sorted(v) for k, v in sorted(services.items())},
                           "document": document}
    return found

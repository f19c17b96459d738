"""The AWS calls the publisher makes beyond AppConfig's, per resource role (the Pulumi side grants exactly these).

Only with a control table configured (``CONTROL_TABLE``): the store mode reads the stack
documents, the routing item (GetItem), the prices (Query), the teams (Scan: the table has no
index and holds one item per team) and saves the stack documents (PutItem).
"""

from __future__ import annotations

CALLS: dict[str, tuple[str, ...]] = {
    "controlTable": ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:Scan"),
}
"""Resource role -> IAM actions the store mode calls on it."""

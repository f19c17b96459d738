"""The AWS calls the publisher makes on the control-plane store, by resource role: the one list its
control-table grants are built from (the AppConfig grants: ``appconfig_publisher_statements``).

``controlTable``: the stack documents it saves on a ``pulumi up`` publish and the overlay items it
reads on every publish.
"""

from __future__ import annotations

CALLS: dict[str, tuple[str, ...]] = {
    "controlTable": ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"),
}

"""Every AWS call the aggregator's code makes, per resource it makes it on: the one source of its
IAM statements (``components/usage.py``) and of the test that checks the code against them.

Transactions are authorized per action inside them (PutItem, UpdateItem); the tables, the topic
and the reports are encrypted with the stack's control-plane key, which each call uses through
its service.
"""

from __future__ import annotations

CALLS: dict[str, tuple[str, ...]] = {
    "usage_table": ("dynamodb:PutItem", "dynamodb:UpdateItem"),
    "data_key": ("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"),
}
"""With budgets off: count requests."""

BUDGET_CALLS: dict[str, tuple[str, ...]] = {
    "usage_table": ("dynamodb:GetItem",),
    "control_table": ("dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"),
    "budget_topic": ("sns:Publish",),
    "publisher": ("lambda:InvokeFunction",),
}
"""Added with budgets on: read budgets, claim alert markers, publish alerts, block, publish the store."""


def calls(budgets: bool) -> dict[str, tuple[str, ...]]:
    """The aggregator's calls with budgets on or off."""
    merged = {role: set(actions) for role, actions in CALLS.items()}
    for role, actions in (BUDGET_CALLS if budgets else {}).items():
        merged.setdefault(role, set()).update(actions)
    return {role: tuple(sorted(actions)) for role, actions in merged.items()}

"""Every AWS call the budget reset's code makes, per resource: the one source of its IAM statements."""

from __future__ import annotations

CALLS: dict[str, tuple[str, ...]] = {
    "control_table": ("dynamodb:Scan", "dynamodb:UpdateItem"),
    "data_key": ("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"),
    "publisher": ("lambda:InvokeFunction",),
}

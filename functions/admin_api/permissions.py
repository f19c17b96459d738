"""The AWS calls the admin function makes, per resource role: the Pulumi side grants exactly these.

``tests/functions/admin_api/test_permissions.py`` records the calls a tour of every route makes
and asserts they equal this list.
"""

from __future__ import annotations

CALLS: dict[str, tuple[str, ...]] = {
    "controlTable": ("dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query",
                     "dynamodb:Scan"),
    "usageTable": ("dynamodb:GetItem", "dynamodb:Query"),
    "userPool": ("cognito-idp:CreateUserPoolClient", "cognito-idp:DeleteUserPoolClient"),
    "publisher": ("lambda:InvokeFunction",),
    "appconfig": ("appconfig:GetDeployment", "appconfig:ListDeployments",
                  "appconfig:ListHostedConfigurationVersions"),
}
"""Resource role -> IAM actions the code calls on it."""

"""The AWS calls the admin API's code makes, by the resource they act on: the one list its IAM
statements are built from (components/renderers/function_policies.py) and a test checks against.

Roles: ``controlTable`` and ``usageTable`` (the two DynamoDB tables), ``userPool`` (team app
clients), ``publisher`` (the publisher function, invoked after a change), ``appconfig`` (the
application's environment and profiles, read for the config status).
"""

from __future__ import annotations

CALLS: dict[str, tuple[str, ...]] = {
    "controlTable": (
        "dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query",
        "dynamodb:TransactWriteItems", "dynamodb:UpdateItem",
    ),
    "usageTable": ("dynamodb:GetItem", "dynamodb:Query"),
    "userPool": (
        "cognito-idp:AddUserPoolClientSecret", "cognito-idp:CreateUserPoolClient",
        "cognito-idp:DeleteUserPoolClient", "cognito-idp:DeleteUserPoolClientSecret",
        "cognito-idp:DescribeUserPoolClient", "cognito-idp:ListUserPoolClientSecrets",
        "cognito-idp:UpdateUserPoolClient",
    ),
    "publisher": ("lambda:InvokeFunction",),
    "appconfig": (
        "appconfig:GetDeployment", "appconfig:GetHostedConfigurationVersion", "appconfig:ListDeployments",
        "appconfig:ListHostedConfigurationVersions",
    ),
}

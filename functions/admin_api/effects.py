"""What a mutation does besides its write: the audit line, the publish, and the team's Cognito clients."""

from __future__ import annotations

import json
from typing import Any, Optional

from .deps import Deps
from .errors import ApiError


def audit_line(actor: str, action: str, target: str, before: Optional[Any], after: Optional[Any], at: str) -> str:
    """The audit record as one JSON line (``before`` null on a create, ``after`` null on a delete)."""
    record = {"audit": True, "actor": actor, "action": action, "target": target, "before": before, "after": after,
              "at": at}
    return json.dumps(record, sort_keys=True, default=str, separators=(",", ":"))


def audit(deps: Deps, actor: str, action: str, target: str, before: Optional[Any], after: Optional[Any]) -> None:
    """Write one audit line per mutation to the audit sink (stdout in Lambda: the log group).

    Not through the Powertools logger, which drops null fields: a create's ``before`` is null on
    purpose. Never a secret: callers pass the stored items, which hold none.
    """
    deps.audit_sink(audit_line(actor, action, target, before, after, deps.now().isoformat(timespec="seconds")))


def publish(deps: Deps, reason: str, actor: str) -> None:
    """Ask the publisher (asynchronously) to render and deliver the store as it is now."""
    payload = json.dumps({"source": "store", "reason": reason, "actor": actor}).encode()
    deps.lambda_client.invoke(FunctionName=deps.settings.publisher_function, InvocationType="Event", Payload=payload)
    deps.logger.info("publish requested", extra={"reason": reason, "actor": actor})


def create_client(deps: Deps, team: str) -> tuple[str, str]:
    """A Cognito app client for ``team`` (client_credentials, the invoke scope): its id and secret."""
    settings = deps.settings
    response = deps.cognito.create_user_pool_client(
        UserPoolId=settings.user_pool_id,
        ClientName=f"{settings.client_name_prefix}-{team}",
        GenerateSecret=True,
        AllowedOAuthFlows=["client_credentials"],
        AllowedOAuthScopes=[settings.invoke_scope],
        AllowedOAuthFlowsUserPoolClient=True,
        SupportedIdentityProviders=["COGNITO"],
        AccessTokenValidity=settings.access_token_minutes,
        TokenValidityUnits={"AccessToken": "minutes"},
        EnableTokenRevocation=True,
        PreventUserExistenceErrors="ENABLED",
    )
    client = response["UserPoolClient"]
    return client["ClientId"], client["ClientSecret"]


def delete_client(deps: Deps, client_id: str) -> None:
    """Delete a Cognito app client (one that is gone already is fine)."""
    try:
        deps.cognito.delete_user_pool_client(UserPoolId=deps.settings.user_pool_id, ClientId=client_id)
    except Exception as error:
        code = (getattr(error, "response", {}) or {}).get("Error", {}).get("Code")
        if code != "ResourceNotFoundException":
            raise ApiError(502, "cognito_error", f"Cognito refused to delete client {client_id}: {code}") from error

"""The resource types the gateway stacks can contain: every stack file with every toggle on.

``python -m tools.stack_types`` rewrites ``bootstrap/resource-types.json``, the list the bootstrap
grants its deploy roles (``permissions.resourceTypes: stacks``); a test fails when the file is
stale or when a type in it has no row in the reviewed table (``bootstrap/permissions.py``).
A new feature toggle that adds resources belongs in :data:`EVERYTHING_ON`.
"""

from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path
from typing import Any, Mapping

from .harness import Inventory, run_program
from .stack_config import load_stack_config

ROOT = Path(__file__).resolve().parent.parent
TYPES_FILE = ROOT / "bootstrap" / "resource-types.json"
STACKS = ("dev", "prod")
PLAINTEXT_FOR_SYNTH = "synth-only-value"

EVERYTHING_ON: dict[str, Any] = {
    "waf": {"enabled": True},
    "edge": {"accessLogs": True, "deletionProtection": True},
    "network": {"interfaceEndpoints": ["ecr.api", "ecr.dkr", "logs", "secretsmanager", "bedrock-runtime", "sts",
                                       "monitoring", "xray", "kms"]},
    "guardrails": {"enabled": True},
    "rateLimit": {"mode": "global"},
    "promptCaching": {"enabled": True},
    "providers": {"bedrock": {"enabled": True}, "anthropic": {"enabled": True}, "openai": {"enabled": True},
                  "azure": {"enabled": True, "resourceName": "synth", "model": "synth"}, "google": {"enabled": True}},
    "inspector": {"manage": True},
    "controlPlane": {"enabled": True, "manageApiGatewayAccount": True},
    "usage": {"enabled": True},
    "budgets": {"enabled": True, "alertEmails": ["finance@example.com"]},
    "chargeback": {"enabled": True, "reportEmails": ["finance@example.com"]},
    "sso": {"enabled": True, "identityProviders": {
                "corp": {"saml": {"metadataUrl": "https://idp.example.com/metadata"}},
                "okta": {"oidc": {"issuer": "https://example.okta.com", "clientId": "synth",
                                  "clientSecret": PLAINTEXT_FOR_SYNTH}}},
            "groupMappings": [{"group": "gateway-admins", "team": "platform", "admin": True}]},
}
"""Overrides (merged into each stack file) that turn on everything that creates resources (``sso``
with both provider kinds; it is then secret config, as ``pulumi config set --secret --path`` makes it)."""
SECRET_KEYS = ("anthropicApiKey", "openaiApiKey", "azureApiKey", "googleApiKey")
"""Provider keys given as secret config: the stack then writes secret versions too."""


def _merge(base: Any, extra: Any) -> Any:
    if isinstance(base, dict) and isinstance(extra, dict):
        return {**base, **{k: _merge(base.get(k), v) for k, v in extra.items()}}
    return extra


def everything_on_config(stack: str, namespace: str = "ai-gateway") -> tuple[dict[str, str], set[str]]:
    """The stack file's config with :data:`EVERYTHING_ON` merged in and every provider key set."""
    cfg = load_stack_config(ROOT, stack)
    values = dict(cfg.values)
    for key, extra in EVERYTHING_ON.items():
        full = f"{namespace}:{key}"
        current = json.loads(values[full]) if full in values and values[full][:1] in "{[" else {}
        values[full] = json.dumps(_merge(current, extra))
    secret_keys = set(cfg.secret_keys) | {f"{namespace}:sso"}  # it holds the OIDC client secret
    for key in SECRET_KEYS:
        values[f"{namespace}:{key}"] = PLAINTEXT_FOR_SYNTH
        secret_keys.add(f"{namespace}:{key}")
    return values, secret_keys


def everything_on(stack: str) -> Inventory:
    """Run the gateway program for the stack with every toggle on."""
    values, secret_keys = everything_on_config(stack)
    entry = str(ROOT / "__main__.py")
    return run_program(lambda: runpy.run_path(entry, run_name="__main__"), project="ai-gateway", stack=stack,
                       config=values, secret_keys=secret_keys)


def aws_types(inventories: Mapping[str, Inventory]) -> list[str]:
    """Sorted AWS resource types of the inventories (providers, the stack and components left out)."""
    from bootstrap.permissions import is_aws_resource

    return sorted({r.type for inv in inventories.values() for r in inv.resources if is_aws_resource(r.type, r.custom)})


def render(types: list[str]) -> str:
    """The JSON file's content."""
    return json.dumps({
        "about": "AWS resource types of the gateway stacks (dev and prod, every toggle on); "
                 "regenerate with `python -m tools.stack_types`.",
        "stacks": list(STACKS),
        "types": types,
    }, indent=2) + "\n"


def main() -> int:
    """Rewrite bootstrap/resource-types.json."""
    TYPES_FILE.write_text(render(aws_types({s: everything_on(s) for s in STACKS})))
    print(f"wrote {TYPES_FILE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

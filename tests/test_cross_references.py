"""Every variable the rendered configs reference is provided by the task definition, and nothing else uses ``$``.

agentgateway expands ``$VAR``/``${VAR}`` over its whole config text before parsing, at start and on
every reload, and fails the load when one is unset; the ADOT collector resolves ``${env:VAR}`` (and
``${VAR}``) in ``AOT_CONFIG_CONTENT``. Checked on the published gateway config and the real task
definitions of both stack files and variants.
"""

from __future__ import annotations

import json
import re

import pytest

from components.renderers.agentgateway_config import referenced_env_vars
from tests.support import PLAIN_HTTP_BEDROCK_ONLY, baseline, container_definitions, run_stack
from tools.synth import rendered_configs

ALL_PROVIDERS = {
    "providers": {
        "bedrock": {"enabled": True},
        "anthropic": {"enabled": True},
        "openai": {"enabled": True},
        "azure": {"enabled": True, "resourceName": "contoso-aoai", "model": "gpt-4o-deployment"},
        "google": {"enabled": True},
    },
    "routing": {"fallbackGroups": [["bedrock", "google"], ["anthropic", "openai", "azure"]],
                "modelAliases": {"fast": "anthropic.claude-3-5-haiku-20241022-v1:0"}},
    "guardrails": {"enabled": True, "identifier": "abcdefghij12"},
    "rateLimit": {"mode": "global", "failureMode": "closed"},
}
VARIANTS = {
    "dev": ("dev", None),
    "prod": ("prod", None),
    "prod-all-providers": ("prod", ALL_PROVIDERS),
    "dev-plain-http-bedrock-only": ("dev", PLAIN_HTTP_BEDROCK_ONLY),
    "dev-keyed-only": ("dev", {
        "providers": {"bedrock": {"enabled": False}, "openai": {"enabled": True}, "google": {"enabled": True}},
        "routing": {"fallbackGroups": [["openai"], ["google"]]},
    }),
}
COLLECTOR_REF = re.compile(r"\$\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?\}")
GATEWAY_REF = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*\}|\$\$")


def _inventory(variant):
    stack, overrides = VARIANTS[variant]
    return baseline(stack) if overrides is None else run_stack(stack, overrides)


def _provided(container):
    return {e["name"] for e in container.get("environment", [])} | {s["name"] for s in container.get("secrets", [])}


@pytest.fixture(scope="module", params=sorted(VARIANTS))
def deployed(request):
    inv = _inventory(request.param)
    return {c["name"]: c for c in container_definitions(inv)}, rendered_configs(inv)["agentgateway.json"]


@pytest.fixture
def containers(deployed):
    return deployed[0]


def test_every_gateway_variable_is_injected_and_no_other_dollar(deployed):
    containers, text = deployed
    referenced = referenced_env_vars(text)
    # The gateway loads the file, the check container validates it: both expand the same names.
    for name in ("gateway", "config-check"):
        assert referenced <= _provided(containers[name]), (name, referenced - _provided(containers[name]))
    # The only `$`s are ${VAR} references and `$$` (a user's `$`, escaped); nothing else for the expansion.
    assert "$" not in GATEWAY_REF.sub("", text)
    # And every injected secret is used (no stale secret that would block task start for nothing).
    assert {s["name"] for s in containers["gateway"].get("secrets", [])} == referenced


def test_every_collector_variable_is_in_its_environment(containers):
    collector = containers["collector"]
    env = {e["name"]: e["value"] for e in collector["environment"]}
    text = env["AOT_CONFIG_CONTENT"]
    referenced = set(COLLECTOR_REF.findall(text))
    assert referenced <= set(env), referenced - set(env)
    assert "$" not in COLLECTOR_REF.sub("", text)


def test_no_statement_grants_a_wildcard_only_action_on_specific_resources():
    """Every identity document of both stacks: an action without resource-level permissions on a
    named ARN grants nothing, so the code would lack what it seems to have (the flow-log role did)."""
    from policy.rules.iam import WILDCARD_RESOURCE_ACTIONS

    wildcard_only = {a.lower() for a in WILDCARD_RESOURCE_ACTIONS}
    checked = 0
    for stack in ("dev", "prod"):
        for row in baseline(stack).of_type("aws:iam/rolePolicy:RolePolicy"):
            for st in json.loads(row.inputs["policy"])["Statement"]:
                actions = [st["Action"]] if isinstance(st["Action"], str) else st["Action"]
                resources = [st["Resource"]] if isinstance(st["Resource"], str) else st["Resource"]
                checked += 1
                if "*" not in resources:
                    assert not [a for a in actions if a.lower() in wildcard_only], (stack, row.name, st)
    assert checked > 10

"""Bedrock Guardrails: created and versioned by the stack, or an existing one; wired into the
gateway config and the task role either way."""

from __future__ import annotations

import json

from components.renderers.guardrail_policy import fingerprint, guardrail_config
from components.settings import GuardrailsSettings
from tests.support import baseline, gateway_config, run_stack

GUARDRAIL = "aws:bedrock/guardrail:Guardrail"
VERSION = "aws:bedrock/guardrailVersion:GuardrailVersion"


def _gateway_guards(inv):
    config = gateway_config(inv)
    route = config["binds"][0]["listeners"][0]["routes"][0]
    return route["policies"]["ai"].get("promptGuard")


def _apply_guardrail_resources(inv):
    policy = json.loads(inv.one("aws:iam/rolePolicy:RolePolicy", "task-policy").inputs["policy"])
    return [st["Resource"] for st in policy["Statement"] if st["Sid"] == "ApplyConfiguredGuardrail"]


def test_no_guardrail_by_default():
    inv = baseline("prod")
    assert inv.of_type(GUARDRAIL) == [] and _gateway_guards(inv) is None
    assert _apply_guardrail_resources(inv) == []


def test_created_guardrail_is_versioned_and_used_by_the_gateway():
    inv = run_stack("prod", {"guardrails": {"enabled": True, "action": "block", "piiEntities": ["EMAIL"]},
                             "providers": {"bedrock": {"region": "us-west-2"}}})
    guardrail = inv.one(GUARDRAIL)
    version = inv.one(VERSION)
    assert guardrail.inputs["region"] == "us-west-2" and version.inputs["region"] == "us-west-2"
    filters = {f["type"]: f for f in guardrail.inputs["contentPolicyConfig"]["filtersConfigs"]}
    assert set(filters) == {"HATE", "INSULTS", "SEXUAL", "VIOLENCE", "MISCONDUCT", "PROMPT_ATTACK"}
    assert filters["HATE"]["inputAction"] == "BLOCK" and filters["PROMPT_ATTACK"]["outputStrength"] == "NONE"
    assert guardrail.inputs["sensitiveInformationPolicyConfig"]["piiEntitiesConfigs"] == [
        {"type": "EMAIL", "action": "BLOCK", "inputAction": "BLOCK", "outputAction": "BLOCK"}]
    assert version.property_dependencies["guardrailArn"] == [guardrail.urn]
    assert version.inputs["skipDestroy"] is True
    assert version.replace_on_changes == ["description"]
    guardrail_id = inv.outputs["guardrailId"]
    for phase in ("request", "response"):
        (guard,) = _gateway_guards(inv)[phase]
        assert guard["bedrockGuardrails"]["guardrailIdentifier"] == guardrail_id
        assert guard["bedrockGuardrails"]["guardrailVersion"] == inv.outputs["guardrailVersion"] == "1"
        assert guard["bedrockGuardrails"]["region"] == "us-west-2"
    assert _apply_guardrail_resources(inv) == [[f"arn:aws:bedrock:us-west-2:123456789012:guardrail/{guardrail_id}"]]


def test_a_settings_change_publishes_a_new_version():
    block = run_stack("dev", {"guardrails": {"enabled": True}}).one(VERSION).inputs["description"]
    detect = run_stack("dev", {"guardrails": {"enabled": True, "action": "detect"}}).one(VERSION).inputs["description"]
    same = run_stack("dev", {"guardrails": {"enabled": True}}).one(VERSION).inputs["description"]
    assert block != detect and block == same
    assert block.endswith(fingerprint(guardrail_config(GuardrailsSettings(enabled=True))))


def test_detect_mode_blocks_nothing():
    config = guardrail_config(GuardrailsSettings(enabled=True, action="detect"))
    actions = {f["input_action"] for f in config["content_policy_config"]["filters_configs"]}
    actions |= {f["output_action"] for f in config["content_policy_config"]["filters_configs"]}
    actions |= {e["action"] for e in config["sensitive_information_policy_config"]["pii_entities_configs"]}
    assert actions == {"NONE"}


def test_existing_guardrail_is_used_as_given():
    arn = "arn:aws:bedrock:eu-west-1:123456789012:guardrail/abcdef123456"
    inv = run_stack("dev", {"guardrails": {"enabled": True, "identifier": arn, "version": "4"}})
    assert inv.of_type(GUARDRAIL) == [] and inv.of_type(VERSION) == []
    (guard,) = _gateway_guards(inv)["request"]
    assert guard["bedrockGuardrails"] == {"guardrailIdentifier": arn, "guardrailVersion": "4", "region": "eu-west-1",
                                          "policies": {"backendAuth": {"aws": {}}}}
    assert _apply_guardrail_resources(inv) == [[arn]]

"""The guardrail the stack creates, as plain data, and the fingerprint that versions it.

Bedrock serves a guardrail's *published versions*; editing the guardrail only changes its DRAFT.
The gateway therefore pins a version, and the program publishes a new one whenever this
configuration changes (the fingerprint is part of the version's description, which is replaced on
change). Old versions are kept so a rollback of the task definition still finds its version.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from components.settings import GuardrailsSettings

CONTENT_FILTERS = ("HATE", "INSULTS", "SEXUAL", "VIOLENCE", "MISCONDUCT")
"""Content filters applied to both prompts and responses."""


def guardrail_config(g: GuardrailsSettings) -> dict[str, Any]:
    """Content and sensitive-information policies (pulumi_aws argument shapes, snake_case keys).

    ``detect`` keeps every filter evaluating (verdicts show in traces and the guardrail metric) with
    action ``NONE``, so nothing is blocked or masked.
    """
    action = "BLOCK" if g.action == "block" else "NONE"
    strength = g.content_filter_strength
    filters = [
        {"type": kind, "input_strength": strength, "output_strength": strength,
         "input_action": action, "output_action": action}
        for kind in CONTENT_FILTERS
    ]
    # Prompt attacks only exist in input; AWS requires the output strength to be NONE.
    filters.append({"type": "PROMPT_ATTACK", "input_strength": strength, "output_strength": "NONE",
                    "input_action": action, "output_action": "NONE"})
    config: dict[str, Any] = {
        "blocked_input_messaging": g.blocked_message,
        "blocked_outputs_messaging": g.blocked_message,
        "content_policy_config": {"filters_configs": filters},
    }
    if g.pii_entities:
        config["sensitive_information_policy_config"] = {"pii_entities_configs": [
            {"type": entity, "action": action, "input_action": action, "output_action": action}
            for entity in g.pii_entities
        ]}
    return config


def fingerprint(config: dict[str, Any]) -> str:
    """A short, stable digest of the configuration; it changes exactly when the configuration does."""
    return hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()[:16]

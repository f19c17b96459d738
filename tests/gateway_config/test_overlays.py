"""The renderer over the space of overlays the control plane may publish: 0 to 64 teams in every
status, tiers, allow-lists and aliases with the characters a model name may hold (``$``, quotes,
braces), price overrides. Whatever the overlay, the files pass the validator's checks, each rule
names exactly the clients it is about, and every string reaches agentgateway, after its ``$``
expansion, as the user wrote it."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gateway_config
from gateway_config.checks import catalog_problems, config_problems
from gateway_config.expand import expanded, referenced_env_vars
from gateway_config.model import TEAM_STATUSES
from gateway_config.teams import MAX_CONDITIONAL_ENTRIES, allowed_models
from tests.support import baseline
from tools.synth import published_documents

MODEL_CHARS = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in '"\\')
"""What the MODEL_NAME pattern allows: printable ASCII but ``"`` and ``\\``."""
TRICKY = ["$HOME", "${ANTHROPIC_API_KEY}", "$$", "it's", "a{b}", "x$", "${X:-y}"]


@pytest.fixture(scope="module")
def base() -> gateway_config.GatewayBase:
    """The dev stack's published base (JWT on, one Bedrock and one Anthropic provider, tiers)."""
    return gateway_config.GatewayBase.model_validate(published_documents(baseline("dev"))["base"])


def models() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(TRICKY + ["gpt-4o", "claude-sonnet-4-20250514"]),
                     st.text(alphabet=MODEL_CHARS, min_size=1, max_size=24))


@st.composite
def overlays(draw: st.DrawFn, tiers: list[str]) -> dict:
    count = draw(st.integers(min_value=0, max_value=64))
    names = draw(st.lists(st.from_regex(r"[a-z0-9][a-z0-9-]{0,11}", fullmatch=True),
                          min_size=count, max_size=count, unique=True))
    clients = iter(draw(st.lists(st.from_regex(r"[A-Za-z0-9_+-]{4,20}", fullmatch=True),
                                 min_size=2 * count, max_size=2 * count, unique=True)))
    lists = draw(st.lists(st.lists(models(), min_size=1, max_size=3), min_size=1, max_size=4))
    teams = []
    for name in names:
        team = {"name": name, "clientIds": [next(clients) for _ in range(draw(st.integers(1, 2)))],
                "tier": draw(st.sampled_from(tiers)), "status": draw(st.sampled_from(TEAM_STATUSES))}
        if draw(st.booleans()):
            team["models"] = draw(st.sampled_from(lists))
        teams.append(team)
    overlay: dict = {"teams": teams}
    if draw(st.booleans()):
        overlay["routing"] = {"modelAliases": draw(st.dictionaries(models(), models(), max_size=3))}
    if draw(st.booleans()):
        overlay["prices"] = {"anthropic": {draw(models()): {"input": draw(st.sampled_from(["0", "1.25", "3"]))}}}
    return overlay


def _env(base: gateway_config.GatewayBase) -> dict[str, str]:
    return {p.key_env: "test-value" for p in base.providers if p.key_env}


def _lists_in(condition: str) -> list[list[str]]:
    """The CEL list literals of a condition (they are JSON arrays of strings)."""
    return [json.loads(m) for m in re.findall(r"\[(?:\"(?:[^\"\\]|\\.)*\"(?:, )?)*\]", condition)]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_every_overlay_renders_files_the_validator_accepts(base, data):
    overlay = gateway_config.GatewayOverlay.model_validate(data.draw(overlays(sorted(base.tiers))))
    active_lists = {tuple(allowed_models(base, t)) for t in overlay.teams
                    if t.status == "active" and allowed_models(base, t) is not None}
    rules = len(active_lists) + any(t.status == "over-budget" for t in overlay.teams) + any(
        t.status == "suspended" for t in overlay.teams)
    if rules > MAX_CONDITIONAL_ENTRIES:
        with pytest.raises(ValueError, match="distinct model allow-lists"):
            gateway_config.render(base, overlay)
        return
    rendered = gateway_config.render(base, overlay)
    env = _env(base)
    assert config_problems(rendered.config_json, env) == []
    assert catalog_problems(rendered.catalog_json) == []
    assert referenced_env_vars(rendered.config_json) <= set(env)

    # What agentgateway parses: the text after its `$` expansion.
    config = json.loads(expanded(rendered.config_json, env))
    # The dev base has SSO on: each member list is [machine client ids] then, for people,
    # [the people's client] and [the member teams' names] (the team claim counts only there).
    users = sorted(set(base.jwt.user_client_ids))
    assert users

    def members(teams: list) -> list[list[str]]:
        return [sorted({c for t in teams for c in t.client_ids}), users, sorted({t.name for t in teams})]

    for route in config["binds"][0]["listeners"][0]["routes"]:
        policies = route["policies"]
        require = [r["require"] for r in policies["authorization"]["rules"]]
        if overlay.teams:
            assert _lists_in(require[1]) == members(overlay.teams)
        else:
            assert len(require) == 1  # the invoke scope only
        entries = policies.get("directResponse", {}).get("conditional", [])
        expected = {}
        for status, code in (("over-budget", 429), ("suspended", 403)):
            teams = [t for t in overlay.teams if t.status == status]
            if teams:
                expected[(code, None)] = members(teams)
        for allowed in active_lists:
            expected[(403, allowed)] = members([t for t in overlay.teams if t.status == "active"
                                                and allowed_models(base, t) is not None
                                                and tuple(allowed_models(base, t)) == allowed])
        seen = {}
        for entry in entries:
            lists = _lists_in(entry["condition"])
            key = (entry["status"], tuple(lists[3]) if len(lists) == 4 else None)
            seen[key] = lists[:3]
        assert seen == expected  # each rule names exactly its clients and teams and, verbatim, its models


def test_a_dollar_in_a_model_name_reaches_agentgateway_as_written(base):
    overlay = {"teams": [{"name": "t", "clientIds": ["client-1"], "models": ["${ANTHROPIC_API_KEY}", "$HOME"]}]}
    rendered = gateway_config.render(base, overlay)
    assert "$${ANTHROPIC_API_KEY}" in rendered.config_json and "$$HOME" in rendered.config_json
    text = expanded(rendered.config_json, _env(base))
    conditions = [e["condition"] for e in json.loads(text)["binds"][0]["listeners"][0]["routes"][0]["policies"]
                  ["directResponse"]["conditional"]]
    assert _lists_in(conditions[0])[-1] == sorted(["${ANTHROPIC_API_KEY}", "$HOME"])
    assert not [c for c in conditions if "test-value" in c]  # the key's value never lands in a rule


def test_more_distinct_allow_lists_than_agentgateway_accepts_is_refused(base):
    teams = [{"name": f"t{i}", "clientIds": [f"client-{i}"], "models": [f"model-{i}"]} for i in range(65)]
    with pytest.raises(ValueError, match="65 distinct model allow-lists"):
        gateway_config.render(base, {"teams": teams})
    assert gateway_config.render(base, {"teams": teams[:64]}).config

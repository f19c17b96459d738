"""Per-team rate limits in both renderings (docs/adr/0015): local buckets and remote descriptors.

Pure: the dev stack's published base (from the shared baseline), with ``rateLimit`` replaced."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gateway_config
from gateway_config.checks import config_problems
from gateway_config.model import TEAM_STATUSES
from gateway_config.ratelimit import RETRY_AFTER_EXPRESSION, effective_limits
from gateway_config.teams import MAX_CONDITIONAL_ENTRIES
from tests.support import baseline
from tools.synth import published_documents

GLOBAL = {"mode": "global", "service": "127.0.0.1:8081", "failureMode": "open", "defaultTier": "standard"}
LOCAL = {"mode": "local", "defaultTier": "standard"}
TIERS = {"sandbox": {"limits": {"requestsPerMinute": 20, "tokensPerDay": 100000}},
         "standard": {"limits": {"requestsPerMinute": 100, "tokensPerDay": 500000}},
         "unlimited": {"limits": {"requestsPerMinute": 2000}}}


@pytest.fixture(scope="module")
def dev_base() -> dict:
    """The dev base without its people's (SSO) client: machine clients only, unless a test adds it."""
    base = dict(published_documents(baseline("dev"))["base"])
    base["jwt"] = {**base["jwt"], "userClientIds": []}
    return base


def _base(dev_base: dict, rate_limit: dict | None, tiers: dict = TIERS) -> dict:
    base = {**dev_base, "tiers": tiers}
    if rate_limit is None:
        base.pop("rateLimit", None)
    else:
        base["rateLimit"] = rate_limit
    return base


def _team(name: str, clients: list[str], **fields) -> dict:
    return {"name": name, "clientIds": clients, **fields}


def _policies(rendered: gateway_config.Rendered) -> dict:
    return rendered.config["binds"][0]["listeners"][0]["routes"][0]["policies"]


def _env(base: dict) -> list[str]:
    return [p["keyEnv"] for p in base["providers"] if p.get("keyEnv")]


# --- local ----------------------------------------------------------------------------------------


def test_a_person_counts_against_the_team_their_token_names(dev_base):
    base = _base(dev_base, LOCAL)
    base["jwt"] = {**base["jwt"], "userClientIds": ["people"]}
    overlay = {"teams": [_team("a", ["c1"], tier="sandbox")]}
    entries = _policies(gateway_config.render(base, overlay))["localRateLimit"]["conditional"]
    assert entries[0]["condition"] == '(jwt.client_id in ["c1"] || (jwt.client_id in ["people"] && jwt.team in ["a"]))'


def test_local_gives_every_active_team_its_own_bucket_at_its_own_or_its_tiers_rate(dev_base):
    base = _base(dev_base, LOCAL)
    overlay = {"teams": [_team("a", ["c1"], tier="sandbox"), _team("b", ["c2"], tier="sandbox"),
                         _team("c", ["c3", "c4"], limits={"requestsPerMinute": 7}),
                         _team("d", ["c5"], status="suspended")]}
    entries = _policies(gateway_config.render(base, overlay))["localRateLimit"]["conditional"]
    # a and b share their tier's numbers but not a bucket: one entry (one bucket) each.
    assert [(e["condition"], e["maxTokens"], e["tokensPerFill"], e["fillInterval"], e["type"]) for e in entries] == [
        ('jwt.client_id in ["c1"]', 20, 20, "60s", "requests"),
        ('jwt.client_id in ["c2"]', 20, 20, "60s", "requests"),
        ('jwt.client_id in ["c3", "c4"]', 7, 7, "60s", "requests"),
    ]


def test_local_without_teams_is_one_unconditional_bucket_of_the_default_tier(dev_base):
    entries = _policies(gateway_config.render(_base(dev_base, LOCAL), {}))["localRateLimit"]["conditional"]
    assert entries == [{"maxTokens": 100, "tokensPerFill": 100, "fillInterval": "60s", "type": "requests"}]


def test_local_holds_64_teams_and_refuses_the_65th_rather_than_truncating(dev_base):
    base = _base(dev_base, LOCAL)
    teams = [_team(f"t{i}", [f"client-{i}"]) for i in range(MAX_CONDITIONAL_ENTRIES)]
    assert len(_policies(gateway_config.render(base, {"teams": teams}))["localRateLimit"]["conditional"]) == 64
    with pytest.raises(ValueError, match="65 teams have their own request limit.*64.*rateLimit.mode global"):
        gateway_config.render(base, {"teams": teams + [_team("t64", ["client-64"])]})
    # A team with no request limit needs no rule.
    ok = teams + [_team("free", ["client-free"], tier="free")]
    tiers = {**TIERS, "free": {"limits": {}}}
    assert len(_policies(gateway_config.render(_base(dev_base, LOCAL, tiers), {"teams": ok}))["localRateLimit"]["conditional"]) == 64


def test_local_refuses_a_teams_token_limit_and_off_refuses_any_limit(dev_base):
    team = _team("a", ["c1"], limits={"tokensPerDay": 5})
    with pytest.raises(ValueError, match="teams.a.limits.tokensPerDay: local rate limits count requests only"):
        gateway_config.render(_base(dev_base, LOCAL), {"teams": [team]})
    with pytest.raises(ValueError, match="teams.a.limits: rate limiting is off"):
        gateway_config.render(_base(dev_base, None), {"teams": [team]})


def test_off_renders_no_limit_no_retry_after_transformation_and_no_log_field(dev_base):
    rendered = gateway_config.render(_base(dev_base, None), {})
    assert not {"localRateLimit", "remoteRateLimit"} & set(_policies(rendered))
    assert "policies" not in rendered.config["binds"][0]["listeners"][0]
    assert "rate_limit" not in rendered.config["frontendPolicies"]["accessLog"]["add"]


# --- global ---------------------------------------------------------------------------------------


def _overrides(descriptor: dict) -> dict[str, dict]:
    """team -> {unit, requestsPerUnit} of a descriptor's limitOverride (a CEL map literal of JSON)."""
    suffix = f"[{descriptor['entries'][1]['value']}]"
    assert descriptor["limitOverride"].endswith(suffix)
    return json.loads(descriptor["limitOverride"][:-len(suffix)])


def test_global_sends_one_descriptor_per_kind_keyed_by_limit_and_team_with_each_teams_numbers(dev_base):
    base = _base(dev_base, GLOBAL)
    overlay = {"teams": [_team("a", ["c1"], tier="sandbox"),
                         _team("b", ["c2"], limits={"tokensPerMinute": 9000, "requestsPerMinute": 7}),
                         _team("u", ["c3"], tier="unlimited"), _team("s", ["c4"], status="over-budget")]}
    remote = _policies(gateway_config.render(base, overlay))["remoteRateLimit"]
    assert (remote["domain"], remote["host"], remote["failureMode"]) == ("ai-gateway", "127.0.0.1:8081", "failOpen")
    by_limit = {json.loads(d["entries"][0]["value"]): d for d in remote["descriptors"]}
    assert list(by_limit) == ["requests_per_minute", "tokens_per_minute", "tokens_per_day"]
    assert [by_limit[k]["type"] for k in by_limit] == ["requests", "tokens", "tokens"]
    team_value = by_limit["requests_per_minute"]["entries"][1]
    assert team_value["key"] == "team" and json.loads(team_value["value"].split("[")[0]) == {
        "c1": "a", "c2": "b", "c3": "u", "c4": "s"}
    assert _overrides(by_limit["requests_per_minute"]) == {
        "a": {"unit": "minute", "requestsPerUnit": 20}, "b": {"unit": "minute", "requestsPerUnit": 7},
        "u": {"unit": "minute", "requestsPerUnit": 2000}}
    assert _overrides(by_limit["tokens_per_minute"]) == {"b": {"unit": "minute", "requestsPerUnit": 9000}}
    # b keeps its tier's day limit; u has none (missing from the map: the descriptor is skipped for it).
    assert _overrides(by_limit["tokens_per_day"]) == {
        "a": {"unit": "day", "requestsPerUnit": 100000}, "b": {"unit": "day", "requestsPerUnit": 500000}}
    for d in remote["descriptors"]:
        assert d["limitOverride"].endswith(f"[{team_value['value']}]")


def test_global_without_teams_counts_each_client_at_the_default_tier(dev_base):
    remote = _policies(gateway_config.render(_base(dev_base, GLOBAL), {}))["remoteRateLimit"]
    assert [[(e["key"], e["value"]) for e in d["entries"]] for d in remote["descriptors"]] == [
        [("limit", '"requests_per_minute"'), ("client", "jwt.client_id")],
        [("limit", '"tokens_per_day"'), ("client", "jwt.client_id")],
    ]
    assert [d["limitOverride"] for d in remote["descriptors"]] == [
        '{"unit": "minute", "requestsPerUnit": 100}', '{"unit": "day", "requestsPerUnit": 500000}']


@pytest.mark.parametrize(("mode", "expected"), [("open", "failOpen"), ("closed", "failClosed")])
def test_failure_mode_reaches_the_config(dev_base, mode, expected):
    remote = _policies(gateway_config.render(_base(dev_base, {**GLOBAL, "failureMode": mode}), {}))["remoteRateLimit"]
    assert remote["failureMode"] == expected


def test_a_global_base_needs_the_service_and_a_local_one_refuses_it(dev_base):
    with pytest.raises(ValueError, match="rate_limit.service is required in global mode"):
        gateway_config.GatewayBase.model_validate(_base(dev_base, {"mode": "global"}))
    with pytest.raises(ValueError, match="rate_limit.service"):
        gateway_config.GatewayBase.model_validate(_base(dev_base, {**LOCAL, "service": "127.0.0.1:8081"}))


# --- what a limited caller sees -----------------------------------------------------------------


@pytest.mark.parametrize("rate_limit", [LOCAL, GLOBAL], ids=["local", "global"])
def test_a_limited_429_gets_retry_after_and_the_access_log_names_the_limit(dev_base, rate_limit):
    rendered = gateway_config.render(_base(dev_base, rate_limit), {"teams": [_team("a", ["c1"], tier="sandbox")]})
    listener = rendered.config["binds"][0]["listeners"][0]
    assert listener["policies"] == {"transformations": {"response": {"set": {"retry-after": RETRY_AFTER_EXPRESSION}}}}
    # An upstream's own retry-after wins; else a 429 copies the seconds to the limit's reset; else nothing.
    assert RETRY_AFTER_EXPRESSION == ('"retry-after" in response.headers ? response.headers["retry-after"] :'
                                      ' (response.code == 429 ? response.headers["x-ratelimit-reset"] : null)')
    field = rendered.config["frontendPolicies"]["accessLog"]["add"]["rate_limit"]
    assert field.startswith("response.code == 429 ? ") and field.endswith(" : null")
    assert 'response.headers["x-ratelimit-limit"]' in field
    if rate_limit is GLOBAL:
        assert '{"a": {"100000": "tokens_per_day", "20": "requests_per_minute"}}' in field
    else:
        assert '"requests_per_minute="' in field


# --- every overlay ------------------------------------------------------------------------------


@st.composite
def limited_overlays(draw: st.DrawFn, tiers: list[str], *, tokens: bool) -> dict:
    count = draw(st.integers(min_value=0, max_value=MAX_CONDITIONAL_ENTRIES))
    names = draw(st.lists(st.from_regex(r"[a-z0-9][a-z0-9-]{0,9}", fullmatch=True), min_size=count,
                          max_size=count, unique=True))
    limit = st.one_of(st.none(), st.integers(1, 1_000_000_000))
    teams = []
    for index, name in enumerate(names):
        team = {"name": name, "clientIds": [f"client-{index}"], "tier": draw(st.sampled_from(tiers)),
                "status": draw(st.sampled_from(TEAM_STATUSES))}
        if draw(st.booleans()):
            limits = {"requestsPerMinute": draw(limit)}
            if tokens:
                limits.update(tokensPerMinute=draw(limit), tokensPerDay=draw(limit))
            team["limits"] = {k: v for k, v in limits.items() if v is not None}
        teams.append(team)
    return {"teams": teams}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data(), mode=st.sampled_from(["local", "global"]))
def test_every_team_set_renders_a_config_the_validator_accepts(dev_base, data, mode):
    base = _base(dev_base, LOCAL if mode == "local" else GLOBAL)
    overlay = data.draw(limited_overlays(sorted(TIERS), tokens=mode == "global"))
    rendered = gateway_config.render(base, overlay)
    assert config_problems(rendered.config_json, _env(base)) == []
    policies = _policies(rendered)
    model = gateway_config.GatewayBase.model_validate(base)
    active = [gateway_config.Team.model_validate(t) for t in overlay["teams"] if t["status"] == "active"]
    if mode == "local":
        expected = [effective_limits(model, t).requests_per_minute for t in sorted(active, key=lambda t: t.name)]
        expected = [n for n in expected if n is not None]
        if not overlay["teams"]:
            expected = [100]
        got = [e["maxTokens"] for e in policies.get("localRateLimit", {}).get("conditional", [])]
        assert got == expected
    else:
        for descriptor in policies.get("remoteRateLimit", {}).get("descriptors", []):
            if not overlay["teams"]:
                continue
            field = {"requests_per_minute": "requests_per_minute", "tokens_per_minute": "tokens_per_minute",
                     "tokens_per_day": "tokens_per_day"}[json.loads(descriptor["entries"][0]["value"])]
            numbers = {t.name: getattr(effective_limits(model, t), field) for t in active}
            assert {k: v["requestsPerUnit"] for k, v in _overrides(descriptor).items()} == {
                k: v for k, v in numbers.items() if v is not None}
            assert re.fullmatch(r'"[a-z_]+"', descriptor["entries"][0]["value"])

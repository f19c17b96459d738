"""Price overrides: any valid mapping renders a schema-valid catalog; any invalid one names what is wrong."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from gateway_config import prices

SHIPPED = prices.catalog_from_table(prices.load_shipped_table())
SHIPPED_IDS = sorted((p, m) for p, body in SHIPPED["providers"].items() for m in body["models"])

money = st.builds(
    lambda whole, fraction: whole + (f".{fraction}" if fraction else ""),
    st.integers(0, 10**6).map(str),
    st.text(alphabet="0123456789", min_size=0, max_size=6),
)
model_ids = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp")),
    min_size=1,
    max_size=40,
)
rates = st.dictionaries(st.sampled_from(prices.RATE_FIELDS), money, min_size=1)
new_models = st.dictionaries(st.sampled_from(prices.PROVIDERS), st.dictionaries(model_ids, rates, max_size=4), max_size=5)


@st.composite
def overrides(draw):
    """New models anywhere, plus overrides of models the shipped table already prices."""
    result = copy.deepcopy(draw(new_models))
    for provider, model in draw(st.lists(st.sampled_from(SHIPPED_IDS), max_size=6, unique=True)):
        result.setdefault(provider, {})[model] = draw(rates)
    return result


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(overrides())
def test_valid_overrides_render_a_valid_catalog(catalog_validator, override):
    before = copy.deepcopy(SHIPPED)
    merged = prices.merge_overrides(SHIPPED, override)
    assert SHIPPED == before, "the input catalog must not change"
    text = prices.render_catalog(merged)
    assert json.loads(text) == merged
    catalog_validator.validate(merged)
    for provider, models in override.items():
        for model, given_rates in models.items():
            entry = merged["providers"][provider]["models"][model]
            shipped = SHIPPED["providers"].get(provider, {}).get("models", {}).get(model)
            expected = {**(shipped["rates"] if shipped else {}), **given_rates}
            assert entry["rates"] == expected
            assert entry.get("tiers") == (shipped or {}).get("tiers")
    for provider, model in SHIPPED_IDS:
        if model not in override.get(provider, {}):
            assert merged["providers"][provider]["models"][model] == SHIPPED["providers"][provider]["models"][model]
    assert prices.render_catalog(prices.merge_overrides(SHIPPED, copy.deepcopy(override))) == text


BAD_AMOUNTS = ["1.1234567", "-1", "1e3", "", " 1", "1.", ".5", "+1", "NaN", "1,5", 3, 0.5, None, True]


@st.composite
def broken_overrides(draw):
    """A valid override with exactly one defect; returns (override, words the error must contain)."""
    provider = draw(st.sampled_from(prices.PROVIDERS))
    model = draw(model_ids)
    good = draw(rates)
    field = draw(st.sampled_from(sorted(good)))
    defect = draw(st.sampled_from(["provider", "field", "amount", "empty", "model", "models-shape"]))
    if defect == "provider":
        bad_provider = draw(st.sampled_from(["bedrock", "gemini", "google", "vertex", "Anthropic", ""]))
        return {bad_provider: {model: good}}, [repr(bad_provider), "unknown provider"]
    if defect == "field":
        bad_field = draw(st.sampled_from(["cachedInput", "inputCacheRead", "currency", "Input", "limits"]))
        return {provider: {model: {**good, bad_field: "1"}}}, [provider, model, bad_field]
    if defect == "amount":
        return {provider: {model: {**good, field: draw(st.sampled_from(BAD_AMOUNTS))}}}, [provider, model, field]
    if defect == "empty":
        return {provider: {model: {}}}, [provider, model, "no rates given"]
    if defect == "model":
        bad_model = draw(st.sampled_from(["", "gpt 4o", "tab\tmodel", "new\nline"]))
        return {provider: {bad_model: good}}, [provider, "model id"]
    return {provider: [model]}, [provider, "mapping of model id"]


@hsettings(max_examples=60, deadline=None)
@given(broken_overrides())
def test_invalid_overrides_raise_naming_provider_model_and_field(case):
    override, words = case
    with pytest.raises(ValueError) as error:
        prices.merge_overrides(SHIPPED, override)
    for word in words:
        assert word in str(error.value), (word, str(error.value))


def test_partial_override_keeps_the_other_shipped_rates_and_tiers():
    merged = prices.model_catalog({"anthropic": {"claude-sonnet-4-20250514": {"input": "2.5"}}})
    entry = merged["providers"]["anthropic"]["models"]["claude-sonnet-4-20250514"]
    assert entry["rates"] == {"input": "2.5", "output": "15", "cacheRead": "0.3", "cacheWrite": "3.75"}
    assert entry["tiers"][0]["contextOver"] == 200000


def test_override_for_a_new_model_is_its_whole_entry():
    merged = prices.model_catalog({"openai": {"my-finetune": {"input": "4", "output": "16"}}})
    assert merged["providers"]["openai"]["models"]["my-finetune"] == {"rates": {"input": "4", "output": "16"}}


def test_no_overrides_is_the_shipped_catalog():
    assert prices.model_catalog() == SHIPPED
    assert prices.model_catalog({}) == SHIPPED


def test_overrides_must_be_a_mapping():
    with pytest.raises(ValueError, match="price overrides: must be a mapping"):
        prices.merge_overrides(SHIPPED, [("openai", "gpt-4o")])
    with pytest.raises(ValueError, match="price overrides: must be a mapping"):
        prices.merge_overrides(SHIPPED, [])

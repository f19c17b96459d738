"""The shipped price table: valid, sourced, covering the default routes, rendered as agentgateway reads it."""

from __future__ import annotations

import copy
import json

import pytest

from gateway_config import prices

DEFAULT_ROUTES = [
    ("aws.bedrock", "us.anthropic.claude-sonnet-4-20250514-v1:0"),
    ("aws.bedrock", "anthropic.claude-sonnet-4-20250514-v1:0"),
    ("anthropic", "claude-sonnet-4-20250514"),
]
"""What the default stacks route to (settings defaults for providers.bedrock/anthropic.model)."""

COMMON_MODELS = [
    ("anthropic", "claude-sonnet-4-5"),
    ("anthropic", "claude-opus-4-1"),
    ("anthropic", "claude-opus-4-5"),
    ("anthropic", "claude-haiku-4-5"),
    ("anthropic", "claude-3-5-haiku-20241022"),
    ("openai", "gpt-4.1"),
    ("openai", "gpt-4.1-mini"),
    ("openai", "gpt-4o"),
    ("openai", "gpt-4o-mini"),
    ("openai", "o3"),
    ("openai", "o4-mini"),
    ("openai", "gpt-5"),
    ("openai", "gpt-5-mini"),
    ("azure", "gpt-4o"),
    ("azure", "gpt-4.1"),
    ("gcp.gemini", "gemini-2.5-pro"),
    ("gcp.gemini", "gemini-2.5-flash"),
    ("aws.bedrock", "global.anthropic.claude-sonnet-4-5-20250929-v1:0"),
    ("aws.bedrock", "us.anthropic.claude-haiku-4-5-20251001-v1:0"),
    ("aws.bedrock", "us.amazon.nova-pro-v1:0"),
]


@pytest.fixture(scope="module")
def table():
    return prices.load_shipped_table()


def test_default_routes_and_common_models_are_priced(table):
    catalog = prices.catalog_from_table(table)
    assert prices.unpriced_models(catalog, DEFAULT_ROUTES + COMMON_MODELS) == []


def test_every_entry_is_sourced_and_dated(table):
    assert table["asOf"] >= "2026-01-01"
    for entry in table["models"]:
        assert entry["source"].startswith("https://"), entry
        assert entry["sourceKind"] in ("primary", "secondary"), entry
    kinds = {entry["sourceKind"] for entry in table["models"]}
    assert kinds == {"primary", "secondary"}


def test_entries_are_unique_and_sorted(table):
    keys = [(entry["provider"], entry["model"]) for entry in table["models"]]
    assert keys == sorted(set(keys))


def test_shipped_catalog_validates_against_agentgateway_schema(table, catalog_validator):
    catalog = prices.catalog_from_table(table)
    catalog_validator.validate(catalog)
    assert set(catalog["providers"]) == set(prices.PROVIDERS)


def test_render_is_json_sorted_ascii_and_stable(table):
    catalog = prices.catalog_from_table(table)
    text = prices.render_catalog(catalog)
    assert json.loads(text) == catalog
    assert text.endswith("}\n") and text.isascii()
    reordered = {"providers": dict(reversed(list(catalog["providers"].items())))}
    assert prices.render_catalog(reordered) == text
    assert text == json.dumps(catalog, sort_keys=True, indent=2) + "\n"


def test_anthropic_sonnet_4_has_the_long_context_tier(table):
    entry = prices.catalog_from_table(table)["providers"]["anthropic"]["models"]["claude-sonnet-4-20250514"]
    assert entry["rates"] == {"input": "3", "output": "15", "cacheRead": "0.3", "cacheWrite": "3.75"}
    assert entry["tiers"] == [{"contextOver": 200000, "rates": {"input": "6", "output": "22.5"}}]


def test_unpriced_models_matches_exactly_dedupes_and_sorts():
    catalog = {"providers": {"openai": {"models": {"gpt-4o": {"rates": {"input": "1"}}, "empty": {"rates": {}}}}}}
    routed = [("openai", "gpt-4o-2024-08-06"), ("openai", "gpt-4o"), ("azure", "gpt-4o"), ("openai", "empty"),
              ("azure", "gpt-4o")]
    assert prices.unpriced_models(catalog, routed) == [
        ("azure", "gpt-4o"), ("openai", "empty"), ("openai", "gpt-4o-2024-08-06")]


def _entry(**changes):
    entry = {"provider": "openai", "model": "m", "rates": {"input": "1"}, "source": "https://example.com/p",
             "sourceKind": "primary"}
    entry.update(changes)
    return entry


@pytest.mark.parametrize(
    ("models", "message"),
    [
        ([_entry(), _entry()], "openai/m: listed twice"),
        ([_entry(provider="google")], "unknown provider 'google'"),
        ([_entry(rates={"input": "0.1234567"})], "openai/m.rates.input: '0.1234567' has more than 6 fractional digits"),
        ([_entry(rates={"input": "-1"})], "openai/m.rates.input: '-1' is not a non-negative decimal"),
        ([_entry(rates={"input": 3})], "openai/m.rates.input: must be a decimal string"),
        ([_entry(rates={"cachedInput": "1"})], "openai/m.rates: unknown rate field 'cachedInput'"),
        ([_entry(rates={})], "openai/m.rates: no rates given"),
        ([_entry(tiers=[{"contextOver": 5, "rates": {"input": "2"}}, {"contextOver": 5, "rates": {"input": "3"}}])],
         "openai/m.tiers[1].contextOver: 5 is not greater"),
        ([_entry(source="http://example.com")], "openai/m.source"),
        ([_entry(sourceKind="blog")], "openai/m.sourceKind"),
        ([_entry(currency="USD")], "openai/m: unknown field(s) currency"),
        ([_entry(model="has space")], "a model id must be a non-empty string"),
    ],
)
def test_invalid_tables_name_the_entry_and_field(models, message):
    with pytest.raises(ValueError) as error:
        prices.validate_table({"asOf": "2026-12-01", "models": models})
    assert message in str(error.value)


def test_catalog_from_table_copies_its_input(table):
    before = copy.deepcopy(table)
    catalog = prices.catalog_from_table(table)
    catalog["providers"]["anthropic"]["models"]["claude-sonnet-4-20250514"]["tiers"][0]["rates"]["input"] = "0"
    assert table == before

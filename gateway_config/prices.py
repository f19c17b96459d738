"""Model prices: the shipped price table, stack overrides, and agentgateway's model catalog JSON.

The shipped table (``gateway_config/prices/model_prices.json``) lists one entry per
(provider, model id) with its rates, where each figure came from and when. It is the project's
record of facts; the model catalog is what agentgateway v1.4.1 reads::

    {"providers": {"<provider>": {"models": {"<model id>": {"rates": {...}, "tiers": [...]}}}}}

Rates are USD per 1,000,000 tokens as decimal *strings* (``"3"``, ``"0.075"``): at least 0, at
most 6 fractional digits, fields ``input``, ``output``, ``cacheRead``, ``cacheWrite``,
``reasoning``, ``inputAudio``, ``outputAudio``. agentgateway rejects unknown fields; reasoning
falls back to the output rate and audio to the input/output rates; a missing cache rate is not
billed as such (depending on the provider's cache-token convention, those tokens may be counted
as input). It applies the highest tier whose ``contextOver`` is below the request's context
tokens (input plus cache tokens), overlaid on the base rates. It looks a model up by the model the provider answered with, then by the requested one; for
Bedrock that is the id sent to Bedrock (an inference profile id such as
``us.anthropic.claude-sonnet-4-20250514-v1:0`` is a different key from the base model id).

Overrides (from stack settings today, the overlay store later) are a mapping
``provider -> model id -> {rate field: decimal string}``:

- for a model the table prices, each given field replaces that base rate and every other field,
  and the shipped tiers, are kept (an override says only what it changes);
- for a model the table does not price, the given fields are its rates;
- an empty rate mapping, an unknown provider or field, or a malformed amount is a ``ValueError``
  naming the provider, model and field.

The catalog must be delivered as JSON: agentgateway parses catalog files with a JSON parser only.
``render_catalog`` emits sorted keys, two-space indentation, ASCII only and a final newline, so the
same prices always give the same bytes.
"""

from __future__ import annotations

import copy
import json
import re
from importlib import resources
from typing import Any, Iterable, Mapping, Optional

PROVIDERS = ("anthropic", "aws.bedrock", "azure", "gcp.gemini", "openai")
"""Catalog provider keys of the providers this project deploys (agentgateway's provider names)."""
RATE_FIELDS = ("input", "output", "cacheRead", "cacheWrite", "reasoning", "inputAudio", "outputAudio")
"""Rate fields agentgateway v1.4.1 accepts (``Rates``, camelCase)."""
SOURCE_KINDS = ("primary", "secondary")
"""``primary``: the provider's own page; ``secondary``: someone else quoting or deriving it."""
SHIPPED_TABLE = "model_prices.json"

_MONEY = re.compile(r"^(0|[1-9][0-9]{0,11})(\.[0-9]{1,6})?$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$")
_ENTRY_FIELDS = {"provider", "model", "rates", "tiers", "source", "sourceKind", "sourceDate", "note"}
_TABLE_FIELDS = {"asOf", "unit", "description", "models"}


def load_shipped_table() -> dict[str, Any]:
    """The price table shipped in this package, validated."""
    text = resources.files(__package__).joinpath("prices", SHIPPED_TABLE).read_text(encoding="utf-8")
    table = json.loads(text)
    validate_table(table)
    return table


def validate_money(value: Any, where: str) -> None:
    """Check one amount: a decimal string, at least 0, at most 6 fractional digits."""
    if not isinstance(value, str):
        raise ValueError(f"{where}: must be a decimal string such as \"3\" or \"0.075\", got {value!r}")
    if not _MONEY.match(value):
        if re.match(r"^[0-9]+\.[0-9]{7,}$", value):
            raise ValueError(f"{where}: {value!r} has more than 6 fractional digits")
        raise ValueError(f"{where}: {value!r} is not a non-negative decimal (digits, optional '.' and up to 6 more)")


def validate_rates(rates: Any, where: str, *, allow_empty: bool = False) -> None:
    """Check a rates mapping: known fields only, each a valid amount."""
    if not isinstance(rates, Mapping):
        raise ValueError(f"{where}: rates must be a mapping of rate field to decimal string, got {rates!r}")
    if not rates and not allow_empty:
        raise ValueError(f"{where}: no rates given (fields: {', '.join(RATE_FIELDS)})")
    for field, value in rates.items():
        if field not in RATE_FIELDS:
            raise ValueError(f"{where}: unknown rate field {field!r} (fields: {', '.join(RATE_FIELDS)})")
        validate_money(value, f"{where}.{field}")


def validate_tiers(tiers: Any, where: str) -> None:
    """Check context tiers: a list of ``{contextOver, rates}`` with strictly increasing thresholds."""
    if not isinstance(tiers, list):
        raise ValueError(f"{where}.tiers: must be a list")
    previous: Optional[int] = None
    for index, tier in enumerate(tiers):
        label = f"{where}.tiers[{index}]"
        if not isinstance(tier, Mapping) or set(tier) != {"contextOver", "rates"}:
            raise ValueError(f"{label}: must have exactly contextOver and rates")
        threshold = tier["contextOver"]
        if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 0:
            raise ValueError(f"{label}.contextOver: must be a non-negative integer, got {threshold!r}")
        if previous is not None and threshold <= previous:
            raise ValueError(f"{label}.contextOver: {threshold} is not greater than the previous tier's {previous}")
        previous = threshold
        validate_rates(tier["rates"], f"{label}.rates")


def validate_model_id(provider: str, model: Any) -> None:
    """Check a model id: a non-empty string without whitespace or control characters."""
    if not isinstance(model, str) or not model or any(c.isspace() or not c.isprintable() for c in model):
        raise ValueError(f"{provider}/{model!r}: a model id must be a non-empty string without whitespace")


def validate_provider(provider: Any, where: str) -> None:
    """Check a provider key against ``PROVIDERS``."""
    if provider not in PROVIDERS:
        raise ValueError(f"{where}: unknown provider {provider!r} (known: {', '.join(PROVIDERS)})")


def validate_table(table: Any) -> None:
    """Check a price table: shape, known providers, valid amounts and tiers, a source for every
    entry, and no (provider, model) twice. Raises ``ValueError`` naming the entry and field."""
    if not isinstance(table, Mapping):
        raise ValueError("price table: must be a JSON object")
    unknown = sorted(set(table) - _TABLE_FIELDS)
    if unknown:
        raise ValueError(f"price table: unknown field(s) {', '.join(unknown)}")
    if not isinstance(table.get("asOf"), str) or not _DATE.match(table["asOf"]):
        raise ValueError("price table.asOf: must be a date YYYY-MM-DD")
    models = table.get("models")
    if not isinstance(models, list) or not models:
        raise ValueError("price table.models: must be a non-empty list")
    seen: set[tuple[str, str]] = set()
    for index, entry in enumerate(models):
        if not isinstance(entry, Mapping):
            raise ValueError(f"price table.models[{index}]: must be an object")
        validate_provider(entry.get("provider"), f"price table.models[{index}].provider")
        validate_model_id(entry["provider"], entry.get("model"))
        where = f"price table {entry['provider']}/{entry['model']}"
        extra = sorted(set(entry) - _ENTRY_FIELDS)
        if extra:
            raise ValueError(f"{where}: unknown field(s) {', '.join(extra)}")
        key = (entry["provider"], entry["model"])
        if key in seen:
            raise ValueError(f"{where}: listed twice")
        seen.add(key)
        validate_rates(entry.get("rates"), f"{where}.rates")
        if "tiers" in entry:
            validate_tiers(entry["tiers"], where)
        source = entry.get("source")
        if not isinstance(source, str) or not source.startswith("https://"):
            raise ValueError(f"{where}.source: must be the https URL the figures came from")
        if entry.get("sourceKind") not in SOURCE_KINDS:
            raise ValueError(f"{where}.sourceKind: must be one of {', '.join(SOURCE_KINDS)}")
        if "sourceDate" in entry and not (isinstance(entry["sourceDate"], str) and _DATE.match(entry["sourceDate"])):
            raise ValueError(f"{where}.sourceDate: must be YYYY-MM or YYYY-MM-DD")
        if "note" in entry and not isinstance(entry["note"], str):
            raise ValueError(f"{where}.note: must be a string")


def catalog_from_table(table: Mapping[str, Any]) -> dict[str, Any]:
    """The agentgateway catalog (``{"providers": ...}``) for a validated price table."""
    providers: dict[str, Any] = {}
    for entry in table["models"]:
        model: dict[str, Any] = {"rates": dict(entry["rates"])}
        if entry.get("tiers"):
            model["tiers"] = copy.deepcopy(entry["tiers"])
        providers.setdefault(entry["provider"], {"models": {}})["models"][entry["model"]] = model
    return {"providers": providers}


def validate_overrides(overrides: Any) -> None:
    """Check a price override mapping ``provider -> model id -> rates`` (see the module doc)."""
    if not isinstance(overrides, Mapping):
        raise ValueError(f"price overrides: must be a mapping of provider to models, got {overrides!r}")
    for provider, models in overrides.items():
        validate_provider(provider, f"price override {provider!r}")
        if not isinstance(models, Mapping):
            raise ValueError(f"price override {provider}: must be a mapping of model id to rates")
        for model, rates in models.items():
            validate_model_id(provider, model)
            validate_rates(rates, f"price override {provider}/{model}")


def merge_overrides(catalog: Mapping[str, Any], overrides: Optional[Mapping[str, Any]]) -> dict[str, Any]:
    """A new catalog: ``catalog`` with ``overrides`` applied field by field (inputs are not changed)."""
    merged = copy.deepcopy(dict(catalog))
    if overrides is None:
        return merged
    validate_overrides(overrides)
    providers = merged.setdefault("providers", {})
    for provider, models in overrides.items():
        known = providers.setdefault(provider, {"models": {}})["models"]
        for model, rates in models.items():
            entry = known.setdefault(model, {"rates": {}})
            entry["rates"] = {**entry.get("rates", {}), **rates}
    return merged


def model_catalog(overrides: Optional[Mapping[str, Any]] = None) -> dict[str, Any]:
    """The shipped table as a catalog, with ``overrides`` merged over it."""
    return merge_overrides(catalog_from_table(load_shipped_table()), overrides)


def render_catalog(catalog: Mapping[str, Any]) -> str:
    """The catalog as agentgateway's JSON file: sorted keys, 2-space indent, ASCII, final newline."""
    return json.dumps(catalog, sort_keys=True, indent=2, ensure_ascii=True) + "\n"


def is_priced(catalog: Mapping[str, Any], provider: str, model: str) -> bool:
    """Whether the catalog has any rate for this exact (provider, model id)."""
    entry = catalog.get("providers", {}).get(provider, {}).get("models", {}).get(model)
    return bool(entry) and bool(entry.get("rates") or entry.get("tiers"))


def unpriced_models(catalog: Mapping[str, Any], routed: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The (provider, model id) pairs of ``routed`` that no catalog entry prices, sorted, once each.

    Matching is exact, as agentgateway's lookup is: an alias or inference profile id needs its own
    entry. Use it for the synth warning on models the stack routes to.
    """
    return sorted({pair for pair in routed if not is_priced(catalog, *pair)})

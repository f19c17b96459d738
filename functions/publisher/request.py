"""The publish event: parsed, rendered with the one renderer, and refused when a check fails.

Event: ``{"base": <GatewayBase JSON>, "overlay": <GatewayOverlay JSON>, "strategy": "immediate" |
"guarded"}``; ``overlay`` defaults to an empty overlay, ``strategy`` to ``DEFAULT_STRATEGY``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Optional

import gateway_config
from gateway_config.checks import catalog_problems, config_problems

from .settings import STRATEGIES

EVENT_KEYS = frozenset({"base", "overlay", "strategy"})


class InvalidPublish(ValueError):
    """An event, base or overlay that must not be published; the message lists why."""


@dataclass(frozen=True)
class PublishRequest:
    """A parsed publish event (base and overlay still JSON: the renderer validates them)."""

    base: Mapping[str, Any]
    overlay: Mapping[str, Any]
    strategy: Optional[str]


def parse_event(event: Any) -> PublishRequest:
    """Check the event's shape (not the documents: :func:`render_for_publish` validates those)."""
    if not isinstance(event, Mapping):
        raise InvalidPublish(f"the event must be a JSON object, got {type(event).__name__}")
    unknown = sorted(set(event) - EVENT_KEYS)
    if unknown:
        raise InvalidPublish(f"unknown event key(s) {', '.join(unknown)}; expected {', '.join(sorted(EVENT_KEYS))}")
    base, overlay, strategy = event.get("base"), event.get("overlay"), event.get("strategy")
    overlay = {} if overlay is None else overlay
    if not isinstance(base, Mapping):
        raise InvalidPublish("event.base must be a GatewayBase JSON object")
    if not isinstance(overlay, Mapping):
        raise InvalidPublish("event.overlay must be a GatewayOverlay JSON object")
    if strategy is not None and strategy not in STRATEGIES:
        raise InvalidPublish(f"event.strategy {strategy!r}: use one of {', '.join(STRATEGIES)}")
    return PublishRequest(base=base, overlay=overlay, strategy=strategy)


def render_for_publish(event: Any) -> gateway_config.Rendered:
    """The two files a publish of ``event`` delivers: exactly what ``gateway_config.render`` gives for
    the same base and overlay (the synth's byte-identity test calls this). Pure; raises
    :class:`InvalidPublish` for a bad event, base or overlay."""
    return render_request(parse_event(event))


def render_request(request: PublishRequest) -> gateway_config.Rendered:
    """Render a parsed request; :class:`InvalidPublish` when the base or overlay is invalid."""
    try:
        return gateway_config.render(request.base, request.overlay)
    except ValueError as error:  # pydantic's ValidationError is a ValueError
        raise InvalidPublish(f"base/overlay rejected: {error}") from error


def refuse_invalid(rendered: gateway_config.Rendered, provided_env: Iterable[str]) -> None:
    """Raise :class:`InvalidPublish` when either file fails the checks the validator Lambda runs."""
    problems = [f"gateway config: {p}" for p in config_problems(rendered.config_json, provided_env)]
    problems += [f"model catalog: {p}" for p in catalog_problems(rendered.catalog_json)]
    if problems:
        raise InvalidPublish("refusing to publish: " + "; ".join(problems))


@dataclass(frozen=True)
class Prepared:
    """A checked publish, ready to deliver: both files' text and hashes, and the strategy."""

    strategy: str
    contents: Mapping[str, str]
    """``catalog``/``gateway`` -> the file's text."""
    digests: Mapping[str, str]
    """``catalog``/``gateway`` -> ``sha256:<hex>`` of that text."""


def prepare(event: Any, default_strategy: str, provided_env: Iterable[str]) -> Prepared:
    """Parse, render and check ``event`` (pure); :class:`InvalidPublish` names what is wrong."""
    request = parse_event(event)
    rendered = render_request(request)
    refuse_invalid(rendered, provided_env)
    return Prepared(
        strategy=request.strategy or default_strategy,
        contents={"catalog": rendered.catalog_json, "gateway": rendered.config_json},
        digests=rendered.sha256(),
    )

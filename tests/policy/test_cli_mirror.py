"""The offline checker reports exactly what pulumi_policy's own analyzer servicer (the code the
CLI drives) reports, for compliant, violating, preview and per-stack-config inventories."""

from __future__ import annotations

from typing import Any

import pytest

from policy.check import evaluate, load_config

from .policy_cases import CASES
from .policy_fixtures import Inventory, compliant_stack
from .servicer_runner import run_servicer
from .test_preview import previewize


def many_violations() -> Inventory:
    """The first mutation of every policy applied to one stack (skipping ones that collide)."""
    inv = compliant_stack()
    seen: set[str] = set()
    for case in CASES:
        if case.policy in seen:
            continue
        seen.add(case.policy)
        try:
            case.mutate(inv)
        except (KeyError, IndexError):
            pass
    return inv


def keys(violations: list[dict[str, str]]) -> set[tuple[str, str, str]]:
    return {(v["policy"], v["enforcement"], v["urn"]) for v in violations}


@pytest.mark.parametrize("build, config", [
    (compliant_stack, {}),
    (many_violations, {}),
    (many_violations, load_config("dev")),
    (lambda: previewize(compliant_stack()), {}),
    (lambda: previewize(many_violations()), load_config("prod")),
], ids=["compliant", "violations", "violations-dev", "preview", "preview-violations-prod"])
def test_checker_matches_the_analyzer_servicer(build: Any, config: dict) -> None:
    inv = build()
    ours = evaluate(inv.doc, config)
    theirs = run_servicer(inv.doc, config)
    assert keys(ours) == theirs


def test_many_violations_really_violates_many_policies() -> None:
    found = {v["policy"] for v in evaluate(many_violations().doc, {})}
    assert len(found) > 45

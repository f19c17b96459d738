"""Inspector enhanced ECR scanning: account-wide, so only when the stack is told to manage it."""

from __future__ import annotations

import pytest

from components.settings import SettingsError, parse_settings
from tests.support import baseline, run_stack, stack_values

ENABLER = "aws:inspector2/enabler:Enabler"
REGISTRY = "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration"


def test_off_unless_managed():
    for stack in ("dev", "prod"):
        inv = baseline(stack)
        assert not inv.of_type(ENABLER) and not inv.of_type(REGISTRY)
        assert "imageScanning" not in inv.outputs


@pytest.mark.parametrize(("stack", "frequency"), [("dev", "SCAN_ON_PUSH"), ("prod", "CONTINUOUS_SCAN")])
def test_managed_scanning_covers_every_repository_and_outlives_the_stack(stack, frequency):
    inv = run_stack(stack, {"inspector": {"manage": True}})
    enabler, registry = inv.one(ENABLER), inv.one(REGISTRY)
    assert enabler.inputs == {"accountIds": ["123456789012"], "resourceTypes": ["ECR"]}
    assert registry.inputs["scanType"] == "ENHANCED"
    # One rule for every repository: a repository no rule matches would not be scanned at all.
    assert registry.inputs["rules"] == [{"scanFrequency": frequency,
                                         "repositoryFilters": [{"filter": "*", "filterType": "WILDCARD"}]}]
    assert enabler.urn in registry.dependencies
    assert enabler.retain_on_delete and registry.retain_on_delete
    provider = inv.one("pulumi:providers:aws")
    assert enabler.provider.startswith(provider.urn) and registry.provider.startswith(provider.urn)
    assert inv.outputs["imageScanning"] == f"inspector-enhanced ({frequency})"


def test_frequency_can_be_chosen_but_only_when_managed():
    inv = run_stack("dev", {"inspector": {"manage": True, "scanFrequency": "CONTINUOUS_SCAN"}})
    assert inv.one(REGISTRY).inputs["rules"][0]["scanFrequency"] == "CONTINUOUS_SCAN"
    values, secret_keys = stack_values("dev", {"inspector": {"scanFrequency": "CONTINUOUS_SCAN"}})
    with pytest.raises(SettingsError, match=r"^ai-gateway:inspector.scanFrequency: only applies when inspector.manage is true"):
        parse_settings(values, secret_keys)

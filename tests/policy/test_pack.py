"""The pack itself: metadata of every policy, resource tokens, the entry point, speed."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from pulumi_policy import EnforcementLevel, PolicyConfigSchema, Severity

import pulumi_aws
from policy.check import evaluate, resolve_config
from policy.rules import ALL_POLICIES

from .policy_fixtures import compliant_stack

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "policy"
KEBAB_ID = re.compile(r"^aws-[a-z0-9]+(?:-[a-z0-9]+)+$")
LB_RESOURCES = ("listener:Listener", "listenerRule:ListenerRule", "loadBalancer:LoadBalancer")


@pytest.mark.parametrize("policy", ALL_POLICIES, ids=[p.name for p in ALL_POLICIES])
def test_policy_metadata(policy) -> None:
    assert KEBAB_ID.match(policy.name)
    assert policy.description and policy.description.endswith(".")
    assert isinstance(policy.severity, Severity)
    assert policy.remediation_steps and len(policy.remediation_steps) > 20
    assert policy.enforcement_level in (EnforcementLevel.MANDATORY, EnforcementLevel.ADVISORY)
    assert policy.tags
    assert policy.applies_to
    if policy.config_schema is not None:
        assert isinstance(policy.config_schema, PolicyConfigSchema)
        for prop in policy.config_schema.properties.values():
            assert "default" in prop and prop.get("description")


def test_policy_ids_are_unique() -> None:
    names = [p.name for p in ALL_POLICIES]
    assert len(names) == len(set(names))


def test_defaults_are_valid_against_their_own_schemas() -> None:
    resolve_config({})  # validates every policy's default properties


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def _token_exists(token: str) -> bool:
    """Whether pulumi_aws declares the resource type token (checked in its module source)."""
    _, module_resource, _cls = token.split(":")
    module, resource = module_resource.split("/")
    package = Path(pulumi_aws.__file__).parent / (module + "_" if module == "lambda" else module)
    source = package / f"{_snake(resource)}.py"
    return source.is_file() and f'@pulumi.type_token("{token}")' in source.read_text()


def test_every_type_token_exists_in_pulumi_aws() -> None:
    tokens = {t for p in ALL_POLICIES for t in p.applies_to}
    missing = sorted(t for t in tokens if not _token_exists(t))
    assert not missing, f"unknown resource types: {missing}"


def test_load_balancer_policies_match_both_aliases() -> None:
    for policy in ALL_POLICIES:
        for resource in LB_RESOURCES:
            if f"aws:lb/{resource}" in policy.applies_to:
                assert f"aws:alb/{resource}" in policy.applies_to, policy.name


def test_only_the_entry_point_constructs_the_pack() -> None:
    constructing = []
    for path in PACK.rglob("*.py"):
        if "venv" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "PolicyPack":
                constructing.append(path.relative_to(PACK).as_posix())
    assert constructing == ["__main__.py"]


def _first_line(argv: list[str]) -> str:
    """Start the pack as the CLI would (cwd = pack directory), read its first line, stop it."""
    process = subprocess.Popen(argv, cwd=PACK, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        return process.stdout.readline().strip()
    finally:
        process.kill()
        process.wait(timeout=10)


@pytest.mark.parametrize("argv", [
    ["__main__.py"],
    ["-u", "-m", "pulumi.policy", "127.0.0.1:0", "."],  # what pulumi-analyzer-policy-python runs
], ids=["script", "pulumi.policy"])
def test_entry_point_starts_the_analyzer(argv: list[str]) -> None:
    line = _first_line([sys.executable, *argv])
    assert line.isdigit() and 0 < int(line) < 65536, line


def test_a_200_resource_inventory_is_checked_fast() -> None:
    base = compliant_stack()
    rows = base.doc["resources"]
    big = {**base.doc, "resources": [dict(r, urn=f"{r['urn']}-{i}") for i in range(5) for r in rows]}
    assert len(big["resources"]) >= 200
    started = time.perf_counter()
    evaluate(big, {})
    assert time.perf_counter() - started < 1.0


def test_pack_manifest_and_pins() -> None:
    manifest = yaml.safe_load((PACK / "PulumiPolicy.yaml").read_text())
    assert manifest["runtime"]["name"] == "python"
    assert manifest["runtime"]["options"]["virtualenv"] == "venv"
    assert manifest["description"]
    pins = dict(line.split("==") for line in (PACK / "requirements.txt").read_text().splitlines()
                if "==" in line and not line.startswith("#"))
    assert pins["pulumi-policy"] == "1.21.0"
    program_pins = dict(line.split("==") for line in (ROOT / "requirements.txt").read_text().splitlines()
                        if "==" in line and not line.startswith("#"))
    assert pins["pulumi"] == program_pins["pulumi"], "policy/requirements.txt and requirements.txt pin different pulumi"

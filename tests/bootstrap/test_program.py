"""The bootstrap program under mocks: what it creates, the policy pack on it, settings errors,
and the offline synth command."""

from __future__ import annotations

import json
import subprocess
import sys

import pulumi
import pytest

from bootstrap.settings import SettingsError, parse_settings
from policy import check
from tests.support import ROOT

from .support import (
    PROJECT_DIR,
    REPOSITORY_ROLES,
    THREE_CLASSES,
    bootstrap_baseline,
    documents,
    run_bootstrap,
    three_classes,
)

REPO = {"repository": "example-org/ai-gateway"}


def test_the_pack_passes_on_the_bootstrap_with_its_config() -> None:
    assert check.evaluate(bootstrap_baseline().to_json(), check.load_config("bootstrap")) == []


def test_preview_mode_only_adds_cannot_decide_advisories() -> None:
    violations = check.evaluate(bootstrap_baseline(preview=True).to_json(), check.load_config("bootstrap"))
    assert all(v["enforcement"] == "advisory" and v["message"].startswith("cannot decide") for v in violations)


def test_state_backend_is_hardened_and_protected() -> None:
    inv = bootstrap_baseline()
    bucket = inv.one("aws:s3/bucket:Bucket")
    key = inv.one("aws:kms/key:Key")
    assert bucket.protect and key.protect and inv.one("aws:iam/openIdConnectProvider:OpenIdConnectProvider").protect
    assert key.inputs["enableKeyRotation"] is True
    sse = inv.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
    rule = sse.inputs["rules"][0]["applyServerSideEncryptionByDefault"]
    assert rule == {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": inv.outputs["kmsKeyArn"]}
    assert inv.one("aws:s3/bucketVersioning:BucketVersioning").inputs["versioningConfiguration"] == {"status": "Enabled"}
    lifecycle = inv.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs["rules"][0]
    assert lifecycle["noncurrentVersionExpiration"] == {"noncurrentDays": 90} and lifecycle["status"] == "Enabled"
    assert inv.outputs["backendUrl"] == f"s3://{inv.outputs['stateBucket']}?region=us-east-1"
    assert inv.outputs["secretsProvider"] == "awskms://alias/ai-gateway-example-pulumi?region=us-east-1"
    oidc = inv.one("aws:iam/openIdConnectProvider:OpenIdConnectProvider").inputs
    assert oidc["url"] == "https://token.actions.githubusercontent.com" and oidc["clientIdLists"] == ["sts.amazonaws.com"]


@pytest.mark.parametrize(("inventory", "roles"), [
    (bootstrap_baseline, REPOSITORY_ROLES), (three_classes, THREE_CLASSES),
], ids=["default", "three-classes"])
def test_outputs_the_workflows_need(inventory, roles) -> None:
    outputs = inventory().outputs
    assert set(outputs["githubRepositoryVariables"]) == {"AWS_PREVIEW_ROLE_ARN", "AWS_REGION", "PULUMI_BACKEND_URL"}
    assert outputs["deployRoleStacks"] == roles
    assert list(outputs["deployRoleArns"]) == list(roles)
    assert outputs["githubEnvironmentVariables"] == {env: {"AWS_DEPLOY_ROLE_ARN": outputs["deployRoleArns"][env]}
                                                     for env in roles}
    assert all(arn.endswith(f":role/ai-gateway-example-deploy-{env}") for env, arn in outputs["deployRoleArns"].items())


def test_every_class_with_several_stacks_passes_the_pack() -> None:
    inv = three_classes()
    assert check.evaluate(inv.to_json(), check.load_config("bootstrap")) == []
    dev = json.dumps(documents(inv, "deploy-dev"))
    assert "ai-gateway-dev-*" in dev and "ai-gateway-sandbox-alice-*" in dev and "ai-gateway-prod" not in dev
    preview = json.dumps(documents(inv, "preview"))
    listed = [stack for stacks in THREE_CLASSES.values() for stack in stacks]
    assert all(f"/.pulumi/stacks/ai-gateway/{stack}.*" in preview for stack in listed)


def test_pulumi_cloud_users_get_no_bucket_and_no_key() -> None:
    inv = run_bootstrap({"stateBackend": {"enabled": False}})
    assert not inv.of_type("aws:s3/bucket:Bucket") and not inv.of_type("aws:kms/key:Key")
    assert inv.outputs["stateBucket"] is None and inv.outputs["backendUrl"] is None
    assert "PULUMI_BACKEND_URL" not in inv.outputs["githubRepositoryVariables"]
    granted = {a for d in documents(inv, "preview") for st in d["Statement"]
               for a in ([st["Action"]] if isinstance(st["Action"], str) else st["Action"])}
    assert not granted & {"s3:GetObject", "kms:Decrypt"}
    assert check.evaluate(inv.to_json(), check.load_config("bootstrap")) == []


def test_every_type_mode_still_fits_and_passes() -> None:
    inv = run_bootstrap({"permissions": {"resourceTypes": "all"}})
    assert len(documents(inv, "deploy-prod")) <= 10
    assert check.evaluate(inv.to_json(), check.load_config("bootstrap")) == []


def test_three_stacks_of_one_class_with_every_type_fit_and_pass() -> None:
    inv = run_bootstrap({"deployRoles": {"dev": ["dev", "sandbox-alice", "sandbox-bobby"], "prod": ["prod"]},
                         "permissions": {"resourceTypes": "all"}})
    assert 1 < len(documents(inv, "deploy-dev")) <= 10
    assert check.evaluate(inv.to_json(), check.load_config("bootstrap")) == []


TOO_MANY = {"dev": ["dev", *(f"sandbox-{n}" for n in range(1, 10))], "prod": ["prod"]}
"""Ten stacks in one class: more than one role's policies hold with every type."""
MANY = {"dev": ["dev", *(f"sandbox-alice-{n}" for n in range(1, 4))], "staging": [f"staging-{n}" for n in range(1, 5)],
        "prod": ["prod", "live-eu", "live-us"]}
"""Eleven stacks: each deploy role fits, the preview role of all of them does not."""


@pytest.mark.parametrize(("overrides", "stack", "message"), [
    ({"github": None}, "example", "ai-gateway-bootstrap:github: is required"),
    ({"github": {"repository": "not a repo"}}, "example", "ai-gateway-bootstrap:github.repository: string should match"),
    ({"deployRoles": {"dev": ["dev"], "prod": ["dev-eu"]}}, "example",
     "ai-gateway-bootstrap:deployRoles: 'dev' (dev) is a prefix of 'dev-eu' (prod)"),
    ({"deployRoles": {"staging": ["prod"]}}, "example",
     "ai-gateway-bootstrap:deployRoles.staging: 'prod' is a prod stack"),
    ({}, "prod", "ai-gateway-bootstrap:deployRoles: the bootstrap stack's names (ai-gateway-prod-...) overlap"),
    ({"environments": ["dev", "prod"]}, "example", "ai-gateway-bootstrap:environments: replaced by deployRoles"),
    ({"deployRoles": TOO_MANY, "permissions": {"resourceTypes": "all"}}, "example",
     "ai-gateway-bootstrap:deployRoles.dev: the dev deploy role would need"),
    ({"deployRoles": MANY}, "example", "ai-gateway-bootstrap:deployRoles: the preview role (every listed stack) "),
    ({"stateBackend": {"enabled": True, "bucket": "x"}}, "example", "ai-gateway-bootstrap:stateBackend.bucket: unknown setting"),
    ({"colour": "blue"}, "example", "ai-gateway-bootstrap:colour: unknown setting"),
])
def test_settings_errors_are_one_line(overrides, stack, message) -> None:
    with pytest.raises(pulumi.RunError) as exc:
        run_bootstrap(overrides, stack=stack)
    assert str(exc.value).startswith(message) and "\n" not in str(exc.value)


def test_region_is_required() -> None:
    with pytest.raises(SettingsError, match="^aws:region: is required"):
        parse_settings({"ai-gateway-bootstrap:github": json.dumps(REPO)}, "ai-gateway-bootstrap", "example")


def test_make_bootstrap_synth_writes_inventory_iam_report_and_policy_report(tmp_path) -> None:
    result = subprocess.run([sys.executable, "-m", "tools.synth", "--project", "bootstrap", "--stack", "example",
                             "--out", str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    out = tmp_path / "bootstrap-example"
    assert json.loads((out / "inventory.json").read_text())["project"] == "ai-gateway-bootstrap"
    assert json.loads((out / "policy-report.json").read_text()) == {"violations": []}
    report = json.loads((out / "iam-policies.json").read_text())
    assert "ec2" in report["ci-deploy-dev-1"]["actionsByService"] or any(
        "ec2" in v["actionsByService"] for k, v in report.items() if k.startswith("ci-deploy-dev-"))
    assert "policy (policy/config/bootstrap.json): 0 mandatory, 0 advisory" in result.stdout


def test_the_cli_can_run_the_program_from_its_own_directory(tmp_path) -> None:
    """The Pulumi CLI runs ``bootstrap/`` with only that directory on sys.path; the entry point
    must find the repository's modules itself."""
    script = (
        "import runpy, sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from tools.harness import run_program\n"
        "from tools.stack_config import load_stack_config\n"
        f"sys.path.remove({str(ROOT)!r})\n"
        "assert 'bootstrap' not in sys.modules and 'components' not in sys.modules\n"
        f"cfg = load_stack_config(__import__('pathlib').Path({str(PROJECT_DIR)!r}), 'example')\n"
        f"inv = run_program(lambda: runpy.run_path({str(PROJECT_DIR)!r}, run_name='__main__'),"
        " project='ai-gateway-bootstrap', stack='example', config=cfg.values)\n"
        "print(len(inv.resources))\n"
    )
    result = subprocess.run([sys.executable, "-P", "-c", script], cwd=tmp_path, capture_output=True, text=True,
                            timeout=120, env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr[-2000:]
    assert int(result.stdout.strip()) > 20

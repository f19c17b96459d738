"""GitHub Actions workflows: actionlint passes, and the promises the workflows make hold
(short-lived AWS credentials only, least-privilege permissions, pinned actions, a gated prod
deploy, PR preview comments with the policy pack)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
FILES = sorted(WORKFLOWS.glob("*.yml"))
ACTIONLINT = Path(sys.executable).parent / "actionlint"
PINNED = re.compile(r"uses:\s*[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*\s*$")
AWS_CREDENTIALS = "aws-actions/configure-aws-credentials"


def load(name: str) -> dict[str, Any]:
    return yaml.safe_load((WORKFLOWS / name).read_text())


def triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    on = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` key as True
    return on if isinstance(on, dict) else {name: None for name in ([on] if isinstance(on, str) else on)}


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return job.get("steps", [])


def uses(step: dict[str, Any]) -> str:
    return str(step.get("uses", "")).split("@")[0]


def all_jobs() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path in FILES:
        for name, job in load(path.name)["jobs"].items():
            yield path.name, name, job


def test_expected_workflows_exist() -> None:
    assert {p.name for p in FILES} == {"test.yml", "preview.yml", "deploy.yml", "deploy-stacks.yml",
                                       "bump-agentgateway.yml"}


def _actionlint(*flags: str) -> subprocess.CompletedProcess[str]:
    assert ACTIONLINT.is_file(), f"{ACTIONLINT} missing: pip install -r requirements-dev.txt"
    return subprocess.run([str(ACTIONLINT), "-no-color", *flags, *map(str, FILES)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_actionlint_passes() -> None:
    # shellcheck/pyflakes integration off: the result must not depend on what the machine has.
    result = _actionlint("-shellcheck=", "-pyflakes=")
    assert result.returncode == 0, result.stdout + result.stderr


def test_run_scripts_pass_shellcheck() -> None:
    # Skipped on a machine without shellcheck, unless REQUIRE_SHELLCHECK=1 (CI sets it): then it fails.
    if shutil.which("shellcheck") is None:
        if os.environ.get("REQUIRE_SHELLCHECK") == "1":
            pytest.fail("shellcheck is required (REQUIRE_SHELLCHECK=1) but not on PATH")
        pytest.skip("shellcheck not installed (apt-get install shellcheck)")
    result = _actionlint("-pyflakes=")
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_action_is_pinned_to_a_commit_with_its_version() -> None:
    for path in FILES:
        for line in path.read_text().splitlines():
            if line.strip().startswith(("uses:", "- uses:")) and "uses: ./.github/workflows/" not in line:
                assert PINNED.search(line), f"{path.name}: not pinned to a SHA with a # vX comment: {line.strip()}"


def test_no_static_aws_credentials() -> None:
    forbidden = re.compile(r"aws-access-key-id|aws-secret-access-key|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|"
                           r"AWS_SESSION_TOKEN|AKIA[0-9A-Z]{16}")
    for path in FILES:
        assert not forbidden.search(path.read_text()), path.name


def test_workflows_default_to_no_permissions() -> None:
    for path in FILES:
        permissions = load(path.name).get("permissions")
        assert permissions in ({}, {"contents": "read"}), f"{path.name}: top-level permissions {permissions}"
    for name, job_name, job in all_jobs():
        assert job.get("permissions") != "write-all", f"{name}:{job_name}"


def test_aws_jobs_use_oidc_roles() -> None:
    aws_jobs = 0
    for name, job_name, job in all_jobs():
        for step in steps(job):
            if uses(step) == AWS_CREDENTIALS:
                aws_jobs += 1
                assert job["permissions"].get("id-token") == "write", f"{name}:{job_name}"
                assert re.fullmatch(r"\$\{\{ vars\.AWS_\w+_ROLE_ARN \}\}", step["with"]["role-to-assume"])
    assert aws_jobs == 2  # preview and deploy-stacks (one matrix job each); nothing else touches AWS


def test_write_permissions_only_where_needed() -> None:
    allowed = {("preview.yml", "preview"): {"id-token", "pull-requests"}, ("preview.yml", "cost"): {"pull-requests"},
               ("deploy.yml", "dev"): {"id-token"},
               ("deploy.yml", "staging"): {"id-token"}, ("deploy.yml", "prod"): {"id-token"},
               ("deploy-stacks.yml", "up"): {"id-token"},
               ("bump-agentgateway.yml", "bump"): {"contents", "pull-requests"}}
    for name, job_name, job in all_jobs():
        writes = {scope for scope, level in (job.get("permissions") or {}).items() if level == "write"}
        assert writes == allowed.get((name, job_name), set()), f"{name}:{job_name} writes {writes}"


def test_test_workflow() -> None:
    workflow = load("test.yml")
    assert {"push", "pull_request"} <= set(triggers(workflow))
    [job] = workflow["jobs"].values()
    python = next(s for s in steps(job) if uses(s) == "actions/setup-python")
    assert python["with"]["python-version"] == "3.11"
    assert any(s.get("run") == "make test" for s in steps(job))


def _pulumi_step(job: dict[str, Any]) -> dict[str, Any]:
    """The job's full (untargeted) Pulumi step."""
    return next(s for s in steps(job) if uses(s) == "pulumi/actions" and "target" not in s.get("with", {}))


def test_preview_comments_on_the_pr_with_the_policy_pack_per_stack() -> None:
    workflow = load("preview.yml")
    assert set(triggers(workflow)) == {"pull_request"}
    job = workflow["jobs"]["preview"]
    # Every stack file, whatever its name, from tools.stacks.
    assert job["strategy"]["matrix"]["stack"] == "${{ fromJSON(needs.stacks.outputs.all) }}"
    assert "python -m tools.stacks" in workflow["jobs"]["stacks"]["steps"][-1]["run"]
    assert job["needs"] == ["test", "stacks"]
    run = "\n".join(str(s.get("run", "")) for s in steps(job))
    assert 'bin/synth --stack "$STACK"' in run and "policy/requirements.txt" in run and "make venv" in run
    assert "jq -r .policyConfig" in run
    pulumi = _pulumi_step(job)["with"]
    assert pulumi["command"] == "preview"
    assert pulumi["comment-on-pr"] is True
    assert pulumi["policyPacks"] == "policy"
    # The policy config of the stack's environment class, as synth reported it.
    assert pulumi["policyPackConfigs"] == "${{ steps.synth.outputs.policy-config }}"
    assert pulumi["stack-name"].endswith("/ai-gateway/${{ matrix.stack }}")
    assert _pulumi_step(job)["env"]["PULUMI_ACCESS_TOKEN"] == "${{ secrets.PULUMI_ACCESS_TOKEN }}"


def test_preview_comments_the_cost_and_its_change_against_the_base() -> None:
    job = load("preview.yml")["jobs"]["cost"]
    assert job["needs"] == ["test", "stacks"]
    assert job["if"] == "github.event.pull_request.head.repo.full_name == github.repository"
    assert job["permissions"] == {"contents": "read", "pull-requests": "write"}
    base = next(s for s in steps(job) if s.get("with", {}).get("path") == ".base")
    assert base["with"]["ref"] == "${{ github.event.pull_request.base.sha }}"
    run = "\n".join(str(s.get("run", "")) for s in steps(job))
    assert "python -m tools.cost --stack" in run and "--inventory \".base/build/$stack/inventory.json\"" in run
    assert 'tools.cost.compare --head build --base .base/build "${stacks[@]}"' in run  # every stack file
    assert "needs.stacks.outputs.all" in str(steps(job))
    post = next(s for s in steps(job) if "gh pr comment" in str(s.get("run", "")))
    assert post["env"]["GH_TOKEN"] == "${{ secrets.GITHUB_TOKEN }}"
    assert "<!-- ai-gateway-cost -->" in post["run"] and "--method PATCH" in post["run"]  # one comment, updated


def test_deploy_goes_dev_then_staging_then_prod_each_in_its_environment() -> None:
    workflow = load("deploy.yml")
    assert triggers(workflow)["push"]["branches"] == ["main"]
    assert workflow["concurrency"]["cancel-in-progress"] is False
    jobs = workflow["jobs"]
    assert jobs["dev"]["needs"] == ["test", "stacks"]
    assert jobs["staging"]["needs"] == ["stacks", "dev"] and jobs["prod"]["needs"] == ["stacks", "dev", "staging"]
    for env in ("dev", "staging", "prod"):
        assert jobs[env]["uses"] == "./.github/workflows/deploy-stacks.yml"
        assert jobs[env]["with"] == {"environment": env, "stacks": f"${{{{ needs.stacks.outputs.{env} }}}}"}
        assert f"needs.stacks.outputs.{env} != '[]'" in jobs[env]["if"]
    for later in ("staging", "prod"):
        assert "!cancelled()" in jobs[later]["if"] and "needs.dev.result == 'success'" in jobs[later]["if"]
    assert "needs.staging.result == 'success'" in jobs["prod"]["if"]
    called = load("deploy-stacks.yml")
    assert set(triggers(called)) == {"workflow_call"}
    up = called["jobs"]["up"]
    assert up["environment"] == "${{ inputs.environment }}"
    assert up["strategy"]["max-parallel"] == 1 and up["strategy"]["fail-fast"] is True
    run = "\n".join(str(s.get("run", "")) for s in steps(up))
    assert 'bin/synth --stack "$STACK"' in run and '"$declared" != "$ENVIRONMENT"' in run
    pulumi = _pulumi_step(up)["with"]
    assert pulumi["command"] == "up" and pulumi["policyPacks"] == "policy"
    assert pulumi["policyPackConfigs"] == "${{ steps.synth.outputs.policy-config }}"
    assert pulumi["stack-name"].endswith("/ai-gateway/${{ matrix.stack }}")


def _index(job: dict[str, Any], found: Any) -> int:
    matches = [i for i, s in enumerate(steps(job)) if found(s)]
    assert len(matches) == 1, matches
    return matches[0]


def test_deploy_creates_the_repository_and_mirrors_the_images_before_the_full_up() -> None:
    """Order: offline synth, credentials, the repository (targeted up, only when missing), the
    image mirror, the full up; the mirror tools come with the runner image, no setup action."""
    up = load("deploy-stacks.yml")["jobs"]["up"]
    synth = _index(up, lambda s: s.get("id") == "synth")
    credentials = _index(up, lambda s: uses(s) == AWS_CREDENTIALS)
    check = _index(up, lambda s: s.get("id") == "repository")
    create = _index(up, lambda s: uses(s) == "pulumi/actions" and "target" in s.get("with", {}))
    mirror = _index(up, lambda s: s.get("run") == 'bin/mirror-images --stack "$STACK"')
    full = steps(up).index(_pulumi_step(up))
    assert synth < credentials < check < create < mirror < full
    assert not [s for s in steps(up) if uses(s) == "docker/setup-buildx-action"]
    assert up["runs-on"] == "ubuntu-24.04"

    run = steps(up)[check]["run"]
    assert 'aws ecr describe-repositories --repository-names "$repository" --region "$region"' in run
    assert "RepositoryNotFoundException" in run and "exit 1" in run  # other errors stop the job
    assert "jq -r '.mirror.targets[]'" in run and "'.mirror.images | length'" in run

    targeted, whole = steps(up)[create], steps(up)[full]
    assert targeted["if"] == "steps.repository.outputs.create == 'true'"
    assert targeted["uses"] == whole["uses"]  # the same pinned action
    assert targeted["with"]["target"] == "${{ steps.repository.outputs.targets }}"
    assert targeted["env"] == whole["env"]
    for key in ("command", "stack-name", "cloud-url", "pulumi-version", "suppress-outputs"):
        assert targeted["with"][key] == whole["with"][key], key
    # The pack would see every skipped create with empty properties: only the full up runs it.
    assert "policyPacks" not in targeted["with"] and whole["with"]["policyPacks"] == "policy"


def test_pulumi_steps_select_the_backend_from_one_variable() -> None:
    """PULUMI_BACKEND_URL (the bootstrap's backendUrl) switches every Pulumi step from Pulumi Cloud
    to the S3 backend, whose organization is always `organization`."""
    for name in ("preview.yml", "deploy-stacks.yml"):
        for job_name, job in load(name)["jobs"].items():
            for step in steps(job):
                if uses(step) == "pulumi/actions":
                    assert step["with"]["cloud-url"] == "${{ vars.PULUMI_BACKEND_URL }}", f"{name}:{job_name}"
                    assert step["with"]["stack-name"].startswith(
                        "${{ vars.PULUMI_BACKEND_URL && 'organization' || vars.PULUMI_ORG }}/"), f"{name}:{job_name}"


def test_bump_workflow_verifies_the_digest_before_opening_a_pr() -> None:
    workflow = load("bump-agentgateway.yml")
    assert {"schedule", "workflow_dispatch"} <= set(triggers(workflow))
    job = workflow["jobs"]["bump"]
    run = "\n".join(str(s.get("run", "")) for s in steps(job))
    assert "imagetools inspect" in run
    assert "^sha256:[0-9a-f]{64}$" in run
    assert '"$IMAGE@$digest"' in run  # fetched again by digest
    assert "make test" in run
    assert uses(steps(job)[-1]) == "peter-evans/create-pull-request"


# For each pinned action, inputs its action.yml (at the pinned version) declares, as reviewed.
# actionlint cannot look inside a SHA pin, so a typo in `with:` would only show up on GitHub.
# Update together with the pins.
ACTION_INPUTS = {
    "actions/checkout": {"persist-credentials", "fetch-depth", "ref", "token", "path", "submodules", "repository"},
    "actions/setup-python": {"python-version", "cache", "cache-dependency-path", "check-latest"},
    "actions/upload-artifact": {"name", "path", "if-no-files-found", "retention-days", "overwrite"},
    "aws-actions/configure-aws-credentials": {"role-to-assume", "role-session-name", "aws-region",
                                              "role-duration-seconds", "mask-aws-account-id"},
    "pulumi/actions": {"command", "stack-name", "pulumi-version", "comment-on-pr", "github-token", "policyPacks",
                       "policyPackConfigs", "diff", "suppress-outputs", "work-dir", "refresh", "edit-pr-comment",
                       "cloud-url", "target"},
    "peter-evans/create-pull-request": {"branch", "delete-branch", "commit-message", "title", "labels", "body",
                                        "token", "base", "sign-commits", "add-paths"},
}


def test_actions_get_only_inputs_they_declare() -> None:
    for name, job_name, job in all_jobs():
        for step in steps(job):
            action = uses(step)
            if not action:
                continue
            assert action in ACTION_INPUTS, f"{name}:{job_name}: {action} is not a reviewed action"
            unknown = set(step.get("with", {})) - ACTION_INPUTS[action]
            assert not unknown, f"{name}:{job_name}: {action} has no input(s) {sorted(unknown)}"

"""The offline synth command: files, exit codes, one-line errors, no secrets."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.support import ROOT, baseline
from tools import synth


def _project_copy(tmp_path: Path, stack_files: dict[str, str]) -> Path:
    """A minimal copy of the project with custom stack files (the program itself is shared)."""
    root = tmp_path / "proj"
    root.mkdir()
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / name, root / name)
    for name, text in stack_files.items():
        (root / name).write_text(text)
    return root


def _run(args: list[str], cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tools.synth", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def dev_synth(tmp_path_factory):
    """``bin/synth --stack dev`` in this interpreter: (result, output directory)."""
    out = tmp_path_factory.mktemp("synth")
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = synth.main(["--stack", "dev", "--out", str(out)])
    return subprocess.CompletedProcess([], code, stdout.getvalue(), stderr.getvalue()), out


@pytest.mark.parametrize("stack, process", [("prod", "new"), ("dev", "same")])
def test_synth_writes_inventory_configs_and_report(stack, process, tmp_path, request):
    # Once as a user runs it (a new interpreter), once in this one: the output is the same code's.
    if process == "new":
        result, out_dir = _run(["--stack", stack, "--out", str(tmp_path)]), tmp_path
    else:
        result, out_dir = request.getfixturevalue("dev_synth")
    assert result.returncode == 0, result.stderr
    out = out_dir / stack
    inventory = json.loads((out / "inventory.json").read_text())
    assert set(inventory) == {"project", "stack", "resources", "outputs"}
    assert inventory["stack"] == stack and inventory["project"] == "ai-gateway"
    for row in inventory["resources"]:
        assert set(row) == {"urn", "type", "name", "parent", "custom", "inputs", "dependencies", "propertyDependencies", "protect"}
        assert row["urn"].startswith(f"urn:pulumi:{stack}::ai-gateway::")
    assert f"stack ai-gateway/{stack} (environment {stack}):" in result.stdout
    assert f"policy (policy/config/{stack}.json): 0 mandatory" in result.stdout
    assert "outputs:" in result.stdout
    mirror = json.loads((out / "synth.json").read_text())["mirror"]
    assert mirror["repository"] == f"ai-gateway-{stack}-images"
    global_limits = ["ratelimit-3e085e5b"] if stack == "prod" else []  # prod: envoyproxy/ratelimit too
    assert [image["tag"] for image in mirror["images"]] == ["aws-appconfig-agent-2.0.13147", *global_limits]
    assert all(urn.startswith(f"urn:pulumi:{stack}::ai-gateway::ai-gateway:index:AiGateway") for urn in mirror["targets"])


def test_unknown_key_exits_2_with_one_line(tmp_path):
    root = _project_copy(tmp_path, {"Pulumi.bad.yaml": "config:\n  aws:region: us-east-1\n  ai-gateway:edgee: {}\n"})
    code, err = _main_in(root, "bad")
    assert code == 2
    assert err.strip() == "error: ai-gateway:edgee: unknown setting (did you mean edge?)"


def test_malformed_value_exits_2_naming_the_key(tmp_path):
    root = _project_copy(tmp_path, {"Pulumi.bad.yaml": (
        "config:\n  aws:region: us-east-1\n  ai-gateway:edge:\n    allowPlainHttp: true\n"
        "  ai-gateway:auth:\n    jwtValidation: false\n  ai-gateway:service:\n    cpu: lots\n")})
    code, err = _main_in(root, "bad")
    assert code == 2
    assert err.startswith("error: ai-gateway:service.cpu:") and err.count("\n") == 1


def test_broken_yaml_and_missing_stack_exit_2(tmp_path):
    root = _project_copy(tmp_path, {"Pulumi.bad.yaml": "config: [\n"})
    assert _main_in(root, "bad") == (2, "error: Pulumi.bad.yaml: not valid YAML (line 2)\n")
    assert _main_in(root, "nope") == (2, "error: Pulumi.nope.yaml: no such stack file\n")


def test_cli_exit_2_without_traceback(tmp_path):
    result = _run(["--stack", "does-not-exist", "--out", str(tmp_path)])
    assert result.returncode == 2
    assert result.stderr == "error: Pulumi.does-not-exist.yaml: no such stack file\n"
    assert "Traceback" not in result.stdout + result.stderr


def test_secure_values_never_reach_the_output(tmp_path):
    secret_text = "v1:ZmFrZS1jaXBoZXJ0ZXh0LXRoYXQtbXVzdC1ub3QtbGVhaw=="
    dev = (ROOT / "Pulumi.dev.yaml").read_text() + f"  ai-gateway:anthropicApiKey:\n    secure: {secret_text}\n"
    root = _project_copy(tmp_path, {"Pulumi.dev.yaml": dev})
    out = tmp_path / "out"
    code, err = _main_in(root, "dev", out)
    assert code in (0, 1), err
    files = [p for p in (out / "dev").rglob("*") if p.is_file()]
    assert any(p.suffix == ".zip" for p in files) and any(p.name == "agentgateway.json" for p in files)
    for path in files:
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                blobs = [archive.read(n) for n in archive.namelist()]
        else:
            blobs = [path.read_bytes()]
        for data in blobs:
            assert secret_text.encode() not in data and b"fake-client-secret" not in data


def test_mandatory_violation_exits_1(tmp_path, monkeypatch):
    monkeypatch.setattr(synth, "synthesize", lambda stack, **_: baseline(stack))  # the exit code is the subject
    monkeypatch.setattr(synth, "policy_report", lambda inv, env: {"violations": [
        {"policy": "x", "enforcement": "mandatory", "urn": "urn:a::b", "message": "m"}]})
    assert synth.main(["--stack", "dev", "--out", str(tmp_path)]) == 1
    monkeypatch.setattr(synth, "policy_report", lambda inv, env: {"violations": [
        {"policy": "x", "enforcement": "advisory", "urn": "urn:a::b", "message": "m"}]})
    assert synth.main(["--stack", "dev", "--out", str(tmp_path)]) == 0


def _main_in(root: Path, stack: str, out: Path | None = None, stdout: io.StringIO | None = None) -> tuple[int, str]:
    """Run synth.main against a project copy; returns (exit code, stderr)."""
    err = io.StringIO()
    original = synth.ROOT
    synth.ROOT = root
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(stdout or io.StringIO()):
            code = synth.main(["--stack", stack, "--out", str(out or root / "build")])
    finally:
        synth.ROOT = original
    return code, err.getvalue()


def _stack_file(source: str, environment: str) -> str:
    """A repository stack file re-declared as another environment class (logs kept long enough for it)."""
    text = (ROOT / f"Pulumi.{source}.yaml").read_text()
    text = text.replace(f"ai-gateway:environment: {source}", f"ai-gateway:environment: {environment}")
    return "\n".join(line for line in text.splitlines() if "logRetentionDays" not in line) + "\n"


@pytest.mark.parametrize(("name", "source", "environment"), [
    ("eu-staging", "dev", "staging"), ("sandbox.alice", "dev", "dev"), ("live", "prod", "prod"),
])
def test_any_stack_name_is_checked_at_its_environments_levels(tmp_path, name, source, environment):
    root = _project_copy(tmp_path, {f"Pulumi.{name}.yaml": _stack_file(source, environment)})
    stdout = io.StringIO()
    code, err = _main_in(root, name, tmp_path / "out", stdout)
    assert (code, err) == (0, "")
    text = stdout.getvalue()
    assert f"stack ai-gateway/{name} (environment {environment}):" in text
    assert f"policy (policy/config/{environment}.json): 0 mandatory" in text
    written = json.loads((tmp_path / "out" / name / "synth.json").read_text())
    assert (written["environment"], written["policyConfig"]) == (environment, f"policy/config/{environment}.json")


def test_entry_point_turns_settings_errors_into_one_line_run_errors():
    """What `pulumi up` shows: a RunError with the one-line message, no traceback."""
    import pulumi

    from tests.support import run_stack

    with pytest.raises(pulumi.RunError) as exc:
        run_stack("dev", {"edge": {"idleTimeoutSeconds": 1}})
    assert str(exc.value).startswith("ai-gateway:edge.idleTimeoutSeconds: input should be greater than or equal to 60")
    assert "\n" not in str(exc.value)


def test_a_failed_synth_leaves_no_stale_build(tmp_path, monkeypatch):
    root = _project_copy(tmp_path, {"Pulumi.dev.yaml": (ROOT / "Pulumi.dev.yaml").read_text()})
    out = tmp_path / "out"
    real = synth.synthesize
    monkeypatch.setattr(synth, "synthesize", lambda stack, **_: baseline(stack))  # the same stack file's run
    assert _main_in(root, "dev", out)[0] == 0
    monkeypatch.setattr(synth, "synthesize", real)
    assert (out / "dev" / "inventory.json").is_file()
    (root / "Pulumi.dev.yaml").write_text("config:\n  aws:region: us-east-1\n  ai-gateway:edgee: {}\n")
    assert _main_in(root, "dev", out) == (2, "error: ai-gateway:edgee: unknown setting (did you mean edge?)\n")
    assert not (out / "dev").exists()


def test_rendered_files_say_they_were_rendered_offline(dev_synth):
    result, tmp_path = dev_synth
    assert result.returncode == 0
    first = (tmp_path / "dev" / "collector.yaml").read_text().splitlines()[0]
    assert first == f"# {synth.OFFLINE_NOTE}"
    # JSON has no comments: the published files are written byte for byte, synth.json says they are offline.
    assert json.loads((tmp_path / "dev" / "synth.json").read_text())["note"] == synth.OFFLINE_NOTE
    assert json.loads((tmp_path / "dev" / "agentgateway.json").read_text())["binds"]
    # The functions' zips land beside the rest of this synth's output.
    assert sorted(p.name for p in (tmp_path / "dev" / "lambda").glob("*.zip")) == [
        "admin_api.zip", "budget_reset.zip", "chargeback.zip", "pre_token.zip", "publisher.zip", "usage_aggregator.zip",
        "validator.zip"]


MINIMAL = "config:\n  aws:region: us-east-1\n  ai-gateway:edge:\n    allowPlainHttp: true\n  ai-gateway:auth:\n    jwtValidation: false\n"
CERT = "arn:aws:acm:{region}:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-111122223333"
EXISTING = ("    existing:\n      vpcId: vpc-0123456789abcdef0\n"
            "      publicSubnetIds: [subnet-0aaaaaaaaaaaaaaa1, subnet-0aaaaaaaaaaaaaaa2]\n"
            "      privateSubnetIds: [subnet-0bbbbbbbbbbbbbbb1, subnet-0bbbbbbbbbbbbbbb2]\n")
BAD_INPUTS = {
    "misspelt-namespace": (MINIMAL + "  ai-gatway:service:\n    cpu: 512\n",
                           "error: ai-gatway:service: unknown config namespace 'ai-gatway' (did you mean ai-gateway?)"),
    "duplicate-key": (MINIMAL + "  ai-gateway:edge:\n    internal: true\n",
                      "error: Pulumi.bad.yaml: line 7: key 'ai-gateway:edge' is defined twice"),
    "duplicate-nested-key": (MINIMAL + "  ai-gateway:waf:\n    enabled: true\n    enabled: false\n",
                             "error: Pulumi.bad.yaml: line 9: key 'enabled' is defined twice"),
    "quoted-off": (MINIMAL + "  ai-gateway:waf:\n    enabled: 'off'\n", "error: ai-gateway:waf.enabled: input should be a valid boolean"),
    "bare-off": (MINIMAL + "  ai-gateway:waf:\n    enabled: off\n", "error: ai-gateway:waf.enabled: input should be a valid boolean"),
    "existing-with-cidr": (MINIMAL + "  ai-gateway:network:\n    cidr: 10.9.0.0/16\n" + EXISTING,
                           "error: ai-gateway:network.cidr: applies only to a VPC the stack creates"),
    "existing-with-az-count": (MINIMAL + "  ai-gateway:network:\n    azCount: 3\n" + EXISTING,
                               "error: ai-gateway:network.azCount: applies only to a VPC the stack creates"),
    "existing-with-nat": (MINIMAL + "  ai-gateway:network:\n    natGatewayPerAz: true\n" + EXISTING,
                          "error: ai-gateway:network.natGatewayPerAz: applies only to a VPC the stack creates"),
    "certificate-of-another-region": (
        "config:\n  aws:region: us-east-1\n  ai-gateway:edge:\n    certificateArn: " + CERT.format(region="eu-west-1") + "\n",
        "error: ai-gateway:edge.certificateArn: is a certificate in eu-west-1, but the stack deploys to us-east-1"),
    "not-an-acm-certificate": (
        "config:\n  aws:region: us-east-1\n  ai-gateway:edge:\n    certificateArn: arn:aws:iam::123456789012:server-certificate/x\n",
        "error: ai-gateway:edge.certificateArn: 'arn:aws:iam::123456789012:server-certificate/x' is not an ACM certificate ARN"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_exits_2_with_one_line_naming_the_key(tmp_path, case):
    text, expected = BAD_INPUTS[case]
    root = _project_copy(tmp_path, {"Pulumi.bad.yaml": text})
    code, err = _main_in(root, "bad")
    assert code == 2
    assert err.startswith(expected) and err.count("\n") == 1, err

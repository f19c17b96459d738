"""``python -m policy.check``: output shape, exit codes 0/1/2, default per-stack config."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from policy.check import main

ROOT = Path(__file__).resolve().parents[2]
KEY_URN = "urn:pulumi:prod::ai-gateway::aws:kms/key:Key::logs-key"
LB_URN = "urn:pulumi:{stack}::ai-gateway::aws:lb/loadBalancer:LoadBalancer::alb"


def inventory(stack: str, *rows: dict[str, Any], environment: str | None = None) -> dict[str, Any]:
    """An inventory whose ``environment`` output is ``environment`` (default: the stack name)."""
    return {"project": "ai-gateway", "stack": stack, "resources": list(rows),
            "outputs": {"environment": environment or stack}}


def key(rotation: bool) -> dict[str, Any]:
    return {"urn": KEY_URN, "type": "aws:kms/key:Key", "name": "logs-key", "parent": None, "custom": True,
            "inputs": {"enableKeyRotation": rotation}, "dependencies": [], "propertyDependencies": {},
            "protect": False}


def load_balancer(stack: str) -> dict[str, Any]:
    """An internal ALB whose only flaw is deletion protection (advisory in dev, mandatory in prod)."""
    return {"urn": LB_URN.format(stack=stack), "type": "aws:lb/loadBalancer:LoadBalancer", "name": "alb",
            "inputs": {"internal": True, "dropInvalidHeaderFields": True, "enableDeletionProtection": False,
                       "accessLogs": {"enabled": True, "bucket": "logs"}}}


def write(tmp_path: Path, doc: Any, name: str = "inventory.json") -> str:
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return str(path)


def run_main(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, Any, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else None), err


def test_compliant_inventory_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_main(capsys, write(tmp_path, inventory("prod", key(True))))
    assert (code, out) == (0, {"violations": []})


def test_mandatory_violation_exits_1_naming_the_urn(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_main(capsys, write(tmp_path, inventory("prod", key(False))))
    assert code == 1
    assert out["violations"] == [{"policy": "aws-kms-key-rotation", "enforcement": "mandatory", "urn": KEY_URN,
                                  "message": "Automatic key rotation is not enabled."}]


@pytest.mark.parametrize("stack, environment, code, level", [
    ("dev", "dev", 0, "advisory"), ("prod", "prod", 1, "mandatory"),
    ("team-a", "staging", 0, "advisory"), ("live", "prod", 1, "mandatory"), ("prod", "dev", 0, "advisory"),
])
def test_default_config_comes_from_the_environment(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   stack: str, environment: str, code: int, level: str) -> None:
    doc = inventory(stack, load_balancer(stack), environment=environment)
    got, out, _ = run_main(capsys, write(tmp_path, doc))
    assert got == code
    assert [(v["policy"], v["enforcement"], v["urn"]) for v in out["violations"]] == [
        ("aws-lb-deletion-protection", level, LB_URN.format(stack=stack))]


def test_explicit_config_wins(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write(tmp_path, {"aws-kms-key-rotation": "advisory"}, "config.json")
    code, out, _ = run_main(capsys, write(tmp_path, inventory("prod", key(False))), "--config", config)
    assert code == 0 and out["violations"][0]["enforcement"] == "advisory"


BAD_DEPS = {"resources": [{"urn": "u", "type": "t", "propertyDependencies": {"vpcId": "u2"}}]}


@pytest.mark.parametrize("content", [None, "{not json", json.dumps([1, 2]), json.dumps({"resources": [{"urn": 1}]}),
                                     json.dumps(BAD_DEPS)],
                         ids=["missing", "not-json", "not-an-object", "bad-row", "bad-dependencies"])
def test_unreadable_inventory_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: Any) -> None:
    path = str(tmp_path / "absent.json") if content is None else write(tmp_path, content)
    code, out, err = run_main(capsys, path)
    assert code == 2 and out is None
    assert err.startswith("policy.check: error: ") and err.count("\n") == 1


def test_bad_config_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write(tmp_path, {"no-such-policy": "advisory"}, "config.json")
    code, _, err = run_main(capsys, write(tmp_path, inventory("prod", key(True))), "--config", config)
    assert code == 2 and "unknown policy 'no-such-policy'" in err


def test_module_entry_point(tmp_path: Path) -> None:
    """The real ``python -m policy.check`` from the repository root: exit 1 and 2."""
    violating = write(tmp_path, inventory("prod", key(False)))
    result = subprocess.run([sys.executable, "-m", "policy.check", violating], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result.stderr
    assert json.loads(result.stdout)["violations"][0]["urn"] == KEY_URN
    result = subprocess.run([sys.executable, "-m", "policy.check", str(tmp_path / "nope.json")], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and result.stdout == "" and len(result.stderr.splitlines()) == 1

"""The commands a user types: bin/synth's exit statuses, make's quoting of STACK, the venv checks."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tools.stack_names import StackNameError, parse_stack_name

ROOT = Path(__file__).resolve().parent.parent


def _run(args: list[str], cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


@pytest.mark.parametrize("name", ["dev;echo INJECTED", "dev$(echo INJECTED)", "../prod", "a b", "", "x" * 101,
                                  "org/proj/stack/extra", "org//dev"])
def test_invalid_stack_names_are_refused(name):
    with pytest.raises(StackNameError, match=r"^stack: .* is not a valid stack name"):
        parse_stack_name(name)


def test_qualified_names_use_the_stack_part():
    assert parse_stack_name("dev").stack_file == "Pulumi.dev.yaml"
    assert parse_stack_name("acme/dev").stack == parse_stack_name("acme/ai-gateway/dev", project="ai-gateway").stack == "dev"
    assert parse_stack_name("acme/ai-gateway/dev").organization == "acme"
    assert parse_stack_name("acme/prod.eu-1").stack == "prod.eu-1"
    with pytest.raises(StackNameError, match="names project 'other'"):
        parse_stack_name("acme/other/dev", project="ai-gateway")


def test_bin_synth_exits_2_with_one_line_and_runs_nothing_injected():
    result = _run(["bin/synth", "--stack", "dev;echo INJECTED"])
    assert result.returncode == 2
    assert result.stderr.startswith("error: stack: 'dev;echo INJECTED' is not a valid stack name")
    assert result.stderr.count("\n") == 1 and "INJECTED\n" not in result.stdout


def test_make_passes_stack_quoted():
    result = _run(["make", "--no-print-directory", "synth", "STACK=dev;echo INJECTED"])
    assert "INJECTED" not in result.stdout
    assert "error: stack: 'dev;echo INJECTED' is not a valid stack name" in result.stderr


def test_bin_synth_resolves_a_qualified_name_to_the_stack_file(tmp_path):
    result = _run(["bin/synth", "--stack", "acme/nope", "--out", str(tmp_path)])
    assert (result.returncode, result.stderr) == (2, "error: Pulumi.nope.yaml: no such stack file\n")


# --- tools/venv.sh, in a scratch copy (never the real .venv) --------------------------------------


@pytest.fixture()
def scratch(tmp_path: Path) -> Path:
    (tmp_path / "tools").mkdir()
    shutil.copy(ROOT / "tools" / "venv.sh", tmp_path / "tools" / "venv.sh")
    for name in ("requirements.txt", "requirements-dev.txt"):
        (tmp_path / name).write_text("")
    return tmp_path


def _fake_python(path: Path, version: str) -> Path:
    """An 'interpreter' that reports ``version`` and cannot create environments."""
    path.write_text(f"#!/bin/sh\nif [ \"$1\" = -c ]; then echo {version}; exit 0; fi\nexit 1\n")
    path.chmod(0o755)
    return path


def test_venv_refuses_an_unsupported_python(scratch):
    fake = _fake_python(scratch / "python3.10", "3.10")
    result = _run(["tools/venv.sh"], cwd=scratch, env={"PYTHON": str(fake)})
    assert result.returncode == 3
    assert result.stderr == f"error: {fake} is Python 3.10; Python 3.11, 3.12 or 3.13 is needed (set PYTHON=<interpreter>)\n"
    assert not (scratch / ".venv").exists()


def test_venv_names_a_missing_interpreter(scratch):
    result = _run(["tools/venv.sh"], cwd=scratch, env={"PYTHON": "no-such-python3"})
    assert result.returncode == 3
    assert result.stderr.startswith("error: no-such-python3 not found; install Python 3.11, 3.12 or 3.13")


def test_an_explicit_python_of_another_version_rebuilds_the_venv(scratch):
    bin_dir = scratch / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    _fake_python(bin_dir / "python", "3.11")
    fake = _fake_python(scratch / "python3.12", "3.12")
    result = _run(["tools/venv.sh"], cwd=scratch, env={"PYTHON": str(fake), "PYTHON_EXPLICIT": "1"})
    assert f"PYTHON={fake} is Python 3.12 but .venv has Python 3.11: rebuilding .venv" in result.stderr
    assert result.returncode == 3 and "could not create .venv" in result.stderr  # the fake cannot build one

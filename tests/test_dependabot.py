"""Dependabot watches every pinned requirements file and the SHA-pinned actions."""

from __future__ import annotations

import subprocess

import yaml

from tests.support import ROOT

CONFIG = ROOT / ".github" / "dependabot.yml"


def _updates() -> list[dict]:
    doc = yaml.safe_load(CONFIG.read_text())
    assert doc["version"] == 2
    return doc["updates"]


def test_every_requirements_file_is_watched() -> None:
    pip_dirs = {d for u in _updates() if u["package-ecosystem"] == "pip" for d in u.get("directories", [u.get("directory")])}
    assert {"/", "/policy", "/functions/*"} <= pip_dirs
    tracked = subprocess.run(["git", "ls-files", "*requirements*.txt"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    assert tracked
    for path in (ROOT / t for t in tracked):
        rel = path.parent.relative_to(ROOT).as_posix()
        if rel.startswith("tests/"):  # test fixtures are not shipped
            continue
        if rel.startswith("functions/"):
            rel = "functions/*"
        directory = "/" if rel == "." else f"/{rel}"
        included = path.read_text().strip().splitlines()[-1].startswith("-r ")
        assert directory in pip_dirs or included, f"{path.relative_to(ROOT)} is not watched by Dependabot"


def test_actions_are_watched() -> None:
    assert any(u["package-ecosystem"] == "github-actions" and u["directory"] == "/" for u in _updates())

"""Dependabot watches every pinned requirements file and the SHA-pinned actions."""

from __future__ import annotations

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
    for path in ROOT.rglob("requirements*.txt"):
        rel = path.parent.relative_to(ROOT).as_posix()
        if rel.startswith((".venv", "policy/venv", "build")):
            continue
        directory = "/" if rel == "." else f"/{rel}"
        included = path.read_text().strip().splitlines()[-1].startswith("-r ")
        assert directory in pip_dirs or included, f"{path.relative_to(ROOT)} is not watched by Dependabot"


def test_actions_are_watched() -> None:
    assert any(u["package-ecosystem"] == "github-actions" and u["directory"] == "/" for u in _updates())

"""Refresh vendored upstream data (``reference/``) from a checkout of an upstream tag.

``python -m tools.refresh_reference agentgateway <checkout>`` copies ``schema/config.json``,
``schema/cel.json`` and ``LICENSE`` from a git checkout of agentgateway at a release tag into
``reference/agentgateway/`` and rewrites its ``provenance.json`` (tag, commit, git blob of each
file). The ``bump-agentgateway`` workflow runs it after cloning the new tag, so the schema the tests
validate against always moves together with the pinned image.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "reference"
AGENTGATEWAY_FILES = {
    "config-schema.json": "schema/config.json",
    "cel-schema.json": "schema/cel.json",
    "LICENSE": "LICENSE",
}
"""Vendored file name -> path in the upstream repository."""
RELEASE_TAG = re.compile(r"^v\d+\.\d+\.\d+$")


class RefreshError(Exception):
    """The checkout is not usable (not a git work tree at a release tag, a file missing)."""


def _git(checkout: Path, *args: str) -> str:
    result = subprocess.run(["git", "-C", str(checkout), *args], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RefreshError(f"git {' '.join(args)} failed in {checkout}: {result.stderr.strip()}")
    return result.stdout.strip()


def refresh_agentgateway(checkout: Path, *, reference_dir: Path = REFERENCE, tag: Optional[str] = None) -> dict:
    """Copy the schemas and license of ``checkout`` into ``reference_dir/agentgateway``; return the provenance."""
    tag = tag or _git(checkout, "describe", "--tags", "--exact-match", "HEAD")
    if not RELEASE_TAG.match(tag):
        raise RefreshError(f"{tag!r} is not a release tag (vMAJOR.MINOR.PATCH)")
    commit = _git(checkout, "rev-parse", "HEAD^{commit}")
    tagged = _git(checkout, "rev-parse", f"{tag}^{{commit}}")
    if tagged != commit:
        raise RefreshError(f"the checkout is at {commit[:12]}, not at {tag} ({tagged[:12]})")
    target = reference_dir / "agentgateway"
    target.mkdir(parents=True, exist_ok=True)
    files = {}
    for name, upstream in AGENTGATEWAY_FILES.items():
        source = checkout / upstream
        if not source.is_file():
            raise RefreshError(f"{upstream} is missing in {checkout}")
        shutil.copyfile(source, target / name)
        files[name] = {"upstreamPath": upstream, "gitBlob": _git(checkout, "rev-parse", f"HEAD:{upstream}")}
    json.loads((target / "config-schema.json").read_text())  # must still be JSON
    provenance = {
        "repository": "https://github.com/agentgateway/agentgateway",
        "version": tag,
        "commit": commit,
        "license": "Apache-2.0",
        "files": files,
    }
    (target / "provenance.json").write_text(_provenance_text(provenance))
    return provenance


def _provenance_text(provenance: dict) -> str:
    files = ",\n".join(f"    {json.dumps(k)}: {json.dumps(v)}" for k, v in provenance["files"].items())
    head = {k: v for k, v in provenance.items() if k != "files"}
    lines = [f"  {json.dumps(k)}: {json.dumps(v)}," for k, v in head.items()]
    return "{\n" + "\n".join(lines) + '\n  "files": {\n' + files + "\n  }\n}\n"


def main(argv: Optional[list[str]] = None) -> int:
    """CLI entry point; returns the exit status (2 for an unusable checkout)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("upstream", choices=["agentgateway"], help="which vendored data to refresh")
    parser.add_argument("checkout", type=Path, help="git checkout of the upstream repository at a release tag")
    parser.add_argument("--tag", help="the tag (default: the tag at HEAD)")
    args = parser.parse_args(argv)
    try:
        provenance = refresh_agentgateway(args.checkout, tag=args.tag)
    except RefreshError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"reference/agentgateway: {provenance['version']} ({provenance['commit'][:12]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

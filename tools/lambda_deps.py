"""Install a function's pinned third-party dependencies for the Lambda platform, cached.

``pip install --target`` runs with ``--platform``/``--python-version``/``--implementation``/
``--only-binary=:all:``, so it picks the wheels Lambda's interpreter needs (a compiled extension
such as ``pydantic_core`` comes as the ``cp313 manylinux2014`` wheel), never builds anything, and
never runs code for the build machine. The result is then made independent of the build machine:
``bin/`` (console scripts whose shebang names the build interpreter) and any bytecode are removed,
and each ``*.dist-info/RECORD`` keeps only the lines of files that are still there.

Installed trees are cached under ``build/.lambda-deps/<key>/``, keyed by the normalised
requirements, platform, Python version and implementation, so repeated synths reuse them. Every
requirement must be pinned with ``==`` and the pins must cover everything pip installs: a later
release of an unpinned transitive dependency would silently change the zip.
"""

from __future__ import annotations

import email.parser
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

CACHE_FORMAT = "1"
"""Bump when the post-install normalisation changes, so old cache entries are not reused."""

PLATFORM_TAGS = {"x86_64": "manylinux2014_x86_64", "arm64": "manylinux2014_aarch64"}
"""Lambda architecture -> the pip ``--platform`` tag its wheels are chosen for."""

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[A-Za-z0-9_,.-]+\])?==([A-Za-z0-9.+!_-]+)$")


class DependencyError(Exception):
    """Requirements that cannot be installed reproducibly, or a failed install."""


@dataclass(frozen=True)
class Target:
    """The Lambda runtime the dependencies are installed for."""

    architecture: str = "x86_64"
    python_version: str = "3.13"
    implementation: str = "cp"

    @property
    def platform_tag(self) -> str:
        """The pip ``--platform`` value for this architecture."""
        try:
            return PLATFORM_TAGS[self.architecture]
        except KeyError:
            raise DependencyError(
                f"unknown architecture {self.architecture!r}; use one of {sorted(PLATFORM_TAGS)}"
            ) from None


def canonical_name(name: str) -> str:
    """A distribution name as PEP 503 compares them (``Typing_Extensions`` -> ``typing-extensions``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_requirements(text: str) -> dict[str, str]:
    """Parse pinned requirements (``name==version`` per line, ``#`` comments) into name -> version.

    Raises ``DependencyError`` naming the line for anything else: ranges, URLs, options,
    environment markers, duplicates.
    """
    pins: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        match = _PIN.match(line.replace(" ", ""))
        if not match:
            raise DependencyError(f"requirements line {number}: {raw.strip()!r} is not pinned as name==version")
        name = canonical_name(match.group(1))
        if name in pins:
            raise DependencyError(f"requirements line {number}: {match.group(1)} is pinned twice")
        pins[name] = match.group(3)
    return pins


def normalised_requirements(text: str) -> str:
    """The requirement lines, comments and blanks dropped, one per line, sorted (the cache input)."""
    lines = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].replace(" ", "")
        if line:
            lines.append(line)
    return "\n".join(sorted(lines)) + "\n"


def cache_key(requirements_text: str, target: Target) -> str:
    """Cache directory name for these requirements on this target."""
    material = "\n".join(
        (
            f"format={CACHE_FORMAT}",
            f"platform={target.platform_tag}",
            f"python={target.python_version}",
            f"implementation={target.implementation}",
            normalised_requirements(requirements_text),
        )
    )
    digest = hashlib.sha256(material.encode()).hexdigest()[:20]
    return f"{target.implementation}{target.python_version.replace('.', '')}-{target.architecture}-{digest}"


def installed_dependencies(requirements_text: str, target: Target, cache_dir: Path) -> Path:
    """The directory holding the installed, normalised dependencies; installs them on a miss.

    Safe to call from several processes at once: each installs into its own temporary directory
    and the first to finish renames it into place.
    """
    pins = parse_requirements(requirements_text)
    final = cache_dir / cache_key(requirements_text, target)
    if final.is_dir():
        return final
    cache_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=final.name + ".tmp-", dir=cache_dir))
    try:
        site = work / "site"
        if pins:
            _pip_install(requirements_text, target, site, work)
        else:
            site.mkdir()
        normalise_installed_tree(site)
        _check_closure_is_pinned(site, pins)
        try:
            site.rename(final)
        except OSError:
            if not final.is_dir():  # a failure other than "another process won the race"
                raise
        return final
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _pip_install(requirements_text: str, target: Target, site: Path, work: Path) -> None:
    requirements = work / "requirements.txt"
    requirements.write_text(normalised_requirements(requirements_text))
    command = [
        sys.executable, "-m", "pip", "install",
        "--disable-pip-version-check", "--no-input", "--quiet",
        "--platform", target.platform_tag,
        "--python-version", target.python_version,
        "--implementation", target.implementation,
        "--only-binary=:all:",
        "--no-compile",
        "--target", str(site),
        "-r", str(requirements),
    ]  # fmt: skip
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PIP_NO_COLOR="1")
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=work)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise DependencyError("pip install for the Lambda platform failed:\n" + "\n".join(detail))


def normalise_installed_tree(site: Path) -> None:
    """Remove what depends on the build machine and trim each ``RECORD`` to the files kept."""
    shutil.rmtree(site / "bin", ignore_errors=True)
    for cache in sorted(site.rglob("__pycache__"), reverse=True):
        shutil.rmtree(cache, ignore_errors=True)
    for bytecode in list(site.rglob("*.py[co]")):
        bytecode.unlink()
    for record in sorted(site.glob("*.dist-info/RECORD")):
        _trim_record(site, record)


def _trim_record(site: Path, record: Path) -> None:
    # RECORD paths are relative to the install root; console scripts appear as ../../bin/<name>
    # (outside the root once --target is used) and carry the hash of a shebang naming the build
    # interpreter. Only lines for files that still exist under the root are kept, in order.
    kept = []
    for line in record.read_text().splitlines():
        relative = line.rsplit(",", 2)[0]
        candidate = (site / relative).resolve()
        if candidate == record.resolve() or (candidate.is_relative_to(site.resolve()) and candidate.is_file()):
            kept.append(line)
    record.write_text("\n".join(kept) + "\n")


def _check_closure_is_pinned(site: Path, pins: dict[str, str]) -> None:
    installed = {}
    for metadata in site.glob("*.dist-info/METADATA"):
        headers = email.parser.HeaderParser().parsestr(metadata.read_text(encoding="utf-8"))
        installed[canonical_name(headers["Name"])] = headers["Version"]
    unpinned = sorted(f"{name}=={version}" for name, version in installed.items() if name not in pins)
    if unpinned:
        raise DependencyError(
            "these dependencies were installed without a pin; add them to requirements.txt so a "
            "later release cannot change the zip: " + ", ".join(unpinned)
        )

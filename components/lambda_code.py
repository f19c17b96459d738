"""Lambda code for the program: each function's deterministic zip, built from ``functions/<name>``.

The zip is built when the program runs (``make synth`` and ``pulumi up`` alike) into
``build/<stack>/lambda/<name>.zip`` by ``tools.package`` (``$AI_GATEWAY_BUILD_DIR/<stack>/lambda``
when set: ``bin/synth --out`` sets it, so a synth elsewhere leaves ``build/`` alone); installed
dependencies are cached under ``build/.lambda-deps``, and a zip already built in this process from
the same sources is copied instead of rebuilt (the tests run the program many times).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from tools.package import ROOT, LambdaZip, build_function_zip, load_function
from tools.lambda_deps import Target

ARCHITECTURE = "arm64"
"""Graviton: cheaper per GB-second; the packager installs manylinux aarch64 wheels to match."""
BUILD_DIR_ENV = "AI_GATEWAY_BUILD_DIR"
PYTHON_VERSION = "3.13"
RUNTIME = "python3.13"
_built: dict[str, LambdaZip] = {}


def _fingerprint(name: str) -> str:
    source = load_function(ROOT / "functions" / name)
    digest = hashlib.sha256(source.requirements.encode())
    for directory in (source.directory, *source.includes):
        for path in sorted(directory.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return f"{name}:{digest.hexdigest()}"


def function_zip(name: str, stack: str) -> LambdaZip:
    """The zip of ``functions/<name>`` for ``stack`` (built, or copied from this process's last build)."""
    out_dir = Path(os.environ.get(BUILD_DIR_ENV) or ROOT / "build") / stack / "lambda"
    key = _fingerprint(name)
    built = _built.get(key)
    if built is not None and built.path.is_file():
        if built.path.parent == out_dir:
            return built
        out_dir.mkdir(parents=True, exist_ok=True)
        target = out_dir / built.path.name
        shutil.copyfile(built.path, target)
        return LambdaZip(path=target, sha256=built.sha256, sha256_base64=built.sha256_base64,
                         size=built.size, handler=built.handler)
    result = build_function_zip(name, out_dir, target=Target(architecture=ARCHITECTURE, python_version=PYTHON_VERSION))
    _built[key] = result
    return result


def zip_path(result: LambdaZip) -> Path:
    """The zip's path (for ``pulumi.FileArchive``)."""
    return result.path

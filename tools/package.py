"""Deterministic Lambda zips: a function's package, its pinned dependencies, vendored first-party code.

A function lives in ``functions/<name>/``::

    functions/__init__.py
    functions/<name>/__init__.py
    functions/<name>/handler.py        def handler(event, context): ...
    functions/<name>/requirements.txt  optional: third-party pins, name==version, transitive included
    functions/<name>/package.toml      optional: include = ["functions/shared", "gateway_config"]

The zip keeps the repository's layout, so a module has the same import path in the tests, in the
Pulumi program and in Lambda: ``functions/<name>/...`` and every package named in ``include`` sit
at their repo-relative paths (with the ``__init__.py`` of their parent directories), and the
installed dependencies sit at the zip root. Lambda's handler setting is therefore
``functions.<name>.handler.handler`` (``LambdaZip.handler``). ``requirements.txt`` and
``package.toml`` are build inputs and stay out of the zip. ``package.toml`` may also set
``handler = "<module>.<function>"`` relative to the function package (default ``handler.handler``).

Two builds of the same sources and pins give byte-identical zips (see ``tools.lambda_zip`` and
``tools.lambda_deps``), so the sha256 only changes when something deployable changed.

``python -m tools.package <function> --out build/<stack>/lambda/`` builds ``<out>/<name>.zip`` and
prints ``{"name", "path", "sha256", "sha256Base64", "size", "handler"}`` as one JSON line per
function. ``<function>`` is a name under ``functions/`` or a directory.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence, Union

from .lambda_deps import DependencyError, Target, installed_dependencies
from .lambda_zip import collect_tree, write_deterministic_zip

ROOT = Path(__file__).resolve().parent.parent
FUNCTIONS_DIR = "functions"
DEFAULT_CACHE = Path("build") / ".lambda-deps"
"""Installed-dependency cache, relative to the repository root."""
BUILD_INPUTS = ("requirements.txt", "package.toml")
"""Files in a function directory that configure the build and are not packaged."""
_SPEC_KEYS = {"include", "handler"}


class PackagingError(Exception):
    """A function directory or ``package.toml`` that cannot be packaged; the message says why."""


@dataclass(frozen=True)
class FunctionSource:
    """What goes into one function's zip, read from its directory."""

    name: str
    directory: Path
    package: str
    """Dotted import path of the function package, e.g. ``functions.publisher``."""
    includes: tuple[Path, ...]
    """Absolute directories of the vendored first-party packages."""
    requirements: str
    handler: str
    """Lambda handler setting, e.g. ``functions.publisher.handler.handler``."""


@dataclass(frozen=True)
class LambdaZip:
    """A built zip and its digests."""

    path: Path
    sha256: str
    """Hex sha256 of the zip bytes."""
    sha256_base64: str
    """Base64 sha256 (what ``aws.lambda_.Function(source_code_hash=...)`` compares)."""
    size: int
    handler: str

    def as_json(self, name: str) -> dict[str, object]:
        """The CLI's JSON record for this zip."""
        return {
            "name": name,
            "path": str(self.path),
            "sha256": self.sha256,
            "sha256Base64": self.sha256_base64,
            "size": self.size,
            "handler": self.handler,
        }


def function_directory(function: Union[str, Path], root: Path = ROOT) -> Path:
    """Resolve a function name (``publisher``) or a directory path to the function's directory."""
    candidate = Path(function)
    if not candidate.is_absolute() and len(candidate.parts) == 1:
        candidate = root / FUNCTIONS_DIR / candidate
    elif not candidate.is_absolute():
        candidate = root / candidate
    if not candidate.is_dir():
        raise PackagingError(f"{function}: no such function directory ({candidate})")
    return candidate.resolve()


def load_function(directory: Path, root: Path = ROOT) -> FunctionSource:
    """Read a function directory: its package path, ``package.toml`` and ``requirements.txt``."""
    root = root.resolve()
    directory = directory.resolve()
    package = _dotted_package(directory, root)
    spec = _read_spec(directory)
    includes = tuple(_include_directory(entry, directory, root) for entry in spec.get("include", []))
    if len(set(includes)) != len(includes):
        raise PackagingError(f"{directory.name}/package.toml: include lists a package twice")
    handler = spec.get("handler", "handler.handler")
    if not isinstance(handler, str) or handler.count(".") < 1 or not all(p.isidentifier() for p in handler.split(".")):
        raise PackagingError(f"{directory.name}/package.toml: handler must be '<module>.<function>', got {handler!r}")
    module_path = directory.joinpath(*handler.split(".")[:-1]).with_suffix(".py")
    if not module_path.is_file():
        raise PackagingError(f"{directory.name}: handler module {module_path.relative_to(root)} does not exist")
    requirements_file = directory / "requirements.txt"
    requirements = requirements_file.read_text() if requirements_file.is_file() else ""
    return FunctionSource(
        name=directory.name,
        directory=directory,
        package=package,
        includes=includes,
        requirements=requirements,
        handler=f"{package}.{handler}",
    )


def build_function_zip(
    function: Union[str, Path],
    out_dir: Path,
    *,
    root: Path = ROOT,
    target: Target = Target(),
    cache_dir: Optional[Path] = None,
) -> LambdaZip:
    """Build ``<out_dir>/<name>.zip`` for one function and return its path and digests.

    Dependencies come from the cache (``build/.lambda-deps`` under ``root`` unless ``cache_dir``
    is given) or are installed into it. Raises ``PackagingError`` or ``DependencyError`` with a
    message naming the problem.
    """
    root = root.resolve()
    source = load_function(function_directory(function, root), root)
    deps = installed_dependencies(source.requirements, target, cache_dir or root / DEFAULT_CACHE)
    files = collect_tree(deps, "")
    installed_top_level = {name.split("/")[0] for name in files}
    for name, path in _first_party_files(source, root).items():
        if name.split("/")[0] in installed_top_level:
            raise PackagingError(f"{source.name}: {name} clashes with an installed dependency's files")
        files[name] = path
    out = Path(out_dir) / f"{source.name}.zip"
    write_deterministic_zip(out, files)
    return _describe(out, source.handler)


def _first_party_files(source: FunctionSource, root: Path) -> dict[str, Path]:
    files: dict[str, Path] = {}
    for package_dir in (source.directory, *source.includes):
        prefix = package_dir.relative_to(root).as_posix()
        skip = BUILD_INPUTS if package_dir == source.directory else ()
        files.update(collect_tree(package_dir, prefix, skip=skip))
        for parent in package_dir.relative_to(root).parents:
            marker = root / parent / "__init__.py"
            if parent != Path(".") and marker.is_file():
                files[(parent / "__init__.py").as_posix()] = marker
    return files


def _describe(path: Path, handler: str) -> LambdaZip:
    digest = hashlib.sha256(path.read_bytes()).digest()
    return LambdaZip(
        path=path,
        sha256=digest.hex(),
        sha256_base64=base64.b64encode(digest).decode(),
        size=path.stat().st_size,
        handler=handler,
    )


def _dotted_package(directory: Path, root: Path) -> str:
    if not directory.is_relative_to(root) or directory == root:
        raise PackagingError(f"{directory}: a function directory must be inside the repository ({root})")
    parts = directory.relative_to(root).parts
    if not all(part.isidentifier() for part in parts):
        raise PackagingError(f"{directory.relative_to(root)}: every path part must be a Python identifier")
    return ".".join(parts)


def _read_spec(directory: Path) -> dict[str, object]:
    path = directory / "package.toml"
    if not path.is_file():
        return {}
    try:
        spec = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as error:
        raise PackagingError(f"{directory.name}/package.toml: {error}") from None
    unknown = sorted(set(spec) - _SPEC_KEYS)
    if unknown:
        raise PackagingError(f"{directory.name}/package.toml: unknown key(s) {', '.join(unknown)}")
    include = spec.get("include", [])
    if not isinstance(include, list) or not all(isinstance(item, str) for item in include):
        raise PackagingError(f"{directory.name}/package.toml: include must be a list of package paths")
    return spec


def _include_directory(entry: str, function_dir: Path, root: Path) -> Path:
    path = (root / entry).resolve()
    label = f"{function_dir.name}/package.toml: include {entry!r}"
    if not path.is_relative_to(root) or path == root:
        raise PackagingError(f"{label} is outside the repository")
    if not (path / "__init__.py").is_file():
        raise PackagingError(f"{label} is not a package directory (no __init__.py)")
    if path == function_dir or path.is_relative_to(function_dir) or function_dir.is_relative_to(path):
        raise PackagingError(f"{label} overlaps the function's own package")
    _dotted_package(path, root)
    return path


def main(argv: Optional[Sequence[str]] = None) -> int:
    """CLI: build one zip per function and print a JSON line for each; exit 2 on bad input."""
    parser = argparse.ArgumentParser(prog="python -m tools.package", description=__doc__.splitlines()[0])
    parser.add_argument("functions", nargs="+", help="function name under functions/, or a directory")
    parser.add_argument("--out", required=True, type=Path, help="output directory, e.g. build/dev/lambda/")
    parser.add_argument("--arch", default="x86_64", choices=sorted(("x86_64", "arm64")))
    parser.add_argument("--python-version", default="3.13")
    parser.add_argument("--cache-dir", type=Path, default=None, help=f"default {DEFAULT_CACHE}/")
    args = parser.parse_args(argv)
    target = Target(architecture=args.arch, python_version=args.python_version)
    for function in args.functions:
        try:
            built = build_function_zip(function, args.out, target=target, cache_dir=args.cache_dir)
        except (PackagingError, DependencyError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        print(json.dumps(built.as_json(function_directory(function).name), sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Import a packaged Lambda zip's handler the way Lambda does, in a clean Python 3.13 interpreter.

Lambda extracts the zip into ``/var/task`` and puts that directory on ``sys.path``; nothing from
the build machine is importable. ``run_handler_in_sandbox`` mirrors that: it extracts the zip into
an empty directory, starts the Lambda Python with ``-I -S`` (isolated: no ``PYTHON*`` variables, no
user or system ``site-packages``, no current directory on the path), with the extracted directory
as the only entry added to ``sys.path`` and an empty working directory, imports the handler module,
and optionally calls the handler with an event. Extracting matters: ``zipimport`` cannot load
compiled extension modules (``.so``) from inside a zip, and Lambda never imports from the zip file
itself. ``PYTHONPATH`` and ``LAMBDA_TASK_ROOT`` are set to the extracted directory as Lambda sets
them, but because ``-I`` ignores ``PYTHONPATH`` the bootstrap inserts that directory itself.

Everything the handler imports at load time must therefore be in the zip. The Lambda runtime also
provides boto3 and botocore; this sandbox does not, so a function either pins and packages them
(reproducible) or imports them lazily.

The interpreter is ``$LAMBDA_PYTHON``, else ``python3.13`` on ``PATH`` if it actually runs, else the
newest ``~/.pyenv/versions/3.13*/bin/python3.13``. Without one, ``lambda_python_or_skip`` skips the
test with the reason, or fails it when ``REQUIRE_LAMBDA_PYTHON=1`` (set in CI). Only zips built for
the host architecture can be imported.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Optional

import pytest

LAMBDA_PYTHON_VERSION = (3, 13)
_NO_EVENT = object()

_BOOTSTRAP = r"""
import importlib, json, sys, sysconfig
task, handler, event = sys.argv[1], sys.argv[2], sys.argv[3]
sys.path.insert(0, task)
module_name, function_name = handler.rsplit(".", 1)
function = getattr(importlib.import_module(module_name), function_name)
if not callable(function):
    raise TypeError(f"{handler} is not callable")
result = function(json.loads(event), None) if event else None
stdlib = {sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["platstdlib"]}
outside = sorted(
    f"{name}: {module.__file__}"
    for name, module in list(sys.modules.items())
    if getattr(module, "__file__", None)
    and not module.__file__.startswith(task + "/")
    and not any(module.__file__.startswith(path + "/") for path in stdlib)
)
report = {"python": list(sys.version_info[:3]), "sysPath": sys.path, "outside": outside,
          "modules": sorted(sys.modules)}
if event:
    report["result"] = result
print(json.dumps(report, default=str))
"""


def _runs_lambda_python(candidate: str) -> bool:
    try:
        result = subprocess.run(
            [candidate, "-I", "-c", "import sys; print(tuple(sys.version_info[:2]))"],
            capture_output=True, text=True, timeout=30,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0 and result.stdout.strip() == str(LAMBDA_PYTHON_VERSION)


def _version_key(path: Path) -> tuple[int, ...]:
    digits = path.parts[-3].split("-")[0].split(".")  # ~/.pyenv/versions/<version>/bin/python3.13
    return tuple(int(d) if d.isdigit() else -1 for d in digits)


@lru_cache(maxsize=None)
def find_lambda_python() -> tuple[Optional[str], str]:
    """``(path, how it was found)``, or ``(None, why none was found)``."""
    explicit = os.environ.get("LAMBDA_PYTHON")
    if explicit:
        if _runs_lambda_python(explicit):
            return explicit, "LAMBDA_PYTHON"
        return None, f"LAMBDA_PYTHON={explicit} does not run Python {'.'.join(map(str, LAMBDA_PYTHON_VERSION))}"
    on_path = shutil.which("python3.13")
    if on_path and _runs_lambda_python(on_path):
        return on_path, "python3.13 on PATH"
    for candidate in sorted(Path.home().glob(".pyenv/versions/3.13*/bin/python3.13"), key=_version_key, reverse=True):
        if _runs_lambda_python(str(candidate)):
            return str(candidate), "pyenv"
    return None, (
        "no Python 3.13 for the Lambda import check: set LAMBDA_PYTHON, put a working python3.13 on "
        "PATH, or install one under ~/.pyenv/versions/3.13*"
    )


def lambda_python_or_skip() -> str:
    """The Lambda Python, or skip the test (fail it when ``REQUIRE_LAMBDA_PYTHON=1``)."""
    path, reason = find_lambda_python()
    if path:
        return path
    if os.environ.get("REQUIRE_LAMBDA_PYTHON") == "1":
        pytest.fail(f"REQUIRE_LAMBDA_PYTHON=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def run_handler_in_sandbox(
    zip_path: Path,
    handler: str,
    workdir: Path,
    *,
    event: Any = _NO_EVENT,
    python: Optional[str] = None,
    environment: Optional[Mapping[str, str]] = None,
) -> dict[str, Any]:
    """Extract ``zip_path`` under ``workdir`` and import ``handler`` (``pkg.module.function``) there.

    ``environment`` adds the function's own variables (its Lambda ``environment``) to the few the
    sandbox sets.

    Returns ``{"python", "sysPath", "modules", "outside", "stdout"[, "result"]}``; ``outside`` lists modules
    loaded from anywhere but the extracted zip and the standard library (it should be empty),
    after the call when there is one, so lazy imports inside the handler count too.
    Raises ``AssertionError`` with the interpreter's stderr when the import or the call fails.
    """
    python = python or lambda_python_or_skip()
    task = workdir / "task"
    cwd = workdir / "cwd"
    for directory in (task, cwd):
        if directory.exists():
            shutil.rmtree(directory)
        directory.mkdir(parents=True)
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(task)
    env = {
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "HOME": str(cwd),
        "PYTHONPATH": str(task),
        "LAMBDA_TASK_ROOT": str(task),
    }
    env.update(environment or {})
    payload = "" if event is _NO_EVENT else json.dumps(event)
    result = subprocess.run(
        [python, "-I", "-S", "-c", _BOOTSTRAP, str(task), handler, payload],
        capture_output=True, text=True, cwd=cwd, env=env, timeout=120,
    )  # fmt: skip
    if result.returncode != 0:
        raise AssertionError(f"importing {handler} from {zip_path.name} failed:\n{result.stderr}")
    *logged, last = result.stdout.strip().splitlines()
    report = json.loads(last)
    report["stdout"] = logged  # what the handler printed (a JSON logger's lines), the report is last
    return report

"""The documented ``functions/<name>/`` layout, ``package.toml`` checks, and the zip writer itself."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from tests.lambda_sandbox import run_handler_in_sandbox
from tools.lambda_zip import write_deterministic_zip
from tools.package import PackagingError, build_function_zip, load_function


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture
def repo(tmp_path) -> Path:
    """A miniature repository: functions/hello using functions/shared and a top-level pure package."""
    root = tmp_path / "repo"
    _write(root / "functions/__init__.py", "")
    _write(root / "functions/shared/__init__.py", "")
    _write(root / "functions/shared/greeting.py", "def greet(name):\n    return f'hello {name}'\n")
    _write(root / "purelib/__init__.py", "SUFFIX = '!'\n")
    _write(root / "functions/hello/__init__.py", "")
    _write(
        root / "functions/hello/handler.py",
        "from functions.shared.greeting import greet\nfrom purelib import SUFFIX\n"
        "from . import helper\n\ndef handler(event, context):\n    return greet(event['name']) + SUFFIX + helper.MARK\n",
    )
    _write(root / "functions/hello/helper.py", "MARK = '?'\n")
    _write(root / "functions/hello/package.toml", 'include = ["functions/shared", "purelib"]\n')
    _write(root / "functions/hello/__pycache__/handler.cpython-311.pyc", "stale")
    _write(root / "functions/other/__init__.py", "")
    return root


def test_function_package_keeps_its_repository_path(repo, tmp_path):
    built = build_function_zip("hello", tmp_path / "out", root=repo, cache_dir=tmp_path / "cache")
    with zipfile.ZipFile(built.path) as archive:
        names = archive.namelist()
    assert names == [
        "functions/__init__.py",
        "functions/hello/__init__.py",
        "functions/hello/handler.py",
        "functions/hello/helper.py",
        "functions/shared/__init__.py",
        "functions/shared/greeting.py",
        "purelib/__init__.py",
    ]
    assert built.handler == "functions.hello.handler.handler"
    report = run_handler_in_sandbox(built.path, built.handler, tmp_path / "sandbox", event={"name": "team"})
    assert report["result"] == "hello team!?"
    assert report["outside"] == []


def test_file_times_and_modes_do_not_change_the_zip(repo, tmp_path):
    first = build_function_zip("hello", tmp_path / "a", root=repo, cache_dir=tmp_path / "cache")
    helper = repo / "functions/hello/helper.py"
    os.utime(helper, (1_900_000_000, 1_900_000_000))
    helper.chmod(0o700)
    second = build_function_zip("hello", tmp_path / "b", root=repo, cache_dir=tmp_path / "cache")
    assert first.sha256 == second.sha256
    helper.write_text("MARK = '?!'\n")
    third = build_function_zip("hello", tmp_path / "c", root=repo, cache_dir=tmp_path / "cache")
    assert third.sha256 != first.sha256


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ('include = ["functions/missing"]\n', "is not a package directory"),
        ('include = ["../outside"]\n', "is outside the repository"),
        ('include = ["functions/hello"]\n', "overlaps the function's own package"),
        ('include = ["functions"]\n', "overlaps the function's own package"),
        ('include = ["purelib", "purelib"]\n', "include lists a package twice"),
        ('include = "purelib"\n', "include must be a list"),
        ('vendor = ["purelib"]\n', "unknown key(s) vendor"),
        ('handler = "main.run"\n', "handler module functions/hello/main.py does not exist"),
        ('handler = "handler"\n', "handler must be '<module>.<function>'"),
        ("include = [\n", "package.toml"),
    ],
)
def test_bad_package_toml_is_refused_with_the_reason(repo, spec, message):
    (repo / "functions/hello/package.toml").write_text(spec)
    with pytest.raises(PackagingError) as error:
        load_function(repo / "functions/hello", repo)
    assert message in str(error.value)


def test_a_function_needs_its_handler_module(repo):
    with pytest.raises(PackagingError, match="handler module functions/other/handler.py does not exist"):
        load_function(repo / "functions/other", repo)


def test_a_function_directory_must_be_an_importable_path(repo, tmp_path):
    odd = repo / "functions/my-fn"
    _write(odd / "handler.py", "def handler(e, c):\n    return 1\n")
    with pytest.raises(PackagingError, match="must be a Python identifier"):
        load_function(odd, repo)
    with pytest.raises(PackagingError, match="inside the repository"):
        load_function(tmp_path, repo)


def test_zip_writer_ignores_mapping_order_and_source_metadata(tmp_path):
    a = _write(tmp_path / "a.txt", "A")
    b = _write(tmp_path / "b.txt", "B")
    write_deterministic_zip(tmp_path / "one.zip", {"x/a.txt": a, "b.txt": b})
    os.utime(a, (0, 0))
    write_deterministic_zip(tmp_path / "two.zip", {"b.txt": b, "x/a.txt": a})
    assert (tmp_path / "one.zip").read_bytes() == (tmp_path / "two.zip").read_bytes()
    with pytest.raises(ValueError, match="relative"):
        write_deterministic_zip(tmp_path / "bad.zip", {"../escape": a})

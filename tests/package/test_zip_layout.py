"""What goes into a function zip, and how each entry is written."""

from __future__ import annotations

import base64
import hashlib
import json
import zipfile

from tools import package
from tools.lambda_zip import FILE_MODE, FIXED_DATE_TIME

from .conftest import FIXTURE


def _infos(built):
    with zipfile.ZipFile(built.path) as archive:
        return archive.infolist()


def test_entries_are_sorted_with_fixed_time_and_mode(fixture_zip):
    infos = _infos(fixture_zip)
    names = [info.filename for info in infos]
    assert names == sorted(names) and len(names) == len(set(names))
    for info in infos:
        assert info.date_time == FIXED_DATE_TIME, info.filename
        assert info.external_attr >> 16 == FILE_MODE, info.filename
        assert info.create_system == 3 and info.compress_type == zipfile.ZIP_DEFLATED
        assert not info.is_dir()


def test_no_build_machine_artifacts(fixture_zip):
    names = [info.filename for info in _infos(fixture_zip)]
    assert not [n for n in names if n.startswith("bin/") or "__pycache__" in n or n.endswith((".pyc", ".pyo"))]
    with zipfile.ZipFile(fixture_zip.path) as archive:
        for record in (n for n in names if n.endswith(".dist-info/RECORD")):
            for line in archive.read(record).decode().splitlines():
                path = line.rsplit(",", 2)[0]
                assert not path.startswith("..") and path in names, (record, line)


def test_platform_wheels_and_first_party_code_are_included(fixture_zip):
    names = set(info.filename for info in _infos(fixture_zip))
    assert any(n.startswith("pydantic_core/_pydantic_core.cpython-313-x86_64-linux-gnu") for n in names)
    assert "jmespath/__init__.py" in names
    for first_party in ("gateway_config/__init__.py", "gateway_config/prices.py",
                        "gateway_config/prices/model_prices.json", "tests/__init__.py",
                        "tests/package_fixture/__init__.py", "tests/package_fixture/handler.py"):
        assert first_party in names
    assert "tests/package_fixture/requirements.txt" not in names
    assert "tests/package_fixture/package.toml" not in names
    assert not [n for n in names if n.startswith("tests/") and not n.startswith(("tests/__init__.py", "tests/package_fixture/"))]


def test_digests_describe_the_file(fixture_zip):
    digest = hashlib.sha256(fixture_zip.path.read_bytes()).digest()
    assert fixture_zip.sha256 == digest.hex()
    assert base64.b64decode(fixture_zip.sha256_base64) == digest
    assert fixture_zip.size == fixture_zip.path.stat().st_size
    assert fixture_zip.handler == "tests.package_fixture.handler.handler"
    assert fixture_zip.path.name == "package_fixture.zip"


def test_cli_prints_one_json_line_per_function(tmp_path, capsys, fixture_zip):
    assert package.main([str(FIXTURE.relative_to(package.ROOT)), "--out", str(tmp_path)]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["sha256"] == fixture_zip.sha256
    assert record["sha256Base64"] == fixture_zip.sha256_base64
    assert record["handler"] == fixture_zip.handler and record["name"] == "package_fixture"


def test_cli_reports_a_missing_function_in_one_line(tmp_path, capsys):
    assert package.main(["no_such_function", "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith("error: no_such_function: no such function directory")

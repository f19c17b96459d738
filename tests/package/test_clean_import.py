"""The packaged fixture imports and runs in a clean Python 3.13 with only the extracted zip on the path."""

from __future__ import annotations

from tests.lambda_sandbox import run_handler_in_sandbox


def test_handler_imports_and_runs_from_the_extracted_zip_only(fixture_zip, tmp_path):
    event = {"query": "teams[?tier=='gold'].name", "data": {"teams": [{"name": "a", "tier": "gold"}, {"name": "b"}]}}
    report = run_handler_in_sandbox(fixture_zip.path, fixture_zip.handler, tmp_path, event=event)
    assert report["python"][:2] == [3, 13]
    assert report["outside"] == []
    task = str(tmp_path / "task")
    assert report["sysPath"][0] == task
    assert not [p for p in report["sysPath"] if "site-packages" in p]
    result = report["result"]
    assert result["result"] == ["a"]
    assert result["pydantic"] == "2.14.4"
    assert result["coreExtension"].startswith(task + "/pydantic_core/")
    assert result["catalogProviders"] == ["anthropic", "aws.bedrock", "azure", "gcp.gemini", "openai"]


def test_import_only_without_an_event(fixture_zip, tmp_path):
    report = run_handler_in_sandbox(fixture_zip.path, fixture_zip.handler, tmp_path)
    assert "result" not in report
    assert "tests.package_fixture.handler" in report["modules"]

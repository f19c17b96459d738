"""The vendored upstream data: provenance true to the files, in step with the pinned images, and
refreshable from an upstream checkout by the tool the bump workflow runs."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pytest

import reference
from components.settings import AGENTGATEWAY_VERSION, COLLECTOR_VERSION
from tools.refresh_reference import main as refresh_main, refresh_agentgateway

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "reference"


def git_blob(data: bytes) -> str:
    """The id git gives a file's content (``git hash-object``)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@pytest.mark.parametrize("folder", [reference.AGENTGATEWAY, reference.ADOT])
def test_provenance_names_every_file_and_its_upstream(folder):
    prov = reference.provenance(folder)
    assert prov["repository"].startswith("https://github.com/")
    assert len(prov["commit"]) == 40 and prov["license"] == "Apache-2.0"
    shipped = {p.name for p in (REFERENCE / folder).iterdir()} - {"provenance.json", "README.md"}
    assert shipped == set(prov["files"])


def test_agentgateway_files_are_the_upstream_blobs():
    for name, entry in reference.provenance(reference.AGENTGATEWAY)["files"].items():
        assert git_blob((REFERENCE / "agentgateway" / name).read_bytes()) == entry["gitBlob"], name
    assert "Apache License" in (REFERENCE / "agentgateway" / "LICENSE").read_text()


def test_vendored_versions_follow_the_pinned_images():
    assert reference.provenance(reference.AGENTGATEWAY)["version"] == AGENTGATEWAY_VERSION
    assert reference.provenance(reference.ADOT)["version"] == COLLECTOR_VERSION
    assert COLLECTOR_VERSION in reference.adot_components()["image"]


def test_loaders_return_the_schemas():
    assert reference.agentgateway_config_schema()["title"] == "LocalConfig"
    assert "llm" in json.dumps(reference.agentgateway_cel_schema())
    assert "awsemf" in reference.adot_components()["exporters"]


def test_nothing_reads_data_from_beside_the_checkout():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    needles = ("../shared", "AI_GATEWAY_SHARED_DIR", "REFERENCE_DATA_REPOSITORY")
    offenders = [
        path for path in tracked
        if path != "tests/test_reference.py" and (ROOT / path).is_file()
        and any(n in (ROOT / path).read_text(errors="ignore") for n in needles)
    ]
    assert offenders == []


# --- refresh from an upstream checkout ---------------------------------------------------------------


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=cwd, check=True,
                   capture_output=True)


@pytest.fixture()
def upstream(tmp_path: Path) -> Path:
    """A tiny stand-in for an agentgateway checkout at tag v9.9.9."""
    repo = tmp_path / "agw"
    (repo / "schema").mkdir(parents=True)
    (repo / "schema" / "config.json").write_text('{"title": "LocalConfig"}\n')
    (repo / "schema" / "cel.json").write_text('{"title": "ExecutorSerde"}\n')
    (repo / "LICENSE").write_text("Apache License\n")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "release")
    _git(repo, "tag", "v9.9.9")
    return repo


def test_refresh_copies_the_files_and_records_their_blobs(upstream, tmp_path):
    out = tmp_path / "reference"
    prov = refresh_agentgateway(upstream, reference_dir=out)
    assert prov["version"] == "v9.9.9"
    written = json.loads((out / "agentgateway" / "provenance.json").read_text())
    assert written == prov
    for name, entry in written["files"].items():
        assert git_blob((out / "agentgateway" / name).read_bytes()) == entry["gitBlob"]
    assert (out / "agentgateway" / "config-schema.json").read_text() == '{"title": "LocalConfig"}\n'


def test_refresh_refuses_a_checkout_that_is_not_at_a_release_tag(upstream, tmp_path, capsys):
    (upstream / "LICENSE").write_text("changed\n")
    _git(upstream, "commit", "-qam", "after the tag")
    assert refresh_main(["agentgateway", str(upstream)]) == 2
    assert capsys.readouterr().err.startswith("error: git describe")
    with pytest.raises(Exception, match="not at v9.9.9"):
        refresh_agentgateway(upstream, reference_dir=tmp_path / "r", tag="v9.9.9")

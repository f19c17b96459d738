"""bin/mirror-images' decisions, against a fake runner (no AWS, no docker, no network): skip a tag
already there, copy by digest and verify, refuse a digest that differs, usage errors exit 2."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
from pathlib import Path
from typing import Optional, Sequence

import pytest

from tools import mirror_images
from tools.mirror_images import CommandFailed, main, repository_of

ROOT = Path(__file__).resolve().parent.parent
SOURCE = "public.ecr.aws/aws-appconfig/aws-appconfig-agent:2.0.13147"
TAG = "aws-appconfig-agent-2.0.13147"
REPO = "ai-gateway-dev-images"
URI = f"123456789012.dkr.ecr.eu-west-1.amazonaws.com/{REPO}"
UPSTREAM = "sha256:" + "1" * 64
OTHER = "sha256:" + "2" * 64
"""Made-up digests: the fake registry below serves them."""


class FakeCloud:
    """Answers the commands mirror-images runs, like ECR and a registry would, and records them."""

    def __init__(self, held: Optional[dict[str, str]] = None, upstream: str = UPSTREAM,
                 stores: Optional[str] = None, repository_exists: bool = True):
        self.held = dict(held or {})
        self.upstream = upstream
        self.stores = stores  # what ECR ends up holding after a copy (default: what was copied)
        self.repository_exists = repository_exists
        self.calls: list[list[str]] = []
        self.inputs: list[Optional[str]] = []

    def __call__(self, argv: Sequence[str], input: Optional[str] = None) -> str:
        argv = list(argv)
        assert all(isinstance(a, str) for a in argv)
        self.calls.append(argv)
        self.inputs.append(input)
        if argv[:3] == ["aws", "ecr", "describe-repositories"]:
            assert argv[argv.index("--region") + 1] == "eu-west-1"
            if not self.repository_exists:
                raise CommandFailed(argv, "An error occurred (RepositoryNotFoundException) when calling ...")
            return json.dumps({"repositories": [{"repositoryName": REPO, "repositoryUri": URI}]})
        if argv[:3] == ["aws", "ecr", "describe-images"]:
            tag = argv[argv.index("--image-ids") + 1].removeprefix("imageTag=")
            if tag not in self.held:
                raise CommandFailed(argv, "An error occurred (ImageNotFoundException) when calling the DescribeImages"
                                          " operation: The image with imageId {imageTag:'x'} does not exist")
            return json.dumps({"imageDetails": [{"imageDigest": self.held[tag], "imageTags": [tag]}]})
        if argv[:3] == ["aws", "ecr", "get-login-password"]:
            return "not-a-real-password\n"
        if argv[:2] == ["docker", "login"]:
            return "Login Succeeded\n"
        if argv[:4] == ["docker", "buildx", "imagetools", "inspect"]:
            assert argv[5:] == ["--format", "{{json .Manifest}}"]
            return json.dumps({"mediaType": "application/vnd.oci.image.index.v1+json", "digest": self.upstream,
                               "size": 1609})
        if argv[:4] == ["docker", "buildx", "imagetools", "create"]:
            destination, source = argv[argv.index("--tag") + 1], argv[-1]
            tag = destination.rsplit(":", 1)[1]
            self.held[tag] = self.stores or source.rsplit("@", 1)[1]
            return ""
        raise AssertionError(f"unexpected command {argv}")

    def ran(self, *prefix: str) -> list[list[str]]:
        return [c for c in self.calls if c[:len(prefix)] == list(prefix)]


def _synth_json(build: Path, images: list[dict], stack: str = "dev") -> Path:
    (build / stack).mkdir(parents=True)
    (build / stack / "synth.json").write_text(json.dumps({
        "stack": stack, "mirror": {"repository": REPO, "region": "eu-west-1", "targets": [], "images": images}}))
    return build


def _main(args: list[str], cloud: FakeCloud) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args, runner=cloud)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def build(tmp_path: Path) -> Path:
    return _synth_json(tmp_path / "build", [{"source": SOURCE, "tag": TAG}])


def test_a_tag_already_there_is_skipped_and_nothing_is_pushed(build):
    cloud = FakeCloud(held={TAG: OTHER})
    code, out, err = _main(["--stack", "dev", "--build", str(build)], cloud)
    assert (code, err) == (0, "")
    assert out == f"{TAG}: already in {URI} as {OTHER} (tags there are immutable): skipped\n"
    assert not cloud.ran("docker") and not cloud.ran("aws", "ecr", "get-login-password")


def test_a_missing_tag_is_copied_by_digest_and_read_back(build):
    cloud = FakeCloud()
    code, out, err = _main(["--stack", "dev", "--build", str(build)], cloud)
    assert (code, err) == (0, "")
    assert out == f"{TAG}: copied {SOURCE} ({UPSTREAM}) to {URI}:{TAG}\n"
    [create] = cloud.ran("docker", "buildx", "imagetools", "create")
    assert create == ["docker", "buildx", "imagetools", "create", "--tag", f"{URI}:{TAG}",
                      f"public.ecr.aws/aws-appconfig/aws-appconfig-agent@{UPSTREAM}"]
    # Logged in to the repository's registry before the copy, the password only on stdin.
    [login] = cloud.ran("docker", "login")
    assert login == ["docker", "login", "--username", "AWS", "--password-stdin", URI.split("/")[0]]
    assert cloud.inputs[cloud.calls.index(login)] == "not-a-real-password"
    assert not any("not-a-real-password" in a for c in cloud.calls for a in c)
    order = [c[:4] for c in cloud.calls]
    assert order.index(["docker", "login", "--username", "AWS"]) < order.index(["docker", "buildx", "imagetools", "create"])
    # Checked before (absent) and after (the copied digest).
    assert len(cloud.ran("aws", "ecr", "describe-images")) == 2


def test_a_copy_ecr_stores_under_another_digest_fails(build):
    cloud = FakeCloud(stores=OTHER)
    code, out, err = _main(["--stack", "dev", "--build", str(build)], cloud)
    assert code == 1 and out == ""
    assert err == f"error: {URI}:{TAG} holds {OTHER}, but {SOURCE} is {UPSTREAM}: the copy is not the upstream image\n"


def test_an_expected_digest_that_upstream_does_not_have_refuses_before_copying(build):
    cloud = FakeCloud(upstream=OTHER)
    code, _, err = _main(["--stack", "dev", "--build", str(build), "--expect-digest", f"{TAG}={UPSTREAM}"], cloud)
    assert code == 1
    assert err == f"error: {SOURCE} is {OTHER} upstream, not the expected {UPSTREAM}: refusing to copy it\n"
    assert not cloud.ran("docker", "buildx", "imagetools", "create") and not cloud.ran("docker", "login")


def test_an_expected_digest_is_also_held_against_a_tag_already_there(build):
    code, _, err = _main(["--stack", "dev", "--build", str(build), "--expect-digest", f"{TAG}={UPSTREAM}"],
                         FakeCloud(held={TAG: OTHER}))
    assert code == 1 and err.startswith(f"error: {URI}:{TAG} already holds {OTHER}, not the expected {UPSTREAM}")
    assert err.count("\n") == 1


def test_the_expected_digest_lets_the_copy_through(build):
    cloud = FakeCloud()
    code, _, err = _main(["--stack", "dev", "--build", str(build), "--expect-digest", f"{TAG}={UPSTREAM}"], cloud)
    assert (code, err) == (0, "")
    assert cloud.held == {TAG: UPSTREAM}


def test_a_missing_repository_says_what_creates_it(build):
    code, _, err = _main(["--stack", "dev", "--build", str(build)], FakeCloud(repository_exists=False))
    assert code == 1
    assert err.startswith(f"error: repository {REPO} does not exist in eu-west-1: create it first")
    assert err.count("\n") == 1


def test_a_failing_command_is_one_line_and_exit_1(build):
    def broken(argv, input=None):
        raise CommandFailed(argv, "Unable to locate credentials. You can configure credentials by running \"aws login\".")

    code, _, err = _main(["--stack", "dev", "--build", str(build)], broken)
    assert code == 1 and err.count("\n") == 1 and "Unable to locate credentials" in err


def test_a_tag_without_upstream_must_already_be_there(tmp_path):
    build = _synth_json(tmp_path / "b", [{"source": None, "tag": "reviewed-agent-7"}])
    assert _main(["--stack", "dev", "--build", str(build)], FakeCloud(held={"reviewed-agent-7": OTHER}))[0] == 0
    code, _, err = _main(["--stack", "dev", "--build", str(build)], FakeCloud())
    assert code == 1 and "push it there yourself" in err


def test_a_digest_pinned_agent_needs_no_aws_at_all(tmp_path):
    cloud = FakeCloud()
    code, out, _ = _main(["--stack", "dev", "--build", str(_synth_json(tmp_path / "b", []))], cloud)
    assert code == 0 and out == f"nothing to mirror into {REPO}: liveConfig.agentImage is pinned by digest\n"
    assert cloud.calls == []


def test_missing_synth_json_says_run_bin_synth_first(tmp_path):
    code, _, err = _main(["--stack", "dev", "--build", str(tmp_path)], FakeCloud())
    assert code == 2 and err == f"error: {tmp_path}/dev/synth.json not found: run bin/synth --stack dev first\n"
    (tmp_path / "dev").mkdir()
    (tmp_path / "dev" / "synth.json").write_text(json.dumps({"stack": "dev"}))
    code, _, err = _main(["--stack", "dev", "--build", str(tmp_path)], FakeCloud())
    assert code == 2 and "has no mirror entry" in err and "run bin/synth --stack dev first" in err


@pytest.mark.parametrize("args", [
    [], ["--stack"], ["--stack", "dev;echo INJECTED"], ["--stack", "dev", "--expect-digest", "nodigest"],
    ["--stack", "dev", "--expect-digest", f"{TAG}=sha256:abc"], ["--stack", "dev", "--expect-digest", f"other={UPSTREAM}"],
    ["--stack", "dev", "--bogus"],
])
def test_bad_usage_exits_2_and_runs_nothing(build, args):
    cloud = FakeCloud()
    with contextlib.redirect_stderr(io.StringIO()) as err:
        code = main([*args, "--build", str(build)] if args[:1] == ["--stack"] and len(args) > 1 else args, runner=cloud)
    assert code == 2 and cloud.calls == [], err.getvalue()


def test_source_repositories_keep_ports_and_paths():
    assert repository_of(SOURCE) == "public.ecr.aws/aws-appconfig/aws-appconfig-agent"
    assert repository_of("registry.example:5000/team/agent:1.2") == "registry.example:5000/team/agent"
    assert repository_of("registry.example:5000/team/agent") == "registry.example:5000/team/agent"


def test_the_real_runner_never_uses_a_shell(monkeypatch):
    seen = {}

    def fake_run(argv, **kwargs):
        seen.update(argv=argv, **kwargs)
        return subprocess.CompletedProcess(argv, 1, "", "first\nAn error occurred (ImageNotFoundException)\n")

    monkeypatch.setattr(mirror_images.subprocess, "run", fake_run)
    with pytest.raises(CommandFailed, match=r"ImageNotFoundException"):
        mirror_images.run(["aws", "ecr", "describe-images", "--repository-name", "a b; rm -rf /"])
    assert isinstance(seen["argv"], list) and not seen.get("shell")
    monkeypatch.undo()
    with pytest.raises(CommandFailed, match="no-such-tool-for-mirror not found"):
        mirror_images.run(["no-such-tool-for-mirror"])


def test_bin_mirror_images_exits_2_without_synth_json(tmp_path):
    result = subprocess.run([str(ROOT / "bin" / "mirror-images"), "--stack", "dev", "--build", str(tmp_path)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 2, result.stderr
    assert result.stderr.endswith(f"error: {tmp_path}/dev/synth.json not found: run bin/synth --stack dev first\n")

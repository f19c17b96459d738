"""Copy the images a stack expects into its own ECR repository, by digest, and prove the copy.

``bin/mirror-images --stack dev [--expect-digest TAG=sha256:<64 hex>]...`` reads the ``mirror``
entry of ``build/<stack>/synth.json`` (``bin/synth`` writes it, see ``tools/mirror_plan.py``) and,
for each image:

1. if the tag is already in the repository, prints the digest ECR holds and skips it: tags there
   are immutable, so what a tag names never changes once pushed;
2. otherwise resolves the upstream manifest digest (``docker buildx imagetools inspect``), copies
   that digest registry to registry with every platform of its index (``docker buildx imagetools
   create``), and reads back the digest ECR stores for the tag: anything but the upstream digest
   fails the run.

``--expect-digest TAG=sha256:...`` (repeatable) pins a digest someone reviewed: the run refuses
when upstream, or the tag already in the repository, is another digest.

Needs AWS credentials (the repository's account; its region is the stack's ``aws:region``) and
docker with buildx. Every external command goes through one runner, never a shell.

Exit status: 0 done (or nothing to mirror), 1 a command or a check failed, 2 bad usage or no
``synth.json`` (one line on stderr).
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping, Optional, Sequence

from .stack_names import StackNameError, parse_stack_name

ROOT = Path(__file__).resolve().parent.parent
DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
MANIFEST_FORMAT = "{{json .Manifest}}"
"""imagetools' template for the top-level descriptor: JSON with the digest of what the tag names."""


class CommandFailed(Exception):
    """An external command exited non-zero (or could not start)."""

    def __init__(self, argv: Sequence[str], detail: str):
        super().__init__(f"{shlex.join(argv[:4])} ... failed: {detail}")
        self.argv = list(argv)
        self.detail = detail


class MirrorError(Exception):
    """A check failed: the run stops with this one-line message."""


class UsageError(Exception):
    """Bad arguments or missing input: exit status 2."""


Runner = Callable[..., str]
"""``runner(argv, input=None) -> stdout``; raises :class:`CommandFailed`."""


def run(argv: Sequence[str], input: Optional[str] = None) -> str:
    """Run one command without a shell; its stdout, or :class:`CommandFailed` with stderr's last line."""
    try:
        done = subprocess.run(list(argv), input=input, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise CommandFailed(argv, f"{argv[0]} not found") from None
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        raise CommandFailed(argv, lines[-1] if lines else f"exit status {done.returncode}")
    return done.stdout


@dataclass(frozen=True)
class Image:
    """One image of the plan: copy ``source`` (None: must already be there) to ``tag``."""

    source: Optional[str]
    tag: str


def load_plan(build: Path, stack: str) -> dict[str, Any]:
    """The ``mirror`` entry of the stack's ``synth.json``."""
    path = build / stack / "synth.json"
    if not path.is_file():
        raise UsageError(f"{path} not found: run bin/synth --stack {stack} first")
    plan = json.loads(path.read_text()).get("mirror")
    if not isinstance(plan, dict):
        raise UsageError(f"{path} has no mirror entry (written by an older bin/synth): run bin/synth --stack {stack} first")
    return plan


def parse_expected(values: Sequence[str], tags: Sequence[str]) -> dict[str, str]:
    """``--expect-digest TAG=sha256:...`` values, each for a tag the plan mirrors."""
    expected: dict[str, str] = {}
    for value in values:
        tag, sep, digest = value.partition("=")
        if not sep or not DIGEST.match(digest):
            raise UsageError(f"--expect-digest {value!r}: expected TAG=sha256:<64 lowercase hex>")
        if tag not in tags:
            raise UsageError(f"--expect-digest {value!r}: the stack mirrors no tag {tag!r} (it mirrors {', '.join(tags) or 'nothing'})")
        expected[tag] = digest
    return expected


def repository_of(reference: str) -> str:
    """``registry/path:tag`` -> ``registry/path`` (a ``:`` before the last ``/`` is a port)."""
    name, sep, tag = reference.rpartition(":")
    return name if sep and "/" not in tag else reference


class Mirror:
    """The steps against one repository, each external call through ``runner``."""

    def __init__(self, runner: Runner, repository: str, region: str, out: Callable[[str], None] = print):
        self.runner, self.repository, self.region, self.out = runner, repository, region, out
        self.uri: Optional[str] = None
        self.logged_in = False

    def _aws(self, *args: str) -> str:
        return self.runner(["aws", *args, "--region", self.region, "--output", "json"])

    def repository_uri(self) -> str:
        """The repository's URI (registry host and name); it must exist."""
        if self.uri is None:
            try:
                found = json.loads(self._aws("ecr", "describe-repositories", "--repository-names", self.repository))
            except CommandFailed as err:
                if "RepositoryNotFoundException" in err.detail:
                    raise MirrorError(f"repository {self.repository} does not exist in {self.region}: create it"
                                      " first (the deploy's targeted pulumi up of synth.json's mirror.targets)") from None
                raise
            self.uri = str(found["repositories"][0]["repositoryUri"])
        return self.uri

    def stored_digest(self, tag: str) -> Optional[str]:
        """The digest ECR holds for the tag, None when the tag is not there."""
        try:
            found = json.loads(self._aws("ecr", "describe-images", "--repository-name", self.repository,
                                         "--image-ids", f"imageTag={tag}"))
        except CommandFailed as err:
            if "ImageNotFoundException" in err.detail:
                return None
            raise
        return str(found["imageDetails"][0]["imageDigest"])

    def login(self) -> None:
        """docker login to the repository's registry; the password goes through stdin only."""
        if self.logged_in:
            return
        registry = self.repository_uri().split("/", 1)[0]
        password = self.runner(["aws", "ecr", "get-login-password", "--region", self.region]).strip()
        self.runner(["docker", "login", "--username", "AWS", "--password-stdin", registry], input=password)
        self.logged_in = True

    def upstream_digest(self, source: str) -> str:
        """The digest ``source`` names now (its index, for a multi-platform image)."""
        raw = self.runner(["docker", "buildx", "imagetools", "inspect", source, "--format", MANIFEST_FORMAT])
        try:
            digest = json.loads(raw).get("digest")
        except (json.JSONDecodeError, AttributeError):
            digest = None
        if not isinstance(digest, str) or not DIGEST.match(digest):
            raise MirrorError(f"{source} resolved to {str(digest or raw.strip()[:80])!r}, not a sha256 digest")
        return digest

    def mirror(self, image: Image, expected: Optional[str]) -> str:
        """Make the tag hold the upstream image (or check it already does); returns its digest."""
        uri = self.repository_uri()
        held = self.stored_digest(image.tag)
        if held is not None:
            if expected and held != expected:
                raise MirrorError(f"{uri}:{image.tag} already holds {held}, not the expected {expected}"
                                  " (tags there are immutable: choose another tag)")
            self.out(f"{image.tag}: already in {uri} as {held} (tags there are immutable): skipped")
            return held
        if image.source is None:
            raise MirrorError(f"{uri}:{image.tag} does not exist and the stack names no upstream for it:"
                              " push it there yourself, or pin liveConfig.agentImage by digest")
        digest = self.upstream_digest(image.source)
        if expected and digest != expected:
            raise MirrorError(f"{image.source} is {digest} upstream, not the expected {expected}: refusing to copy it")
        self.login()
        self.runner(["docker", "buildx", "imagetools", "create", "--tag", f"{uri}:{image.tag}",
                     f"{repository_of(image.source)}@{digest}"])
        stored = self.stored_digest(image.tag)
        if stored != digest:
            raise MirrorError(f"{uri}:{image.tag} holds {stored}, but {image.source} is {digest}:"
                              " the copy is not the upstream image")
        self.out(f"{image.tag}: copied {image.source} ({digest}) to {uri}:{image.tag}")
        return digest


def mirror_all(plan: Mapping[str, Any], expected: Mapping[str, str], runner: Runner,
               out: Callable[[str], None] = print) -> dict[str, str]:
    """Mirror every image of the plan; tag -> digest."""
    images = [Image(i.get("source"), i["tag"]) for i in plan["images"]]
    if not images:
        out(f"nothing to mirror into {plan['repository']}: liveConfig.agentImage is pinned by digest")
        return {}
    mirror = Mirror(runner, plan["repository"], plan["region"], out)
    return {image.tag: mirror.mirror(image, expected.get(image.tag)) for image in images}


def main(argv: Optional[list[str]] = None, runner: Runner = run) -> int:
    """CLI entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog="bin/mirror-images", description=__doc__.splitlines()[0])
    parser.add_argument("--stack", required=True, help="stack name: stack, org/stack or org/project/stack")
    parser.add_argument("--build", default=str(ROOT / "build"), help="where bin/synth wrote build/<stack>/")
    parser.add_argument("--expect-digest", action="append", default=[], metavar="TAG=sha256:...",
                        help="refuse unless the tag's upstream (or stored) digest is this one; repeatable")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return 0 if exit_.code == 0 else 2
    try:
        stack = parse_stack_name(args.stack).stack
        plan = load_plan(Path(args.build), stack)
        expected = parse_expected(args.expect_digest, [i["tag"] for i in plan["images"]])
    except (StackNameError, UsageError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    try:
        mirror_all(plan, expected, runner)
    except (MirrorError, CommandFailed) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

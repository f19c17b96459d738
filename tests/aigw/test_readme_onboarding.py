"""The README's "Onboarding a team" walk-through, run command by command: the CLI against the handler over moto."""

from __future__ import annotations

import io
import json
import re
import shlex
from pathlib import Path

import pytest
from moto import mock_aws

from aigw.cli import main
from tests.functions.admin_api.world import World

README = Path(__file__).resolve().parents[2] / "README.md"
BLOCK = re.compile(r"<!-- onboarding-walkthrough:start -->\n```bash\n(.*?)```\n<!-- onboarding-walkthrough:end -->", re.S)


def walkthrough() -> list[list[str]]:
    """The commands of the README's walk-through, as argv lists (without ``bin/aigw``)."""
    match = BLOCK.search(README.read_text())
    assert match, "README.md lost its onboarding walk-through markers"
    commands = [shlex.split(line) for line in match.group(1).splitlines() if line.strip()]
    assert commands and all(c[0] == "bin/aigw" for c in commands), "every line of the block is an aigw command"
    return [c[1:] for c in commands]


@pytest.fixture
def world(aws_credentials):  # noqa: F811
    with mock_aws():
        yield World()


def test_every_command_of_the_walk_through_succeeds_and_leaves_the_described_state(world):
    commands = walkthrough()
    for _ in range(sum(1 for c in commands if c[:2] == ["config", "status"])):
        world.stub_config_status()
    outputs = []
    for argv in commands:
        out, err = io.StringIO(), io.StringIO()
        code = main(argv, transport=world.transport(), out=out, err=err)
        assert code == 0, f"aigw {' '.join(argv)}: {err.getvalue()}"
        outputs.append(out.getvalue())
    assert "client secret" in outputs[0]
    team = world.call("GET", "/teams/payments").body
    assert team["status"] == "active" and len(team["clientIds"]) == 2
    assert team["models"] == ["claude-3-5-haiku-20241022", "claude-sonnet-4-5"]
    assert team["limits"] == {"requestsPerMinute": 120, "tokensPerMinute": 200000}
    assert world.call("GET", "/teams/payments/budget").body["action"] == "block"
    assert world.call("GET", "/routing").body["fallbackGroups"] == [["anthropic"], ["bedrock"]]
    assert all(p["source"] == "store" for p in world.publishes()) and world.publishes()
    assert {a["action"] for a in world.audits()} >= {"team.create", "budget.put", "price.put", "routing.put",
                                                       "team.secret.rotate", "team.suspend", "team.resume"}
    world.appconfig_stub.assert_no_pending_responses()


def test_every_command_has_a_json_form_for_scripts(world):
    commands = walkthrough()
    for _ in range(sum(1 for c in commands if c[:2] == ["config", "status"])):
        world.stub_config_status()
    for argv in commands:
        out = io.StringIO()
        assert main(["--json", *argv], transport=world.transport(), out=out, err=io.StringIO()) == 0
        json.loads(out.getvalue())

"""The publisher's pure decisions and its deadline."""

from __future__ import annotations

import itertools

import pytest

from functions.publisher.deadline import Deadline, PublishTimeout
from functions.publisher.decisions import (
    backoff,
    environment_busy,
    failed,
    finished,
    needs_deployment,
    reusable_version,
)
from functions.shared.appconfig import Deployment, HostedVersion

STATES = ("VALIDATING", "DEPLOYING", "BAKING", "COMPLETE", "ROLLING_BACK", "ROLLED_BACK", "REVERTED")


def _deployment(state: str, version: str = "3") -> Deployment:
    return Deployment(number=9, state=state, version=version, profile_id="prof001")


def test_a_version_is_reused_only_when_the_latest_carries_the_same_hash():
    assert reusable_version(HostedVersion(4, "sha256:aa"), "sha256:aa") == 4
    assert reusable_version(HostedVersion(4, "sha256:aa"), "sha256:bb") is None
    assert reusable_version(HostedVersion(4, ""), "sha256:aa") is None
    assert reusable_version(None, "sha256:aa") is None


@pytest.mark.parametrize("state", STATES)
def test_needs_deployment_unless_the_version_is_live_or_on_its_way(state):
    live = state in ("VALIDATING", "DEPLOYING", "BAKING", "COMPLETE")
    assert needs_deployment(_deployment(state, "3"), 3) is not live
    assert needs_deployment(_deployment(state, "2"), 3) is True, "another version: always deploy"
    assert needs_deployment(None, 3) is True, "never deployed"


@pytest.mark.parametrize("state", STATES)
def test_the_environment_is_busy_until_a_deployment_completes_or_is_rolled_back(state):
    assert environment_busy(_deployment(state)) is (state in ("VALIDATING", "DEPLOYING", "BAKING", "ROLLING_BACK"))
    assert environment_busy(None) is False


@pytest.mark.parametrize("state", STATES)
def test_our_deployment_is_done_once_it_leaves_deploying(state):
    assert finished(_deployment(state)) is (state not in ("VALIDATING", "DEPLOYING"))
    assert failed(_deployment(state)) is (state in ("ROLLING_BACK", "ROLLED_BACK", "REVERTED"))


def test_backoff_doubles_up_to_its_cap():
    assert list(itertools.islice(backoff(), 7)) == [1.0, 2.0, 4.0, 8.0, 10.0, 10.0, 10.0]
    assert list(itertools.islice(backoff(0.5, 3.0, 5.0), 4)) == [0.5, 1.5, 4.5, 5.0]


def test_the_deadline_sleeps_only_while_the_margin_holds():
    slept = []
    remaining = [12_000.0]

    def sleep(seconds):
        slept.append(seconds)
        remaining[0] -= seconds * 1000

    deadline = Deadline(lambda: remaining[0], sleep, margin_seconds=5)
    deadline.sleep(4, "x")
    deadline.sleep(3, "x")  # 8 s left, 3 s sleep: exactly the margin remains
    with pytest.raises(PublishTimeout, match=r"gave up waiting for deployment 7 with 5.0 s of the Lambda's time left"):
        deadline.sleep(1, "deployment 7")
    assert slept == [4, 3]


def test_without_a_context_the_deadline_is_a_local_budget():
    now = [100.0]
    deadline = Deadline.for_context(None, sleep=lambda s: None, monotonic=lambda: now[0])
    assert deadline.remaining() == pytest.approx(900.0)
    now[0] += 60
    assert deadline.remaining() == pytest.approx(840.0)

    class Context:
        def get_remaining_time_in_millis(self):
            return 42_000

    assert Deadline.for_context(Context()).remaining() == 42.0

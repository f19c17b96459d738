"""The publisher against AppConfig (moto for hosted versions, Stubber for the rest), with a fake clock."""

from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws

from functions.publisher import handler as handler_module
from functions.publisher.deadline import PublishTimeout
from functions.publisher.publish import DEPLOYMENT_SCAN_LIMIT, DeploymentFailed, Publisher
from functions.publisher.request import InvalidPublish, render_for_publish
from functions.shared.appconfig import AppConfig

from .appconfig_world import World
from .conftest import (
    BASE,
    ENVIRONMENT_ID,
    GUARDED_ID,
    IMMEDIATE_ID,
    OVERLAY,
    REGION,
    FakeClock,
    event,
    publisher_environ,
    settings_for,
)


@pytest.fixture
def world(aws_credentials):
    with mock_aws():
        world = World(REGION, ENVIRONMENT_ID)
        with world.stubber:
            yield world
        world.stubber.assert_no_pending_responses()


def _publisher(world: World, clock: FakeClock, logs, **env: str) -> Publisher:
    settings = settings_for(world.application_id, world.profile_ids["gateway"], world.profile_ids["catalog"], **env)
    return Publisher(AppConfig(world.client, world.application_id), settings, clock.deadline(), logs.logger)


def _digests(publish_event: dict) -> dict[str, str]:
    return render_for_publish(publish_event).sha256()


def _queue_first_publish(world: World, digests: dict[str, str], gateway_strategy: str = IMMEDIATE_ID,
                         gateway_state: str = "COMPLETE") -> None:
    """An empty environment: both profiles get version 1 and a deployment, catalog first (always
    with the immediate strategy), the gateway config with ``gateway_strategy``."""
    world.expect_latest_version("catalog")
    world.expect_deployments()
    world.expect_start("catalog", 1, IMMEDIATE_ID, digests["catalog"], None, number=1)
    world.expect_get(1, "catalog", 1, "COMPLETE")
    world.expect_latest_version("gateway")
    world.expect_deployments(world.summary(1, "catalog", 1, "COMPLETE"))
    world.expect_start("gateway", 1, gateway_strategy, digests["gateway"], 1, number=2)
    world.expect_get(2, "gateway", 1, gateway_state)


def _both_live(world: World, digests: dict[str, str]) -> None:
    """State after a first publish: version 1 of each profile stored (moto) and deployed."""
    rendered = render_for_publish(event())
    for kind, content in (("catalog", rendered.catalog_json), ("gateway", rendered.config_json)):
        assert world.store(kind, content, digests[kind]) == 1


def test_first_publish_creates_and_deploys_both_profiles_catalog_first(world, clock, logs):
    publish_event = event()
    rendered = render_for_publish(publish_event)
    digests = rendered.sha256()
    _queue_first_publish(world, digests)

    result = _publisher(world, clock, logs).publish(publish_event)

    assert result == {
        "gateway": {"version": 1, "sha256": digests["gateway"], "deployment": 2, "changed": True},
        "catalog": {"version": 1, "sha256": digests["catalog"], "deployment": 1, "changed": True},
    }
    assert world.hosted("catalog", 1) == (rendered.catalog_json, digests["catalog"])
    assert world.hosted("gateway", 1) == (rendered.config_json, digests["gateway"])
    assert [c["ConfigurationProfileId"] for c in world.created] == [world.profile_ids["catalog"], world.profile_ids["gateway"]]
    assert all(c["ContentType"] == "application/json" and "LatestVersionNumber" not in c for c in world.created)
    assert clock.sleeps == [1.0, 1.0], "one poll per deployment until it left DEPLOYING"


def test_a_guarded_publish_guards_the_gateway_config_and_sends_the_catalog_at_once(world, clock, logs):
    publish_event = event(strategy="guarded")
    digests = _digests(publish_event)
    # The catalog's bake would block the gateway config's deployment in the same environment.
    _queue_first_publish(world, digests, gateway_strategy=GUARDED_ID, gateway_state="BAKING")

    result = _publisher(world, clock, logs).publish(publish_event)

    assert result["catalog"]["deployment"] == 1 and result["gateway"]["deployment"] == 2


def test_a_second_publish_of_the_same_inputs_creates_and_starts_nothing(world, clock, logs):
    publish_event = event()
    digests = _digests(publish_event)
    _queue_first_publish(world, digests)
    _publisher(world, clock, logs).publish(publish_event)

    live = (world.summary(2, "gateway", 1, "COMPLETE"), world.summary(1, "catalog", 1, "COMPLETE"))
    world.expect_latest_version("catalog", 1, digests["catalog"])
    world.expect_deployments(*live)
    world.expect_latest_version("gateway", 1, digests["gateway"])
    world.expect_deployments(*live)
    created_before = len(world.created)

    again = _publisher(world, clock, logs).publish(event())

    assert again == {
        "gateway": {"version": 1, "sha256": digests["gateway"], "deployment": None, "changed": False},
        "catalog": {"version": 1, "sha256": digests["catalog"], "deployment": None, "changed": False},
    }
    assert len(world.created) == created_before
    assert "hosted version reused: same content hash" in logs.messages()
    assert "deployment not needed: version already live" in logs.messages()


def test_a_changed_overlay_creates_and_deploys_only_the_gateway_profile(world, clock, logs):
    first = _digests(event())
    _both_live(world, first)
    changed_overlay = {"teams": [*OVERLAY["teams"], {"name": "beta", "clientIds": ["client-beta-1"]}]}
    publish_event = event(changed_overlay, strategy="guarded")
    rendered = render_for_publish(publish_event)
    digests = rendered.sha256()
    assert digests["catalog"] == first["catalog"] and digests["gateway"] != first["gateway"]
    live = (world.summary(2, "gateway", 1, "COMPLETE"), world.summary(1, "catalog", 1, "COMPLETE"))
    world.expect_latest_version("catalog", 1, first["catalog"])
    world.expect_deployments(*live)
    world.expect_latest_version("gateway", 1, first["gateway"])
    world.expect_deployments(*live)
    world.expect_start("gateway", 2, GUARDED_ID, digests["gateway"], 2, number=3)
    world.expect_get(3, "gateway", 2, "BAKING")

    result = _publisher(world, clock, logs).publish(publish_event)

    assert result["catalog"] == {"version": 1, "sha256": first["catalog"], "deployment": None, "changed": False}
    assert result["gateway"] == {"version": 2, "sha256": digests["gateway"], "deployment": 3, "changed": True}
    assert world.created[-1]["LatestVersionNumber"] == 1, "the create is locked on the version it saw"
    assert world.hosted("gateway", 2) == (rendered.config_json, digests["gateway"])


def test_a_reused_version_that_is_not_live_is_deployed_again(world, clock, logs):
    digests = _digests(event())
    _both_live(world, digests)
    world.expect_latest_version("catalog", 1, digests["catalog"])
    world.expect_deployments(world.summary(2, "gateway", 1, "COMPLETE"), world.summary(1, "catalog", 1, "COMPLETE"))
    world.expect_latest_version("gateway", 1, digests["gateway"])
    world.expect_deployments(world.summary(2, "gateway", 1, "ROLLED_BACK"), world.summary(1, "catalog", 1, "COMPLETE"))
    world.expect_start("gateway", 1, IMMEDIATE_ID, digests["gateway"], 2, number=3)
    world.expect_get(3, "gateway", 1, "COMPLETE")

    result = _publisher(world, clock, logs).publish(event())

    assert result["gateway"] == {"version": 1, "sha256": digests["gateway"], "deployment": 3, "changed": True}


def test_a_conflict_on_start_deployment_is_retried_until_it_is_accepted(world, clock, logs):
    digests = _digests(event())
    _both_live(world, digests)
    world.expect_latest_version("catalog", 1, digests["catalog"])
    world.expect_deployments(world.summary(1, "catalog", 1, "COMPLETE"))
    world.expect_latest_version("gateway", 1, digests["gateway"])
    world.expect_deployments(world.summary(1, "catalog", 1, "COMPLETE"))
    world.expect_start_conflict("gateway", 1, IMMEDIATE_ID, digests["gateway"], 1, "Deployment number 2 already exists")
    # Another publisher got deployment 2 in (a catalog redeploy); ours goes next.
    world.expect_deployments(world.summary(2, "catalog", 1, "COMPLETE"), world.summary(1, "catalog", 1, "COMPLETE"))
    world.expect_start_conflict("gateway", 1, IMMEDIATE_ID, digests["gateway"], 2, "Deployment number 2 already exists")
    world.expect_deployments(world.summary(2, "catalog", 1, "COMPLETE"))
    world.expect_start("gateway", 1, IMMEDIATE_ID, digests["gateway"], 2, number=3)
    world.expect_get(3, "gateway", 1, "COMPLETE")

    result = _publisher(world, clock, logs).publish(event())

    assert result["gateway"]["deployment"] == 3
    assert clock.sleeps == [1.0, 2.0, 1.0], "conflicts back off 1 s, 2 s; then one poll of our deployment"
    conflicts = [line for line in logs.lines if line["message"].startswith("deployment conflict")]
    assert len(conflicts) == 2 and "Deployment number 2 already exists" in conflicts[0]["error"]
    assert [line["latest_seen"] for line in conflicts] == [1, 2]


def test_a_conflict_on_create_rereads_and_reuses_the_version_another_publish_created(world, clock, logs):
    digests = _digests(event())
    _both_live(world, digests)
    world.expect_latest_version("catalog", 1, digests["catalog"])
    world.expect_deployments(world.summary(2, "gateway", 1, "COMPLETE"), world.summary(1, "catalog", 1, "COMPLETE"))
    world.expect_latest_version("gateway", 1, "sha256:older")
    world.expect_create_conflict("gateway", "The latest version number is 2")
    world.expect_latest_version("gateway", 2, digests["gateway"])  # the concurrent publish of the same inputs
    world.expect_deployments(world.summary(3, "gateway", 2, "DEPLOYING"), world.summary(1, "catalog", 1, "COMPLETE"))

    result = _publisher(world, clock, logs).publish(event())

    assert result["gateway"] == {"version": 2, "sha256": digests["gateway"], "deployment": None, "changed": False}
    assert clock.sleeps == [1.0]
    assert "hosted version conflict: another version was created; re-reading" in logs.messages()


def test_waits_while_the_environment_is_deploying_or_baking(world, clock, logs):
    digests = _digests(event())
    _both_live(world, digests)
    world.expect_latest_version("catalog", 1, digests["catalog"])
    world.expect_deployments(world.summary(1, "catalog", 1, "COMPLETE"))
    world.expect_latest_version("gateway", 1, digests["gateway"])
    # Someone else's gateway deployment (version 7) holds the environment: deploying, then baking.
    world.expect_deployments(world.summary(5, "gateway", 7, "DEPLOYING"), world.summary(1, "catalog", 1, "COMPLETE"))
    world.expect_get(5, "gateway", 7, "BAKING")
    world.expect_get(5, "gateway", 7, "BAKING")
    world.expect_get(5, "gateway", 7, "COMPLETE")
    world.expect_deployments(world.summary(5, "gateway", 7, "COMPLETE"), world.summary(1, "catalog", 1, "COMPLETE"))
    world.expect_start("gateway", 1, IMMEDIATE_ID, digests["gateway"], 5, number=6)
    world.expect_get(6, "gateway", 1, "DEPLOYING")
    world.expect_get(6, "gateway", 1, "COMPLETE")

    result = _publisher(world, clock, logs).publish(event())

    assert result["gateway"]["deployment"] == 6
    assert clock.sleeps == [1.0, 2.0, 4.0, 1.0, 2.0]
    busy = [line for line in logs.lines if line["message"].startswith("environment busy")]
    assert [(line["deployment"], line["state"]) for line in busy] == [(5, "DEPLOYING")], "one line per decision, not per poll"


def test_a_rolled_back_deployment_raises_with_the_reason(world, clock, logs):
    digests = _digests(event())
    _both_live(world, digests)
    world.expect_latest_version("catalog", 1, digests["catalog"])
    world.expect_deployments(world.summary(1, "catalog", 1, "COMPLETE"))
    world.expect_latest_version("gateway", 1, digests["gateway"])
    world.expect_deployments(world.summary(1, "catalog", 1, "COMPLETE"))
    world.expect_start("gateway", 1, IMMEDIATE_ID, digests["gateway"], 1, number=2)
    world.expect_get(2, "gateway", 1, "ROLLED_BACK", events=("Rolled back: alarm ai-gateway-dev-config-sync is in ALARM",))

    with pytest.raises(DeploymentFailed) as error:
        _publisher(world, clock, logs).publish(event())

    assert str(error.value) == (
        "deployment 2 of the gateway profile (version 1) ended ROLLED_BACK: "
        "Rolled back: alarm ai-gateway-dev-config-sync is in ALARM"
    )


def test_an_invalid_base_is_refused_before_any_appconfig_call(clock, logs):
    class NoCalls:
        def __getattr__(self, name):
            raise AssertionError(f"AppConfig was called ({name}) for an invalid publish")

    bad = event()
    bad["base"]["routing"]["fallbackGroups"] = [["bedrock"], ["openai"]]  # openai is not enabled
    publisher = Publisher(AppConfig(NoCalls(), "app0001"), settings_for("app0001", "gw00001", "cat0001"),
                          clock.deadline(), logs.logger)
    with pytest.raises(InvalidPublish, match="openai is not an enabled provider"):
        publisher.publish(bad)
    # The rendered config references ${ANTHROPIC_API_KEY}: a task that does not provide it is refused too.
    unprovided = Publisher(AppConfig(NoCalls(), "app0001"),
                           settings_for("app0001", "gw00001", "cat0001", PROVIDED_ENV=""), clock.deadline(), logs.logger)
    with pytest.raises(InvalidPublish, match="does not provide: ANTHROPIC_API_KEY"):
        unprovided.publish(event())
    with pytest.raises(InvalidPublish, match="unknown event key"):
        publisher.publish({**event(), "overlays": {}})
    with pytest.raises(InvalidPublish, match="event.strategy 'fast'"):
        publisher.publish(event(strategy="fast"))
    assert clock.sleeps == []


def test_the_handler_refuses_an_invalid_base_without_creating_a_client(monkeypatch):
    def no_client():
        raise AssertionError("a client was created for an invalid publish")

    for name, value in publisher_environ("app0001", "gw00001", "cat0001").items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(handler_module, "_client", no_client)
    bad = event()
    bad["base"]["providers"] = [BASE["providers"][0]]  # the anthropic group now names a disabled provider
    with pytest.raises(InvalidPublish, match="anthropic is not an enabled provider"):
        handler_module.handler(bad, None)


def test_the_handler_reads_its_environment_and_publishes(world, monkeypatch):
    digests = _digests(event())
    _both_live(world, digests)
    for kind in ("catalog", "gateway"):
        world.expect_latest_version(kind, 1, digests[kind])
        world.expect_deployments(world.summary(2, "gateway", 1, "COMPLETE"), world.summary(1, "catalog", 1, "BAKING"))
    environ = publisher_environ(world.application_id, world.profile_ids["gateway"], world.profile_ids["catalog"])
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(handler_module, "_client", lambda: world.client)

    class Context:
        def get_remaining_time_in_millis(self):
            return 60_000

    result = handler_module.handler(event(), Context())

    assert {k: (v["version"], v["deployment"], v["changed"]) for k, v in result.items()} == {
        "gateway": (1, None, False), "catalog": (1, None, False)}
    assert json.loads(json.dumps(result)) == result, "the result is JSON (the Invocation's output)"


def test_timing_out_raises_a_clear_error_before_the_lambda_is_killed(world, logs):
    clock = FakeClock(budget_seconds=30)
    digests = _digests(event())
    _both_live(world, digests)
    world.expect_latest_version("catalog", 1, digests["catalog"])
    world.expect_deployments(world.summary(1, "catalog", 1, "COMPLETE"))
    world.expect_latest_version("gateway", 1, digests["gateway"])
    world.expect_deployments(world.summary(4, "gateway", 9, "BAKING"))
    for _ in range(5):  # 1 + 2 + 4 + 8 + 10 s of the 30 s budget; the next 10 s would cross the margin
        world.expect_get(4, "gateway", 9, "BAKING")

    with pytest.raises(PublishTimeout) as error:
        _publisher(world, clock, logs).publish(event())

    assert clock.sleeps == [1.0, 2.0, 4.0, 8.0, 10.0]
    assert clock.budget - clock.now >= 5, "gave up with the margin left"
    assert str(error.value).startswith(
        f"gave up waiting for deployment 4 of environment {ENVIRONMENT_ID} (state BAKING) with 5.0 s of the Lambda's time left"
    )


def test_the_profile_deployment_is_found_on_a_later_page(world, clock, logs):
    digests = _digests(event())
    _both_live(world, digests)
    world.expect_latest_version("catalog", 1, digests["catalog"])
    world.expect_deployments(*[world.summary(n, "gateway", 1, "COMPLETE") for n in range(100, 50, -1)], next_token="p2")
    world.expect_deployments(world.summary(50, "catalog", 1, "COMPLETE"), token="p2")
    world.expect_latest_version("gateway", 1, digests["gateway"])
    world.expect_deployments(world.summary(100, "gateway", 1, "COMPLETE"))

    result = _publisher(world, clock, logs).publish(event())

    assert result["catalog"]["deployment"] is None


def test_the_history_scan_is_bounded_and_an_unseen_profile_is_deployed(world, clock, logs):
    digests = _digests(event())
    _both_live(world, digests)
    world.expect_latest_version("catalog", 1, digests["catalog"])
    newest = 1000
    pages = DEPLOYMENT_SCAN_LIMIT // 50
    for page in range(pages):
        numbers = range(newest - 50 * page, newest - 50 * (page + 1), -1)
        world.expect_deployments(*[world.summary(n, "gateway", 1, "COMPLETE") for n in numbers],
                                 next_token=f"p{page + 2}", token=f"p{page + 1}" if page else None)
    # No page after the limit is read; the catalog's deployment is older than that: deploy it again.
    world.expect_start("catalog", 1, IMMEDIATE_ID, digests["catalog"], newest, number=newest + 1)
    world.expect_get(newest + 1, "catalog", 1, "COMPLETE")
    world.expect_latest_version("gateway", 1, digests["gateway"])
    world.expect_deployments(world.summary(newest + 1, "catalog", 1, "COMPLETE"),
                             world.summary(newest, "gateway", 1, "COMPLETE"))

    result = _publisher(world, clock, logs).publish(event())

    assert result["catalog"] == {"version": 1, "sha256": digests["catalog"], "deployment": newest + 1, "changed": True}
    assert result["gateway"]["deployment"] is None


def test_a_summary_without_a_profile_id_is_resolved_with_get_deployment(world, clock, logs):
    digests = _digests(event())
    _both_live(world, digests)
    old_style = world.summary(1, "catalog", 1, "COMPLETE")
    del old_style["ConfigurationProfileId"]
    world.expect_latest_version("catalog", 1, digests["catalog"])
    world.expect_deployments(old_style)
    world.expect_get(1, "catalog", 1, "COMPLETE")
    world.expect_latest_version("gateway", 1, digests["gateway"])
    world.expect_deployments(world.summary(2, "gateway", 1, "COMPLETE"))

    result = _publisher(world, clock, logs).publish(event())

    assert result["catalog"]["changed"] is False and result["gateway"]["changed"] is False


def test_logs_are_json_decisions_with_hashes_never_the_content(world, clock, logs):
    publish_event = event()
    rendered = render_for_publish(publish_event)
    _queue_first_publish(world, rendered.sha256())

    _publisher(world, clock, logs).publish(publish_event)

    assert logs.messages() == [
        "rendered",
        "hosted version created", "deployment started", "deployment reached its targets",
        "hosted version created", "deployment started", "deployment reached its targets",
        "published",
    ]
    text = logs.stream.getvalue()
    assert BASE["jwt"]["jwksUrl"] not in text and "client-alpha-1" not in text and '"providers"' not in text
    assert max(len(line) for line in text.splitlines()) < 2000
    created = [line for line in logs.lines if line["message"] == "hosted version created"]
    assert [(c["profile"], c["version"], c["sha256"]) for c in created] == [
        ("catalog", 1, rendered.sha256()["catalog"]), ("gateway", 1, rendered.sha256()["gateway"])]


def test_moto_still_lacks_what_the_stubs_stand_in_for(aws_credentials):
    with mock_aws():
        client = boto3.client("appconfig", region_name=REGION)
        app = client.create_application(Name="probe")["Id"]
        profile = client.create_configuration_profile(ApplicationId=app, Name="p", LocationUri="hosted")["Id"]
        with pytest.raises(NotImplementedError):
            client.list_hosted_configuration_versions(ApplicationId=app, ConfigurationProfileId=profile)
        for call in (lambda: client.list_deployments(ApplicationId=app, EnvironmentId="env0001"),
                     lambda: client.get_deployment(ApplicationId=app, EnvironmentId="env0001", DeploymentNumber=1)):
            with pytest.raises(client.exceptions.ClientError, match="Not yet implemented"):
                call()

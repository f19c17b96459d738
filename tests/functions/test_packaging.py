"""Every function as Lambda will run it: built by tools.package, imported from the extracted zip only."""

from __future__ import annotations

import base64
import time
import zipfile

import pytest

from functions.publisher.request import render_for_publish
from tests.lambda_sandbox import run_handler_in_sandbox
from tools.lambda_deps import Target
from tools.package import ROOT, build_function_zip

from functions.admin_api.settings import ENV_VARS as ADMIN_ENV

from .conftest import event, publisher_environ

FUNCTIONS = ("validator", "publisher", "admin_api")
USAGE_FUNCTIONS = ("usage_aggregator", "budget_reset", "chargeback")
SSO_FUNCTIONS = ("pre_token",)
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer")
"""What the Lambda Python runtime ships: never packaged, never imported at load time."""
VALIDATOR_ENV = {"VALIDATES": "gateway", "APPLICATION_ID": "app0001", "PROVIDED_ENV": "ANTHROPIC_API_KEY"}
APPCONFIG_VALIDATOR_LIMIT_SECONDS = 15


def _names(built) -> list[str]:
    with zipfile.ZipFile(built.path) as archive:
        return archive.namelist()


def test_every_function_shares_one_pinned_requirements_set():
    texts = {name: (ROOT / "functions" / name / "requirements.txt").read_text() for name in FUNCTIONS + USAGE_FUNCTIONS + SSO_FUNCTIONS}
    assert len(set(texts.values())) == 1, "identical files share one dependency cache entry"
    pinned = {line.split("==")[0] for line in texts["validator"].splitlines() if line and not line.startswith("#")}
    assert {"aws-lambda-powertools", "pydantic", "jsonschema"} <= pinned
    assert not pinned & set(RUNTIME_PROVIDED)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_zip_holds_the_function_its_includes_and_nothing_the_runtime_provides(function_zips, name):
    built = function_zips[name]
    names = _names(built)
    assert built.handler == f"functions.{name}.handler.handler"
    for expected in (f"functions/{name}/handler.py", "functions/__init__.py", "functions/shared/appconfig.py",
                     "gateway_config/checks.py", "gateway_config/prices/model_prices.json",
                     "reference/__init__.py", "reference/agentgateway/config-schema.json",
                     "reference/agentgateway/cel-schema.json", "reference/agentgateway/LICENSE",
                     "jsonschema/__init__.py", "aws_lambda_powertools/__init__.py"):
        assert expected in names, expected
    for other in (f for f in FUNCTIONS if f != name):
        assert not [n for n in names if n.startswith(f"functions/{other}/")]
    assert not [n for n in names if n.split("/")[0] in RUNTIME_PROVIDED or n.startswith("tests/")]
    assert not [n for n in names if n.endswith(("requirements.txt", "package.toml"))]


@pytest.mark.parametrize("name", FUNCTIONS)
def test_handler_imports_in_a_clean_interpreter_with_only_the_zip(function_zips, name, tmp_path):
    report = run_handler_in_sandbox(function_zips[name].path, function_zips[name].handler, tmp_path)
    assert report["outside"] == []
    assert f"functions.{name}.handler" in report["modules"]
    assert not [m for m in report["modules"] if m.split(".")[0] in RUNTIME_PROVIDED]


def test_validator_checks_a_rendered_config_from_the_zip_within_appconfigs_limit(function_zips, tmp_path):
    rendered = render_for_publish(event())
    validator_event = {"applicationId": "app0001", "configurationProfileId": "gw00001", "configurationVersion": "1",
                       "content": base64.b64encode(rendered.config_json.encode()).decode(), "uri": "hosted://gw00001"}
    built = function_zips["validator"]
    started = time.monotonic()
    report = run_handler_in_sandbox(built.path, built.handler, tmp_path, event=validator_event,
                                    environment=VALIDATOR_ENV)
    elapsed = time.monotonic() - started
    assert report["result"] == {"valid": True, "profile": "gateway"}
    # jsonschema, its compiled rpds extension and the vendored schema all came from the zip.
    assert report["outside"] == []
    assert {"jsonschema", "rpds", "reference"} <= set(report["modules"])
    assert '"message":"configuration accepted"' in report["stdout"][-1]
    # Extraction, a cold interpreter, imports and the first schema compile: the whole cold path.
    assert elapsed < APPCONFIG_VALIDATOR_LIMIT_SECONDS


def test_publisher_renders_and_checks_from_the_zip_and_imports_boto3_only_for_its_client(function_zips, tmp_path):
    built = function_zips["publisher"]
    # A valid publish gets through parse, render and every check, then needs a client: the sandbox
    # has no boto3 (the runtime's), so the first import of it is where the run stops.
    with pytest.raises(AssertionError) as error:
        run_handler_in_sandbox(built.path, built.handler, tmp_path, event=event(),
                               environment=publisher_environ("app0001", "gw00001", "cat0001"))
    stderr = str(error.value)
    assert "No module named 'boto3'" in stderr
    assert "in appconfig_client" in stderr and "InvalidPublish" not in stderr


def test_the_admin_api_answers_its_health_check_from_the_zip_and_imports_boto3_only_for_its_clients(
        function_zips, tmp_path):
    from aigw.transport import rest_event

    built = function_zips["admin_api"]
    report = run_handler_in_sandbox(built.path, built.handler, tmp_path, event=rest_event("GET", "/health"))
    assert report["result"]["statusCode"] == 200 and report["outside"] == []
    assert "aws_lambda_powertools.event_handler" in report["modules"]
    # An authorized route needs its clients: the sandbox has no boto3 (the runtime's), so the run stops there.
    environment = {name: "x" for name in ADMIN_ENV}
    with pytest.raises(AssertionError) as error:
        run_handler_in_sandbox(built.path, built.handler, tmp_path, event=rest_event("GET", "/teams"),
                               environment={**environment, "ACCESS_TOKEN_MINUTES": "60"})
    assert "No module named 'boto3'" in str(error.value) and "in from_env" in str(error.value)


def test_a_second_build_hashes_the_same(function_zips, tmp_path):
    # From the warm dependency cache: the first-party tree (functions, gateway_config, reference)
    # and the zip writer are what can vary here; tests/package covers two cold installs.
    for name in FUNCTIONS:
        again = build_function_zip(name, tmp_path, target=Target(architecture=_architecture(function_zips[name])))
        assert again.sha256 == function_zips[name].sha256


def test_the_pins_resolve_for_arm64_the_deployed_architecture(tmp_path):
    built = build_function_zip("validator", tmp_path, target=Target(architecture="arm64"))
    extensions = sorted(n for n in _names(built) if n.endswith(".so"))
    assert extensions and all("aarch64" in n for n in extensions), extensions
    assert any(n.startswith("rpds/") for n in extensions) and any(n.startswith("pydantic_core/") for n in extensions)


def _architecture(built) -> str:
    return "arm64" if any("aarch64" in n for n in _names(built) if n.endswith(".so")) else "x86_64"


@pytest.mark.parametrize("name", USAGE_FUNCTIONS)
def test_usage_functions_import_in_a_clean_interpreter_with_only_the_zip(function_zips, name, tmp_path):
    built = function_zips[name]
    names = _names(built)
    assert built.handler == f"functions.{name}.handler.handler"
    assert "functions/shared/store.py" in names and "aws_lambda_powertools/__init__.py" in names
    assert not [n for n in names if n.split("/")[0] in RUNTIME_PROVIDED]
    assert not [n for n in names if n.startswith("functions/") and n.split("/")[1] not in (name, "shared", "__init__.py")]
    report = run_handler_in_sandbox(built.path, built.handler, tmp_path)
    assert report["outside"] == []
    assert not [m for m in report["modules"] if m.split(".")[0] in RUNTIME_PROVIDED]


def test_the_aggregator_answers_a_control_message_from_its_zip(function_zips, tmp_path):
    from functions.usage_aggregator import envelope

    built = function_zips["usage_aggregator"]
    event = envelope.encode({"messageType": "CONTROL_MESSAGE", "owner": "CloudwatchLogs", "logGroup": "",
                             "logStream": "", "subscriptionFilters": [], "logEvents": []})
    report = run_handler_in_sandbox(built.path, built.handler, tmp_path, event=event, environment={
        "USAGE_TABLE": "t", "METRICS_NAMESPACE": "AIGateway", "BUDGETS_ENABLED": "false"})
    assert report["result"] == {"messageType": "CONTROL_MESSAGE", "events": 0}
    assert report["outside"] == [] and "gateway_config.render" in report["modules"]


def test_the_aggregator_parses_and_stops_at_its_first_client_without_the_runtimes_boto3(function_zips, tmp_path):
    from .usage_world import batch, request

    built = function_zips["usage_aggregator"]
    with pytest.raises(AssertionError) as error:
        run_handler_in_sandbox(built.path, built.handler, tmp_path, event=batch([request("alpha")]), environment={
            "USAGE_TABLE": "t", "METRICS_NAMESPACE": "AIGateway", "BUDGETS_ENABLED": "false"})
    assert "No module named 'boto3'" in str(error.value) and "in _client" in str(error.value)


def test_the_pre_token_trigger_maps_a_v2_event_from_its_zip_alone(function_zips, tmp_path):
    from .test_pre_token import ENV, EVENT

    built = function_zips["pre_token"]
    names = _names(built)
    assert built.handler == "functions.pre_token.handler.handler"
    assert not [n for n in names if n.startswith("functions/") and n.split("/")[1] not in ("pre_token", "shared", "__init__.py")]
    assert not [n for n in names if n.split("/")[0] in RUNTIME_PROVIDED or n.startswith("gateway_config/")]
    report = run_handler_in_sandbox(built.path, built.handler, tmp_path, event=EVENT, environment=ENV)
    access = report["result"]["response"]["claimsAndScopeOverrideDetails"]["accessTokenGeneration"]
    assert access["claimsToAddOrOverride"] == {"team": "data-science"}
    assert report["outside"] == [] and not [m for m in report["modules"] if m.split(".")[0] in RUNTIME_PROVIDED]
    again = build_function_zip("pre_token", tmp_path / "again", target=Target(architecture=_architecture(built)))
    assert again.sha256 == built.sha256

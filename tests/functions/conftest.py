"""Fixtures for the control-plane function tests: inputs, a fake clock, AppConfig through moto and Stubber,
and every function zip built once per worker."""

from __future__ import annotations

import copy
import io
import json
import platform
import uuid
from pathlib import Path
from typing import Any, Optional

import pytest

from functions.publisher.deadline import Deadline
from functions.publisher.settings import PublisherSettings
from functions.shared.log import make_logger
from tools.lambda_deps import Target
from tools.package import LambdaZip, build_function_zip

REGION = "us-east-1"
BASE: dict[str, Any] = {
    "region": REGION,
    "http1IdleTimeoutSeconds": 75,
    "catalogPath": "/config/catalog.json",
    "providers": [
        {"name": "bedrock", "region": REGION, "model": "us.anthropic.claude-sonnet-4-20250514-v1:0"},
        {"name": "anthropic", "keyEnv": "ANTHROPIC_API_KEY"},
    ],
    "routing": {"fallbackGroups": [["bedrock"], ["anthropic"]]},
    "jwt": {
        "issuer": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example1",
        "jwksUrl": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example1/.well-known/jwks.json",
        "invokeScope": "gw/invoke",
    },
    "tiers": {"standard": {}},
    "rateLimit": {"mode": "local"},
}
"""A valid base with a keyed provider, so the config references ``${ANTHROPIC_API_KEY}``."""
OVERLAY: dict[str, Any] = {"teams": [{"name": "alpha", "clientIds": ["client-alpha-1"]}]}
PROVIDED_ENV = "ANTHROPIC_API_KEY"
ENVIRONMENT_ID = "env0dev"
IMMEDIATE_ID = "imm0001"
GUARDED_ID = "grd0001"


def event(overlay: Optional[dict[str, Any]] = None, **extra: Any) -> dict[str, Any]:
    """A publish event over :data:`BASE` (deep copies: tests may mutate them)."""
    return {"base": copy.deepcopy(BASE), "overlay": copy.deepcopy(OVERLAY if overlay is None else overlay), **extra}


def publisher_environ(application_id: str, gateway_id: str, catalog_id: str, **overrides: str) -> dict[str, str]:
    """The publisher's Lambda environment for these ids."""
    env = {
        "APPLICATION_ID": application_id,
        "ENVIRONMENT_ID": ENVIRONMENT_ID,
        "GATEWAY_PROFILE_ID": gateway_id,
        "CATALOG_PROFILE_ID": catalog_id,
        "IMMEDIATE_STRATEGY_ID": IMMEDIATE_ID,
        "GUARDED_STRATEGY_ID": GUARDED_ID,
        "DEFAULT_STRATEGY": "immediate",
        "PROVIDED_ENV": PROVIDED_ENV,
    }
    env.update(overrides)
    return env


class FakeClock:
    """Lambda time that only moves when the code sleeps: ``sleeps`` records every wait."""

    def __init__(self, budget_seconds: float = 300.0) -> None:
        self.budget = budget_seconds
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def remaining_ms(self) -> float:
        return (self.budget - self.now) * 1000.0

    def deadline(self) -> Deadline:
        return Deadline(self.remaining_ms, self.sleep)


class LogCapture:
    """A Powertools logger of its own (one service name per test) writing JSON lines to memory."""

    def __init__(self) -> None:
        self.stream = io.StringIO()
        self.logger = make_logger(f"test-{uuid.uuid4().hex[:8]}", stream=self.stream)

    @property
    def lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines()]

    def messages(self) -> list[str]:
        return [line["message"] for line in self.lines]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def logs() -> LogCapture:
    return LogCapture()


@pytest.fixture
def aws_credentials(monkeypatch) -> None:
    """Fake credentials and region, so no test can reach a real account."""
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": REGION}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


def settings_for(application_id: str, gateway_id: str, catalog_id: str, **overrides: str) -> PublisherSettings:
    """Publisher settings as the handler would read them from its environment."""
    return PublisherSettings.from_env(publisher_environ(application_id, gateway_id, catalog_id, **overrides))


# --- the zips -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def function_zips(tmp_path_factory) -> dict[str, LambdaZip]:
    """Every function built for the host architecture (the sandbox can only import those), with the
    repository's dependency cache (warm after the first run)."""
    out: Path = tmp_path_factory.mktemp("functions")
    target = Target(architecture="arm64" if platform.machine() in ("aarch64", "arm64") else "x86_64")
    names = ("validator", "publisher", "admin_api", "usage_aggregator", "budget_reset", "chargeback", "pre_token")
    return {name: build_function_zip(name, out, target=target) for name in names}

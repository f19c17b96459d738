"""A fresh admin API world per test (moto is per test too)."""

from __future__ import annotations

import pytest
from moto import mock_aws

from .world import World


@pytest.fixture
def world(aws_credentials):
    with mock_aws():
        yield World()

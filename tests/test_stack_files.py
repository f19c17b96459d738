"""The committed stack files: valid, secret-free, and deliberately different where they should be."""

from __future__ import annotations

import re

import pytest

from components.settings import parse_settings
from tests.support import ROOT
from tools.stack_config import load_stack_config

STACKS = ["dev", "prod"]


@pytest.mark.parametrize("stack", STACKS)
def test_stack_file_is_valid(stack):
    cfg = load_stack_config(ROOT, stack)
    loaded = parse_settings(cfg.values, cfg.secret_keys)
    assert loaded.settings.environment == stack
    assert loaded.region == "us-east-1"


@pytest.mark.parametrize("stack", STACKS)
def test_stack_file_holds_no_plaintext_secret(stack):
    text = (ROOT / f"Pulumi.{stack}.yaml").read_text()
    assert not re.search(r"(?i)(apikey|secret|password|token)\s*:\s*(?!\n)(?!\s*secure:)\S", text.replace("ApiKey`", ""))
    assert not re.search(r"sk-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16}", text)


def test_prod_is_the_hardened_one():
    dev = parse_settings(*_cfg("dev")).settings
    prod = parse_settings(*_cfg("prod")).settings
    assert prod.is_prod and not dev.is_prod
    assert prod.deletion_protection and prod.access_logs and prod.nat_gateway_per_az and prod.waf_enabled
    assert prod.log_retention_days >= 365
    assert prod.auth.jwt_validation and not prod.edge.allow_plain_http
    assert prod.service.min_capacity >= 2 and prod.network.az_count >= 2
    assert dev.network.cidr != prod.network.cidr  # peerable, and no confusion in flow logs


def _cfg(stack):
    cfg = load_stack_config(ROOT, stack)
    return cfg.values, cfg.secret_keys


def test_both_stacks_run_the_control_plane_and_one_manages_api_gateways_account_role():
    dev, prod = (parse_settings(*_cfg(stack)) for stack in STACKS)
    assert dev.settings.control_plane_enabled and prod.settings.control_plane_enabled
    # Same account and region (the dev file says so): exactly one of them owns the regional setting.
    assert dev.region == prod.region
    assert [s.settings.control_plane.manage_api_gateway_account for s in (dev, prod)] == [False, True]

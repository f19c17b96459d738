"""`audit` settings: effective Object Lock per environment, bodies refused in prod, one-line errors."""

from __future__ import annotations

import pytest

from components.settings import SettingsError, parse_settings
from tests.support import ROOT
from tools.stack_config import load_stack_config
from tests.test_settings import error, ok

ON = {"enabled": True}


def test_audit_is_off_by_default_and_locks_only_in_prod():
    assert ok().audit.enabled is False
    assert ok(audit=ON).audit_object_lock is False
    assert ok(audit=ON, environment="staging").audit_object_lock is False
    prod = ok(audit=ON, environment="prod")
    assert prod.audit_object_lock is True and prod.audit.object_lock.mode == "governance"
    assert ok(audit={**ON, "objectLock": {"enabled": True}}).audit_object_lock is True
    assert ok(audit={**ON, "objectLock": {"mode": "compliance"}}, environment="prod").audit.object_lock.mode == "compliance"


def test_bodies_are_allowed_outside_prod_only_and_only_with_the_audit_log():
    assert ok(audit={**ON, "includeBodies": True}).audit_bodies is True
    assert ok(audit={**ON, "includeBodies": True}, environment="staging").audit_bodies is True
    assert error(audit={**ON, "includeBodies": True}, environment="prod") == \
        "ai-gateway:audit.includeBodies: prompts and completions cannot be logged in prod"
    assert error(audit={"includeBodies": True}) == "ai-gateway:audit.includeBodies: has no effect while audit.enabled is false"
    assert error(audit={"enabled": False, "objectLock": {"mode": "compliance"}}) == \
        "ai-gateway:audit.objectLock: has no effect while audit.enabled is false"
    assert ok(audit=ON).audit_bodies is False


def test_prod_refuses_turning_object_lock_off():
    assert error(audit={**ON, "objectLock": {"enabled": False}}, environment="prod") == \
        "ai-gateway:audit.objectLock.enabled: the audit bucket's Object Lock cannot be turned off in prod"
    assert ok(audit={**ON, "objectLock": {"enabled": False}}).audit_object_lock is False


def test_lock_may_not_outlast_retention():
    assert error(audit={**ON, "retentionDays": 90}, environment="prod") == (
        "ai-gateway:audit.objectLock.days: 365 is longer than audit.retentionDays (90): objects would expire while locked")
    assert ok(audit={**ON, "retentionDays": 90}).audit.retention_days == 90  # dev: no lock, nothing to outlast
    assert ok(audit={**ON, "retentionDays": 90, "objectLock": {"days": 90}}, environment="prod").audit_object_lock


@pytest.mark.parametrize("audit, key", [
    ({"objectLock": {"mode": "legal-hold"}}, "audit.objectLock.mode"),
    ({"retentionDays": 0}, "audit.retentionDays"),
    ({"bufferSeconds": 30}, "audit.bufferSeconds"),
    ({"enabled": "yes"}, "audit.enabled"),
    ({"includeBodies": 1}, "audit.includeBodies"),
    ({"bodies": True}, "audit.bodies"),
])
def test_bad_values_name_their_key(audit, key):
    assert error(audit={**ON, **audit}).startswith(f"ai-gateway:{key}: ")


def test_the_prod_stack_file_with_bodies_is_refused_in_one_line(tmp_path):
    stack_file = (ROOT / "Pulumi.prod.yaml").read_text().replace(
        "    enabled: true                    # Object Lock", "    includeBodies: true\n    enabled: true                    # Object Lock")
    assert "includeBodies" in stack_file
    project = tmp_path / "project"
    project.mkdir()
    (project / "Pulumi.yaml").write_text((ROOT / "Pulumi.yaml").read_text())
    (project / "Pulumi.prod.yaml").write_text(stack_file)
    cfg = load_stack_config(project, "prod")
    with pytest.raises(SettingsError) as exc:
        parse_settings(cfg.values, cfg.secret_keys)
    assert str(exc.value) == "ai-gateway:audit.includeBodies: prompts and completions cannot be logged in prod"

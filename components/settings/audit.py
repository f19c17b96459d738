"""Audit log: request metadata and admin changes to S3 as Parquet, queried with Athena."""

from __future__ import annotations

from typing import Annotated, Literal, Optional

from pydantic import Field, model_validator
from pydantic.alias_generators import to_camel

from .errors import FieldProblem
from .model import SettingsModel


class ObjectLockSettings(SettingsModel):
    """S3 Object Lock on the audit bucket: every object is write-once for ``days``."""

    enabled: Optional[bool] = None
    """Turn Object Lock on. Default: on in prod, off otherwise (and prod refuses turning it off).
    Object Lock can only be chosen when the bucket is created: a later change replaces the bucket."""
    mode: Literal["governance", "compliance"] = "governance"
    """``governance``: a principal with ``s3:BypassGovernanceRetention`` can still delete a locked
    object; ``compliance``: nobody can, not even the account root, until the retention ends. Default governance."""
    days: Annotated[int, Field(ge=1, le=36500)] = 365
    """Default retention of each new object, in days (at most ``audit.retentionDays``). Default 365."""


class AuditSettings(SettingsModel):
    """The audit log (docs/audit-log.md): access-log metadata and admin changes, through Firehose to S3.
    Its other settings are refused while ``enabled`` is false (they would have no effect)."""

    enabled: bool = False
    """Create the audit bucket, the Firehose streams, the Glue tables and the Athena workgroup. Default off
    (the dev and prod stack files turn it on)."""
    retention_days: Annotated[int, Field(ge=1, le=36500)] = 400
    """Days an audit object is kept before the lifecycle expires it (older versions are removed one day
    later). Default 400."""
    include_bodies: bool = False
    """Also log prompts and completions (``llm.prompt``, ``llm.completion``) on every access-log line, in
    CloudWatch and in the audit table. Default off; refused in prod."""
    object_lock: ObjectLockSettings = ObjectLockSettings()
    """Write-once retention of the audit objects."""
    buffer_seconds: Annotated[int, Field(ge=60, le=900)] = 300
    """Longest time Firehose buffers records before it writes a Parquet object. Default 300."""

    @model_validator(mode="after")
    def _nothing_ignored(self) -> "AuditSettings":
        if not self.enabled:
            for name in sorted(self.model_fields_set - {"enabled"}):
                raise FieldProblem(to_camel(name), "has no effect while audit.enabled is false")
        return self

"""Shared component plumbing: child options and the stateful-resource rule."""

from __future__ import annotations

from typing import Optional, Sequence

import pulumi


def child_opts(
    parent: pulumi.Resource,
    *,
    stateful: bool = False,
    prod: bool = False,
    depends_on: Optional[Sequence[pulumi.Resource]] = None,
    ignore_changes: Optional[list[str]] = None,
    delete_before_replace: Optional[bool] = None,
) -> pulumi.ResourceOptions:
    """Options for a component's child. Stateful children are protected in prod.

    ``protect`` makes ``pulumi destroy`` (or a replacing change) of a prod user pool, key, secret or
    log group fail loudly instead of losing data; it is lifted deliberately with
    ``pulumi state unprotect``.
    """
    return pulumi.ResourceOptions(
        parent=parent,
        protect=bool(stateful and prod),
        depends_on=list(depends_on) if depends_on else None,
        ignore_changes=ignore_changes,
        delete_before_replace=delete_before_replace,
    )

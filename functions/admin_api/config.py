"""The published configuration: version and deployment state from AppConfig, and the dry run.

The dry run renders the store as it is and the store with a proposed change (nothing is written),
both with ``gateway_config.render``, and answers the unified diff of each file.
"""

from __future__ import annotations

import copy
import difflib
import itertools
from typing import Any


from .deps import Deps
from .errors import not_found
from .models import ConfigStatus, DryRun, ProfileStatus
from .prices import check_target
from .rendering import StoreItems, render
from .reply import Reply
from .routing import check as check_routing, enabled_providers
from .teams import apply_update, stack_documents

SCAN_LIMIT = 50
"""Deployments read to find a profile's newest one (the publisher reads 200; a status can be shorter)."""


def _profile(deps: Deps, profile_id: str) -> dict[str, Any]:
    latest = deps.appconfig.latest_hosted_version(profile_id)
    status = ProfileStatus(profile_id=profile_id, latest_version=latest.number if latest else None,
                           latest_sha256=latest.description if latest else None)
    for deployment in itertools.islice(deps.appconfig.deployments(deps.settings.environment_id), SCAN_LIMIT):
        if deployment.profile_id is None:
            deployment = deps.appconfig.get_deployment(deps.settings.environment_id, deployment.number)
        if deployment.profile_id == profile_id:
            status = status.model_copy(update={"deployment_number": deployment.number,
                                               "deployed_version": deployment.version,
                                               "deployment_state": deployment.state})
            break
    return status.json_dict()


def status(deps: Deps) -> Reply:
    """Each profile's newest hosted version and its newest deployment in the environment."""
    settings = deps.settings
    body = ConfigStatus(application_id=settings.application_id, environment_id=settings.environment_id,
                        gateway=_profile(deps, settings.gateway_profile_id),
                        catalog=_profile(deps, settings.catalog_profile_id))
    return Reply(200, body.json_dict())


def _apply(base: dict[str, Any], documents: Any, items: StoreItems, change: DryRun) -> None:
    if change.routing is not None:
        check_routing(change.routing, enabled_providers(base))
        items.routing = change.routing.json_dict()
    for price in change.prices:
        provider, model = check_target(price.provider, price.model)
        if price.rates is None:
            items.prices.pop((provider, model), None)
        else:
            items.prices[(provider, model)] = {"provider": provider, "model": model, "rates": dict(price.rates)}
    for team in change.teams:
        if team.name not in items.teams:
            raise not_found(f"team {team.name}")
        apply_update(documents, items.teams[team.name], team)
    for name in change.delete_teams:
        if items.teams.pop(name, None) is None:
            raise not_found(f"team {name}")


def _diff(before: str, after: str, name: str) -> str:
    return "".join(difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                        fromfile=f"published/{name}", tofile=f"proposed/{name}"))


def dry_run(deps: Deps, change: DryRun) -> Reply:
    """Render the store with ``change`` applied and answer the diff; nothing is written or published."""
    documents = stack_documents(deps)
    items = StoreItems.read(deps)
    current = render(documents, items)
    proposed_items = copy.deepcopy(items)
    _apply(dict(documents.base), documents, proposed_items, change)
    proposed = render(documents, proposed_items)
    diff = {"gateway": _diff(current.config_json, proposed.config_json, "gateway.json"),
            "catalog": _diff(current.catalog_json, proposed.catalog_json, "catalog.json")}
    return Reply(200, {"changed": any(diff.values()), "sha256": proposed.sha256(), "diff": diff})

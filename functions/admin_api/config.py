"""The published configuration: version and deployment state from AppConfig, and the dry run.

The dry run renders the store as it is and the store with a proposed change (nothing is written),
both with ``gateway_config.render``, and answers the unified diff of each file.
"""

from __future__ import annotations

import copy
import difflib
import itertools
from typing import Any, Optional

import gateway_config
from functions.shared import overlay_store, store
from functions.shared.dynamo import plain

from .deps import Deps
from .errors import bad_request, not_found
from .models import ConfigStatus, DryRun, ProfileStatus
from .prices import check_target
from .reply import Reply
from .routing import check as check_routing, enabled_providers
from .teams import check_tier, stack_documents

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


def _apply(deps: Deps, base: dict[str, Any], teams: dict[str, dict[str, Any]], routing: Optional[dict[str, Any]],
           prices: dict[tuple[str, str], dict[str, Any]], change: DryRun, documents: Any) -> Optional[dict[str, Any]]:
    if change.routing is not None:
        check_routing(change.routing, enabled_providers(base))
        routing = change.routing.json_dict()
    for price in change.prices:
        provider, model = check_target(price.provider, price.model)
        if price.rates is None:
            prices.pop((provider, model), None)
        else:
            prices[(provider, model)] = {"provider": provider, "model": model, "rates": dict(price.rates)}
    for team in change.teams:
        if team.name not in teams:
            raise not_found(f"team {team.name}")
        item = teams[team.name]
        if team.tier is not None:
            check_tier(documents, team.tier)
            item["tier"] = team.tier
        if team.models is not None:
            item["models"] = sorted(set(team.models))
        if team.clear_models:
            item.pop("models", None)
        if team.limits is not None:
            item["limits"] = team.limits.json_dict()
        if team.status is not None:
            item["status"] = team.status
    for name in change.delete_teams:
        if teams.pop(name, None) is None:
            raise not_found(f"team {name}")
    return routing


def _render(base: dict[str, Any], overlay: dict[str, Any]) -> gateway_config.Rendered:
    try:
        return gateway_config.render(base, overlay)
    except ValueError as error:
        raise bad_request(f"the change does not render: {str(error)[:800]}") from None


def _diff(before: str, after: str, name: str) -> str:
    return "".join(difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                        fromfile=f"published/{name}", tofile=f"proposed/{name}"))


def dry_run(deps: Deps, change: DryRun) -> Reply:
    """Render the store with ``change`` applied and answer the diff; nothing is written or published."""
    documents = stack_documents(deps)
    base = dict(documents.base)
    teams = {plain(i)["name"]: plain(i) for i in deps.control.scan_all(store.TEAM_SK)}
    routing = deps.control.get(store.routing_key())
    routing = plain(routing) if routing else None
    prices = {(i["provider"], i["model"]): plain(i) for i in deps.control.query_all(store.PRICES_PK)}
    current = _render(base, overlay_store.merge(documents.overlay, teams.values(), routing, prices.values()))
    teams2, prices2 = copy.deepcopy(teams), copy.deepcopy(prices)
    routing2 = _apply(deps, base, teams2, copy.deepcopy(routing), prices2, change, documents)
    proposed = _render(base, overlay_store.merge(documents.overlay, teams2.values(), routing2, prices2.values()))
    diff = {"gateway": _diff(current.config_json, proposed.config_json, "gateway.json"),
            "catalog": _diff(current.catalog_json, proposed.catalog_json, "catalog.json")}
    return Reply(200, {"changed": any(diff.values()), "sha256": proposed.sha256(), "diff": diff})

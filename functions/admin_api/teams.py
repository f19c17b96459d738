"""Teams: a Cognito app client each (client_credentials, the invoke scope), stored in the control table.

Rotation without downtime (docs/adr/0016-admin-api-one-router.md): ``POST /teams/{team}/secret``
adds a second app client (new id and secret) to the team, so both work while callers switch;
``{"retire": "<old client id>"}`` then deletes the old one. A team holds at most two clients.
"""

from __future__ import annotations

from typing import Any, Optional

from functions.shared import store
from functions.shared.dynamo import plain
from functions.shared.store_snapshot import NoStackDocuments, StackDocuments, load_documents
from functions.shared.tables import StaleItem

from . import idempotency, rendering
from .deps import Deps
from .effects import audit, create_client, delete_client, publish
from .errors import ApiError, bad_request, conflict, not_found
from .http import decode_cursor, encode_cursor, etag, expected_version, request_hash
from .models import SecretRotate, SecretRotated, Team, TeamCreate, TeamCreated, TeamDetail, TeamUpdate
from .reply import Caller, Reply
from .usage import month_to_date

MAX_CLIENTS = 2
PENDING_CLIENT = "pending-render-check"
"""Stands in for the client id while a new team's render is checked (the client is created after)."""
PAGE = 50


def stack_documents(deps: Deps) -> StackDocuments:
    """The saved stack documents, or 409 when no ``pulumi up`` has published yet."""
    try:
        return load_documents(deps.control)
    except NoStackDocuments as error:
        raise ApiError(409, "stack_not_published", str(error)) from None


def load(deps: Deps, name: str) -> dict[str, Any]:
    """The stored team item, or 404."""
    item = deps.control.get(store.team_key(name))
    if item is None:
        raise not_found(f"team {name}")
    return plain(item)


def view(item: dict[str, Any]) -> dict[str, Any]:
    """A team item as the API's JSON (:class:`Team`)."""
    return Team(name=item["name"], client_ids=item["clientIds"], tier=item["tier"], status=item["status"],
                models=item.get("models"), limits=item.get("limits"), created_at=item["createdAt"],
                updated_at=item["updatedAt"], etag=etag(item["version"])).json_dict()


def _public(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k not in (store.PK, store.SK)}


def check_tier(documents: StackDocuments, tier: str) -> None:
    tiers = sorted((documents.base.get("tiers") or {}))
    if tier not in tiers:
        raise bad_request(f"tier {tier!r} is not a tier of this stack", {"tiers": tiers})


def create(deps: Deps, caller: Caller, body: TeamCreate) -> Reply:
    """Create a team and its first client; the secret is in this answer only."""
    key = idempotency.check_key(caller.idempotency_key) if caller.idempotency_key else None
    digest = request_hash("POST", "/teams", body.json_dict())
    if key:
        stored = idempotency.claim(deps.control, key, digest, deps.now())
        if stored is not None:
            return Reply(stored.status, stored.body, {**stored.headers, "Idempotent-Replayed": "true"})
    try:
        reply = _create(deps, caller, body)
    except Exception:
        if key:
            idempotency.release(deps.control, key)
        raise
    if key:
        replay_body = {**dict(reply.body or {}), "clientSecret": None}
        idempotency.complete(deps.control, key, digest, idempotency.Stored(reply.status, replay_body, reply.headers),
                             deps.now())
    return reply


def _create(deps: Deps, caller: Caller, body: TeamCreate) -> Reply:
    documents = stack_documents(deps)
    stack_teams = {t.get("name") for t in documents.overlay.get("teams") or []}
    if body.name in stack_teams or body.name == store.UNKNOWN_TEAM:
        raise conflict(f"team {body.name} is defined by the stack settings (auth.teamClients)")
    check_tier(documents, body.tier)
    if deps.control.get(store.team_key(body.name)) is not None:
        raise conflict(f"team {body.name} exists")
    now = deps.now().isoformat(timespec="seconds")
    item: dict[str, Any] = {**store.team_key(body.name), "name": body.name, "clientIds": [PENDING_CLIENT],
                            "tier": body.tier, "status": "active", "createdAt": now, "updatedAt": now,
                            store.VERSION: 1}
    if body.models is not None:
        item["models"] = sorted(set(body.models))
    if body.limits is not None:
        item["limits"] = body.limits.json_dict()
    rendering.check(deps, documents, team=item)  # before a client exists: a refused team leaves nothing
    client_id, secret = create_client(deps, body.name)
    item["clientIds"] = [client_id]
    try:
        deps.control.put(item, new=True)
    except StaleItem:
        delete_client(deps, client_id)
        raise conflict(f"team {body.name} exists") from None
    audit(deps, caller.actor, "team.create", f"team/{body.name}", None, _public(item))
    publish(deps, f"team {body.name} created", caller.actor)
    created = {**TeamCreated(**view(item), client_secret=secret).json_dict(), "clientSecret": secret}
    return Reply(201, created, {"ETag": etag(1), "Location": f"/teams/{body.name}"})


def list_teams(deps: Deps, cursor: Optional[str], limit: int) -> Reply:
    """One page of teams, sorted by name within the page; ``nextCursor`` when there is more."""
    start = decode_cursor(cursor, "TEAM#")
    items: list[dict[str, Any]] = []
    while True:  # a Scan page may hold no team (filter): read on until some or the end
        page, start = deps.control.scan_sort_key(store.TEAM_SK, limit=limit, start=start)
        items += [plain(i) for i in page]
        if items or start is None:
            break
    views = sorted((view(i) for i in items), key=lambda t: t["name"])
    return Reply(200, {"items": views, "nextCursor": encode_cursor(start)})


def get(deps: Deps, name: str) -> Reply:
    """A team with its month-to-date usage."""
    item = load(deps, name)
    detail = TeamDetail(**view(item), month_to_date=month_to_date(deps, name)).json_dict()
    return Reply(200, detail, {"ETag": etag(item["version"])})


def apply_update(documents: StackDocuments, item: dict[str, Any], change: TeamUpdate) -> None:
    """Lay ``change`` over a stored team ``item`` in place (a PATCH, or a dry run's team change)."""
    if change.tier is not None:
        check_tier(documents, change.tier)
        item["tier"] = change.tier
    if change.models is not None:
        item["models"] = sorted(set(change.models))
    if change.clear_models:
        item.pop("models", None)
    if change.limits is not None:
        item["limits"] = change.limits.json_dict()
    if change.status is not None:
        item["status"] = change.status


def update(deps: Deps, caller: Caller, name: str, body: TeamUpdate) -> Reply:
    """Change tier, limits, models or status (If-Match required)."""
    before = load(deps, name)
    version = expected_version(caller.if_match, before["version"])
    documents = stack_documents(deps)
    after = dict(before)
    apply_update(documents, after, body)
    after["updatedAt"] = deps.now().isoformat(timespec="seconds")
    after[store.VERSION] = before["version"] + 1
    rendering.check(deps, documents, team=after)
    _put(deps, after, version)
    action = {"suspended": "team.suspend", "active": "team.resume"}.get(body.status or "", "team.update")
    audit(deps, caller.actor, action, f"team/{name}", _public(before), _public(after))
    publish(deps, f"team {name} updated", caller.actor)
    return Reply(200, view(after), {"ETag": etag(after[store.VERSION])})


def _put(deps: Deps, item: dict[str, Any], version: Optional[int]) -> None:
    try:
        deps.control.put(item, expected_version=version)
    except StaleItem:
        raise ApiError(412, "precondition_failed", "the item changed since it was read (stale If-Match)") from None


def delete(deps: Deps, caller: Caller, name: str) -> Reply:
    """Delete the team's clients, the team and its budget, and publish so the gateway refuses its ids."""
    before = load(deps, name)
    version = expected_version(caller.if_match, before["version"], required=False)
    try:
        deps.control.delete(store.team_key(name), expected_version=version)
    except StaleItem:
        raise ApiError(412, "precondition_failed", "the team changed since it was read") from None
    deps.control.delete(store.budget_key(name))
    for client_id in before["clientIds"]:
        delete_client(deps, client_id)
    audit(deps, caller.actor, "team.delete", f"team/{name}", _public(before), None)
    publish(deps, f"team {name} deleted", caller.actor)
    return Reply(204, None)


def rotate(deps: Deps, caller: Caller, name: str, body: SecretRotate) -> Reply:
    """Add a client (new secret) or retire one; both steps publish the team's client list."""
    before = load(deps, name)
    version = expected_version(caller.if_match, before["version"], required=False)
    after = dict(before)
    new_id: Optional[str] = None
    secret: Optional[str] = None
    if body.retire is not None:
        if body.retire not in before["clientIds"]:
            raise not_found(f"client {body.retire} of team {name}")
        if len(before["clientIds"]) == 1:
            raise conflict("a team keeps at least one client: rotate first, then retire the old one")
        after["clientIds"] = [c for c in before["clientIds"] if c != body.retire]
    else:
        if len(before["clientIds"]) >= MAX_CLIENTS:
            raise conflict(f"team {name} has {MAX_CLIENTS} clients: retire the old one before rotating again",
                           {"clientIds": before["clientIds"]})
        new_id, secret = create_client(deps, name)
        after["clientIds"] = before["clientIds"] + [new_id]
    after["updatedAt"] = deps.now().isoformat(timespec="seconds")
    after[store.VERSION] = before["version"] + 1
    try:
        _put(deps, after, version)
    except ApiError:
        if new_id:
            delete_client(deps, new_id)
        raise
    if body.retire is not None:
        delete_client(deps, body.retire)
    action = "team.secret.retire" if body.retire else "team.secret.rotate"
    audit(deps, caller.actor, action, f"team/{name}", _public(before), _public(after))
    publish(deps, f"team {name} clients changed", caller.actor)
    result = SecretRotated(team=name, client_ids=after["clientIds"], client_id=new_id, client_secret=secret,
                           retired=body.retire, etag=etag(after[store.VERSION]))
    return Reply(200, result.json_dict(), {"ETag": etag(after[store.VERSION])})

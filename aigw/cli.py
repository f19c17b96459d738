"""The ``aigw`` commands: one per admin API method, tables for people, ``--json`` for scripts.

Connection (flags or environment): ``--api-url`` / ``AIGW_API_URL`` (the REST API stage URL),
``--token-url`` / ``AIGW_TOKEN_URL`` (``https://<domain>/oauth2/token``), ``--client-id`` /
``AIGW_CLIENT_ID`` and ``AIGW_CLIENT_SECRET`` (an admin app client; the secret only from the
environment, never a flag, so it stays out of shell history), ``--scope`` / ``AIGW_SCOPE`` (the
admin scope). ``AIGW_TOKEN`` skips the token endpoint. Without a client secret, ``--client-id``
is the people's (SSO) client and the token is the one ``aigw login`` cached for the person. Updates read the item first and send its
ETag as ``If-Match``, so a concurrent change is refused (412) rather than overwritten.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import uuid
from typing import Any, Callable, Mapping, Optional, Sequence, TextIO
from urllib.parse import quote

from .auth import ClientCredentials, StaticToken, TokenError, TokenSource
from .login import DEFAULT_PORT, DEFAULT_TIMEOUT_SECONDS, TokenCache, UserSession, browser_login, default_cache_file, token_claims
from .output import emit, fields, table
from .transport import Answer, HttpTransport, Transport


class CliError(RuntimeError):
    """A failure the CLI reports in one line (exit 1)."""


def _seg(text: str) -> str:
    return quote(text, safe="")


class Session:
    """One CLI run: the transport, the output stream and the output mode."""

    def __init__(self, transport: Transport, out: TextIO, as_json: bool) -> None:
        self.transport = transport
        self.out = out
        self.as_json = as_json

    def call(self, method: str, path: str, *, ok: Sequence[int] = (200,), **kwargs: Any) -> Answer:
        """Send a request; :class:`CliError` with the API's error when the status is not in ``ok``."""
        answer = self.transport.send(method, path, **kwargs)
        if answer.status not in ok:
            error = (answer.body or {}).get("error", {}) if isinstance(answer.body, dict) else {}
            details = error.get("details")
            suffix = f" {json.dumps(details, sort_keys=True)}" if details else ""
            raise CliError(f"{method} {path}: {answer.status} {error.get('code', '')}: "
                           f"{error.get('message', answer.body)}{suffix}")
        return answer

    def show(self, data: Any, human: str) -> None:
        """Print ``data`` (JSON) or its human form."""
        emit(self.out, data, self.as_json, human)

    def etag(self, path: str) -> str:
        """The ETag of the item at ``path`` (read before an update)."""
        answer = self.call("GET", path)
        tag = answer.headers.get("etag")
        if not tag:
            raise CliError(f"GET {path} answered no ETag")
        return tag


# --- teams --------------------------------------------------------------------------------------


def _team_rows(items: list[dict[str, Any]]) -> str:
    return table(([t["name"], t["tier"], t["status"], t["clientIds"], t.get("models")] for t in items),
                 ["team", "tier", "status", "client ids", "models"])


def _limits(args: argparse.Namespace) -> Optional[dict[str, int]]:
    limits = {k: v for k, v in (("requestsPerMinute", args.rpm), ("tokensPerMinute", args.tpm),
                                ("tokensPerDay", args.tpd)) if v is not None}
    return limits or None


def teams_list(s: Session, args: argparse.Namespace) -> None:
    query = {"limit": str(args.limit), **({"cursor": args.cursor} if args.cursor else {})}
    items: list[dict[str, Any]] = []
    while True:
        body = s.call("GET", "/teams", query=query).body
        items += body["items"]
        if not body.get("nextCursor") or not args.all:
            break
        query["cursor"] = body["nextCursor"]
    data = {"items": items, "nextCursor": None if args.all else body.get("nextCursor")}
    human = _team_rows(items) + (f"\nmore: --cursor {data['nextCursor']}" if data["nextCursor"] else "")
    s.show(data, human)


def teams_create(s: Session, args: argparse.Namespace) -> None:
    body: dict[str, Any] = {"name": args.name, "tier": args.tier}
    if args.models:
        body["models"] = args.models.split(",")
    if _limits(args):
        body["limits"] = _limits(args)
    key = args.idempotency_key or str(uuid.uuid4())
    created = s.call("POST", "/teams", ok=(201,), body=body, headers={"Idempotency-Key": key}).body
    human = fields({"team": created["name"], "tier": created["tier"], "client id": created["clientIds"][0],
                    "client secret": created.get("clientSecret") or "(not shown again)"})
    s.show(created, human + "\nstore the secret now: it is not shown again")


def teams_get(s: Session, args: argparse.Namespace) -> None:
    team = s.call("GET", f"/teams/{_seg(args.name)}").body
    mtd = team["monthToDate"]
    human = fields({"team": team["name"], "tier": team["tier"], "status": team["status"],
                    "client ids": team["clientIds"], "models": team.get("models"), "limits": team.get("limits"),
                    "month to date": f"{mtd['requests']} requests, {mtd['inputTokens']} in / "
                                     f"{mtd['outputTokens']} out tokens, ${mtd['costUsd']}"})
    s.show(team, human)


def _patch(s: Session, name: str, body: dict[str, Any]) -> None:
    path = f"/teams/{_seg(name)}"
    team = s.call("PATCH", path, body=body, headers={"If-Match": s.etag(path)}).body
    s.show(team, _team_rows([team]))


def teams_update(s: Session, args: argparse.Namespace) -> None:
    body: dict[str, Any] = {}
    if args.tier:
        body["tier"] = args.tier
    if args.models:
        body["models"] = args.models.split(",")
    if args.clear_models:
        body["clearModels"] = True
    if _limits(args):
        body["limits"] = _limits(args)
    if not body:
        raise CliError("teams update: give --tier, --models, --clear-models or a limit")
    _patch(s, args.name, body)


def teams_suspend(s: Session, args: argparse.Namespace) -> None:
    _patch(s, args.name, {"status": "suspended"})


def teams_resume(s: Session, args: argparse.Namespace) -> None:
    _patch(s, args.name, {"status": "active"})


def teams_rotate(s: Session, args: argparse.Namespace) -> None:
    path = f"/teams/{_seg(args.name)}/secret"
    body = {"retire": args.retire} if args.retire else {}
    result = s.call("POST", path, body=body, headers={"If-Match": s.etag(f"/teams/{_seg(args.name)}")}).body
    if args.retire:
        human = f"retired {args.retire}; clients now {','.join(result['clientIds'])}"
    else:
        human = fields({"team": result["team"], "new client id": result["clientId"],
                        "new client secret": result["clientSecret"], "clients": result["clientIds"]})
        human += "\nboth clients work; switch callers, then: aigw teams rotate " + \
                 f"{args.name} --retire <old client id>"
    s.show(result, human)


def teams_delete(s: Session, args: argparse.Namespace) -> None:
    path = f"/teams/{_seg(args.name)}"
    s.call("DELETE", path, ok=(204,), headers={"If-Match": s.etag(path)})
    s.show({"deleted": args.name}, f"deleted team {args.name} and its clients")


# --- budgets ------------------------------------------------------------------------------------


def _budget_human(b: dict[str, Any]) -> str:
    return fields({"team": b["team"], "monthly USD": b["monthlyUsd"], "monthly tokens": b.get("monthlyTokens"),
                   "thresholds %": b["thresholds"], "at 100 %": b["action"]})


def budgets_get(s: Session, args: argparse.Namespace) -> None:
    budget = s.call("GET", f"/teams/{_seg(args.team)}/budget").body
    s.show(budget, _budget_human(budget))


def budgets_set(s: Session, args: argparse.Namespace) -> None:
    path = f"/teams/{_seg(args.team)}/budget"
    existing = s.transport.send("GET", path)
    headers = {"If-Match": existing.headers["etag"]} if existing.status == 200 else {}
    body: dict[str, Any] = {"monthlyUsd": args.monthly_usd, "action": args.action,
                            "thresholds": [int(t) for t in args.thresholds.split(",")]}
    if args.monthly_tokens is not None:
        body["monthlyTokens"] = args.monthly_tokens
    budget = s.call("PUT", path, ok=(200, 201), body=body, headers=headers).body
    s.show(budget, _budget_human(budget))


def budgets_delete(s: Session, args: argparse.Namespace) -> None:
    s.call("DELETE", f"/teams/{_seg(args.team)}/budget", ok=(204,))
    s.show({"deleted": f"{args.team}/budget"}, f"removed the budget of {args.team}")


# --- prices -------------------------------------------------------------------------------------


def _price_rows(items: list[dict[str, Any]]) -> str:
    return table(([p["provider"], p["model"], p["rates"].get("input"), p["rates"].get("output"),
                   p["rates"].get("cacheRead"), p["rates"].get("cacheWrite"), p["source"]] for p in items),
                 ["provider", "model", "input", "output", "cache read", "cache write", "source"])


def prices_list(s: Session, args: argparse.Namespace) -> None:
    body = s.call("GET", "/prices").body
    s.show(body, _price_rows(body["items"]))


def prices_get(s: Session, args: argparse.Namespace) -> None:
    price = s.call("GET", f"/prices/{_seg(args.provider)}/{_seg(args.model)}").body
    s.show(price, _price_rows([price]))


RATE_FLAGS = (("input", "input"), ("output", "output"), ("cache_read", "cacheRead"), ("cache_write", "cacheWrite"),
              ("reasoning", "reasoning"))


def prices_set(s: Session, args: argparse.Namespace) -> None:
    rates = {field: getattr(args, flag) for flag, field in RATE_FLAGS if getattr(args, flag) is not None}
    if not rates:
        raise CliError("prices set: give at least one of --input, --output, --cache-read, --cache-write, --reasoning")
    path = f"/prices/{_seg(args.provider)}/{_seg(args.model)}"
    existing = s.transport.send("GET", path)
    headers = {"If-Match": existing.headers["etag"]} if existing.status == 200 and "etag" in existing.headers else {}
    price = s.call("PUT", path, ok=(200, 201), body={"rates": rates}, headers=headers).body
    s.show(price, _price_rows([price]))


def prices_delete(s: Session, args: argparse.Namespace) -> None:
    s.call("DELETE", f"/prices/{_seg(args.provider)}/{_seg(args.model)}", ok=(204,))
    s.show({"deleted": f"{args.provider}/{args.model}"}, f"removed the override of {args.provider}/{args.model}")


# --- routing, usage, config ---------------------------------------------------------------------


def _routing_human(r: dict[str, Any]) -> str:
    groups = r.get("fallbackGroups") or r["stackFallbackGroups"]
    return fields({"fallback order": " > ".join("+".join(g) for g in groups),
                   "from": "overrides" if r.get("fallbackGroups") else "stack settings",
                   "model aliases": r.get("modelAliases"), "enabled providers": r["enabledProviders"]})


def routing_get(s: Session, args: argparse.Namespace) -> None:
    routing = s.call("GET", "/routing").body
    s.show(routing, _routing_human(routing))


def routing_set(s: Session, args: argparse.Namespace) -> None:
    body: dict[str, Any] = {}
    if args.fallback:
        body["fallbackGroups"] = [group.split("+") for group in args.fallback.split(",")]
    if args.alias:
        body["modelAliases"] = dict(_pair(a) for a in args.alias)
    if args.pin:
        body["teamProviders"] = dict(_pair(p) for p in args.pin)
    current = s.call("GET", "/routing")
    headers = {"If-Match": current.headers["etag"]} if current.headers.get("etag") else {}
    routing = s.call("PUT", "/routing", body=body, headers=headers).body
    s.show(routing, _routing_human(routing))


def _pair(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name or not value:
        raise CliError(f"{text!r}: use name=value")
    return name, value


def usage_show(s: Session, args: argparse.Namespace) -> None:
    query = {"granularity": args.granularity, **({"team": args.team} if args.team else {}),
             **({"start": args.start} if args.start else {}), **({"end": args.end} if args.end else {}),
             **({"byModel": "true"} if args.by_model else {})}
    body = s.call("GET", "/usage", query=query).body
    rows = ([u["team"], u["period"], u.get("model"), u["requests"], u["inputTokens"], u["outputTokens"], u["costUsd"]]
            for u in body["items"])
    s.show(body, table(rows, ["team", "period", "model", "requests", "input", "output", "cost USD"])
           if body["items"] else f"no usage from {body['start']} to {body['end']}")


def config_status(s: Session, args: argparse.Namespace) -> None:
    body = s.call("GET", "/config").body
    rows = ([name, p["latestVersion"], p.get("deployedVersion"), p.get("deploymentState")]
            for name, p in (("gateway", body["gateway"]), ("catalog", body["catalog"])))
    s.show(body, table(rows, ["profile", "latest version", "deployed version", "state"]))


def config_dry_run(s: Session, args: argparse.Namespace) -> None:
    text = sys.stdin.read() if args.change == "-" else args.change
    try:
        change = json.loads(text)
    except ValueError as error:
        raise CliError(f"config dry-run: the change is not JSON ({error})") from None
    body = s.call("POST", "/config/dry-run", body=change).body
    human = ("no change to the published files" if not body["changed"]
             else "\n".join(d for d in body["diff"].values() if d).rstrip())
    s.show(body, human)


# --- people's sign-in (SSO) -----------------------------------------------------------------------


def _sso_client(args: argparse.Namespace) -> tuple[str, str]:
    missing = [n for n, v in (("--token-url/AIGW_TOKEN_URL", args.token_url),
                              ("--client-id/AIGW_CLIENT_ID (the stack output ssoClientId)", args.client_id)) if not v]
    if missing:
        raise CliError(f"to sign in set {', '.join(missing)}")
    return str(args.token_url), str(args.client_id)


def login(args: argparse.Namespace, out: TextIO, environ: Mapping[str, str]) -> None:
    """Browser sign-in (PKCE, loopback redirect); the tokens go to the cache file."""
    token_url, client_id = _sso_client(args)
    cache = TokenCache(default_cache_file(environ))

    def show(url: str) -> None:
        out.write(f"Opening the sign-in page; if no browser opens, visit:\n  {url}\n")
        out.flush()
        if not args.no_browser:
            import webbrowser

            webbrowser.open(url)

    tokens = browser_login(token_url, client_id, cache, port=args.port, identity_provider=args.idp,
                           open_browser=show, timeout=args.timeout)
    claims = token_claims(tokens.access_token)
    rights = " ".join(s for s in str(claims.get("scope", "")).split() if "/" in s) or "none"
    out.write(f"signed in as {claims.get('username', claims.get('sub', '?'))}; team {claims.get('team', 'none')};"
              f" scopes {rights}; tokens in {cache.path}\n")


def token(args: argparse.Namespace, out: TextIO, environ: Mapping[str, str]) -> None:
    """Print the person's access token (renewed when it expires within a minute), for curl."""
    token_url, client_id = _sso_client(args)
    out.write(UserSession(token_url, client_id, TokenCache(default_cache_file(environ))).access_token() + "\n")


def logout(args: argparse.Namespace, out: TextIO, environ: Mapping[str, str]) -> None:
    """Forget the cached tokens of this client."""
    token_url, client_id = _sso_client(args)
    cache = TokenCache(default_cache_file(environ))
    out.write("signed out\n" if cache.forget(token_url, client_id) else "not signed in\n")


# --- the parser ---------------------------------------------------------------------------------


def _limit_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rpm", type=int, help="requests per minute")
    parser.add_argument("--tpm", type=int, help="tokens per minute")
    parser.add_argument("--tpd", type=int, help="tokens per day")


def parser() -> argparse.ArgumentParser:
    """Every command and flag."""
    top = argparse.ArgumentParser(prog="aigw", description="Admin CLI of the AI gateway's control plane.")
    top.add_argument("--json", action="store_true", help="print the API's JSON")
    top.add_argument("--api-url", default=os.environ.get("AIGW_API_URL"))
    top.add_argument("--token-url", default=os.environ.get("AIGW_TOKEN_URL"))
    top.add_argument("--client-id", default=os.environ.get("AIGW_CLIENT_ID"))
    top.add_argument("--scope", default=os.environ.get("AIGW_SCOPE"))
    groups = top.add_subparsers(dest="group", required=True)

    def command(group: Any, name: str, run: Callable[[Session, argparse.Namespace], None],
                help_text: str) -> argparse.ArgumentParser:
        sub = group.add_parser(name, help=help_text)
        sub.set_defaults(run=run)
        return sub

    c = groups.add_parser("login", help="sign in through the company identity provider (browser, PKCE)")
    c.set_defaults(local=login)
    c.add_argument("--port", type=int, default=int(os.environ.get("AIGW_LOGIN_PORT") or DEFAULT_PORT),
                   help=f"loopback redirect port the stack registers (sso.cliPort, default {DEFAULT_PORT})")
    c.add_argument("--idp", help="identity provider name (skips the chooser when the stack has several)")
    c.add_argument("--no-browser", action="store_true", help="print the sign-in URL instead of opening it")
    c.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_SECONDS, help="seconds to wait for the sign-in")
    groups.add_parser("token", help="print the signed-in person's access token (for the gateway)").set_defaults(local=token)
    groups.add_parser("logout", help="forget the cached sign-in").set_defaults(local=logout)

    teams = groups.add_parser("teams", help="teams and their clients").add_subparsers(dest="command", required=True)
    c = command(teams, "list", teams_list, "list teams")
    c.add_argument("--cursor")
    c.add_argument("--limit", type=int, default=50)
    c.add_argument("--all", action="store_true", help="follow every page")
    c = command(teams, "create", teams_create, "create a team (prints its secret once)")
    c.add_argument("name")
    c.add_argument("--tier", default="standard")
    c.add_argument("--models", help="comma-separated model allow-list")
    c.add_argument("--idempotency-key", help="retry-safe create (default: a new key)")
    _limit_flags(c)
    command(teams, "get", teams_get, "a team with its month-to-date usage").add_argument("name")
    c = command(teams, "update", teams_update, "change tier, models or limits")
    c.add_argument("name")
    c.add_argument("--tier")
    c.add_argument("--models")
    c.add_argument("--clear-models", action="store_true")
    _limit_flags(c)
    command(teams, "suspend", teams_suspend, "refuse the team's calls").add_argument("name")
    command(teams, "resume", teams_resume, "accept the team's calls again").add_argument("name")
    c = command(teams, "rotate", teams_rotate, "add a client with a new secret, or --retire the old one")
    c.add_argument("name")
    c.add_argument("--retire", metavar="CLIENT_ID")
    command(teams, "delete", teams_delete, "delete a team and its clients").add_argument("name")

    budgets = groups.add_parser("budgets", help="team budgets").add_subparsers(dest="command", required=True)
    command(budgets, "get", budgets_get, "a team's budget").add_argument("team")
    c = command(budgets, "set", budgets_set, "set a team's budget")
    c.add_argument("team")
    c.add_argument("--monthly-usd", required=True)
    c.add_argument("--monthly-tokens", type=int)
    c.add_argument("--thresholds", default="50,80,100", help="comma-separated percents")
    c.add_argument("--action", choices=("alert", "block"), default="alert")
    command(budgets, "delete", budgets_delete, "remove a team's budget").add_argument("team")

    prices = groups.add_parser("prices", help="model prices").add_subparsers(dest="command", required=True)
    command(prices, "list", prices_list, "every priced model")
    for name, run in (("get", prices_get), ("set", prices_set), ("delete", prices_delete)):
        c = command(prices, name, run, f"{name} a price override")
        c.add_argument("provider", help="catalog provider key: anthropic, aws.bedrock, azure, gcp.gemini, openai")
        c.add_argument("model")
        if name == "set":
            for flag, _ in RATE_FLAGS:
                c.add_argument(f"--{flag.replace('_', '-')}", help="USD per 1M tokens (decimal)")

    routing = groups.add_parser("routing", help="routing overrides").add_subparsers(dest="command", required=True)
    command(routing, "get", routing_get, "the routing overrides")
    c = command(routing, "set", routing_set, "replace the routing overrides")
    c.add_argument("--fallback", help="groups in order, comma-separated; '+' joins a group: bedrock,anthropic")
    c.add_argument("--alias", action="append", help="model alias from=to (repeat)")
    c.add_argument("--pin", action="append", help="team=provider (refused: see docs/admin-api.md)")

    c = command(groups, "usage", usage_show, "usage per team (and model)")
    c.add_argument("--team")
    c.add_argument("--granularity", choices=("day", "month"), default="month")
    c.add_argument("--start")
    c.add_argument("--end")
    c.add_argument("--by-model", action="store_true")

    config = groups.add_parser("config", help="the published config").add_subparsers(dest="command", required=True)
    command(config, "status", config_status, "published version and deployment state")
    command(config, "dry-run", config_dry_run, "diff of a proposed change").add_argument(
        "change", help="the change as JSON (see docs/admin-api.md), or - for stdin")
    return top


def default_transport(args: argparse.Namespace, environ: Mapping[str, str]) -> Transport:
    """HTTPS with the token source the flags and environment name."""
    if not args.api_url:
        raise CliError("set --api-url or AIGW_API_URL (the admin API's stage URL)")
    tokens: TokenSource
    if environ.get("AIGW_TOKEN"):
        tokens = StaticToken(environ["AIGW_TOKEN"])
    elif environ.get("AIGW_CLIENT_SECRET"):
        missing = [n for n, v in (("--token-url/AIGW_TOKEN_URL", args.token_url),
                                  ("--client-id/AIGW_CLIENT_ID", args.client_id),
                                  ("--scope/AIGW_SCOPE", args.scope)) if not v]
        if missing:
            raise CliError(f"to get a token set {', '.join(missing)} (or AIGW_TOKEN)")
        tokens = ClientCredentials(args.token_url, args.client_id, environ["AIGW_CLIENT_SECRET"], args.scope)
    else:
        missing = [n for n, v in (("--token-url/AIGW_TOKEN_URL", args.token_url),
                                  ("--client-id/AIGW_CLIENT_ID", args.client_id)) if not v]
        if missing:
            raise CliError(f"to get a token set {', '.join(missing)}, then run `aigw login` (or set"
                           " AIGW_CLIENT_SECRET for an admin client, or AIGW_TOKEN)")
        tokens = UserSession(args.token_url, args.client_id, TokenCache(default_cache_file(environ)))
    return HttpTransport(args.api_url, tokens)


def main(argv: Sequence[str], *, transport: Optional[Transport] = None, out: TextIO = sys.stdout,
         err: TextIO = sys.stderr, environ: Optional[Mapping[str, str]] = None) -> int:
    """Run one command; 0 on success, 1 when the API or the token endpoint refused (one line on ``err``)."""
    args = parser().parse_args(list(argv))
    environ = os.environ if environ is None else environ
    try:
        if getattr(args, "local", None):
            args.local(args, out, environ)
            return 0
        session = Session(transport or default_transport(args, environ), out, args.json)
        args.run(session, args)
    except (CliError, TokenError, ValueError) as error:
        err.write(f"aigw: {error}\n")
        return 1
    return 0

"""A person's sign-in: ``aigw login`` (authorization code with PKCE, loopback redirect) and the
:class:`UserSession` token source that keeps the tokens fresh.

The flow (RFC 6749 code grant, RFC 7636 PKCE with ``S256``, RFC 8252 loopback redirect):

1. a random verifier, its SHA-256 challenge and a random ``state``;
2. a one-shot HTTP server on ``127.0.0.1:<port>`` (the people's client registers
   ``http://localhost:<port>/callback``); the browser opens Cognito's ``/oauth2/authorize``;
3. managed login sends the person to the company IdP and back to the loopback with ``code`` and
   ``state``; a wrong ``state`` is refused (a forged redirect), and the wait ends after a timeout;
4. the code and the verifier are exchanged at ``/oauth2/token`` (a public client: no secret).

Tokens are cached in ``<cache dir>/aigw/tokens.json`` (``$AIGW_CACHE_DIR``, else
``$XDG_CACHE_HOME``, else ``~/.cache``): the directory mode 700, the file 600, written atomically.
The cache is keyed by token endpoint and client id, so several stacks can be signed in at once.
An access token that expires within a minute is renewed with the refresh token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.server
import json
import os
import secrets
import threading
import time
import urllib.parse
import urllib.request
import webbrowser
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping, Optional

from .auth import EXPIRY_MARGIN_SECONDS, TokenError, token_request

DEFAULT_PORT = 8976
"""The loopback port the stack registers by default (``sso.cliPort``)."""
LOGIN_SCOPES = "openid email"
"""What ``aigw login`` asks for: identity only. The team and the admin scope come from the trigger."""
CALLBACK_PATH = "/callback"
DEFAULT_TIMEOUT_SECONDS = 300.0


def pkce_pair() -> tuple[str, str]:
    """(verifier, challenge): 64 random URL-safe characters and ``BASE64URL(SHA256(verifier))`` unpadded."""
    verifier = secrets.token_urlsafe(48)
    return verifier, s256(verifier)


def s256(verifier: str) -> str:
    """The ``S256`` code challenge of ``verifier``."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def check_endpoint(url: str, what: str) -> str:
    """``url`` if it is https (or http on 127.0.0.1/localhost, a local test server); else ValueError."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost")):
        return url
    raise ValueError(f"the {what} must be https://, got {url!r}")


def authorize_url_for(token_url: str) -> str:
    """Cognito's ``/oauth2/authorize`` beside a ``/oauth2/token`` endpoint."""
    if not token_url.rstrip("/").endswith("/oauth2/token"):
        raise ValueError(f"{token_url!r} is not a Cognito token endpoint (…/oauth2/token)")
    return token_url.rstrip("/")[: -len("token")] + "authorize"


def default_cache_file(environ: Mapping[str, str] = os.environ) -> Path:
    """Where tokens are cached (see the module docstring)."""
    if environ.get("AIGW_CACHE_DIR"):
        return Path(environ["AIGW_CACHE_DIR"]) / "tokens.json"
    base = Path(environ["XDG_CACHE_HOME"]) if environ.get("XDG_CACHE_HOME") else Path.home() / ".cache"
    return base / "aigw" / "tokens.json"


@dataclass(frozen=True)
class Tokens:
    """A person's tokens for one client: ``expires_at`` is the access token's end (epoch seconds)."""

    access_token: str
    expires_at: float
    refresh_token: Optional[str] = None
    id_token: Optional[str] = None


class TokenCache:
    """The token file: one entry per (token endpoint, client id); only its owner can read it."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @staticmethod
    def key(token_url: str, client_id: str) -> str:
        """The entry's key."""
        return f"{token_url} {client_id}"

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text())
        except FileNotFoundError:
            return {}
        except ValueError:
            return {}  # a damaged file is a signed-out state, not an error
        return data if isinstance(data, dict) else {}

    def load(self, token_url: str, client_id: str) -> Optional[Tokens]:
        """The cached tokens, or None."""
        entry = self._read().get(self.key(token_url, client_id))
        if not isinstance(entry, dict) or not isinstance(entry.get("access_token"), str):
            return None
        return Tokens(access_token=entry["access_token"], expires_at=float(entry.get("expires_at", 0)),
                      refresh_token=entry.get("refresh_token"), id_token=entry.get("id_token"))

    def save(self, token_url: str, client_id: str, tokens: Tokens) -> None:
        """Write the entry (directory 700, file 600, replaced atomically)."""
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(self.path.parent, 0o700)
        data = self._read()
        data[self.key(token_url, client_id)] = {k: v for k, v in tokens.__dict__.items() if v is not None}
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "w") as out:
                json.dump(data, out, indent=2, sort_keys=True)
            os.chmod(temporary, 0o600)
            os.replace(temporary, self.path)
        finally:
            if temporary.exists():
                temporary.unlink()

    def forget(self, token_url: str, client_id: str) -> bool:
        """Remove the entry; whether there was one."""
        data = self._read()
        if data.pop(self.key(token_url, client_id), None) is None:
            return False
        self.path.write_text(json.dumps(data, indent=2, sort_keys=True))
        return True


def _tokens(payload: Mapping[str, Any], now: float, previous_refresh: Optional[str] = None) -> Tokens:
    return Tokens(access_token=payload["access_token"], expires_at=now + float(payload.get("expires_in", 3600)),
                  # Cognito answers a refresh without a new refresh token (unless rotation is on).
                  refresh_token=payload.get("refresh_token") or previous_refresh, id_token=payload.get("id_token"))


class UserSession:
    """A :class:`~aigw.auth.TokenSource` from ``aigw login``'s cache: the cached access token, renewed
    with the refresh token when it expires within a minute; signed out is a :class:`TokenError`."""

    def __init__(self, token_url: str, client_id: str, cache: TokenCache, *,
                 opener: Callable[..., Any] = urllib.request.urlopen, clock: Callable[[], float] = time.time) -> None:
        self.token_url = check_endpoint(token_url, "token URL")
        self.client_id = client_id
        self.cache = cache
        self._open = opener
        self._clock = clock

    def access_token(self) -> str:
        """A valid access token (refreshed and re-cached when needed)."""
        tokens = self.cache.load(self.token_url, self.client_id)
        if tokens is None:
            raise TokenError("not signed in: run `aigw login` (or set AIGW_CLIENT_SECRET for an admin client)")
        if self._clock() < tokens.expires_at - EXPIRY_MARGIN_SECONDS:
            return tokens.access_token
        if not tokens.refresh_token:
            raise TokenError("the session has expired: run `aigw login` again")
        try:
            payload = token_request(self.token_url, {"grant_type": "refresh_token", "client_id": self.client_id,
                                                     "refresh_token": tokens.refresh_token}, opener=self._open)
        except TokenError as error:
            raise TokenError(f"the session could not be renewed ({error}): run `aigw login` again") from None
        fresh = _tokens(payload, self._clock(), tokens.refresh_token)
        self.cache.save(self.token_url, self.client_id, fresh)
        return fresh.access_token


class LoginError(TokenError):
    """The browser sign-in failed (state mismatch, an error from the authorization server, timeout)."""


class _Callback(http.server.BaseHTTPRequestHandler):
    """Takes the one redirect; everything else is 404."""

    server: "_LoopbackServer"

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        parts = urllib.parse.urlsplit(self.path)
        if parts.path != CALLBACK_PATH:
            self.send_error(404)
            return
        query = {k: v[0] for k, v in urllib.parse.parse_qs(parts.query).items()}
        self.server.result = query
        ok = "code" in query and hmac.compare_digest(query.get("state", ""), self.server.expected_state)
        body = (b"<p>Signed in. You can close this window and go back to the terminal.</p>" if ok
                else b"<p>Sign-in failed. Go back to the terminal for the reason.</p>")
        self.send_response(200 if ok else 400)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - keep the terminal quiet
        return


class _LoopbackServer(http.server.HTTPServer):
    def __init__(self, port: int, expected_state: str) -> None:
        super().__init__(("127.0.0.1", port), _Callback)
        self.expected_state = expected_state
        self.result: Optional[dict[str, str]] = None


def browser_login(token_url: str, client_id: str, cache: TokenCache, *, port: int = DEFAULT_PORT,
                  scopes: str = LOGIN_SCOPES, identity_provider: Optional[str] = None,
                  open_browser: Callable[[str], Any] = webbrowser.open, timeout: float = DEFAULT_TIMEOUT_SECONDS,
                  opener: Callable[..., Any] = urllib.request.urlopen, clock: Callable[[], float] = time.time,
                  authorize_url: Optional[str] = None) -> Tokens:
    """Sign a person in through the browser and cache the tokens (see the module docstring)."""
    check_endpoint(token_url, "token URL")
    authorize = check_endpoint(authorize_url or authorize_url_for(token_url), "authorize URL")
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(24)
    redirect_uri = f"http://localhost:{port}{CALLBACK_PATH}"
    params = {"response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri, "scope": scopes,
              "state": state, "code_challenge": challenge, "code_challenge_method": "S256"}
    if identity_provider:
        params["identity_provider"] = identity_provider  # skips the provider chooser of managed login
    try:
        server = _LoopbackServer(port, state)
    except OSError as error:
        raise LoginError(f"cannot listen on 127.0.0.1:{port} ({error.strerror}); pass --port "
                         "with the port the stack registers (sso.cliPort)") from None
    with server:
        server.timeout = 0.5
        deadline = time.monotonic() + timeout
        thread = threading.Thread(target=_serve_until_result, args=(server, deadline), daemon=True)
        thread.start()
        open_browser(f"{authorize}?{urllib.parse.urlencode(params)}")
        thread.join(timeout + 1)
        result = server.result
    if result is None:
        raise LoginError(f"no sign-in arrived within {timeout:g} s")
    if not hmac.compare_digest(result.get("state", ""), state):
        raise LoginError("the redirect's state does not match this login (a forged or stale redirect): refused")
    if "error" in result:
        raise LoginError(f"the sign-in was refused: {result['error']} {result.get('error_description', '')}".strip())
    if not result.get("code"):
        raise LoginError("the redirect carries no authorization code")
    payload = token_request(token_url, {"grant_type": "authorization_code", "client_id": client_id,
                                        "code": result["code"], "redirect_uri": redirect_uri,
                                        "code_verifier": verifier}, opener=opener)
    tokens = _tokens(payload, clock())
    cache.save(token_url, client_id, tokens)
    return tokens


def _serve_until_result(server: _LoopbackServer, deadline: float) -> None:
    while server.result is None and time.monotonic() < deadline:
        server.handle_request()


def token_claims(token: str) -> dict[str, Any]:
    """The (unverified) claims of a JWT, to show who is signed in; the API verifies the token."""
    try:
        payload = token.split(".")[1]
        return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return {}

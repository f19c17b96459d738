"""``aigw login`` against a local fake authorization server (http.server in a thread): PKCE S256,
the state check, the timeout, the refresh, and the token file's modes."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import socket
import stat
import threading
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Optional

import pytest

from aigw.auth import TokenError
from aigw.cli import default_transport, main, parser
from aigw.login import (
    LoginError,
    TokenCache,
    UserSession,
    authorize_url_for,
    browser_login,
    pkce_pair,
    s256,
    token_claims,
)

CLIENT = "people0client"


def _jwt(claims: dict[str, Any]) -> str:
    part = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()  # noqa: E731
    return f"{part({'alg': 'none'})}.{part(claims)}.sig"


class FakeCognito:
    """``/oauth2/authorize`` (signs the 'browser' in at once, or answers as told) and ``/oauth2/token``
    (authorization_code with PKCE verification, refresh_token)."""

    def __init__(self) -> None:
        self.codes: dict[str, dict[str, str]] = {}
        self.token_requests: list[dict[str, str]] = []
        self.refresh_tokens = {"r-1"}
        self.issued = 0
        self.redirect_state: Optional[str] = None  # set to send back another state
        self.redirect_error: Optional[str] = None
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return

            def do_GET(self) -> None:  # noqa: N802
                url = urllib.parse.urlsplit(self.path)
                q = {k: v[0] for k, v in urllib.parse.parse_qs(url.query).items()}
                if url.path != "/oauth2/authorize" or q.get("client_id") != CLIENT:
                    self.send_error(404)
                    return
                code = f"code-{len(fake.codes)}"
                fake.codes[code] = q
                back = {"state": fake.redirect_state or q["state"]}
                back.update({"error": fake.redirect_error} if fake.redirect_error else {"code": code})
                self.send_response(302)
                self.send_header("Location", f"{q['redirect_uri']}?{urllib.parse.urlencode(back)}")
                self.end_headers()

            def do_POST(self) -> None:  # noqa: N802
                form = {k: v[0] for k, v in urllib.parse.parse_qs(
                    self.rfile.read(int(self.headers["Content-Length"])).decode()).items()}
                fake.token_requests.append(form)
                status, body = fake.token(form, self.headers.get("Authorization"))
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def token_url(self) -> str:
        return f"{self.base}/oauth2/token"

    def token(self, form: dict[str, str], authorization: Optional[str]) -> tuple[int, dict[str, Any]]:
        if authorization or form.get("client_id") != CLIENT:
            return 400, {"error": "invalid_client"}
        self.issued += 1
        access = _jwt({"sub": "a1b2", "username": "corp_jane", "team": "ml", "client_id": CLIENT,
                       "scope": "openid https://gateway.internal/invoke", "n": self.issued})
        if form.get("grant_type") == "authorization_code":
            asked = self.codes.pop(form.get("code", ""), None)
            if asked is None or asked["redirect_uri"] != form.get("redirect_uri"):
                return 400, {"error": "invalid_grant"}
            if asked["code_challenge_method"] != "S256" or s256(form.get("code_verifier", "")) != asked["code_challenge"]:
                return 400, {"error": "invalid_grant", "error_description": "PKCE verification failed"}
            return 200, {"access_token": access, "id_token": "id", "refresh_token": "r-1", "expires_in": 3600,
                         "token_type": "Bearer"}
        if form.get("grant_type") == "refresh_token" and form.get("refresh_token") in self.refresh_tokens:
            return 200, {"access_token": access, "id_token": "id2", "expires_in": 3600, "token_type": "Bearer"}
        return 400, {"error": "invalid_grant"}


@pytest.fixture
def idp():
    fake = FakeCognito()
    fake.thread.start()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def browser(seen: list[str]) -> Callable[[str], None]:
    """A 'browser' that follows the authorize URL to the loopback redirect, in a thread."""

    def open_url(url: str) -> None:
        seen.append(url)

        def visit() -> None:
            try:
                # The redirect goes to http://localhost:<port>/callback as registered; localhost_is_127
                # makes it reach the CLI's 127.0.0.1 listener.
                urllib.request.urlopen(url, timeout=10).read()
            except urllib.error.HTTPError:
                pass  # the loopback answers 400 to a refused redirect

        threading.Thread(target=visit, daemon=True).start()

    return open_url


@pytest.fixture(autouse=True)
def localhost_is_127(monkeypatch):
    """Resolve ``localhost`` to 127.0.0.1 only, as the loopback server binds there."""
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        return real("127.0.0.1" if host == "localhost" else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_pkce_pair_is_s256_of_a_long_random_verifier():
    verifier, challenge = pkce_pair()
    assert 43 <= len(verifier) <= 128 and verifier != pkce_pair()[0]
    expected = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    assert challenge == expected and "=" not in challenge
    # RFC 7636 appendix B.
    assert s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_login_exchanges_the_code_with_the_verifier_and_caches_tokens_privately(idp, tmp_path):
    cache = TokenCache(tmp_path / "cfg" / "aigw" / "tokens.json")
    seen: list[str] = []
    port = free_port()
    tokens = browser_login(idp.token_url, CLIENT, cache, port=port, open_browser=browser(seen), timeout=10,
                           identity_provider="corp")
    asked = urllib.parse.parse_qs(urllib.parse.urlsplit(seen[0]).query)
    assert urllib.parse.urlsplit(seen[0]).path == "/oauth2/authorize"
    assert asked["response_type"] == ["code"] and asked["code_challenge_method"] == ["S256"]
    assert asked["redirect_uri"] == [f"http://localhost:{port}/callback"] and asked["identity_provider"] == ["corp"]
    exchange = idp.token_requests[0]
    assert exchange["grant_type"] == "authorization_code" and s256(exchange["code_verifier"]) == asked["code_challenge"][0]
    assert "client_secret" not in exchange
    assert token_claims(tokens.access_token)["team"] == "ml" and tokens.refresh_token == "r-1"
    assert stat.S_IMODE(cache.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(cache.path.parent.stat().st_mode) == 0o700
    assert cache.load(idp.token_url, CLIENT) == tokens
    assert not list(cache.path.parent.glob(".*tmp"))


def test_a_redirect_with_another_state_is_refused_and_nothing_is_cached(idp, tmp_path):
    idp.redirect_state = "forged"
    cache = TokenCache(tmp_path / "tokens.json")
    with pytest.raises(LoginError, match="state does not match"):
        browser_login(idp.token_url, CLIENT, cache, port=free_port(), open_browser=browser([]), timeout=10)
    assert idp.token_requests == [] and not cache.path.exists()


def test_an_error_from_the_authorization_server_is_reported(idp, tmp_path):
    idp.redirect_error = "access_denied"
    with pytest.raises(LoginError, match="access_denied"):
        browser_login(idp.token_url, CLIENT, TokenCache(tmp_path / "t.json"), port=free_port(),
                      open_browser=browser([]), timeout=10)


def test_no_sign_in_within_the_timeout_is_an_error(idp, tmp_path):
    with pytest.raises(LoginError, match="within 0.5 s"):
        browser_login(idp.token_url, CLIENT, TokenCache(tmp_path / "t.json"), port=free_port(),
                      open_browser=lambda url: None, timeout=0.5)


def test_a_wrong_verifier_is_refused_by_the_token_endpoint(idp, tmp_path, monkeypatch):
    import aigw.login as login_module

    monkeypatch.setattr(login_module, "pkce_pair", lambda: ("v" * 50, s256("another verifier" * 3)))
    with pytest.raises(TokenError, match="PKCE verification failed"):
        browser_login(idp.token_url, CLIENT, TokenCache(tmp_path / "t.json"), port=free_port(),
                      open_browser=browser([]), timeout=10)


def test_the_session_refreshes_before_expiry_and_keeps_the_refresh_token(idp, tmp_path):
    now = [1000.0]
    cache = TokenCache(tmp_path / "tokens.json")
    browser_login(idp.token_url, CLIENT, cache, port=free_port(), open_browser=browser([]), timeout=10,
                  clock=lambda: now[0])
    session = UserSession(idp.token_url, CLIENT, cache, clock=lambda: now[0])
    first = session.access_token()
    assert session.access_token() == first and len(idp.token_requests) == 1
    now[0] += 3600 - 59  # within the last minute: renewed
    second = session.access_token()
    assert second != first and idp.token_requests[-1] == {"grant_type": "refresh_token", "client_id": CLIENT,
                                                          "refresh_token": "r-1"}
    cached = cache.load(idp.token_url, CLIENT)
    assert cached.access_token == second and cached.refresh_token == "r-1" and cached.expires_at == now[0] + 3600
    assert stat.S_IMODE(cache.path.stat().st_mode) == 0o600
    idp.refresh_tokens.clear()  # revoked
    now[0] += 3600
    with pytest.raises(TokenError, match="aigw login"):
        session.access_token()


def test_signed_out_is_one_clear_error(tmp_path):
    session = UserSession("https://auth.example.com/oauth2/token", CLIENT, TokenCache(tmp_path / "none.json"))
    with pytest.raises(TokenError, match="run `aigw login`"):
        session.access_token()
    (tmp_path / "bad.json").write_text("{not json")
    assert TokenCache(tmp_path / "bad.json").load("u", CLIENT) is None
    with pytest.raises(ValueError, match="https"):
        UserSession("http://auth.example.com/oauth2/token", CLIENT, TokenCache(tmp_path / "t.json"))
    assert authorize_url_for("https://d.auth.us-east-1.amazoncognito.com/oauth2/token") == \
        "https://d.auth.us-east-1.amazoncognito.com/oauth2/authorize"


def test_the_cli_logs_in_and_admin_commands_then_use_the_cached_token(idp, tmp_path, monkeypatch):
    import webbrowser

    seen: list[str] = []
    monkeypatch.setattr(webbrowser, "open", browser(seen))
    environ = {"AIGW_CACHE_DIR": str(tmp_path / "cache")}
    out, err = io.StringIO(), io.StringIO()
    port = free_port()
    argv = ["--token-url", idp.token_url, "--client-id", CLIENT]
    assert main([*argv, "login", "--port", str(port), "--timeout", "10"], out=out, err=err, environ=environ) == 0, err.getvalue()
    assert "signed in as corp_jane; team ml" in out.getvalue() and seen
    assert stat.S_IMODE((tmp_path / "cache" / "tokens.json").stat().st_mode) == 0o600
    # No client secret: the admin commands' token source is the person's cached session.
    args = parser().parse_args([*argv, "--api-url", "https://api.example.com/v1", "teams", "list"])
    transport = default_transport(args, environ)
    assert isinstance(transport.tokens, UserSession)
    assert token_claims(transport.tokens.access_token())["username"] == "corp_jane"
    out = io.StringIO()
    assert main([*argv, "token"], out=out, environ=environ) == 0
    assert token_claims(out.getvalue().strip())["team"] == "ml"
    out = io.StringIO()
    assert main([*argv, "logout"], out=out, environ=environ) == 0 and out.getvalue() == "signed out\n"
    err = io.StringIO()
    assert main([*argv, "--api-url", "https://api.example.com/v1", "teams", "list"], err=err, environ=environ) == 1
    assert "not signed in" in err.getvalue()

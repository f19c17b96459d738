"""Where the CLI's access token comes from: a :class:`TokenSource`.

:class:`ClientCredentials` asks the Cognito domain's ``/oauth2/token`` for an admin client's token
(``client_credentials`` grant, stdlib urllib) and keeps it until a minute before it expires. A
person signs in once with ``aigw login`` (``aigw/login.py``: authorization code with PKCE); the
:class:`~aigw.login.UserSession` token source then reads the cached tokens and refreshes them
through the same :func:`token_request`.
"""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Callable, Optional, Protocol

EXPIRY_MARGIN_SECONDS = 60


class TokenSource(Protocol):
    """Gives a valid access token for the admin API."""

    def access_token(self) -> str:
        """A bearer token carrying the admin scope."""
        ...


class TokenError(RuntimeError):
    """The token endpoint refused or answered something unusable (the message says which)."""


class StaticToken:
    """A token given as is (``AIGW_TOKEN``), e.g. from another tool."""

    def __init__(self, token: str) -> None:
        self._token = token

    def access_token(self) -> str:
        """The token."""
        return self._token


class ClientCredentials:
    """An admin app client's ``client_credentials`` token from the Cognito domain."""

    def __init__(self, token_url: str, client_id: str, client_secret: str, scope: str, *,
                 opener: Callable[..., Any] = urllib.request.urlopen, clock: Callable[[], float] = time.time) -> None:
        if not token_url.startswith("https://"):
            raise ValueError(f"the token URL must be https://, got {token_url!r}")
        self.token_url = token_url
        self.client_id = client_id
        self._secret = client_secret
        self.scope = scope
        self._open = opener
        self._clock = clock
        self._token: Optional[str] = None
        self._expires = 0.0

    def access_token(self) -> str:
        """A cached token, or a new one when none is left or it expires within a minute."""
        if self._token is None or self._clock() >= self._expires - EXPIRY_MARGIN_SECONDS:
            self._token, lifetime = self._fetch()
            self._expires = self._clock() + lifetime
        return self._token

    def _fetch(self) -> tuple[str, float]:
        basic = base64.b64encode(f"{self.client_id}:{self._secret}".encode()).decode()
        payload = token_request(self.token_url, {"grant_type": "client_credentials", "scope": self.scope},
                                opener=self._open, headers={"Authorization": f"Basic {basic}"})
        return payload["access_token"], float(payload.get("expires_in", 3600))


def token_request(url: str, form: dict[str, str], *, opener: Callable[..., Any] = urllib.request.urlopen,
                  headers: Optional[dict[str, str]] = None) -> dict[str, Any]:
    """POST an OAuth 2.0 token request (form-encoded); the JSON answer, which has an ``access_token``.

    :class:`TokenError` when the endpoint refuses (its status and the start of its answer) or the
    answer is unusable.
    """
    request = urllib.request.Request(url, data=urllib.parse.urlencode(form).encode(), method="POST")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with opener(request, timeout=30) as response:
            payload = json.loads(response.read().decode())
    except urllib.error.HTTPError as error:
        detail = error.read().decode()[:300]
        raise TokenError(f"the token endpoint answered {error.code}: {detail}") from None
    except (urllib.error.URLError, OSError) as error:
        raise TokenError(f"the token endpoint is unreachable: {getattr(error, 'reason', error)}") from None
    except ValueError:
        raise TokenError("the token endpoint's answer is not JSON") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("access_token"), str) or not payload["access_token"]:
        raise TokenError("the token endpoint's answer has no access_token")
    return payload

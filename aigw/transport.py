"""How the CLI reaches the admin API: over HTTPS (stdlib urllib), or in-process for tests.

A transport takes a method, a path with its query, headers and a JSON body, and answers an
:class:`Answer`. :class:`InProcessTransport` builds the REST API proxy event API Gateway would
send (with the authorizer's claims) and calls a handler directly: the README's walk-through runs
through it against moto.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional, Protocol

from .auth import TokenSource


@dataclass(frozen=True)
class Answer:
    """An HTTP answer: status, headers (lower-case names) and the JSON body (None when empty)."""

    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    body: Any = None


class Transport(Protocol):
    """Sends one request to the admin API."""

    def send(self, method: str, path: str, *, query: Optional[Mapping[str, str]] = None,
             headers: Optional[Mapping[str, str]] = None, body: Any = None) -> Answer:
        """One request; ``path`` starts with ``/`` and has URL-encoded segments."""
        ...


def _parse(text: Optional[str]) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return {"error": {"code": "not_json", "message": text[:500], "details": {}}}


class HttpTransport:
    """HTTPS to the API's stage URL with a bearer token from a :class:`TokenSource`."""

    def __init__(self, base_url: str, tokens: TokenSource, timeout: float = 30.0,
                 opener: Callable[..., Any] = urllib.request.urlopen) -> None:
        if not base_url.startswith("https://"):
            raise ValueError(f"the admin API URL must be https://, got {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self.tokens = tokens
        self.timeout = timeout
        self._open = opener

    def send(self, method: str, path: str, *, query: Optional[Mapping[str, str]] = None,
             headers: Optional[Mapping[str, str]] = None, body: Any = None) -> Answer:
        url = self.base_url + path + (("?" + urllib.parse.urlencode(dict(query))) if query else "")
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header("Authorization", f"Bearer {self.tokens.access_token()}")
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with self._open(request, timeout=self.timeout) as response:
                return Answer(response.status, {k.lower(): v for k, v in response.headers.items()},
                              _parse(response.read().decode()))
        except urllib.error.HTTPError as error:
            return Answer(error.code, {k.lower(): v for k, v in (error.headers or {}).items()},
                          _parse(error.read().decode()))


def rest_event(method: str, path: str, *, query: Optional[Mapping[str, str]] = None,
               headers: Optional[Mapping[str, str]] = None, body: Any = None,
               claims: Optional[Mapping[str, str]] = None) -> dict[str, Any]:
    """The REST API (v1) proxy event API Gateway sends for this request after its Cognito authorizer."""
    raw_path = path.split("?", 1)[0]
    decoded = "/".join(urllib.parse.unquote(part) for part in raw_path.split("/"))
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    return {
        "resource": decoded,
        "path": decoded,
        "httpMethod": method,
        "headers": all_headers,
        "multiValueHeaders": {k: [v] for k, v in all_headers.items()},
        "queryStringParameters": dict(query) if query else None,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} if query else None,
        "pathParameters": None,
        "stageVariables": None,
        "body": None if body is None else json.dumps(body),
        "isBase64Encoded": False,
        "requestContext": {"resourcePath": decoded, "httpMethod": method, "stage": "v1", "path": f"/v1{decoded}",
                           "authorizer": {"claims": dict(claims or {})}},
    }


class InProcessTransport:
    """Calls a Lambda handler directly with the event API Gateway would send (tests, the README check)."""

    def __init__(self, handler: Callable[[Mapping[str, Any], Any], Mapping[str, Any]],
                 claims: Mapping[str, str]) -> None:
        self.handler = handler
        self.claims = dict(claims)

    def send(self, method: str, path: str, *, query: Optional[Mapping[str, str]] = None,
             headers: Optional[Mapping[str, str]] = None, body: Any = None) -> Answer:
        result = self.handler(rest_event(method, path, query=query, headers=headers, body=body, claims=self.claims),
                              None)
        response_headers = {k.lower(): v for k, v in (result.get("headers") or {}).items()}
        for name, values in (result.get("multiValueHeaders") or {}).items():
            response_headers.setdefault(name.lower(), values[0] if values else "")
        return Answer(int(result["statusCode"]), response_headers, _parse(result.get("body")))

"""The CLI's pieces: the token source, the HTTPS transport, errors, and the commands the walk-through skips."""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.parse
from email.message import Message

import pytest
from moto import mock_aws

from aigw.auth import ClientCredentials, StaticToken, TokenError
from aigw.cli import main
from aigw.transport import HttpTransport
from tests.functions.admin_api.world import World


class FakeResponse:
    def __init__(self, status: int, body: dict, headers: dict | None = None) -> None:
        self.status = status
        self._body = json.dumps(body).encode()
        self.headers = headers or {}

    def read(self) -> bytes:
        return self._body

    def __enter__(self):
        return self

    def __exit__(self, *_):
        return False


class Opener:
    """Records requests and answers from a queue."""

    def __init__(self, *answers) -> None:
        self.answers = list(answers)
        self.requests = []

    def __call__(self, request, timeout):
        self.requests.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def test_client_credentials_posts_the_grant_with_basic_auth_and_caches_until_near_expiry():
    now = [1000.0]
    opener = Opener(FakeResponse(200, {"access_token": "t1", "expires_in": 3600}),
                    FakeResponse(200, {"access_token": "t2", "expires_in": 3600}))
    source = ClientCredentials("https://auth.example.com/oauth2/token", "cid", "sec", "gw/admin", opener=opener,
                               clock=lambda: now[0])
    assert source.access_token() == "t1" and source.access_token() == "t1"
    request = opener.requests[0]
    assert request.get_method() == "POST" and request.get_header("Authorization") == "Basic Y2lkOnNlYw=="
    assert urllib.parse.parse_qs(request.data.decode()) == {"grant_type": ["client_credentials"], "scope": ["gw/admin"]}
    now[0] += 3600 - 59
    assert source.access_token() == "t2"


def test_the_token_endpoint_refusing_is_one_clear_error():
    refused = urllib.error.HTTPError("https://a", 400, "Bad", Message(), io.BytesIO(b'{"error":"invalid_client"}'))
    source = ClientCredentials("https://a.example.com/oauth2/token", "c", "s", "x", opener=Opener(refused))
    with pytest.raises(TokenError, match="400.*invalid_client"):
        source.access_token()
    with pytest.raises(ValueError, match="https"):
        ClientCredentials("http://a", "c", "s", "x")


def test_the_https_transport_sends_the_bearer_token_json_and_headers_and_reads_errors():
    opener = Opener(FakeResponse(201, {"name": "p"}, {"ETag": '"1"'}),
                    urllib.error.HTTPError("u", 412, "x", Message(), io.BytesIO(b'{"error": {"code": "precondition_failed"}}')))
    transport = HttpTransport("https://api.example.com/v1/", StaticToken("tok"), opener=opener)
    ok = transport.send("POST", "/teams", body={"name": "p"}, headers={"Idempotency-Key": "k"}, query={"a": "b c"})
    assert (ok.status, ok.headers, ok.body) == (201, {"etag": '"1"'}, {"name": "p"})
    request = opener.requests[0]
    assert request.full_url == "https://api.example.com/v1/teams?a=b+c"
    assert request.get_header("Authorization") == "Bearer tok" and request.get_header("Idempotency-key") == "k"
    assert json.loads(request.data) == {"name": "p"}
    stale = transport.send("PATCH", "/teams/p", body={})
    assert stale.status == 412 and stale.body["error"]["code"] == "precondition_failed"


def test_missing_connection_settings_are_named_in_one_line():
    err = io.StringIO()
    assert main(["teams", "list"], environ={}, err=err) == 1
    assert err.getvalue().startswith("aigw: set --api-url")
    err = io.StringIO()
    assert main(["--api-url", "https://api.example.com", "teams", "list"], environ={}, err=err) == 1
    assert "AIGW_CLIENT_SECRET" in err.getvalue() and err.getvalue().count("\n") == 1


@pytest.fixture
def world(aws_credentials):  # noqa: F811
    with mock_aws():
        yield World()


def _run(world, *argv, claims=None):
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), transport=world.transport(claims), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_an_api_error_exits_1_with_the_code_and_message(world):
    code, _, err = _run(world, "teams", "get", "ghost")
    assert code == 1 and err == "aigw: GET /teams/ghost: 404 not_found: team ghost does not exist\n"
    code, _, err = _run(world, "teams", "list", claims={"client_id": "c", "scope": "gw/invoke"})
    assert code == 1 and "403 forbidden" in err


def test_retire_delete_budgets_prices_and_a_refused_pin(world):
    assert _run(world, "teams", "create", "payments")[0] == 0
    first = world.call("GET", "/teams/payments").body["clientIds"][0]
    assert _run(world, "teams", "rotate", "payments")[0] == 0
    code, out, _ = _run(world, "teams", "rotate", "payments", "--retire", first)
    assert code == 0 and f"retired {first}" in out
    assert _run(world, "budgets", "set", "payments", "--monthly-usd", "10")[0] == 0
    assert _run(world, "budgets", "set", "payments", "--monthly-usd", "20")[0] == 0, "an update sends the ETag"
    code, out, _ = _run(world, "--json", "budgets", "get", "payments")
    assert json.loads(out)["monthlyUsd"] == "20"
    assert _run(world, "budgets", "delete", "payments")[0] == 0
    assert _run(world, "prices", "set", "openai", "gpt-x", "--input", "1")[0] == 0
    assert _run(world, "prices", "set", "openai", "gpt-x", "--output", "2")[0] == 0
    code, out, _ = _run(world, "prices", "get", "openai", "gpt-x")
    assert code == 0 and "override" in out
    assert _run(world, "prices", "list")[0] == 0
    assert _run(world, "prices", "delete", "openai", "gpt-x")[0] == 0
    code, _, err = _run(world, "routing", "set", "--pin", "payments=bedrock")
    assert code == 1 and "501 not_supported" in err
    assert _run(world, "routing", "get")[0] == 0
    code, out, _ = _run(world, "teams", "list", "--all")
    assert code == 0 and "payments" in out
    assert _run(world, "teams", "delete", "payments")[0] == 0
    assert world.call("GET", "/teams/payments").status == 404

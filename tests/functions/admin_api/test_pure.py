"""Pure pieces: the DynamoDB codec, ETags and preconditions, cursors, request hashes, settings, claims."""

from __future__ import annotations

from decimal import Decimal

import pytest

from functions.admin_api.claims import actor_of, has_scope
from functions.admin_api.errors import ApiError
from functions.admin_api.http import decode_cursor, encode_cursor, etag, expected_version, request_hash
from functions.admin_api.settings import ENV_VARS, AdminSettings
from functions.shared.dynamo import from_item, plain, to_item
from functions.shared.env import MissingEnvironment


def test_the_codec_round_trips_and_refuses_floats():
    value = {"s": "x", "n": Decimal("1.25"), "i": 3, "b": True, "none": None, "l": ["a", 1], "m": {"k": "v"}}
    assert plain(from_item(to_item(value))) == {**value, "n": Decimal("1.25")}
    with pytest.raises(TypeError, match="Decimal"):
        to_item({"f": 1.5})


@pytest.mark.parametrize("if_match, current, required, expected", [
    (None, None, True, None), (None, 3, False, 3), ('"3"', 3, True, 3), ('W/"3"', 3, True, 3), ("*", 3, True, 3)])
def test_preconditions_that_pass(if_match, current, required, expected):
    assert expected_version(if_match, current, required=required) == expected


@pytest.mark.parametrize("if_match, current, status", [(None, 3, 428), ('"2"', 3, 412), ('"1"', None, 412), ("*", None, 412)])
def test_preconditions_that_fail(if_match, current, status):
    with pytest.raises(ApiError) as raised:
        expected_version(if_match, current)
    assert raised.value.status == status
    assert etag(3) == '"3"'


def test_cursors_are_opaque_and_only_ours_decode():
    key = {"pk": "TEAM#a", "sk": "TEAM"}
    cursor = encode_cursor(key)
    assert cursor and "TEAM#" not in cursor and decode_cursor(cursor, "TEAM#") == key
    assert encode_cursor(None) is None and decode_cursor(None, "TEAM#") is None
    for bad in ("x", "c1.!!!", encode_cursor({"pk": "PRICES", "sk": "x"}), "c1." + "e30"):
        with pytest.raises(ApiError) as raised:
            decode_cursor(bad, "TEAM#")
        assert raised.value.status == 400


def test_the_request_hash_ignores_key_order_but_not_values():
    assert request_hash("POST", "/teams", {"a": 1, "b": 2}) == request_hash("POST", "/teams", {"b": 2, "a": 1})
    assert request_hash("POST", "/teams", {"a": 1}) != request_hash("POST", "/teams", {"a": 2})


def test_settings_name_every_missing_variable_and_check_the_token_lifetime():
    with pytest.raises(MissingEnvironment) as raised:
        AdminSettings.from_env({})
    assert all(name in str(raised.value) for name in ENV_VARS)
    environ = {name: "x" for name in ENV_VARS}
    with pytest.raises(ValueError, match="ACCESS_TOKEN_MINUTES"):
        AdminSettings.from_env({**environ, "ACCESS_TOKEN_MINUTES": "2"})
    assert AdminSettings.from_env({**environ, "ACCESS_TOKEN_MINUTES": "60"}).access_token_minutes == 60


def test_the_scope_is_matched_as_a_whole_token_and_the_actor_prefers_the_client_id():
    assert has_scope({"scope": "a/b gw/admin"}, "gw/admin")
    assert not has_scope({"scope": "gw/administrator"}, "gw/admin") and not has_scope({}, "gw/admin")
    assert actor_of({"client_id": "c", "sub": "s"}) == "c" and actor_of({"username": "u", "sub": "s"}) == "u"
    assert actor_of({"sub": "s"}) == "s" and actor_of({}) == "unknown"
    # A person's access token (SSO): the people's client id is shared by everyone, the user name is theirs.
    person = {"sub": "a1b2", "client_id": "people", "username": "corp_jane@example.com",
              "scope": "openid https://gateway.internal/admin", "token_use": "access"}
    assert actor_of(person) == "corp_jane@example.com" and has_scope(person, "https://gateway.internal/admin")

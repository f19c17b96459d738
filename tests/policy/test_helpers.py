"""Pure helpers of the rule modules: secret heuristics, CIDR breadth, permission parsing."""

from __future__ import annotations

import pytest
from pulumi_policy.proxy import UnknownValueError, unknown_checking_proxy

from policy.rules.values import InvalidDocument, Pending, SecretValueError, get, json_document, peek, present
from policy.rules.network import INGRESS_RULE, SECURITY_GROUP, is_broad, is_world, permissions
from policy.rules.plaintext import name_looks_secret, value_looks_secret

from .policy_fixtures import UNKNOWN


@pytest.mark.parametrize("name", ["OPENAI_API_KEY", "anthropicApiKey", "DB_PASSWORD", "GITHUB_TOKEN",
                                  "CLIENT_SECRET", "PRIVATE_KEY", "APIKEY"])
def test_secret_names(name: str) -> None:
    assert name_looks_secret(name)


@pytest.mark.parametrize("name", ["OPENAI_API_KEY_SECRET_ARN", "MAX_TOKENS", "TOKEN_LIMIT", "KMS_KEY_ID",
                                  "AWS_REGION", "JWKS_URL", "AOT_CONFIG_CONTENT", "MONKEY_COUNT"])
def test_reference_and_setting_names(name: str) -> None:
    assert not name_looks_secret(name)


def test_allowed_names_are_exempt() -> None:
    assert not name_looks_secret("PUBLIC_KEY", ["PUBLIC_KEY"])


@pytest.mark.parametrize("value", [
    "sk-ant-api03-" + "a1B2c3D4" * 4, "AKIAIOSFODNN7EXAMPLE", "AIza" + "B" * 35, "ghp_" + "a" * 36,
    "-----BEGIN RSA PRIVATE KEY-----\nabc", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTYifQ.c2lnbmF0dXJl",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "[secret]",
])
def test_secret_values(value: str) -> None:
    assert value_looks_secret(value)


@pytest.mark.parametrize("value", [
    "info", "4096", "us-east-1", "sha256:" + "ab12" * 16, "0f8e1c2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b",
    "arn:aws:secretsmanager:us-east-1:123456789012:secret:openai-AbCdEf",
    "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123", "receivers:\n  otlp: {}\n", "",
])
def test_configuration_values(value: str) -> None:
    assert not value_looks_secret(value)


@pytest.mark.parametrize("cidr, world, broad", [
    ("0.0.0.0/0", True, True), ("::/0", True, True), ("10.0.0.0/8", False, True),
    ("10.20.0.0/16", False, False), ("203.0.113.7/32", False, False), ("2001:db8::/32", False, True),
    ("2001:db8::/56", False, False), ("not-a-cidr", False, False),
])
def test_cidr_classes(cidr: str, world: bool, broad: bool) -> None:
    assert (is_world(cidr), is_broad(cidr)) == (world, broad)


def test_permissions_of_each_shape() -> None:
    rule = unknown_checking_proxy({"ipProtocol": "-1", "cidrIpv4": "0.0.0.0/0"})
    [perm] = list(permissions(INGRESS_RULE, rule, "ingress"))
    assert (perm.protocol, perm.from_port, perm.to_port, perm.covers(22)) == ("all", 0, 65535, True)
    assert list(permissions(INGRESS_RULE, rule, "egress")) == []
    group = unknown_checking_proxy({"ingress": [{"protocol": "6", "fromPort": 80.0, "toPort": 443.0,
                                                 "cidrBlocks": ["::/0"]}]})
    [perm] = list(permissions(SECURITY_GROUP, group, "ingress"))
    assert (perm.protocol, perm.covers(443), perm.covers(22), perm.is_exactly({443})) == ("tcp", True, False, False)


def test_unknown_cidr_raises() -> None:
    rule = unknown_checking_proxy({"ipProtocol": "tcp", "cidrIpv4": UNKNOWN})
    with pytest.raises(UnknownValueError):
        list(permissions(INGRESS_RULE, rule, "ingress"))


def test_value_helpers_on_proxies() -> None:
    props = unknown_checking_proxy({"a": {"b": [1, UNKNOWN]}, "s": UNKNOWN, "e": ""})
    assert get(props, "a", "b", 0) == 1 and get(props, "a", "x") is None and get(props, "a", "b", 5) is None
    assert present(props, "s") and not present(props, "e") and not present(props, "missing")
    assert peek(props, "s") == UNKNOWN and peek(get(props, "a", "b"), 1) == UNKNOWN
    with pytest.raises(UnknownValueError):
        get(props, "a", "b", 1)


def test_json_document() -> None:
    assert json_document(None, "policy") is None
    assert get(json_document('{"Statement": []}', "policy"), "Statement") is not None
    with pytest.raises(SecretValueError):
        json_document("[secret]", "policy")
    with pytest.raises(InvalidDocument):
        json_document("{", "policy")
    nested = json_document(f'[{{"image": "{UNKNOWN}"}}]', "containerDefinitions")
    with pytest.raises(UnknownValueError) as error:
        nested[0]["image"]
    assert error.value.props == ["containerDefinitions", "0", "image"]


def test_pending_reraises_the_first_unknown_after_the_block() -> None:
    pending, done = Pending(), []
    for value in (1, UNKNOWN, 3):
        with pending.attempt():
            if value == UNKNOWN:
                raise UnknownValueError(UNKNOWN, [f"item{value}"])
            done.append(value)
    assert done == [1, 3]
    with pytest.raises(UnknownValueError):
        pending.settle()

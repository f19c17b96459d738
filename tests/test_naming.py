"""Physical names and tags."""

from hypothesis import given, strategies as st

from components.naming import Naming


def test_names_embed_project_and_stack():
    n = Naming("ai-gateway", "prod")
    assert n.prefix == "ai-gateway-prod"
    assert n.physical("gateway") == "ai-gateway-prod-gateway"
    assert n.path("gateway") == "/ai-gateway/prod/gateway"


def test_long_names_are_shortened_stably_and_stay_distinct():
    a = Naming("ai-gateway", "feature-branch-with-a-long-name")
    short1, short2 = a.physical("gateway", max_length=32), a.physical("gateway", max_length=32)
    assert short1 == short2 and len(short1) <= 32
    assert a.physical("gateway", 32) != Naming("ai-gateway", "feature-branch-with-a-long-nam3").physical("gateway", 32)


def test_tags_fixed_keys_win():
    tags = Naming("ai-gateway", "dev").tags("dev", {"team": "platform", "stack": "spoofed"})
    assert tags == {"team": "platform", "project": "ai-gateway", "stack": "dev", "environment": "dev", "managed-by": "pulumi"}


@given(stack=st.text(alphabet="abcdefghijklmnopqrstuvwxyzABC0123456789-_.", min_size=1, max_size=60),
       role=st.sampled_from(["alb", "gateway", "tg", "logs"]))
def test_names_are_aws_safe(stack, role):
    name = Naming("ai-gateway", stack).physical(role, max_length=32)
    assert len(name) <= 32
    assert all(c.islower() or c.isdigit() or c == "-" for c in name)

"""Team rules when people sign in: on a people's (SSO) client the token's ``team`` claim names the
team; on any other client the claim is ignored, so a machine client cannot choose its team."""

from __future__ import annotations

from gateway_config.model import GatewayOverlay, Team
from gateway_config.teams import caller_team_expression, members_condition

ALPHA = Team(name="alpha", client_ids=["m2m-alpha"])
BETA = Team(name="beta", client_ids=["m2m-beta"], status="suspended")


def test_without_people_clients_the_team_is_the_client_ids_owner() -> None:
    assert caller_team_expression([ALPHA, BETA]) == '{"m2m-alpha": "alpha", "m2m-beta": "beta"}[jwt.client_id]'
    assert members_condition([BETA]) == 'jwt.client_id in ["m2m-beta"]'


def test_the_claim_counts_only_on_people_clients() -> None:
    expression = caller_team_expression([ALPHA, BETA], ["people"])
    assert expression == ('(jwt.client_id in ["people"] ? jwt.team : '
                          '{"m2m-alpha": "alpha", "m2m-beta": "beta"}[jwt.client_id])')
    assert members_condition([BETA], ["people"]) == (
        '(jwt.client_id in ["m2m-beta"] || (jwt.client_id in ["people"] && jwt.team in ["beta"]))')


def test_no_teams_no_expression() -> None:
    assert caller_team_expression(GatewayOverlay().teams, ["people"]) is None

"""Control plane: the admin API (API Gateway REST API, its Lambda) and the tables it keeps."""

from __future__ import annotations

from typing import Annotated, Optional

from pydantic import Field

from .model import SettingsModel


class ControlPlaneSettings(SettingsModel):
    """The admin API and its DynamoDB tables (see docs/adr/0017)."""

    enabled: Optional[bool] = None
    """Deploy the admin API and the control and usage tables. Default: on whenever
    ``auth.jwtValidation`` is (the gateway tells teams apart by their token's client id, so without
    JWT validation a team the API creates would mean nothing); ``true`` without it is refused."""
    manage_api_gateway_account: bool = False
    """This stack sets API Gateway's account-level CloudWatch Logs role (``aws.apigateway.Account``,
    one per account and region, needed for the stage's access logs). Exactly one stack per account
    and region says ``true``; two stacks that both manage it overwrite each other. Default false."""
    throttle_rate_per_second: Annotated[int, Field(ge=1, le=10000)] = 10
    """Steady-state requests per second the stage accepts across all methods (a person or CI job
    administering the gateway needs few). Default 10."""
    throttle_burst: Annotated[int, Field(ge=1, le=5000)] = 20
    """Requests the stage accepts in a burst above the steady rate. Default 20."""
    stage_name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9]{0,15}$")] = "v1"
    """Stage name: the last path segment of ``adminApiUrl``. Default v1."""
    function_concurrency: Annotated[int, Field(ge=1, le=50)] = 5
    """Reserved concurrency of the admin function (a bound on parallel admin requests). Default 5."""
    table_deletion_protection: Optional[bool] = None
    """DynamoDB deletion protection of the control and usage tables. Default: the environment's
    deletion-protection default (on in prod, where turning it off is refused)."""

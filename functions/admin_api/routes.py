"""Every method of the admin API: the one list the handlers and the REST API's resources share.

Pure data (no Powertools, no Pulumi): the Pulumi component builds one API Gateway resource per
path segment and one method per entry; the router registers a handler per entry, and a test checks
the two agree. Only ``PUBLIC`` methods skip the Cognito authorizer (the health check).
"""

from __future__ import annotations

from typing import NamedTuple


class Route(NamedTuple):
    """One method: HTTP verb and API Gateway path template (``{name}`` parameters)."""

    method: str
    path: str


PUBLIC = frozenset({Route("GET", "/health")})
"""Methods without authorization."""

ROUTES: tuple[Route, ...] = (
    Route("GET", "/health"),
    Route("GET", "/teams"),
    Route("POST", "/teams"),
    Route("GET", "/teams/{team}"),
    Route("PATCH", "/teams/{team}"),
    Route("DELETE", "/teams/{team}"),
    Route("POST", "/teams/{team}/secret"),
    Route("GET", "/teams/{team}/budget"),
    Route("PUT", "/teams/{team}/budget"),
    Route("DELETE", "/teams/{team}/budget"),
    Route("GET", "/prices"),
    Route("GET", "/prices/{provider}/{model}"),
    Route("PUT", "/prices/{provider}/{model}"),
    Route("DELETE", "/prices/{provider}/{model}"),
    Route("GET", "/routing"),
    Route("PUT", "/routing"),
    Route("GET", "/usage"),
    Route("GET", "/config"),
    Route("POST", "/config/dry-run"),
)
"""``POST /teams/{team}/secret`` rotates the team's client secret. A model id in a path is URL-encoded."""

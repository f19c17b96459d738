"""Pure agentgateway configuration: what the Pulumi program and the Lambdas render, with no Pulumi import.

``render(base, overlay)`` gives both files a gateway reads (the watched config and the model
catalog) as deterministic JSON; ``checks`` holds the checks a file must pass before delivery (the
tests and the validator Lambda run the same ones); ``prices`` the shipped price table.
"""

from .model import GatewayBase, GatewayOverlay, Team
from .render import Rendered, content_hash, render, startup_fingerprint

__all__ = ["GatewayBase", "GatewayOverlay", "Rendered", "Team", "content_hash", "render", "startup_fingerprint"]

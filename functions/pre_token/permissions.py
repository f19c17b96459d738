"""Every AWS call the pre-token trigger's code makes: none (it only reads its event and environment).

Its role holds only what every function has (its log streams, trace upload); Cognito invokes it
through a resource-based permission scoped to the stack's user pool.
"""

from __future__ import annotations

CALLS: dict[str, tuple[str, ...]] = {}

"""Pulumi entry point: load settings, build the gateway, export its outputs."""

import pulumi

from components.gateway import AiGateway
from components.settings import SettingsError, load_from_pulumi

try:
    gateway = AiGateway("ai-gateway", load_from_pulumi())
except SettingsError as err:
    # RunError prints the one-line message without a Python traceback.
    raise pulumi.RunError(str(err)) from None
for key, value in gateway.outputs.items():
    pulumi.export(key, value)

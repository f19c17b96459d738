"""Pulumi entry point of the bootstrap project: load settings, build, export the outputs.

The Pulumi CLI runs this directory as the program (``runpy`` puts only ``bootstrap/`` on
``sys.path``). The bootstrap shares pure modules with the gateway (``components.naming``,
``components.renderers.policy_documents``) and is itself the package ``bootstrap`` of the
repository, so the repository root goes on the path first; tests and the offline synth, which run
from the root, import the same modules the same way (docs/adr: bootstrap project).
"""

import sys
from pathlib import Path

REPOSITORY = str(Path(__file__).resolve().parent.parent)
if REPOSITORY not in sys.path:
    sys.path.insert(0, REPOSITORY)

import pulumi  # noqa: E402

from bootstrap.program import Bootstrap  # noqa: E402
from bootstrap.settings import SettingsError, load_from_pulumi  # noqa: E402

try:
    bootstrap = Bootstrap("bootstrap", load_from_pulumi())
except SettingsError as err:
    raise pulumi.RunError(str(err)) from None
for key, value in bootstrap.outputs.items():
    pulumi.export(key, value)

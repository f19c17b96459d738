"""The project's stacks and their environment classes, for workflows and scripts.

``python -m tools.stacks`` prints ``{"dev": [...], "staging": [...], "prod": [...], "all": [...]}``:
the stack names of every ``Pulumi.<stack>.yaml`` grouped by the environment their settings declare,
as JSON a GitHub Actions matrix can take. ``--environment-of <stack>`` prints one stack's class.
Invalid stack files end with exit 2 and one line, as in synth.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Optional

from components.settings import SettingsError, parse_settings
from components.settings.environments import ENVIRONMENTS

from .stack_config import StackFileError, load_stack_config
from .stack_names import StackNameError, parse_stack_name

ROOT = Path(__file__).resolve().parent.parent


def stack_names(root: Path = ROOT) -> list[str]:
    """Names of the stacks that have a stack file, sorted."""
    return sorted(p.name[len("Pulumi."):-len(".yaml")] for p in root.glob("Pulumi.*.yaml"))


def environment_of(stack: str, root: Path = ROOT) -> str:
    """The environment class a stack's (validated) settings declare."""
    cfg = load_stack_config(root, parse_stack_name(stack).stack)
    return parse_settings(cfg.values, cfg.secret_keys).settings.environment


def by_environment(root: Path = ROOT) -> dict[str, list[str]]:
    """Stack names grouped by environment class, plus ``all``."""
    groups: dict[str, list[str]] = {env: [] for env in ENVIRONMENTS}
    for name in stack_names(root):
        groups[environment_of(name, root)].append(name)
    return {**groups, "all": stack_names(root)}


def main(argv: Optional[list[str]] = None) -> int:
    """CLI entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m tools.stacks", description=__doc__.splitlines()[0])
    parser.add_argument("--environment-of", metavar="STACK", help="print one stack's environment class")
    args = parser.parse_args(argv)
    try:
        if args.environment_of:
            print(environment_of(args.environment_of))
        else:
            print(json.dumps(by_environment()))
    except (StackNameError, StackFileError, SettingsError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Offline synth: run the program under mocks for one stack and write what it would deploy.

``python -m tools.synth --stack prod`` (``make synth STACK=prod``) writes ``build/<stack>/``:
``inventory.json``, the rendered ``agentgateway.yaml`` and ``collector.yaml`` (taken from the
task definition, i.e. exactly what would be deployed), ``iam-policies.json`` (every IAM document
the stack deploys, with its actions by service), ``policy-report.json``; and prints a summary.
Exit status: 0 ok, 1 mandatory policy violations, 2 invalid stack file or settings.

``--project bootstrap`` does the same for the Pulumi project in that directory (its own
``Pulumi.yaml`` and stack files), writing ``build/<project dir>-<stack>/`` and checking it with
``policy/config/<project dir>.json``.
"""

from __future__ import annotations

import argparse
import json
import runpy
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Optional

import pulumi
import yaml

from components.settings import SettingsError, parse_settings

from .harness import Inventory, run_program
from .iam_report import iam_policies
from .stack_config import StackFileError, load_stack_config

ROOT = Path(__file__).resolve().parent.parent


def project_name(root: Optional[Path] = None) -> str:
    """The project name from ``Pulumi.yaml``."""
    root = root or ROOT
    return str(yaml.safe_load((root / "Pulumi.yaml").read_text())["name"])


def synthesize(stack: str, *, root: Optional[Path] = None, preview: bool = False) -> Inventory:
    """Validate the stack's settings and run the real entry point under mocks.

    Raises ``StackFileError`` or ``SettingsError`` for bad input (another project's program
    reports its settings errors itself, as ``pulumi.RunError``).
    """
    root = root or ROOT
    cfg = load_stack_config(root, stack)
    if root == ROOT:
        parse_settings(cfg.values, cfg.secret_keys)  # fail fast, with the one-line message
    entry = str(root / "__main__.py")
    return run_program(
        lambda: runpy.run_path(entry, run_name="__main__"),
        project=project_name(root),
        stack=stack,
        config=cfg.values,
        secret_keys=cfg.secret_keys,
        preview=preview,
    )


def rendered_configs(inventory: Inventory) -> dict[str, str]:
    """The agentgateway and collector YAML carried by the task definition, by file name."""
    files: dict[str, str] = {}
    for task in inventory.of_type("aws:ecs/taskDefinition:TaskDefinition"):
        raw = task.inputs.get("containerDefinitions")
        if not isinstance(raw, str) or not raw.startswith("["):
            continue
        for container in json.loads(raw):
            command = container.get("command") or []
            if "-c" in command:
                files["agentgateway.yaml"] = command[command.index("-c") + 1]
            for env in container.get("environment") or []:
                if env.get("name") == "AOT_CONFIG_CONTENT":
                    files["collector.yaml"] = env["value"]
    return files


def policy_report(inventory: Inventory, config_name: Optional[str] = None) -> Optional[dict[str, Any]]:
    """Run the policy pack offline on the inventory (None when the pack is not present)."""
    try:
        from policy import check
    except ImportError:
        return None
    doc = inventory.to_json()
    violations = check.evaluate(doc, check.load_config(config_name or inventory.stack))
    return {"violations": violations}


def summary(inventory: Inventory, report: Optional[dict[str, Any]]) -> str:
    """A short human summary: resources by type, outputs, policy result."""
    lines = [f"stack {inventory.project}/{inventory.stack}: {len(inventory.resources)} registrations"]
    for type_, count in sorted(Counter(r.type for r in inventory.resources).items()):
        lines.append(f"  {count:3d}  {type_}")
    lines.append("outputs:")
    for key, value in sorted(inventory.outputs.items()):
        lines.append(f"  {key} = {json.dumps(value)}")
    if report is None:
        lines.append("policy: pack not present")
    else:
        levels = Counter(v["enforcement"] for v in report["violations"])
        lines.append(f"policy: {levels.get('mandatory', 0)} mandatory, {levels.get('advisory', 0)} advisory")
        for v in report["violations"]:
            lines.append(f"  [{v['enforcement']}] {v['policy']}: {v['urn'].rsplit('::', 1)[-1]}: {v['message']}")
    return "\n".join(lines)


def main(argv: Optional[list[str]] = None) -> int:
    """CLI entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stack", default="dev")
    parser.add_argument("--project", default=".", help="directory of the Pulumi project (default: the gateway)")
    parser.add_argument("--out", default=str(ROOT / "build"))
    parser.add_argument("--preview", action="store_true", help="mock a preview: computed values unknown")
    args = parser.parse_args(argv)
    project_dir = (ROOT / args.project).resolve()
    other = project_dir != ROOT.resolve()
    try:
        inventory = synthesize(args.stack, root=project_dir if other else None, preview=args.preview)
    except (StackFileError, SettingsError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except pulumi.RunError as err:  # a settings problem only the program can see (e.g. a derived name)
        print(f"error: {err}", file=sys.stderr)
        return 2
    out = Path(args.out) / (f"{project_dir.name}-{args.stack}" if other else args.stack)
    out.mkdir(parents=True, exist_ok=True)
    (out / "inventory.json").write_text(json.dumps(inventory.to_json(), indent=2, sort_keys=False) + "\n")
    for file_name, text in rendered_configs(inventory).items():
        (out / file_name).write_text(text)
    (out / "iam-policies.json").write_text(json.dumps(iam_policies(inventory), indent=2) + "\n")
    report = policy_report(inventory, project_dir.name) if other else policy_report(inventory)
    if report is not None:
        (out / "policy-report.json").write_text(json.dumps(report, indent=2) + "\n")
    print(summary(inventory, report))
    print(f"wrote {out}")
    if report and any(v["enforcement"] == "mandatory" for v in report["violations"]):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

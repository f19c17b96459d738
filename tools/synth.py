"""Offline synth: run the program under mocks for one stack and write what it would deploy.

``bin/synth --stack prod`` (``make synth STACK=prod``) writes ``build/<stack>/``:
``inventory.json``; ``agentgateway.json`` and ``catalog.json``, rendered from the base and overlay
the deploy publishes exactly as the publisher Lambda renders them; ``collector.yaml`` (from the
task definition); ``lambda/*.zip`` (the functions' code); ``iam-policies.json`` (every IAM document
the stack deploys, with its actions by service), ``policy-report.json`` and ``synth.json``
(environment, policy config, result, and ``mirror``: the image repository, what a first deploy
creates before copying images into it, and which images ``bin/mirror-images`` copies, see
``tools/mirror_plan.py``); and prints a summary. Everything is rendered under mocks:
ids, ARNs and the account number are fakes, the same in every stack.

``--project bootstrap`` does the same for the Pulumi project in that directory (its own
``Pulumi.yaml`` and stack files), writing ``build/<project dir>-<stack>/`` and checking it with
``policy/config/<project dir>.json``.

Exit status: 0 ok, 1 mandatory policy violations, 2 invalid stack name, stack file or settings
(one line on stderr). The stack's previous ``build/<stack>/`` is removed first, so a failed run
never leaves a stale inventory behind.
"""

from __future__ import annotations

import argparse
import json
import os
import runpy
import shutil
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Optional, Sequence

import pulumi
import yaml

import gateway_config
from gateway_config import prices
from gateway_config.render import routed_models

from components.lambda_code import BUILD_DIR_ENV
from components.settings import SettingsError, parse_settings
from components.settings.environments import policy_config_path

from .cost import summary_line as cost_summary_line
from .harness import Inventory, run_program
from .published import published_documents
from .iam_report import iam_policies
from .mirror_plan import mirror_plan
from .stack_config import StackFileError, load_stack_config
from .stack_names import StackNameError, parse_stack_name

ROOT = Path(__file__).resolve().parent.parent
OFFLINE_NOTE = ("rendered offline by `make synth` under Pulumi mocks: ids, ARNs and the account number are"
                " fakes, identical across stacks; a real deployment fills in its own")


def project_name(root: Optional[Path] = None) -> str:
    """The project name from ``Pulumi.yaml``."""
    root = root or ROOT
    return str(yaml.safe_load((root / "Pulumi.yaml").read_text())["name"])


def synthesize(stack: str, *, root: Optional[Path] = None, preview: bool = False,
               build_dir: Optional[Path] = None) -> Inventory:
    """Validate the stack's settings and run the real entry point under mocks.

    The program builds its Lambda zips under ``build_dir/<stack>/lambda`` (default ``build/``).
    Raises ``StackFileError`` or ``SettingsError`` for bad input (another project's program
    reports its settings errors itself, as ``pulumi.RunError``).
    """
    root = root or ROOT
    cfg = load_stack_config(root, stack)
    if root == ROOT:
        parse_settings(cfg.values, cfg.secret_keys)  # fail fast, with the one-line message
    entry = str(root / "__main__.py")
    previous = os.environ.get(BUILD_DIR_ENV)
    if build_dir is not None:
        os.environ[BUILD_DIR_ENV] = str(build_dir)
    try:
        return run_program(
            lambda: runpy.run_path(entry, run_name="__main__"),
            project=project_name(root),
            stack=stack,
            config=cfg.values,
            secret_keys=cfg.secret_keys,
            preview=preview,
        )
    finally:
        if previous is None:
            os.environ.pop(BUILD_DIR_ENV, None)
        else:
            os.environ[BUILD_DIR_ENV] = previous


def stack_settings(stack: str, root: Optional[Path] = None):
    """The validated settings of a gateway stack file (``LoadedSettings``)."""
    cfg = load_stack_config(root or ROOT, stack)
    return parse_settings(cfg.values, cfg.secret_keys)


def rendered_configs(inventory: Inventory) -> dict[str, str]:
    """The files the deploy delivers, by name: the gateway config and model catalog exactly as the
    publisher renders them from the published base and overlay, and the collector YAML from the
    task definition."""
    files: dict[str, str] = {}
    documents = published_documents(inventory)
    if documents is not None:
        rendered = gateway_config.render(documents["base"], documents["overlay"])
        files["agentgateway.json"] = rendered.config_json
        files["catalog.json"] = rendered.catalog_json
    for task in inventory.of_type("aws:ecs/taskDefinition:TaskDefinition"):
        raw = task.inputs.get("containerDefinitions")
        if not isinstance(raw, str) or not raw.startswith("["):
            continue
        for container in json.loads(raw):
            for env in container.get("environment") or []:
                if env.get("name") == "AOT_CONFIG_CONTENT":
                    files["collector.yaml"] = env["value"]
    return files


def price_warnings(inventory: Inventory) -> list[str]:
    """Models the stack routes to that no price covers (their requests log no ``cost_usd``)."""
    documents = published_documents(inventory)
    if documents is None:
        return []
    base = gateway_config.GatewayBase.model_validate(documents["base"])
    catalog = gateway_config.render(base, documents["overlay"]).catalog
    missing = prices.unpriced_models(catalog, routed_models(base))
    return [f"{provider} model {model!r} has no price in the model catalog (add it to pricing.overrides):"
            " its requests log no cost_usd" for provider, model in missing]


def labelled(file_name: str, text: str) -> str:
    """A rendered file as written to ``build/``: YAML gets a first comment line saying it is offline."""
    if file_name.endswith((".yaml", ".yml")):
        return f"# {OFFLINE_NOTE}\n{text}"
    return text


def policy_report(inventory: Inventory, config_name: str) -> Optional[dict[str, Any]]:
    """Run the policy pack offline on the inventory with ``policy/config/<config_name>.json`` (an
    environment class, or another project's name); None when the pack is not present."""
    try:
        from policy import check
    except ImportError:
        return None
    violations = check.evaluate(inventory.to_json(), check.load_config(config_name))
    return {"violations": violations}


RATE_LIMIT_LINES = {
    "off": "rate limits: off (rateLimit.mode off; the WAF's per-IP rule still applies)",
    "local": ("rate limits: local, per task: each gateway task counts on its own (N tasks allow N times a"
              " team's limit) and every config reload or rollout refills the buckets; requests per minute only"),
    "global": ("rate limits: global: one count for the whole fleet in envoyproxy/ratelimit (a sidecar per"
               " task) over ElastiCache Serverless for Valkey; requests and tokens per minute, tokens per day"),
}


def rate_limit_line(mode: str) -> str:
    """The summary's line on how rate limits count (``rateLimitMode`` output)."""
    return RATE_LIMIT_LINES[mode]


def summary(inventory: Inventory, report: Optional[dict[str, Any]], environment: Optional[str],
            policy_config: Optional[str] = None, warnings: Sequence[str] = ()) -> str:
    """A short human summary: resources by type, outputs, cost, policy config and result.

    ``environment`` is the gateway stack's class (None for another project); ``policy_config`` the
    config file applied (default: the class's).
    """
    policy_config = policy_config or policy_config_path(str(environment))
    kind = f"environment {environment}" if environment else f"policy config {policy_config}"
    lines = [f"stack {inventory.project}/{inventory.stack} ({kind}): {len(inventory.resources)} registrations"]
    for type_, count in sorted(Counter(r.type for r in inventory.resources).items()):
        lines.append(f"  {count:3d}  {type_}")
    lines.append("outputs:")
    for key, value in sorted(inventory.outputs.items()):
        lines.append(f"  {key} = {json.dumps(value)}")
    lines.append(cost_summary_line(inventory.to_json()))
    if "rateLimitMode" in inventory.outputs:
        lines.append(rate_limit_line(str(inventory.outputs["rateLimitMode"])))
    lines += [f"warning: {w}" for w in warnings]
    if report is None:
        lines.append("policy: pack not present")
    else:
        levels = Counter(v["enforcement"] for v in report["violations"])
        lines.append(f"policy ({policy_config}): {levels.get('mandatory', 0)} mandatory,"
                     f" {levels.get('advisory', 0)} advisory")
        for v in report["violations"]:
            lines.append(f"  [{v['enforcement']}] {v['policy']}: {v['urn'].rsplit('::', 1)[-1]}: {v['message']}")
    return "\n".join(lines)


def main(argv: Optional[list[str]] = None) -> int:
    """CLI entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog="bin/synth", description=__doc__.splitlines()[0])
    parser.add_argument("--stack", default="dev", help="stack name: stack, org/stack or org/project/stack")
    parser.add_argument("--project", default=".", help="directory of the Pulumi project (default: the gateway)")
    parser.add_argument("--out", default=str(ROOT / "build"))
    parser.add_argument("--preview", action="store_true", help="mock a preview: computed values unknown")
    args = parser.parse_args(argv)
    project_dir = (ROOT / args.project).resolve()
    other = project_dir != ROOT.resolve()
    try:
        stack = parse_stack_name(args.stack, project=project_name(project_dir)).stack
    except StackNameError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    out = Path(args.out) / (f"{project_dir.name}-{stack}" if other else stack)
    shutil.rmtree(out, ignore_errors=True)  # never leave a previous run's files to be mistaken for this one's
    try:
        inventory = synthesize(stack, root=project_dir if other else None, preview=args.preview,
                               build_dir=Path(args.out))
    except (StackFileError, SettingsError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except pulumi.RunError as err:  # a settings problem only the program can see (e.g. a derived name)
        print(f"error: {err}", file=sys.stderr)
        return 2
    environment = None if other else str(inventory.outputs["environment"])
    config_name = project_dir.name if other else str(environment)
    policy_config = f"policy/config/{config_name}.json"
    out.mkdir(parents=True, exist_ok=True)
    (out / "inventory.json").write_text(json.dumps(inventory.to_json(), indent=2, sort_keys=False) + "\n")
    for file_name, text in rendered_configs(inventory).items():
        (out / file_name).write_text(labelled(file_name, text))
    (out / "iam-policies.json").write_text(json.dumps(iam_policies(inventory), indent=2) + "\n")
    report = policy_report(inventory, config_name)
    if report is not None:
        (out / "policy-report.json").write_text(json.dumps(report, indent=2) + "\n")
    mandatory = bool(report and any(v["enforcement"] == "mandatory" for v in report["violations"]))
    warnings = price_warnings(inventory)
    written: dict[str, Any] = {
        "stack": stack,
        "environment": environment,
        "policyConfig": policy_config,
        "mandatoryViolations": mandatory,
        "warnings": warnings,
        "note": OFFLINE_NOTE,
    }
    if not other:
        loaded = stack_settings(stack)
        s = loaded.settings
        written["mirror"] = mirror_plan(inventory.to_json(), s.live_config, loaded.region,
                                        s.rate_limit if s.ratelimit_sidecar else None)
    (out / "synth.json").write_text(json.dumps(written, indent=2) + "\n")
    print(summary(inventory, report, environment, policy_config, warnings))
    print(f"wrote {out}")
    return 1 if mandatory else 0

if __name__ == "__main__":
    sys.exit(main())

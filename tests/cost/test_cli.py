"""``python -m tools.cost``, the pull-request comparison and the synth summary line, in-process."""

from __future__ import annotations

import json

from tests.cost.fragments import doc, resource, with_resources
from tests.support import baseline
from tools import synth
from tools.cost import compare, summary_line
from tools.cost.__main__ import main
from tools.cost.model import cents


def _write(tmp_path, name, document):
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return str(path)


def test_table_has_components_resources_totals_and_assumptions(tmp_path, capsys):
    assert main(["--inventory", _write(tmp_path, "inv.json", doc("dev"))]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ai-gateway/dev (us-east-1): $")
    for text in ("ai-gateway:network:Network", "network-nat-a", "by component:", "total", "requests_per_month = 1,000,000",
                 "free (no charge by themselves):", "Role x"):
        assert text in out


def test_json_and_flags(tmp_path, capsys):
    path = _write(tmp_path, "inv.json", doc("dev"))
    assert main(["--inventory", path, "--json", "--requests-per-month", "3000000", "--bedrock-share", "0.5"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["totals"]["monthly"] == cents(sum(x["monthly"] for x in document["lines"]))
    values = {a["name"]: a for a in document["assumptions"]}
    assert values["requests_per_month"]["value"] == 3_000_000 and not values["requests_per_month"]["default"]
    assert values["bedrock_share"]["value"] == 0.5
    waf = [x for x in document["lines"] if x["item"] == "inspected requests"]
    assert waf[0]["monthly"] == 1.80
    assert all(p["source"].startswith("https://") for p in document["prices"].values())


def test_missing_inventory_and_unpriced_types_exit_2(tmp_path, capsys):
    assert main(["--inventory", str(tmp_path / "none.json")]) == 2
    assert "make synth" in capsys.readouterr().err
    odd = with_resources(doc("dev"), resource("aws:rds/instance:Instance", "db", {}))
    assert main(["--inventory", _write(tmp_path, "odd.json", odd)]) == 2
    assert "no price for aws:rds/instance:Instance" in capsys.readouterr().err


def test_synth_summary_shows_the_monthly_total():
    inventory = baseline("dev")
    text = synth.summary(inventory, None, "dev")
    assert "cost: $" in text and "/month at minimum capacity" in text
    odd = with_resources(doc("dev"), resource("aws:rds/instance:Instance", "db", {}))
    assert summary_line(odd).startswith("cost: not available (no price for aws:rds/instance:Instance")


def test_pull_request_comment_shows_cost_and_change(tmp_path, capsys):
    head, base = tmp_path / "head", tmp_path / "base"
    for stack in ("dev", "prod"):
        (head / stack).mkdir(parents=True)
        assert main(["--inventory", _write(tmp_path, f"{stack}.json", doc(stack)), "--json"]) == 0
        (head / stack / "cost.json").write_text(capsys.readouterr().out)
    (base / "dev").mkdir(parents=True)
    cheaper = doc("dev")
    cheaper["resources"] = [r for r in cheaper["resources"] if r["name"] != "edge-waf"]
    assert main(["--inventory", _write(tmp_path, "base.json", cheaper), "--json"]) == 0
    (base / "dev" / "cost.json").write_text(capsys.readouterr().out)
    assert compare.main(["--head", str(head), "--base", str(base), "dev", "prod"]) == 0
    text = capsys.readouterr().out
    assert text.startswith(compare.MARKER)
    assert "| `dev` |" in text and "+$" in text
    assert "`dev` edge-waf: web ACL +$5.00" in text  # the web ACL the base did not have
    prod_row = next(line for line in text.splitlines() if line.startswith("| `prod`"))
    assert prod_row.count("new") == 2

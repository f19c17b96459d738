"""docs/cost.md lists every assumption flag with its current default."""

from __future__ import annotations

import re

from tests.support import ROOT
from tools.cost import Assumptions
from tools.cost.assumptions import flag_name


def test_every_assumption_is_documented_with_its_default():
    text = (ROOT / "docs" / "cost.md").read_text()
    rows = dict(re.findall(r"^\| `(--[a-z0-9-]+)` \| ([^|]+) \|", text, flags=re.M))
    described = Assumptions().described()
    assert set(rows) == {flag_name(a["name"]) for a in described}
    for a in described:
        if a["value"] is not None:
            assert rows[flag_name(a["name"])].startswith(f"{a['value']:,}"), a["name"]

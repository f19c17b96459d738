"""Keep README's configuration reference true to the settings model.

``python -m tools.docs`` rewrites the table between the markers; ``--check`` only reports whether
it is current (exit 1 when stale). A test fails when it is stale.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from components.settings import settings_reference

README = Path(__file__).resolve().parent.parent / "README.md"
BEGIN = "<!-- settings-reference:begin -->"
END = "<!-- settings-reference:end -->"


def reference_table() -> str:
    """The markdown table of every leaf setting: key, default, description."""
    lines = ["| key (`ai-gateway:`...) | default | what it does |", "|---|---|---|"]
    for key, default, doc in settings_reference():
        text = " ".join(doc.split()).replace("|", "\\|").replace("``", "`")
        lines.append(f"| `{key}` | `{default}` | {text} |")
    return "\n".join(lines)


def render(readme_text: str) -> str:
    """README text with the reference table replaced."""
    head, rest = readme_text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{reference_table()}\n{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    """Rewrite README.md in place (or, with ``--check``, exit 1 when it is stale)."""
    parser = argparse.ArgumentParser(prog="python -m tools.docs", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="do not write; exit 1 when the table is stale")
    args = parser.parse_args(argv)
    current = README.read_text()
    wanted = render(current)
    if args.check:
        if wanted != current:
            print("README.md: the settings reference is stale; run `python -m tools.docs`", file=sys.stderr)
            return 1
        return 0
    README.write_text(wanted)
    return 0


if __name__ == "__main__":
    sys.exit(main())

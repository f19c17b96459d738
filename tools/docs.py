"""Keep README's configuration reference true to the settings model.

``python -m tools.docs`` rewrites the table between the markers; a test fails when it is stale.
"""

from __future__ import annotations

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


def main() -> int:
    """Rewrite README.md in place."""
    README.write_text(render(README.read_text()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

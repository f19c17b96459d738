"""Regenerate (or check) the admin API's OpenAPI document from the router: ``python -m tools.admin_openapi [--check]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCUMENT = ROOT / "docs" / "admin-api.openapi.json"


def render() -> str:
    """The OpenAPI JSON of the admin API's router (no AWS client is built)."""
    from functions.admin_api.app import build_app, openapi_json

    def no_deps():  # the document needs the routes only
        raise RuntimeError("the OpenAPI document is built without dependencies")

    return openapi_json(build_app(no_deps))


def main(argv: list[str] | None = None) -> int:
    """Write the document, or with ``--check`` exit 1 when the committed one is stale."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail when docs/admin-api.openapi.json is not current")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        if not DOCUMENT.exists() or DOCUMENT.read_text() != text:
            print(f"{DOCUMENT.relative_to(ROOT)} is stale: run python -m tools.admin_openapi", file=sys.stderr)
            return 1
        return 0
    DOCUMENT.write_text(text)
    print(f"wrote {DOCUMENT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

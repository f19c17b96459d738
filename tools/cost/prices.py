"""The pinned price table of a region (``prices/<region>.json``) and its checks."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional

PRICES_DIR = Path(__file__).resolve().parent / "prices"
KINDS = ("aws", "secondary")
REQUIRED = ("price", "unit", "kind", "verified", "source", "note")


class PriceTableError(Exception):
    """A price table is missing, malformed, or lacks a figure that is asked for."""


@dataclass(frozen=True)
class Price:
    """One figure of the table, with where it was read."""

    key: str
    price: float
    unit: str
    kind: str
    verified: bool
    source: str
    note: str
    as_of: Optional[str] = None


@dataclass(frozen=True)
class PriceTable:
    """Every figure of one region, read on one date."""

    region: str
    read: str
    prices: Mapping[str, Price]

    def __getitem__(self, key: str) -> Price:
        try:
            return self.prices[key]
        except KeyError:
            raise PriceTableError(f"prices/{self.region}.json has no figure {key!r}") from None

    def value(self, key: str) -> float:
        """The figure itself."""
        return self[key].price


def parse_table(doc: Mapping) -> PriceTable:
    """Validate a table document: every figure has a price, unit, kind, source, note and flag."""
    region = doc.get("region")
    read = doc.get("read")
    if not isinstance(region, str) or not isinstance(read, str):
        raise PriceTableError("a price table needs `region` and `read` (the date its figures were read)")
    prices: dict[str, Price] = {}
    for key, raw in (doc.get("prices") or {}).items():
        missing = [name for name in REQUIRED if name not in raw]
        if missing:
            raise PriceTableError(f"{region}: {key} lacks {', '.join(missing)}")
        if raw["kind"] not in KINDS:
            raise PriceTableError(f"{region}: {key} has kind {raw['kind']!r}, expected one of {KINDS}")
        if not str(raw["source"]).startswith("https://"):
            raise PriceTableError(f"{region}: {key} needs an https source URL")
        if not isinstance(raw["price"], (int, float)) or raw["price"] < 0:
            raise PriceTableError(f"{region}: {key} has no valid price")
        prices[key] = Price(key=key, price=float(raw["price"]), unit=raw["unit"], kind=raw["kind"],
                            verified=bool(raw["verified"]), source=raw["source"], note=raw["note"],
                            as_of=raw.get("as_of"))
    return PriceTable(region=region, read=read, prices=prices)


def load_prices(region: str, directory: Path = PRICES_DIR) -> PriceTable:
    """The pinned table of ``region``; :class:`PriceTableError` when there is none."""
    path = directory / f"{region}.json"
    if not path.is_file():
        have = ", ".join(sorted(p.stem for p in directory.glob("*.json")))
        raise PriceTableError(f"no price table for {region} (tools/cost/prices/ has: {have})")
    return parse_table(json.loads(path.read_text()))

"""Yearly regional standards (赔偿标准) and the multiple-disability addition table, as data.

`StandardsCatalog` is what the calculator reads standards through; `ShippedStandards` serves the
figures packaged in `data/`, and the DynamoDB adapter serves administrator-loaded ones.
"""

import json
from collections.abc import Iterable
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from daojiao.calculator.models import RegionalStandard


class StandardsCatalog(Protocol):
    """Where the calculator finds a region's published figures for a statistical year."""

    def get(self, region: str, year: int) -> RegionalStandard | None:
        """The region's standard for `year`, or None when none is loaded."""
        ...

    def years(self, region: str) -> list[int]:
        """The statistical years loaded for the region, oldest first (empty when unknown)."""
        ...


class ShippedStandards:
    """The standards packaged with the calculator (the published figures of compensation.md)."""

    def __init__(self, standards: Iterable[RegionalStandard] | None = None) -> None:
        loaded = _shipped_standards() if standards is None else tuple(standards)
        self._by_key = {(s.region, s.year): s for s in loaded}

    def get(self, region: str, year: int) -> RegionalStandard | None:
        return self._by_key.get((region, year))

    def years(self, region: str) -> list[int]:
        return sorted(year for r, year in self._by_key if r == region)

    def all(self) -> list[RegionalStandard]:
        """Every shipped standard, by region then year."""
        return [self._by_key[key] for key in sorted(self._by_key)]


class AdditionTable(BaseModel):
    """Additions for each further disability grade (多处伤残附加指数) and their ceiling."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_total: Decimal = Field(ge=0, le=1)
    by_grade: dict[int, Decimal]


class AdditionTables(BaseModel):
    """The default addition table and any region's own."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str
    default: AdditionTable
    regions: dict[str, AdditionTable] = {}

    def for_region(self, region: str) -> AdditionTable:
        return self.regions.get(region, self.default)


@cache
def shipped_additions() -> AdditionTables:
    """The packaged disability-addition tables."""
    text = resources.files("daojiao.calculator").joinpath("data/disability-additions.json")
    return AdditionTables.model_validate(json.loads(text.read_text(encoding="utf-8")))


@cache
def _shipped_standards() -> tuple[RegionalStandard, ...]:
    folder = resources.files("daojiao.calculator").joinpath("data")
    return tuple(
        RegionalStandard.model_validate(json.loads(entry.read_text(encoding="utf-8")))
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.startswith("standards-") and entry.name.endswith(".json")
    )

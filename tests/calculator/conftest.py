"""Shared fixtures of the calculator tests: the shipped catalog, a fixed today, lookups."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from daojiao.calculator import ShippedStandards


@pytest.fixture(scope="session")
def catalog() -> ShippedStandards:
    return ShippedStandards()


@pytest.fixture
def today() -> dt.date:
    """A fixed 'today' so that no test depends on the calendar."""
    return dt.date(2025, 6, 1)


def flatten(response: dict[str, Any]) -> dict[str, Decimal]:
    """The response as the dotted paths the acceptance cases use:
    `victims.v1.items.disability`, `victims.v1.groups.medical`, `victims.v1.total`,
    `payers.v1.A/compulsory`."""
    flat: dict[str, Decimal] = {}
    for victim in response["victims"]:
        prefix = f"victims.{victim['id']}"
        for section in ("items", "groups"):
            for key, amount in victim[section].items():
                flat[f"{prefix}.{section}.{key}"] = amount
        flat[f"{prefix}.total"] = victim["total"]
    for row in response["payers"]:
        flat[f"payers.{row['victim']}.{row['payer']}"] = row["amount"]
    return flat


@pytest.fixture
def lookup():
    """`lookup(response)` → the response flattened to dotted paths."""
    return flatten


def build_request(victims: list[dict] | None = None, **fields: Any) -> dict[str, Any]:
    """A small valid request: a 2024 accident in Jiangsu (2023 standards), one injured victim,
    one insured vehicle fully at fault with a 1,000,000 commercial policy. Keyword arguments
    replace top-level fields."""
    request: dict[str, Any] = {
        "accident_date": "2024-04-02",
        "region": "jiangsu",
        "standards_year": 2023,
        "standards": {"meal_allowance": 100, "average_wage": 120000},
        "victims": victims or [{"id": "v1", "age": 35, "outcome": "injury", "medical": 1000}],
        "vehicles": [
            {"id": "A", "compulsory_insured": True, "at_fault": True, "liability": 1,
             "commercial_limit": 1000000},
        ],
    }
    request.update(fields)
    return request


@pytest.fixture
def make_request():
    """`make_request(victims=[...], vehicles=[...], ...)`: see `build_request`."""
    return build_request

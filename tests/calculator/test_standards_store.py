"""DynamoStandards: administrator-loaded standards in the single table, shipped ones behind.

Runs against moto's in-process DynamoDB with the table's key schema pk (S, HASH) / sk (S, RANGE).
"""

import datetime as dt
import json
from decimal import Decimal

import boto3
import pytest
from moto import mock_aws

from daojiao.adapters.standards_store import DynamoStandards
from daojiao.calculator import RegionalStandard, ShippedStandards, calculate

FIXED_NOW = dt.datetime(2025, 3, 1, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def table(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws():
        resource = boto3.resource("dynamodb")
        created = resource.create_table(
            TableName="daojiao",
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        yield created


class NoScan:
    """A table that refuses Scan, to prove reads use Query / GetItem only."""

    def __init__(self, table):
        self._table = table

    def scan(self, **_):
        raise AssertionError("DynamoStandards must never Scan")

    def __getattr__(self, name):
        return getattr(self._table, name)


def shanghai(year: int = 2023, income: str = "84834") -> RegionalStandard:
    return RegionalStandard(
        region="shanghai", year=year, source="上海市统计局 (test figures)",
        urban_income=Decimal(income), urban_consumption=Decimal(52508),
        average_wage=Decimal("0.1") + Decimal("0.2"),
    )


def test_put_writes_one_item_per_region_and_year(table):
    store = DynamoStandards(table, fallback=ShippedStandards(), clock=lambda: FIXED_NOW)
    store.put(shanghai())

    item = table.get_item(Key={"pk": "STANDARDS#shanghai", "sk": "YEAR#2023"})["Item"]
    data = json.loads(item["data"])
    assert data["urban_income"] == "84834"  # amounts as strings, never floats
    assert data["average_wage"] == "0.3"
    assert "rural_income" not in data  # an absent figure stays absent
    assert item["source"] == "上海市统计局 (test figures)"
    assert item["loaded_at"] == "2025-03-01T00:30:00+00:00"  # UTC with its offset


def test_get_reads_the_stored_standard_back_exactly(table):
    store = DynamoStandards(NoScan(table), fallback=ShippedStandards())
    store.put(shanghai())
    assert store.get("shanghai", 2023) == shanghai()


def test_get_and_years_fall_back_to_the_shipped_standards(table):
    store = DynamoStandards(NoScan(table), fallback=ShippedStandards())
    assert store.get("jiangsu", 2023).urban_income == Decimal(63211)
    assert store.get("jiangsu", 1999) is None
    assert store.years("jiangsu") == [2023]
    assert store.years("atlantis") == []


def test_a_stored_standard_replaces_the_shipped_one_for_its_year(table):
    store = DynamoStandards(NoScan(table), fallback=ShippedStandards())
    store.put(RegionalStandard(
        region="jiangsu", year=2023, source="corrected", urban_income=Decimal(63212),
        urban_consumption=Decimal(40461),
    ))
    store.put(RegionalStandard(
        region="jiangsu", year=2024, source="new", urban_income=Decimal(66000),
        urban_consumption=Decimal(42000),
    ))
    assert store.get("jiangsu", 2023).source == "corrected"
    assert store.years("jiangsu") == [2023, 2024]


def test_years_uses_a_query_on_the_region_only(table):
    store = DynamoStandards(NoScan(table), fallback=ShippedStandards())
    for year in (2021, 2023, 2022):
        store.put(shanghai(year))
    table.put_item(Item={"pk": "CASE#1", "sk": "YEAR#1999", "data": "{}"})  # another entity
    assert store.years("shanghai") == [2021, 2022, 2023]


def test_years_follows_every_page_of_the_query():
    class PagedTable:
        def __init__(self):
            self.calls = []

        def query(self, **kwargs):
            self.calls.append(kwargs)
            if "ExclusiveStartKey" not in kwargs:
                return {"Items": [{"sk": "YEAR#2020"}], "LastEvaluatedKey": {"pk": "x"}}
            return {"Items": [{"sk": "YEAR#2021"}]}

    paged = PagedTable()
    store = DynamoStandards(paged, fallback=ShippedStandards())
    assert store.years("zhejiang") == [2020, 2021]
    assert len(paged.calls) == 2


def test_the_calculator_uses_a_region_loaded_by_an_administrator(table):
    # Shanghai 2023 (test figure) 84,834 × 20 years × 10 % (grade 10) = 169,668.00
    store = DynamoStandards(NoScan(table), fallback=ShippedStandards())
    store.put(shanghai())
    request = {
        "accident_date": "2024-05-01",
        "region": "shanghai",
        "victims": [{"id": "v1", "age": 40, "outcome": "disability", "disability_grades": [10]}],
        "vehicles": [],
    }
    response = calculate(request, store, dt.date(2025, 1, 1))
    assert response["victims"][0]["items"]["disability"] == Decimal("169668.00")
    assert response["standards"]["source"] == "上海市统计局 (test figures)"

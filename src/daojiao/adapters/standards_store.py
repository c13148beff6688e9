"""Yearly compensation standards (年度赔偿标准) kept in the DynamoDB single table.

One item per region and statistical year:

    pk = "STANDARDS#<region>"   sk = "YEAR#<year>"
    data      the standard as a JSON string, amounts as strings (never floats)
    source    where the figures were published
    loaded_at when an administrator loaded them (UTC, ISO 8601 with offset)

Reads go to DynamoDB first and fall back to another catalog (normally the shipped standards),
so an administrator's figures replace the packaged ones for the same region and year.
"""

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from boto3.dynamodb.conditions import Key

from daojiao.calculator import RegionalStandard, StandardsCatalog

PK_PREFIX = "STANDARDS#"
SK_PREFIX = "YEAR#"


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class DynamoStandards:
    """A `StandardsCatalog` over a DynamoDB table resource (pk/sk string keys)."""

    def __init__(
        self,
        table_resource: Any,
        fallback: StandardsCatalog,
        clock: Callable[[], dt.datetime] = _utc_now,
    ) -> None:
        self._table = table_resource
        self._fallback = fallback
        self._clock = clock

    def put(self, standard: RegionalStandard) -> None:
        """Store (or replace) a region's standard for one statistical year."""
        data = standard.model_dump(mode="json", exclude_none=True)
        self._table.put_item(
            Item={
                "pk": PK_PREFIX + standard.region,
                "sk": f"{SK_PREFIX}{standard.year}",
                "data": json.dumps(data, ensure_ascii=False, sort_keys=True),
                "source": standard.source,
                "loaded_at": self._clock().astimezone(dt.UTC).isoformat(timespec="seconds"),
            }
        )

    def get(self, region: str, year: int) -> RegionalStandard | None:
        response = self._table.get_item(
            Key={"pk": PK_PREFIX + region, "sk": f"{SK_PREFIX}{year}"}
        )
        item = response.get("Item")
        if item is None:
            return self._fallback.get(region, year)
        return RegionalStandard.model_validate_json(item["data"])

    def years(self, region: str) -> list[int]:
        stored: set[int] = set()
        query: dict[str, Any] = {
            "KeyConditionExpression": Key("pk").eq(PK_PREFIX + region)
            & Key("sk").begins_with(SK_PREFIX),
            "ProjectionExpression": "sk",
        }
        while True:
            page = self._table.query(**query)
            stored.update(int(item["sk"].removeprefix(SK_PREFIX)) for item in page["Items"])
            if "LastEvaluatedKey" not in page:
                break
            query["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        return sorted(stored | set(self._fallback.years(region)))

"""The case event store on DynamoDB: append-only events with a version condition, and the read
model (the STATE item) written in the same transaction.

Items of one case share pk `CASE#<id>`:
- `EVENT#<version:08d>`: one fact, never overwritten (`attribute_not_exists(pk)`);
- `STATE`: the folded case, with `status`/`updated_at` for the `by_status` index;
- `ACTOR#<key>`: one per actor the case is addressed to, for the `by_actor` index (inboxes);
- `DOC#<id>`: a rendered document.
Unique keys have items of their own, written with the event that takes them: `SUBMISSION#<id>`
(a form sent twice files once) and `CLAIM#<report no>#<injured party>` (one case at a time per
accident and injured person; a withdrawal frees it).
"""

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import boto3
from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from daojiao.domain.access import membership_keys
from daojiao.domain.case import Case, Event, fold
from daojiao.domain.errors import ConcurrencyConflict, NotFound, TransientError

_TRANSIENT = {"ProvisionedThroughputExceededException", "ThrottlingException",
              "RequestLimitExceeded", "InternalServerError", "ServiceUnavailable"}


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str, separators=(",", ":"))


class EventStore:
    def __init__(self, table_name: str):
        self.table_name = table_name
        self.client = boto3.client("dynamodb")
        self.table = boto3.resource("dynamodb").Table(table_name)
        self.reads = 0
        self.writes = 0

    # --- reading ------------------------------------------------------------------------

    def load(self, case_id: str) -> Case:
        self.reads += 1
        item = self.table.get_item(Key={"pk": f"CASE#{case_id}", "sk": "STATE"},
                                   ConsistentRead=True).get("Item")
        if not item:
            raise NotFound(f"no case {case_id}")
        return Case.model_validate_json(item["state"])

    def events(self, case_id: str) -> list[Event]:
        items = self._query(KeyConditionExpression=Key("pk").eq(f"CASE#{case_id}")
                            & Key("sk").begins_with("EVENT#"), ConsistentRead=True)
        return [Event.model_validate_json(item["event"]) for item in items]

    def cases_with_status(self, status: str, limit: int = 200) -> list[Case]:
        items = self._query(IndexName="by_status", KeyConditionExpression=Key("status").eq(status),
                            ScanIndexForward=False, Limit=limit)
        return [Case.model_validate_json(item["state"]) for item in items][:limit]

    def case_ids_for(self, actor_key: str, limit: int = 200) -> list[str]:
        items = self._query(IndexName="by_actor", KeyConditionExpression=Key("actor").eq(actor_key),
                            ScanIndexForward=False, Limit=limit)
        return [item["pk"].removeprefix("CASE#") for item in items][:limit]

    def submission(self, submission_id: str) -> str | None:
        return self.unique_owner("SUBMISSION", submission_id)

    def unique_owner(self, kind: str, key: str) -> str | None:
        """The case holding a unique key (a form's submission id, an accident's claim)."""
        self.reads += 1
        item = self.table.get_item(Key={"pk": f"{kind}#{key}", "sk": kind},
                                   ConsistentRead=True).get("Item")
        return item["case_id"] if item else None

    def free_unique(self, kind: str, key: str) -> None:
        """Frees a unique key outside any case transaction."""
        self._transact([self.unique_release(kind, key)])

    def unique_release(self, kind: str, key: str) -> dict[str, Any]:
        """A Delete of a unique key, to go into the transaction that frees it."""
        return {"Delete": {"TableName": self.table_name,
                           "Key": {"pk": {"S": f"{kind}#{key}"}, "sk": {"S": kind}}}}

    def _query(self, **kwargs) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        while True:
            self.reads += 1
            page = self.table.query(**kwargs)
            items += page["Items"]
            if "LastEvaluatedKey" not in page or len(items) >= kwargs.get("Limit", 10**9):
                return items
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    # --- writing ------------------------------------------------------------------------

    def append(self, case: Case, new: Iterable[tuple[str, dict[str, Any]]], actor: str = "system",
               extra: list[dict[str, Any]] | None = None,
               unique: dict[str, str] | None = None) -> tuple[Case, list[Event]]:
        """Append events after `case.version`. Raises ConcurrencyConflict when another writer
        appended first: nothing is written then, and the caller reloads and decides again."""
        events: list[Event] = []
        after = case
        now = datetime.now(UTC)
        for kind, data in new:
            event = Event(case_id=case.case_id, version=after.version + 1, type=kind, at=now,
                          actor=actor, data=data)
            after = fold(after, event)
            events.append(event)
        if not events:
            return case, []
        pk = f"CASE#{case.case_id}"
        writes: list[dict[str, Any]] = [{"Put": {
            "TableName": self.table_name,
            "Item": {"pk": {"S": pk}, "sk": {"S": f"EVENT#{e.version:08d}"},
                     "type": {"S": e.type}, "event": {"S": e.model_dump_json()}},
            "ConditionExpression": "attribute_not_exists(pk)"}} for e in events]
        state_condition = ({"ConditionExpression": "attribute_not_exists(pk)"} if case.version == 0
                           else {"ConditionExpression": "version = :v",
                                 "ExpressionAttributeValues": {":v": {"N": str(case.version)}}})
        writes.append({"Put": {"TableName": self.table_name, "Item": {
            "pk": {"S": pk}, "sk": {"S": "STATE"}, "version": {"N": str(after.version)},
            "status": {"S": after.status}, "updated_at": {"S": now.isoformat()},
            "state": {"S": after.model_dump_json()}}, **state_condition}})
        filed = (after.filed_at or now).isoformat()
        for key in sorted(membership_keys(after) - membership_keys(case)):
            writes.append({"Put": {"TableName": self.table_name, "Item": {
                "pk": {"S": pk}, "sk": {"S": f"ACTOR#{key}"}, "actor": {"S": key},
                "actor_sk": {"S": f"{filed}#{case.case_id}"}}}})
        for kind, key in (unique or {}).items():
            writes.append({"Put": {"TableName": self.table_name, "Item": {
                "pk": {"S": f"{kind}#{key}"}, "sk": {"S": kind}, "case_id": {"S": case.case_id}},
                "ConditionExpression": "attribute_not_exists(pk)"}})
        if case.active_mediator != after.active_mediator:
            # The roster's load counts each mediator's open mediations.
            if case.active_mediator:
                writes.append(self.load_change(case.active_mediator, -1))
            if after.active_mediator:
                writes.append(self.load_change(after.active_mediator, 1))
        writes += extra or []
        self._transact(writes)
        return after, events

    def _transact(self, writes: list[dict[str, Any]]) -> None:
        try:
            for start in range(0, len(writes), 100):
                self.writes += len(writes[start:start + 100])
                self.client.transact_write_items(TransactItems=writes[start:start + 100])
        except ClientError as error:
            code = error.response["Error"]["Code"]
            if code == "TransactionCanceledException":
                reasons = error.response.get("CancellationReasons", [])
                if any(r.get("Code") == "ConditionalCheckFailed" for r in reasons) or not reasons:
                    raise ConcurrencyConflict("another writer changed the case first") from None
                raise TransientError(f"transaction cancelled: {reasons}") from None
            if code in _TRANSIENT:
                raise TransientError(code) from None
            raise

    # --- documents and reference data ---------------------------------------------------

    def document_write(self, case_id: str, document_id: str, kind: str, html: str) -> dict:
        """A Put for a rendered document, to go into the same transaction as its event."""
        return {"Put": {"TableName": self.table_name, "Item": {
            "pk": {"S": f"CASE#{case_id}"}, "sk": {"S": f"DOC#{document_id}"},
            "kind": {"S": kind}, "html": {"S": html}}}}

    def document(self, case_id: str, document_id: str) -> dict[str, Any]:
        self.reads += 1
        item = self.table.get_item(Key={"pk": f"CASE#{case_id}", "sk": f"DOC#{document_id}"}
                                   ).get("Item")
        if not item:
            raise NotFound("no such document")
        return {"kind": item["kind"], "html": item["html"]}

    def roster(self) -> list[dict[str, Any]]:
        """Mediators with their current load (open mediations)."""
        items = self._query(KeyConditionExpression=Key("pk").eq("ROSTER")
                            & Key("sk").begins_with("MEDIATOR#"))
        return [{**json.loads(i["profile"]), "load": int(i.get("load", 0))} for i in items]

    def put_mediator(self, profile: dict[str, Any]) -> None:
        self.writes += 1
        self.table.update_item(
            Key={"pk": "ROSTER", "sk": f"MEDIATOR#{profile['mediator_id']}"},
            UpdateExpression="SET profile = :p ADD #load :zero",
            ExpressionAttributeNames={"#load": "load"},
            ExpressionAttributeValues={":p": _dump(profile), ":zero": 0})

    def load_change(self, mediator_id: str, delta: int) -> dict[str, Any]:
        """An update of a mediator's load, in the transaction of the event that changes it."""
        return {"Update": {"TableName": self.table_name,
                           "Key": {"pk": {"S": "ROSTER"}, "sk": {"S": f"MEDIATOR#{mediator_id}"}},
                           "UpdateExpression": "ADD #load :d",
                           "ExpressionAttributeNames": {"#load": "load"},
                           "ExpressionAttributeValues": {":d": {"N": str(delta)}}}}

    def record_payment(self, instruction: dict[str, Any], paid_at: str) -> bool:
        """The insurer's payment record, written once: False when it was already there (the
        instruction was paid before), which is what makes a claim paid exactly once."""
        try:
            self._transact([{"Put": {"TableName": self.table_name, "Item": {
                "pk": {"S": f"PAYMENT#{instruction['instruction_id']}"},
                "sk": {"S": "PAYMENT"}, "amount": {"S": instruction["amount"]},
                "insurer": {"S": instruction["insurer_id"]}, "paid_at": {"S": paid_at}},
                "ConditionExpression": "attribute_not_exists(pk)"}}])
        except ConcurrencyConflict:
            return False
        return True

    def payment(self, instruction_id: str) -> dict[str, Any] | None:
        self.reads += 1
        return self.table.get_item(Key={"pk": f"PAYMENT#{instruction_id}", "sk": "PAYMENT"},
                                   ConsistentRead=True).get("Item")

    def put_account(self, account: dict[str, Any]) -> None:
        self.table.put_item(Item={"pk": f"ACCOUNT#{account['username']}", "sk": "ACCOUNT",
                                  "profile": _dump(account)})

    def account(self, username: str) -> dict[str, Any] | None:
        self.reads += 1
        item = self.table.get_item(Key={"pk": f"ACCOUNT#{username}", "sk": "ACCOUNT"}).get("Item")
        return json.loads(item["profile"]) if item else None

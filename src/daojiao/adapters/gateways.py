"""Stand-ins for the outside systems the platform talks to. Each has the shape of the real
interface so that a real client replaces it without touching the domain.

NOTE: the traffic-police data interface, the SMS/platform message gateway and the insurers'
payment interfaces are local stand-ins here; the real ones need agreements with those bodies.
"""

import json
import uuid
from datetime import UTC, datetime
from importlib import resources
from typing import Any


def reference(name: str) -> Any:
    return json.loads(resources.files("daojiao.reference").joinpath(name).read_text("utf-8"))


class LocalPoliceRecords:
    """The traffic police's accident records (事故认定书), seeded with sample records."""

    def __init__(self) -> None:
        self._records = {r["report_no"]: r for r in reference("police_records.json")}

    def find(self, report_no: str) -> dict[str, Any] | None:
        return self._records.get(report_no.strip().upper())


class LocalMessageGateway:
    """Delivers a notice to the recipient's platform inbox and returns the delivery receipt
    (送达回执): service takes effect when the message reaches the recipient's system."""

    def deliver(self, notice_id: str, recipient: str, subject: str) -> dict[str, Any]:
        return {"message_id": str(uuid.uuid5(uuid.NAMESPACE_URL, notice_id)),
                "channel": "platform", "delivered_at": datetime.now(UTC).isoformat()}


class LocalInsurerGateway:
    """The insurers' claim interface: pays an instruction exactly once, keyed by its id."""

    def __init__(self, store) -> None:
        self.store = store

    def pay(self, instruction: dict[str, Any]) -> dict[str, Any]:
        self.store.record_payment(instruction, datetime.now(UTC).isoformat())
        record = self.store.payment(instruction["instruction_id"])
        return {"insurer_id": instruction["insurer_id"], "amount": record["amount"],
                "instruction_id": instruction["instruction_id"],
                "payment_ref": f"PAY-{instruction['instruction_id']}", "paid_at": record["paid_at"]}


"""Electronic service (电子送达): which notice each new fact sends to whom.

Service to a party needs the party's consent; without it the notice is recorded as not served
electronically, for service by other means. Institutions (mediators, courts, insurers) are
always served on the platform.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from daojiao.domain.case import Case
from daojiao.domain.steps import PERIOD_NAMES, china_date


@dataclass(frozen=True)
class Notice:
    recipient: str  # party:p1 | mediator:<id> | court:<id> | insurer:<id>
    subject_zh: str
    subject_en: str


def _parties(case: Case) -> list[str]:
    return [f"party:{p['party_id']}" for p in case.parties]


def notices_for(case: Case, new_events: list[tuple[str, dict[str, Any]]]) -> list[Notice]:
    """`case` is the case after the new events."""
    notices: list[Notice] = []
    for kind, data in new_events:
        if kind == "CaseFiled":
            notices += [Notice(r, "案件已受理", "Your case has been filed")
                        for r in _parties(case)]
        elif kind == "PeriodOpened":
            zh, en = PERIOD_NAMES[data["kind"]]
            by = china_date(datetime.fromisoformat(data["ends_at"]))
            subject = (f"请于{by}（北京时间）前完成：{zh}", f"Please act by {by} China time: {en}")
            recipients = {
                "mediator_acceptance": [f"mediator:{case.mediator_id}"],
                "mediation": [f"mediator:{case.mediator_id}"],
                "answers": case.answerers,
                "signatures": _parties(case),
                "court_decision": [f"court:{case.court_id}"],
                "docket": [f"court:{case.court_id}"],
            }[data["kind"]]
            notices += [Notice(r, *subject) for r in recipients]
        elif kind == "ConfirmationDecided":
            if data["confirmed"]:
                subject = ("法院已裁定调解协议有效", "The court confirmed the agreement")
            else:
                subject = ("法院驳回司法确认申请", "The court refused to confirm the agreement")
            notices += [Notice(r, *subject) for r in _parties(case)]
        elif kind == "PaymentInstructed":
            notices.append(Notice(f"insurer:{data['insurer_id']}", "一键理赔支付指令",
                                  "Payment instruction (one-click claim)"))
        elif kind == "TransferredToLitigation":
            notices += [Notice(r, "案件已转入诉讼", "The case was transferred to litigation")
                        for r in _parties(case)]
        elif kind == "CaseClosed":
            others = [f"insurer:{i}" for i in case.insurers]
            if case.mediator_id:
                others.append(f"mediator:{case.mediator_id}")
            notices += [Notice(r, "案件已结案", "The case is closed")
                        for r in _parties(case) + others]
    return notices


def may_serve(case: Case, recipient: str) -> bool:
    role, _, key = recipient.partition(":")
    return role != "party" or key in case.consents

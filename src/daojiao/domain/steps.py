"""What each automatic step of the workflow decides, as new events. No I/O here: the handlers
load the case and the reference data, call these, and append what they return."""

import json
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from daojiao.calculator.errors import CalculationError
from daojiao.domain.case import Case
from daojiao.domain.deadlines import CHINA, Deadline, deadline_after
from daojiao.domain.errors import IntakeInvalid, NoCompetentCourt
from daojiao.domain.filing import Filing, check_consistency, field_errors

NewEvent = tuple[str, dict[str, Any]]

PERIOD_NAMES = {
    "mediator_acceptance": ("调解员接受指派", "the mediator's acceptance"),
    "mediation": ("调解期限", "the mediation period"),
    "answers": ("当事人答复调解方案", "the answers to the proposal"),
    "signatures": ("签署调解协议", "signing the agreement"),
    "court_decision": ("法院司法确认", "the court's decision on confirmation"),
    "docket": ("法院立案", "the court's docketing"),
}


def intake_check(case: Case, today: date) -> NewEvent:
    """立案审查: the filing is complete and consistent (the form checked it; this is the
    workflow's own guard, so nothing malformed goes further)."""
    try:
        filing = Filing.model_validate(case.filing)
    except ValidationError as error:
        problems = "; ".join(f"{k}: {v}" for k, v in field_errors(error).items())
        raise IntakeInvalid(problems) from None
    problems = check_consistency(filing, today)
    if problems:
        raise IntakeInvalid("; ".join(f"{k}: {v}" for k, v in problems.items()))
    return "IntakeChecked", {}


def attach_police_record(case: Case, record: dict[str, Any] | None) -> NewEvent:
    """事故认定书: the police record travels with the case. A filing without a record keeps
    the parties and responsibility the claimant gave, and says so."""
    if record is None:
        return "PoliceRecordAttached", {"record": {
            "report_no": case.filing.get("police_report_no"), "found": False}}
    return "PoliceRecordAttached", {"record": {**record, "found": True}}


def calculator_request(case: Case) -> dict[str, Any]:
    """The calculator's public request built from the filing."""
    filing = case.filing
    claim = filing["claim"]
    victim: dict[str, Any] = {
        "id": claim["victim_party_id"], "age": claim["age"], "residence": claim["residence"],
        "outcome": claim["outcome"], "hospital_days": claim["hospital_days"],
    }
    for key in ("medical", "nutrition", "transport", "accommodation", "assistive_devices",
                "emotional_distress", "property"):
        if Decimal(str(claim.get(key, 0))):
            victim[key] = claim[key]
    if claim.get("disability_grades"):
        victim["disability_grades"] = claim["disability_grades"]
    if Decimal(str(claim.get("lost_income_daily", 0))) and claim.get("lost_income_days"):
        victim["lost_income"] = {"daily": claim["lost_income_daily"],
                                 "days": claim["lost_income_days"]}
    if Decimal(str(claim.get("nursing_daily", 0))) and claim.get("nursing_days"):
        victim["nursing"] = {"daily": claim["nursing_daily"], "days": claim["nursing_days"],
                             "carers": 1}
    vehicles = [{
        "id": v["vehicle_id"], "compulsory_insured": bool(v.get("compulsory_insurer")),
        "at_fault": v["at_fault"], "liability": v["liability"],
        "commercial_limit": v["commercial_limit"] if v.get("commercial_insurer") else "0",
    } for v in filing["vehicles"]]
    return {"accident_date": filing["accident_date"], "region": filing["region"],
            "victims": [victim], "vehicles": vehicles}


def assess_compensation(case: Case, calculate: Callable[[dict], dict]) -> NewEvent:
    """理赔计算: the calculator on the claimed amounts; the response is kept as it was given."""
    request = calculator_request(case)
    try:
        response = calculate(request)
    except CalculationError as error:
        # The mediator proposes without the calculator's figures; the case says why.
        return "CompensationAssessed", {"request": request, "errors": error.errors}
    return "CompensationAssessed", {"request": request, **response}


def assign_mediator(case: Case, roster: list[dict[str, Any]]) -> NewEvent:
    """指派调解员: a mediator of the case's region, the one with the fewest open cases; among
    equals people's mediators first, then by id so the choice is reproducible."""
    region = case.filing["region"]
    type_order = {"people": 0, "insurance": 1, "court_invited": 2}
    candidates = [m for m in roster
                  if region in m["regions"] and m["mediator_id"] not in case.declined_mediators]
    if not candidates:
        return "MediatorUnavailable", {"region": region}
    chosen = min(candidates, key=lambda m: (int(m.get("load", 0)),
                                            type_order.get(m["type"], 9), m["mediator_id"]))
    return "MediatorAssigned", {"mediator_id": chosen["mediator_id"],
                                "mediator_type": chosen["type"],
                                "load_before": int(chosen.get("load", 0))}


def open_period(case: Case, kind: str, period: str, now: datetime) -> tuple[
        list[NewEvent], int]:
    """A decision period: its deadline, counted in China time, and the seconds left.

    A resumed workflow reopens the same period: the deadline already recorded stands.
    """
    known = case.deadlines.get(kind)
    if known and known.get("opened_for") == case.version_marker(kind):
        deadline = Deadline(datetime.fromisoformat(known["ends_at"]))
        return [], deadline.seconds_from(now)
    deadline = deadline_after(now, period)
    data = {"kind": kind, "period": period, "opened_at": now.isoformat(),
            "ends_at": deadline.ends_at.isoformat(),
            "ends_at_china": deadline.ends_at_china.isoformat(),
            "opened_for": case.version_marker(kind)}
    return [("PeriodOpened", data)], deadline.seconds_from(now)


def expire_period(case: Case, kind: str) -> list[NewEvent]:
    zh, en = PERIOD_NAMES[kind]
    events: list[NewEvent] = [("PeriodExpired", {
        "kind": kind, "reason": f"{en} ran out of time", "reason_zh": f"{zh}已超期"})]
    if kind == "mediator_acceptance" and case.mediator_id:
        events.append(("MediatorReplaced", {"mediator_id": case.mediator_id,
                                            "reason": "did not accept in time"}))
    return events


def competent_court(case: Case, courts: list[dict[str, Any]]) -> dict[str, Any]:
    """The court of the accident's region; a region without one fails the step (the
    administrator sees why) rather than sending the file to some other court.
    NOTE: the roster has one court per region; the competent basic-level court by district
    (accident place or defendant's domicile) is not modelled yet."""
    region = case.filing["region"]
    for court in courts:
        if court["region"] == region:
            return court
    raise NoCompetentCourt(f"no court of region {region} is on the roster")


def apply_for_confirmation(case: Case, courts: list[dict[str, Any]]) -> NewEvent:
    """司法确认申请: the parties' joint application, made when the last one signed."""
    court = competent_court(case, courts)
    return "ConfirmationApplied", {"court_id": court["court_id"], "court_name": court["name"],
                                   "application_no": f"SQ-{case.case_id}"}


def payment_instructions(case: Case) -> list[dict[str, Any]]:
    """一键理赔: one instruction per insurer, summing what the agreement has it pay."""
    by_vehicle = {v["vehicle_id"]: v for v in case.vehicles}
    totals: dict[str, Decimal] = {}
    for line in (case.proposal or {}).get("payments", []):
        vehicle_id, _, part = line["payer"].partition("/")
        vehicle = by_vehicle.get(vehicle_id)
        insurer = None
        if vehicle and part == "compulsory":
            insurer = vehicle.get("compulsory_insurer")
        elif vehicle and part == "commercial":
            insurer = vehicle.get("commercial_insurer")
        if insurer:
            totals[insurer] = totals.get(insurer, Decimal(0)) + Decimal(line["amount"])
    return [{"insurer_id": insurer, "amount": str(amount),
             "instruction_id": f"{case.case_id}-{insurer}"}
            for insurer, amount in sorted(totals.items()) if amount > 0]


def transfer_to_litigation(case: Case, courts: list[dict[str, Any]]) -> NewEvent:
    """调解转诉讼: the whole file goes to the court, nothing to type again."""
    court = competent_court(case, courts)
    undisputed = []
    if case.police_record and case.police_record.get("found"):
        undisputed.append("accident facts and responsibility per the police record "
                          f"{case.police_record.get('report_no')}")
    if case.proposal:
        accepted_by = [actor for actor, a in case.answers.items() if a["accepted"]]
        if accepted_by:
            undisputed.append("proposal accepted by " + ", ".join(sorted(accepted_by)))
    prefix = court.get("docket_prefix", "")
    return "TransferredToLitigation", {
        "court_id": court["court_id"], "court_name": court["name"],
        "docket_prefix": prefix, "court_code": prefix[6:11] if len(prefix) >= 11 else None,
        "reason": case.ending_reason or "mediation did not end in a confirmed agreement",
        "undisputed_facts": undisputed,
    }


def failure_of(error: dict[str, Any]) -> dict[str, str]:
    """What a case keeps of a step's failure: the error's name and message, never the stack
    trace that a Lambda error's Cause carries (it names code paths, and may quote data)."""
    cause = str(error.get("Cause") or "")
    try:
        parsed = json.loads(cause)
        message = str(parsed.get("errorMessage", "")) if isinstance(parsed, dict) else cause
    except ValueError:
        message = cause
    first_line = message.strip().splitlines()[0] if message.strip() else ""
    return {"error": str(error.get("Error", "unknown"))[:200], "cause": first_line[:300]}


def close_case(case: Case) -> NewEvent:
    ending = {"paid": "settled", "docketed": "transferred", "withdrawn": "withdrawn"}.get(
        case.status, case.status)
    return "CaseClosed", {"ending": ending}


def china_date(moment: datetime) -> str:
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")

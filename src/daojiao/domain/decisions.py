"""The human decisions of a case, each checked against the rules before it becomes an event."""

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from daojiao.calculator.rules import compulsory_limits
from daojiao.domain.access import Principal, actor_of, party_ids_of, require_view
from daojiao.domain.case import WITHDRAWABLE, Case
from daojiao.domain.errors import AlreadyDone, DomainError, NotAllowed, WrongStage

NewEvent = tuple[str, dict[str, Any]]  # (type, data)
# 案号 of a civil first-instance case: (year) + the court's code + 民初 + number + 号, with
# both brackets half-width or both full-width.
_DOCKET_NO = re.compile(r"^(?:\((20\d\d)\)|（(20\d\d)）)([\u4e00-\u9fff]\d{4})民初[1-9]\d{0,5}号$")


def _stage(case: Case, *statuses: str) -> None:
    if case.status not in statuses:
        raise WrongStage(f"the case is {case.status}; this needs it to be {' or '.join(statuses)}")


def _mediator(principal: Principal, case: Case) -> None:
    if principal.role != "mediator" or case.mediator_id != principal.key:
        raise NotAllowed("only the case's mediator may do this")


def _court(principal: Principal, case: Case) -> None:
    if principal.role != "court" or case.court_id != principal.key:
        raise NotAllowed("only the court this case is addressed to may do this")


def mediator_answer(principal: Principal, case: Case, accept: bool, reason: str = "") -> NewEvent:
    _mediator(principal, case)
    _stage(case, "mediator_assigned")
    if accept:
        return "MediatorAccepted", {"mediator_id": principal.key}
    return "MediatorDeclined", {"mediator_id": principal.key, "reason": reason[:500]}


def _money(value: Any, field: str) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError("an amount in yuan, e.g. 1234.50", field) from None
    if not amount.is_finite():
        raise DomainError("an amount in yuan, e.g. 1234.50", field)
    if amount < 0:
        raise DomainError("an amount cannot be negative", field)
    if amount >= Decimal("1e10"):
        raise DomainError("an amount below 10,000,000,000 yuan", field)
    if amount != amount.quantize(Decimal("0.01")):
        raise DomainError("an amount is in yuan to the cent (at most two decimals)", field)
    return amount.quantize(Decimal("0.01"))


def payers_of(case: Case) -> dict[str, dict[str, Any]]:
    """Who can pay under a proposal: each vehicle's compulsory insurance (or its party when
    uninsured), its commercial insurance when it has one, and its party."""
    payers: dict[str, dict[str, Any]] = {}
    for vehicle in case.vehicles:
        vehicle_id = vehicle["vehicle_id"]
        payers[f"{vehicle_id}/compulsory"] = vehicle
        if vehicle.get("commercial_insurer"):
            payers[f"{vehicle_id}/commercial"] = vehicle
        payers[f"{vehicle_id}/party"] = vehicle
    return payers


def compulsory_cap(case: Case, vehicle: dict[str, Any]) -> Decimal:
    """All three groups of a vehicle's compulsory limits together, for the accident date."""
    limits = compulsory_limits(date.fromisoformat(case.filing["accident_date"]),
                               bool(vehicle["at_fault"]))
    return limits.death_disability + limits.medical + limits.property


def record_proposal(principal: Principal, case: Case, payments: dict[str, Any],
                    note: str = "") -> NewEvent:
    """The mediator's proposal (调解方案): who pays how much, by payer key
    (`A/compulsory`, `A/commercial`, `A/party`).

    An insurer is never asked for more than its statutory limits (交强险) or its policy
    (商业三者险) cover.
    """
    _mediator(principal, case)
    _stage(case, "mediating")
    payers = payers_of(case)
    lines = []
    for payer, value in payments.items():
        field = f"payments.{payer}"
        if payer not in payers:
            raise DomainError(f"{payer} is not a payer of this case", field)
        amount = _money(value, field)
        if payer.endswith("/compulsory"):
            cap = compulsory_cap(case, payers[payer])
            if amount > cap:
                raise DomainError(f"compulsory insurance pays at most {cap:,.2f} yuan here",
                                  field)
        if payer.endswith("/commercial"):
            policy = Decimal(str(payers[payer]["commercial_limit"]))
            if amount > policy:
                raise DomainError(f"the commercial policy covers at most {policy:,.2f} yuan",
                                  field)
        if amount:
            lines.append({"payer": payer, "amount": str(amount)})
    if not lines:
        raise DomainError("a proposal names at least one payment", "payments")
    total = sum(Decimal(line["amount"]) for line in lines)
    return "ProposalRecorded", {"payments": lines, "total": str(total), "note": note[:2000]}


def mediation_failed(principal: Principal, case: Case, reason: str) -> NewEvent:
    _mediator(principal, case)
    _stage(case, "mediating")
    if not reason.strip():
        raise DomainError("say why mediation failed", "reason")
    return "MediationFailed", {"reason": reason.strip()[:500]}


def answer_proposal(principal: Principal, case: Case, accept: bool, reason: str = "") -> NewEvent:
    require_view(principal, case)
    _stage(case, "proposal_made")
    if principal.role not in ("party", "insurer"):
        raise NotAllowed("only parties and insurers answer a proposal")
    actor = actor_of(principal, case)
    if actor not in case.answerers:
        raise NotAllowed("you are not asked to answer this proposal")
    if actor in case.answers:
        raise AlreadyDone("you have already answered this proposal")
    return "ProposalAnswered", {"actor": actor, "accepted": accept, "reason": reason[:500]}


def sign_agreement(principal: Principal, case: Case) -> NewEvent:
    require_view(principal, case)
    _stage(case, "agreement_drafted")
    unsigned = [pid for pid in party_ids_of(principal, case) if pid not in case.signatures]
    if not party_ids_of(principal, case):
        raise NotAllowed("only the parties sign the agreement")
    if not unsigned:
        raise AlreadyDone("you have already signed the agreement")
    return "AgreementSigned", {"party_id": unsigned[0]}


def consent_to_service(principal: Principal, case: Case) -> NewEvent:
    ids = party_ids_of(principal, case)
    if not ids:
        raise NotAllowed("only a party consents to electronic service")
    missing = [pid for pid in ids if pid not in case.consents]
    if not missing:
        raise AlreadyDone("you have already consented to electronic service")
    return "ElectronicServiceConsented", {"party_id": missing[0]}


def court_decide(principal: Principal, case: Case, confirm: bool, reason: str = "") -> NewEvent:
    _court(principal, case)
    _stage(case, "confirmation_applied")
    if not confirm and not reason.strip():
        raise DomainError("a refusal states its reason", "reason")
    return "ConfirmationDecided", {"confirmed": confirm, "reason": reason.strip()[:1000]}


def docket(principal: Principal, case: Case, docket_no: str) -> NewEvent:
    _court(principal, case)
    _stage(case, "transferred")
    docket_no = docket_no.strip()
    example = f"{(case.transfer or {}).get('docket_prefix') or '(2026)粤0106民初'}1234号"
    match = _DOCKET_NO.match(docket_no)
    court_code = (case.transfer or {}).get("court_code")
    if not match or (court_code and match.group(3) != court_code):
        raise DomainError(f"a docket number of this court, such as {example}", "docket_no")
    return "Docketed", {"docket_no": docket_no}


def withdraw(principal: Principal, case: Case, reason: str = "") -> NewEvent:
    """The claimant withdraws (撤回) before the court has decided on confirmation."""
    claimant = case.filing.get("claimant_party_id")
    if claimant not in party_ids_of(principal, case):
        raise NotAllowed("only the claimant may withdraw the case")
    if case.status not in WITHDRAWABLE or (
            case.status == "failed" and case.status_before_failure not in WITHDRAWABLE):
        raise WrongStage("a case can be withdrawn only while it is in mediation or awaiting "
                         "the court's confirmation")
    return "Withdrawn", {"reason": reason.strip()[:500] or "withdrawn by the claimant"}


def outcome_for(kind: str, case: Case) -> str | None:
    """The outcome to hand back to a waiting workflow step, once the decision is complete."""
    status = case.status
    if kind == "mediator_acceptance":
        if status == "mediating":
            return "accepted"
        if status == "assessed" and case.declined_mediators:
            return "declined"
    elif kind == "mediation":
        if status == "proposal_made":
            return "proposed"
        if status == "mediation_failed":
            return "failed"
    elif kind == "answers":
        return case.decision_outcome("answers")
    elif kind == "signatures":
        return "signed" if status == "agreement_signed" else None
    elif kind == "court_decision" and case.confirmation and "confirmed" in case.confirmation:
        return "confirmed" if case.confirmation["confirmed"] else "refused"
    elif kind == "docket" and case.docket_no:
        return "docketed"
    return None

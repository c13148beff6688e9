"""A case is the fold of its events (案件事件): the timeline is the event history, append-only."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from daojiao.domain.deadlines import utc_now

# Where a case stands, and the workflow state a lost execution resumes at.
RESUME_AT = {
    "filed": "IntakeCheck",
    "intake_passed": "AttachPoliceRecord",
    "police_record_attached": "AssessCompensation",
    "assessed": "AssignMediator",
    "mediator_assigned": "OpenMediatorAcceptancePeriod",
    "mediating": "OpenMediationPeriod",
    "proposal_made": "OpenAnswerPeriod",
    "agreed": "RenderAgreement",
    "agreement_drafted": "OpenSigningPeriod",
    "agreement_signed": "ApplyForConfirmation",
    "confirmation_applied": "OpenCourtDecisionPeriod",
    "confirmed": "PayClaims",
    "paid": "CloseCase",
    "mediation_failed": "TransferToLitigation",
    "transferred": "OpenDocketPeriod",
    "docketed": "CloseCase",
    "withdrawn": "CloseCase",
}
OPEN_STATUSES = tuple(RESUME_AT) + ("failed",)
WITHDRAWABLE = {
    "filed", "intake_passed", "police_record_attached", "assessed", "mediator_assigned",
    "mediating", "proposal_made", "agreed", "agreement_drafted", "agreement_signed",
    "confirmation_applied", "failed",
}
# While the case is in one of these, its mediator is working on it (counts in their load).
MEDIATING = {"mediator_assigned", "mediating", "proposal_made", "agreed", "agreement_drafted"}
# Which decision a status waits for, and who takes it.
AWAITED = {
    "mediator_assigned": "mediator_acceptance",
    "mediating": "mediation",
    "proposal_made": "answers",
    "agreement_drafted": "signatures",
    "confirmation_applied": "court_decision",
    "transferred": "docket",
}


class Event(BaseModel):
    """One fact about a case. `actor` is who caused it: `party:<id>`, `mediator:<id>`, `system`."""

    case_id: str
    version: int
    type: str
    at: datetime = Field(default_factory=utc_now)
    actor: str = "system"
    data: dict[str, Any] = Field(default_factory=dict)


class Case(BaseModel):
    """The read model: everything a page or a step needs, derived from the events alone."""

    case_id: str
    version: int = 0
    status: str = "new"
    filed_at: datetime | None = None
    updated_at: datetime | None = None
    filing: dict[str, Any] = Field(default_factory=dict)
    police_record: dict[str, Any] | None = None
    assessment: dict[str, Any] | None = None
    mediator_id: str | None = None
    declined_mediators: list[str] = Field(default_factory=list)
    deadlines: dict[str, dict[str, Any]] = Field(default_factory=dict)
    pending: dict[str, Any] | None = None  # {"kind": ..., "token": ...}
    proposal: dict[str, Any] | None = None
    answers: dict[str, dict[str, Any]] = Field(default_factory=dict)
    documents: dict[str, str] = Field(default_factory=dict)  # kind -> document id
    signatures: dict[str, str] = Field(default_factory=dict)  # party id -> when
    agreement_effective_at: str | None = None
    court_id: str | None = None
    confirmation: dict[str, Any] | None = None
    payments: dict[str, dict[str, Any]] = Field(default_factory=dict)
    transfer: dict[str, Any] | None = None
    docket_no: str | None = None
    ending: str | None = None  # settled | transferred | withdrawn
    ending_reason: str | None = None
    failure: dict[str, Any] | None = None
    status_before_failure: str | None = None
    consents: list[str] = Field(default_factory=list)
    executions: list[str] = Field(default_factory=list)

    # --- who is on the case -------------------------------------------------------------

    @property
    def parties(self) -> list[dict[str, Any]]:
        return self.filing.get("parties", [])

    @property
    def vehicles(self) -> list[dict[str, Any]]:
        return self.filing.get("vehicles", [])

    def party(self, party_id: str) -> dict[str, Any] | None:
        return next((p for p in self.parties if p["party_id"] == party_id), None)

    @property
    def insurers(self) -> list[str]:
        found: list[str] = []
        for vehicle in self.vehicles:
            for key in ("compulsory_insurer", "commercial_insurer"):
                if vehicle.get(key) and vehicle[key] not in found:
                    found.append(vehicle[key])
        return found

    @property
    def answerers(self) -> list[str]:
        """Who must accept a proposal: every party and every insurer."""
        return [f"party:{p['party_id']}" for p in self.parties] + [
            f"insurer:{i}" for i in self.insurers
        ]

    @property
    def active_mediator(self) -> str | None:
        return self.mediator_id if self.status in MEDIATING else None

    @property
    def awaited(self) -> str | None:
        return AWAITED.get(self.status)

    @property
    def resume_at(self) -> str | None:
        status = self.status_before_failure if self.status == "failed" else self.status
        return RESUME_AT.get(status or "")

    @property
    def is_open(self) -> bool:
        return self.status not in ("closed", "new")

    def version_marker(self, kind: str) -> str:
        """Tells one opening of a period from the next: the mediator for the acceptance
        period, the proposal for the answers, the agreement for the signatures."""
        if kind == "mediator_acceptance":
            return f"mediator:{self.mediator_id}"
        if kind == "answers":
            return f"proposal:{(self.proposal or {}).get('total')}"
        return kind

    def decision_outcome(self, kind: str) -> str | None:
        """The outcome of the decision `kind` once it is complete, else None."""
        if kind == "answers" and self.proposal:
            if any(not a["accepted"] for a in self.answers.values()):
                return "rejected"
            if all(actor in self.answers for actor in self.answerers):
                return "accepted"
            return None
        if kind == "signatures":
            if all(p["party_id"] in self.signatures for p in self.parties):
                return "signed"
            return None
        return None


def fold(case: Case, event: Event) -> Case:
    """The case after one more event. Unknown event types change only the version."""
    data = event.data
    case = case.model_copy(deep=True)
    case.version = event.version
    case.updated_at = event.at
    kind = event.type
    if kind == "CaseFiled":
        case.status = "filed"
        case.filed_at = event.at
        case.filing = data["filing"]
        if data["filing"].get("consent_electronic_service"):
            case.consents.append(data["filing"]["claimant_party_id"])
    elif kind == "IntakeChecked":
        case.status = "intake_passed"
    elif kind == "PoliceRecordAttached":
        case.police_record = data["record"]
        case.status = "police_record_attached"
    elif kind == "CompensationAssessed":
        case.assessment = data
        case.status = "assessed"
    elif kind == "MediatorAssigned":
        case.mediator_id = data["mediator_id"]
        case.status = "mediator_assigned"
    elif kind == "MediatorUnavailable":
        case.status = "mediation_failed"
        case.ending_reason = "no mediator available"
    elif kind in ("MediatorDeclined", "MediatorReplaced"):
        if case.mediator_id:
            case.declined_mediators.append(case.mediator_id)
        case.mediator_id = None
        case.status = "assessed"
    elif kind == "MediatorAccepted":
        case.status = "mediating"
    elif kind == "PeriodOpened":
        case.deadlines[data["kind"]] = data
    elif kind == "DecisionAwaited":
        case.pending = {"kind": data["kind"], "token": data["token"]}
    elif kind == "DecisionDelivered":
        case.pending = None
    elif kind == "PeriodExpired":
        case.pending = None
        case.deadlines.pop(data["kind"], None)  # a redrive or a new mediator gets a new period
        if data["kind"] not in ("mediator_acceptance", "court_decision", "docket"):
            case.status = "mediation_failed"
            case.ending_reason = data["reason"]
    elif kind == "ProposalRecorded":
        case.proposal = data
        case.answers = {}
        case.status = "proposal_made"
    elif kind == "MediationFailed":
        case.status = "mediation_failed"
        case.ending_reason = data["reason"]
    elif kind == "ProposalAnswered":
        case.answers[data["actor"]] = data
        outcome = case.decision_outcome("answers")
        if outcome == "accepted":
            case.status = "agreed"
        elif outcome == "rejected":
            case.status = "mediation_failed"
            case.ending_reason = "the proposal was rejected"
    elif kind == "DocumentRendered":
        case.documents[data["kind"]] = data["document_id"]
        if data["kind"] == "agreement":
            case.status = "agreement_drafted"
            case.signatures = {}
    elif kind == "ElectronicServiceConsented":
        if data["party_id"] not in case.consents:
            case.consents.append(data["party_id"])
    elif kind == "AgreementSigned":
        case.signatures[data["party_id"]] = event.at.isoformat()
        if case.decision_outcome("signatures"):
            case.status = "agreement_signed"
            case.agreement_effective_at = event.at.isoformat()
    elif kind == "ConfirmationApplied":
        case.court_id = data["court_id"]
        case.confirmation = {"application_no": data["application_no"]}
        case.status = "confirmation_applied"
    elif kind == "ConfirmationDecided":
        case.confirmation = {**(case.confirmation or {}), **data}
        if data["confirmed"]:
            case.status = "confirmed"
        else:
            case.status = "mediation_failed"
            case.ending_reason = "the court refused confirmation: " + data.get("reason", "")
    elif kind == "ClaimPaid":
        case.payments[data["insurer_id"]] = data
    elif kind == "ClaimsSettled":
        case.status = "paid"
    elif kind == "TransferredToLitigation":
        case.transfer = data
        case.court_id = data["court_id"]
        case.status = "transferred"
    elif kind == "Docketed":
        case.docket_no = data["docket_no"]
        case.status = "docketed"
    elif kind == "Withdrawn":
        case.status = "withdrawn"
        case.ending_reason = data.get("reason") or "withdrawn by the claimant"
    elif kind == "CaseClosed":
        case.ending = data["ending"]
        case.status = "closed"
        case.pending = None
    elif kind == "WorkflowFailed":
        if case.status != "failed":
            case.status_before_failure = case.status
        case.failure = data
        case.status = "failed"
        case.pending = None
    elif kind == "WorkflowResumed":
        if case.status == "failed":
            case.status = case.status_before_failure or case.status
            case.failure = None
        case.executions.append(data["execution"])
    elif kind == "ExecutionStarted":
        case.executions.append(data["execution"])
    return case


def replay(case_id: str, events: list[Event]) -> Case:
    case = Case(case_id=case_id)
    for event in events:
        case = fold(case, event)
    return case

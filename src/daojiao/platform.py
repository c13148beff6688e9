"""The application layer: loads a case, asks the domain what happens, appends the events,
serves the notices and wakes the waiting workflow step. Handlers and web routes stay thin."""

import json
import os
import uuid
from collections.abc import Callable
from functools import cached_property
from typing import Any

from aws_lambda_powertools import Logger
from pydantic import ValidationError

from daojiao import documents
from daojiao.adapters.event_store import EventStore
from daojiao.adapters.gateways import (
    LocalInsurerGateway,
    LocalMessageGateway,
    LocalPoliceRecords,
    reference,
)
from daojiao.adapters.workflow import Workflow
from daojiao.domain import decisions
from daojiao.domain.access import Principal, require_view
from daojiao.domain.case import RESUME_AT, Case
from daojiao.domain.deadlines import china_today
from daojiao.domain.errors import (
    AlreadyDone,
    CaseWithdrawn,
    ConcurrencyConflict,
    DomainError,
    NotAllowed,
    WrongStage,
)
from daojiao.domain.filing import Filing, check_consistency, field_errors, from_police_record
from daojiao.domain.notices import may_serve, notices_for

# Its own logger: the application layer serves handlers and web requests alike, and must not
# carry a handler's Lambda context into a web request's log lines (they share a process
# locally). Every line names its case_id.
logger = Logger(service="daojiao-app")
ATTEMPTS = 5


class FilingRejected(DomainError):
    """The form has field errors; `errors` maps each field path to its message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("the filing has errors")
        self.errors = errors


class Platform:
    def __init__(self, table_name: str | None = None, state_machine_arn: str | None = None):
        self.store = EventStore(table_name or os.environ["TABLE_NAME"])
        self._state_machine_arn = state_machine_arn or os.environ.get("STATE_MACHINE_ARN", "")
        self.police = LocalPoliceRecords()
        self.messages = LocalMessageGateway()
        self.insurers = LocalInsurerGateway(self.store)
        self.roster_data = reference("roster.json")

    @cached_property
    def workflow(self) -> Workflow:
        return Workflow(self._state_machine_arn)

    # --- reference data and the calculator -----------------------------------------------

    def names(self) -> dict[str, str]:
        """Display names of mediators, courts and insurers, by id."""
        data = self.roster_data
        names = {m["mediator_id"]: m["name"] for m in data["mediators"]}
        names.update({c["court_id"]: c["name"] for c in data["courts"]})
        names.update({i["insurer_id"]: i["name"] for i in data["insurers"]})
        return names

    def standards(self):
        from daojiao.adapters.standards_store import DynamoStandards
        from daojiao.calculator import ShippedStandards

        return DynamoStandards(self.store.table, ShippedStandards())

    def calculate(self, request: dict[str, Any]) -> dict[str, Any]:
        """The calculator's response, amounts as exact strings (never floats)."""
        from daojiao.calculator import calculate, to_json

        return json.loads(to_json(calculate(request, self.standards())), parse_float=str)

    # --- filing -------------------------------------------------------------------------

    def prefill(self, report_no: str, principal: Principal) -> dict[str, Any] | None:
        """The police record for a report number, as the form fills it in: only for a party
        to that accident (or an administrator), so that no one reads strangers' records."""
        record = self.police.find(report_no)
        if record is None:
            return None
        if principal.is_admin or any(p["id_number"] == principal.key
                                     for p in record["parties"]):
            return record
        return None

    def file_case(self, principal: Principal, form: dict[str, Any], submission_id: str) -> str:
        """Files a dispute once per submission id; a form sent twice returns the same case.

        The accident's facts, parties, vehicles and responsibility are the police record's;
        the form gives the claim. One case at a time per accident and injured person.
        """
        known = self.store.submission(submission_id)
        if known:
            return known
        if principal.role != "party":
            raise NotAllowed("only a party to the accident files a dispute")
        record = self.prefill(str(form.get("police_report_no", "")), principal)
        if record is None:
            raise FilingRejected({"police_report_no": "no police record of an accident you "
                                                      "were in has this number"})
        form, errors = from_police_record(form, record, principal.key)
        try:
            filing = Filing.model_validate(form)
        except ValidationError as error:
            raise FilingRejected({**errors, **field_errors(error)}) from None
        errors.update(check_consistency(filing, china_today()))
        claim_key = f"{filing.police_report_no}#{filing.claim.victim_party_id}"
        earlier = self.store.unique_owner("CLAIM", claim_key)
        if earlier and self.store.load(earlier).status == "closed":
            errors["police_report_no"] = (f"case {earlier} for this accident has ended; it "
                                          "cannot be filed again")
        elif earlier:
            errors["police_report_no"] = f"case {earlier} for this accident is already open"
        if errors:
            raise FilingRejected(errors)
        today = china_today().strftime("%Y%m%d")
        case_id = f"TA{today}{uuid.uuid4().hex[:6].upper()}"
        case = Case(case_id=case_id)
        try:
            case, events = self.store.append(
                case, [("CaseFiled", {"filing": filing.model_dump(mode="json"),
                                      "submission_id": submission_id})],
                actor=f"party:{filing.claimant_party_id}",
                unique={"SUBMISSION": submission_id, "CLAIM": claim_key})
        except ConcurrencyConflict:
            known = self.store.submission(submission_id)
            if known:
                return known
            raise FilingRejected({"police_report_no": "a case for this accident was filed "
                                                      "just now"}) from None
        logger.info("case filed", extra={"case_id": case_id, "step": "filing"})
        self.serve_notices(case, [(e.type, e.data) for e in events])
        self.start_workflow(case)
        return case_id

    def start_workflow(self, case: Case, resume_at: str = "IntakeCheck") -> str:
        name = case.case_id if not case.executions else f"{case.case_id}-r{len(case.executions)}"
        kind = "WorkflowResumed" if case.executions else "ExecutionStarted"
        self.run_step(case.case_id, lambda _: [(kind, {"execution": name,
                                                        "resume_at": resume_at})],
                      after_withdrawal=True)
        self.workflow.start(case.case_id, name, resume_at)
        return name

    def resume_lost_cases(self) -> list[str]:
        """Starts a new execution for every open case whose execution is gone (a restarted
        local product; on AWS, an execution deleted or past retention). The case resumes at
        the state its events say; a decision already taken is handed over at once."""
        resumed = []
        for status in RESUME_AT:
            for case in self.store.cases_with_status(status, limit=1000):
                if case.executions and self.workflow.is_running(case.executions[-1]):
                    continue
                self.start_workflow(case, case.resume_at or "IntakeCheck")
                logger.info("case resumed", extra={"case_id": case.case_id,
                                                   "resume_at": case.resume_at})
                resumed.append(case.case_id)
        return resumed

    def redrive(self, case_id: str) -> str:
        """An administrator restarts a failed case at the step where it stopped."""
        case = self.store.load(case_id)
        if case.status != "failed":
            raise WrongStage("only a failed case can be redriven")
        return self.start_workflow(case, case.resume_at or "IntakeCheck")

    # --- reading ------------------------------------------------------------------------

    def case_for(self, principal: Principal, case_id: str) -> Case:
        case = self.store.load(case_id)
        require_view(principal, case)
        return case

    # --- human decisions ----------------------------------------------------------------

    def decide(self, principal: Principal, case_id: str, command: Callable[..., tuple],
               **arguments: Any) -> Case:
        """Runs a decision of `decisions`; on a concurrent write, reloads and decides again."""
        for _ in range(ATTEMPTS):
            case = self.store.load(case_id)
            require_view(principal, case)
            kind, data = command(principal, case, **arguments)
            actor = data.get("actor") or (
                f"party:{data['party_id']}" if "party_id" in data
                else f"{principal.role}:{principal.key}")
            new, extra = [(kind, data)], []
            if kind == "ConfirmationDecided":
                # 裁定书: the court's ruling is a document rendered with the decision.
                document_id = f"ruling-{case.version + 2}"
                html = documents.render("ruling", case, self.names(), decision=data)
                new.append(("DocumentRendered", {"kind": "ruling", "document_id": document_id}))
                extra.append(self.store.document_write(case_id, document_id, "ruling", html))
            try:
                case, _ = self.store.append(case, new, actor=actor, extra=extra)
            except ConcurrencyConflict:
                continue
            logger.info("decision recorded", extra={"case_id": case_id, "decision": kind})
            self.serve_notices(case, [(kind, data)])
            if kind == "Withdrawn":
                self.interrupt(case)
            else:
                self.deliver(case)
            return self.store.load(case_id)
        raise ConcurrencyConflict("the case is busy; try again")

    def deliver(self, case: Case) -> bool:
        """Hands a complete decision to the waiting step, once. A second delivery of the same
        token is refused (AlreadyDone) and changes nothing."""
        if not case.pending:
            return False
        outcome = decisions.outcome_for(case.pending["kind"], case)
        if outcome is None:
            return False
        token = case.pending["token"]
        try:
            self.claim_token(case.case_id, token)
        except AlreadyDone:
            return False  # a concurrent decision completed it and handed it over first
        delivered = self.workflow.succeed(token, {"outcome": outcome})
        logger.info("decision delivered", extra={"case_id": case.case_id,
                                                  "outcome": outcome, "live": delivered})
        return delivered

    def claim_token(self, case_id: str, token: str) -> Case:
        """Marks the waiting step's token as answered; only the first claim succeeds."""
        for _ in range(ATTEMPTS):
            case = self.store.load(case_id)
            if not case.pending or case.pending["token"] != token:
                raise AlreadyDone("this decision was already handed to the workflow")
            try:
                case, _ = self.store.append(case, [("DecisionDelivered", {
                    "kind": case.pending["kind"]})])
                return case
            except ConcurrencyConflict:
                continue
        raise ConcurrencyConflict("the case is busy; try again")

    def interrupt(self, case: Case) -> None:
        """A withdrawal stops the waiting step; a step running now stops itself (CaseWithdrawn).
        A case whose workflow had failed has nothing running: a new execution closes it."""
        if case.pending:
            token = case.pending["token"]
            self.claim_token(case.case_id, token)
            self.workflow.fail(token, "CaseWithdrawn", "the claimant withdrew the case")
        elif case.failure:
            # Its execution ends in WorkflowFailed (it may still be on its way there), so
            # nothing would close the case: a new execution does.
            self.start_workflow(case, "CloseCase")

    # --- the workflow's own steps -------------------------------------------------------

    def run_step(self, case_id: str, step: Callable[[Case], list[tuple[str, dict]]],
                 extra: Callable[[Case, list], list] | None = None,
                 after_withdrawal: bool = False) -> Case:
        """Appends what a step decides. A concurrent write makes it decide again on the new
        case, so a step never acts on a stale case. Once the claimant has withdrawn, only the
        steps that close the case or record it run (`after_withdrawal`)."""
        for _ in range(ATTEMPTS):
            case = self.store.load(case_id)
            if case.status == "withdrawn" and not after_withdrawal:
                raise CaseWithdrawn("the claimant withdrew the case")
            new = step(case)
            try:
                after, _ = self.store.append(case, new, extra=extra(case, new) if extra else None)
            except ConcurrencyConflict:
                continue
            if new:
                self.serve_notices(after, new)
            return after
        raise ConcurrencyConflict(f"case {case_id} kept changing under the step")

    def serve_notices(self, case: Case, new: list[tuple[str, dict]]) -> None:
        """电子送达: every notice is delivered and recorded with its receipt, or recorded as
        not served electronically when the party has not consented."""
        notices = notices_for(case, new)
        if not notices:
            return
        served = []
        for index, notice in enumerate(notices):
            notice_id = f"{case.case_id}:{case.version}:{index}"
            if may_serve(case, notice.recipient):
                receipt = self.messages.deliver(notice_id, notice.recipient, notice.subject_en)
                served.append(("NoticeServed", {"recipient": notice.recipient,
                                                "subject_zh": notice.subject_zh,
                                                "subject_en": notice.subject_en,
                                                "receipt": receipt}))
            else:
                served.append(("NoticeNotServed", {
                    "recipient": notice.recipient, "subject_zh": notice.subject_zh,
                    "subject_en": notice.subject_en,
                    "reason": "no consent to electronic service: serve by other means"}))
        for _ in range(ATTEMPTS):
            try:
                self.store.append(self.store.load(case.case_id), served)
                return
            except ConcurrencyConflict:
                continue

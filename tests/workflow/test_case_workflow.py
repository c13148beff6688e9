"""Each branch of statemachines/case_workflow.asl.json, run by the local interpreter."""

import uuid
from decimal import Decimal

import pytest

from daojiao.domain import decisions
from daojiao.domain.access import Principal
from daojiao.domain.errors import AlreadyDone, WrongStage

from .conftest import (
    LI,
    PICC,
    PINGAN,
    TIANHE,
    ZHANG,
    execution_status,
    file,
    filing_from_record,
    wait_until,
    waiting_for,
)

MEDIATOR = Principal("mediator", "med-gd-1")
# The proposal the mediator records in these tests: 交强险 pays 18,000 (medical group is capped
# at 18,000 only for medical items; here it is simply the agreed figure), the commercial
# insurer pays 3,000 and the driver 500.
PROPOSAL = {"A/compulsory": "18000", "A/commercial": "3000.50", "A/party": "500"}


def mediate_to_proposal(app, case_id):
    wait_until(app, case_id, waiting_for("mediator_acceptance"))
    case = app.store.load(case_id)
    assert case.mediator_id == "med-gd-1"  # people's mediator of Guangdong, load 0
    app.decide(MEDIATOR, case_id, decisions.mediator_answer, accept=True)
    wait_until(app, case_id, waiting_for("mediation"))
    app.decide(MEDIATOR, case_id, decisions.record_proposal, payments=PROPOSAL)
    wait_until(app, case_id, waiting_for("answers"))


def everyone_accepts(app, case_id):
    for principal in (ZHANG, LI, PICC, PINGAN):
        app.decide(principal, case_id, decisions.answer_proposal, accept=True)


def test_agreement_is_confirmed_and_each_insurer_paid_once(platform):
    case_id = file(platform)
    mediate_to_proposal(platform, case_id)
    everyone_accepts(platform, case_id)

    wait_until(platform, case_id, waiting_for("signatures"))
    assert "agreement" in platform.store.load(case_id).documents
    platform.decide(ZHANG, case_id, decisions.sign_agreement)
    platform.decide(LI, case_id, decisions.sign_agreement)

    wait_until(platform, case_id, waiting_for("court_decision"))
    assert platform.store.load(case_id).court_id == "court-gd-tianhe"
    platform.decide(TIANHE, case_id, decisions.court_decide, confirm=True)

    case = wait_until(platform, case_id, lambda c: c.status == "closed")
    assert case.ending == "settled"
    # PICC insures vehicle A's compulsory part, Ping An its commercial part.
    assert {k: Decimal(v["amount"]) for k, v in case.payments.items()} == {
        "picc": Decimal("18000.00"), "pingan": Decimal("3000.50")}
    assert "ruling" in case.documents
    assert execution_status(platform, case_id) == "SUCCEEDED"
    kinds = [e.type for e in platform.store.events(case_id)]
    assert kinds.count("ClaimPaid") == 2
    assert "NoticeServed" in kinds


def test_rejected_proposal_is_transferred_and_docketed(platform):
    case_id = file(platform)
    mediate_to_proposal(platform, case_id)
    platform.decide(ZHANG, case_id, decisions.answer_proposal, accept=True)
    platform.decide(LI, case_id, decisions.answer_proposal, accept=False, reason="too much")

    case = wait_until(platform, case_id, waiting_for("docket"))
    assert case.status == "transferred"
    assert case.transfer["reason"] == "the proposal was rejected"
    assert "case_file" in case.documents
    platform.decide(TIANHE, case_id, decisions.docket, docket_no="(2026)粤0106民初1234号")

    case = wait_until(platform, case_id, lambda c: c.status == "closed")
    assert (case.ending, case.docket_no) == ("transferred", "(2026)粤0106民初1234号")


@pytest.mark.parametrize("periods", [{"PartyAnswerPeriod": "2s"}], indirect=True)
def test_a_party_who_never_answers_times_out_into_litigation(platform):
    case_id = file(platform)
    mediate_to_proposal(platform, case_id)
    platform.decide(ZHANG, case_id, decisions.answer_proposal, accept=True)

    case = wait_until(platform, case_id, lambda c: c.status == "transferred")
    assert case.transfer["reason"] == "the answers to the proposal ran out of time"
    expired = [e for e in platform.store.events(case_id) if e.type == "PeriodExpired"]
    assert [e.data["kind"] for e in expired] == ["answers"]


def test_court_refusal_goes_to_litigation(platform):
    case_id = file(platform)
    mediate_to_proposal(platform, case_id)
    everyone_accepts(platform, case_id)
    wait_until(platform, case_id, waiting_for("signatures"))
    platform.decide(ZHANG, case_id, decisions.sign_agreement)
    platform.decide(LI, case_id, decisions.sign_agreement)
    wait_until(platform, case_id, waiting_for("court_decision"))

    with pytest.raises(Exception, match="reason"):
        platform.decide(TIANHE, case_id, decisions.court_decide, confirm=False)
    platform.decide(TIANHE, case_id, decisions.court_decide, confirm=False,
                    reason="the agreement waives the victim's statutory nursing costs")

    case = wait_until(platform, case_id, waiting_for("docket"))
    assert case.transfer["reason"].startswith("the court refused confirmation")
    assert case.payments == {}


def test_claimant_withdraws_during_mediation(platform):
    case_id = file(platform)
    wait_until(platform, case_id, waiting_for("mediator_acceptance"))
    with pytest.raises(Exception, match="only the claimant"):
        platform.decide(LI, case_id, decisions.withdraw)
    platform.decide(ZHANG, case_id, decisions.withdraw, reason="settled privately")

    case = wait_until(platform, case_id, lambda c: c.status == "closed")
    assert case.ending == "withdrawn"
    assert execution_status(platform, case_id) == "SUCCEEDED"


def test_a_declining_mediator_is_replaced(platform):
    case_id = file(platform)
    wait_until(platform, case_id, waiting_for("mediator_acceptance"))
    platform.decide(MEDIATOR, case_id, decisions.mediator_answer, accept=False, reason="busy")

    # The other Guangdong mediator (insurance-industry) takes it.
    case = wait_until(platform, case_id, lambda c: c.mediator_id == "med-gd-2"
                      and waiting_for("mediator_acceptance")(c))
    assert case.declined_mediators == ["med-gd-1"]


def test_a_second_callback_for_the_same_token_is_refused_and_harms_nothing(platform):
    case_id = file(platform)
    case = wait_until(platform, case_id, waiting_for("mediator_acceptance"))
    token = case.pending["token"]
    platform.decide(MEDIATOR, case_id, decisions.mediator_answer, accept=True)
    wait_until(platform, case_id, waiting_for("mediation"))

    with pytest.raises(AlreadyDone):
        platform.claim_token(case_id, token)
    with pytest.raises(WrongStage):
        platform.decide(MEDIATOR, case_id, decisions.mediator_answer, accept=True)
    # The raw callback again, as a retrying client would send it: the workflow has moved on.
    platform.workflow.succeed(token, {"outcome": "declined"})
    case = wait_until(platform, case_id, waiting_for("mediation"))
    assert (case.status, case.mediator_id, case.declined_mediators) == (
        "mediating", "med-gd-1", [])


def test_a_form_sent_twice_files_one_case_with_one_execution(platform):
    submission = str(uuid.uuid4())
    first = platform.file_case(ZHANG, filing_from_record(), submission)
    second = platform.file_case(ZHANG, filing_from_record(), submission)
    assert first == second
    wait_until(platform, first, waiting_for("mediator_acceptance"))
    names = [e["name"] for e in platform.workflow.executions()]
    assert names == [first]


def test_transient_fault_is_retried_and_the_step_succeeds(platform, monkeypatch):
    from daojiao.adapters.gateways import LocalPoliceRecords
    from daojiao.domain.errors import TransientError

    original = LocalPoliceRecords.find
    calls = []

    def flaky(self, report_no):
        calls.append(report_no)
        if len(calls) == 1:
            raise TransientError("police interface timed out")
        return original(self, report_no)

    monkeypatch.setattr(LocalPoliceRecords, "find", flaky)
    case_id = file(platform)
    case = wait_until(platform, case_id, waiting_for("mediator_acceptance"))
    assert len(calls) == 2
    assert case.police_record["found"] is True
    history = [e["type"] for e in platform.workflow.history(case_id)]
    assert "LambdaFunctionFailed" in history or "TaskFailed" in history


def test_a_failing_step_is_caught_recorded_and_can_be_redriven(platform, monkeypatch):
    from daojiao.adapters.gateways import LocalPoliceRecords

    original = LocalPoliceRecords.find

    def broken(self, report_no):
        raise KeyError("record format changed")

    monkeypatch.setattr(LocalPoliceRecords, "find", broken)
    case_id = file(platform)
    case = wait_until(platform, case_id, lambda c: c.status == "failed")
    assert case.failure["error"] == "KeyError"
    assert case.resume_at == "AttachPoliceRecord"
    assert execution_status(platform, case_id) == "FAILED"

    monkeypatch.setattr(LocalPoliceRecords, "find", original)
    platform.redrive(case_id)
    case = wait_until(platform, case_id, waiting_for("mediator_acceptance"))
    assert case.failure is None and case.police_record["found"] is True


def test_a_withdrawal_during_an_automatic_step_closes_the_case(platform, monkeypatch):
    from daojiao.adapters.gateways import LocalPoliceRecords

    original = LocalPoliceRecords.find

    def withdraw_meanwhile(self, report_no):
        # The claimant withdraws while AttachPoliceRecord is running.
        case_id = platform.store.cases_with_status("intake_passed")[0].case_id
        platform.decide(ZHANG, case_id, decisions.withdraw, reason="changed my mind")
        return original(self, report_no)

    monkeypatch.setattr(LocalPoliceRecords, "find", withdraw_meanwhile)
    case_id = file(platform)
    case = wait_until(platform, case_id, lambda c: c.status == "closed")
    assert case.ending == "withdrawn"
    assert case.police_record is None  # the step stopped instead of acting on a withdrawn case
    assert execution_status(platform, case_id) == "SUCCEEDED"


def test_a_mediators_load_counts_their_open_mediations(platform):
    def loads():
        return {m["mediator_id"]: m["load"] for m in platform.store.roster()
                if m["mediator_id"].startswith("med-gd")}

    assert loads() == {"med-gd-1": 0, "med-gd-2": 0}
    case_id = file(platform)
    wait_until(platform, case_id, waiting_for("mediator_acceptance"))
    assert loads() == {"med-gd-1": 1, "med-gd-2": 0}

    platform.decide(MEDIATOR, case_id, decisions.mediator_answer, accept=False, reason="busy")
    wait_until(platform, case_id, lambda c: c.mediator_id == "med-gd-2")
    assert loads() == {"med-gd-1": 0, "med-gd-2": 1}

    platform.decide(ZHANG, case_id, decisions.withdraw)
    wait_until(platform, case_id, lambda c: c.status == "closed")
    assert loads() == {"med-gd-1": 0, "med-gd-2": 0}


@pytest.mark.parametrize("periods", [{"CourtDecisionPeriod": "2s"}], indirect=True)
def test_an_overdue_court_is_flagged_and_a_redrive_gives_it_a_new_period(platform):
    case_id = file(platform)
    mediate_to_proposal(platform, case_id)
    everyone_accepts(platform, case_id)
    wait_until(platform, case_id, waiting_for("signatures"))
    platform.decide(ZHANG, case_id, decisions.sign_agreement)
    platform.decide(LI, case_id, decisions.sign_agreement)

    case = wait_until(platform, case_id, lambda c: c.status == "failed")
    assert case.failure["error"] == "States.Timeout"
    assert case.resume_at == "OpenCourtDecisionPeriod"

    platform.redrive(case_id)
    case = wait_until(platform, case_id, waiting_for("court_decision"))
    platform.decide(TIANHE, case_id, decisions.court_decide, confirm=True)
    case = wait_until(platform, case_id, lambda c: c.status == "closed")
    assert case.ending == "settled"

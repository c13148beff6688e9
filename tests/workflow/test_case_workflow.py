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


def mediation_begins(app, case_id):
    wait_until(app, case_id, waiting_for("mediator_acceptance"))
    case = app.store.load(case_id)
    assert case.mediator_id == "med-gd-1"  # people's mediator of Guangdong, load 0
    app.decide(MEDIATOR, case_id, decisions.mediator_answer, accept=True)
    wait_until(app, case_id, waiting_for("mediation"))


def mediate_to_proposal(app, case_id):
    mediation_begins(app, case_id)
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
    assert case.transfer["court_code"] == "粤0106"  # 天河区人民法院
    assert "case_file" in case.documents
    platform.decide(TIANHE, case_id, decisions.docket, docket_no="(2026)粤0106民初1234号")

    case = wait_until(platform, case_id, lambda c: c.status == "closed")
    assert (case.ending, case.docket_no) == ("transferred", "(2026)粤0106民初1234号")
    from daojiao.platform import FilingRejected

    with pytest.raises(FilingRejected) as refused:
        file(platform)  # a litigated dispute is not filed for mediation again
    assert refused.value.errors["police_report_no"] == (
        f"case {case_id} for this accident has ended; it cannot be filed again")


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
    from daojiao.domain import steps
    from daojiao.domain.errors import TransientError

    original = steps.attach_police_record
    calls = []

    def flaky(case, record):
        calls.append(case.case_id)
        if len(calls) == 1:
            raise TransientError("police interface timed out")
        return original(case, record)

    monkeypatch.setattr(steps, "attach_police_record", flaky)
    case_id = file(platform)
    case = wait_until(platform, case_id, waiting_for("mediator_acceptance"))
    assert len(calls) == 2
    assert case.police_record["found"] is True
    history = [e["type"] for e in platform.workflow.history(case_id)]
    assert "LambdaFunctionFailed" in history or "TaskFailed" in history


def broken_step(case, record):
    raise KeyError("record format changed")


def test_a_failing_step_is_caught_recorded_and_can_be_redriven(platform, monkeypatch):
    from daojiao.domain import steps

    original = steps.attach_police_record
    monkeypatch.setattr(steps, "attach_police_record", broken_step)
    case_id = file(platform)
    case = wait_until(platform, case_id, lambda c: c.status == "failed")
    assert case.failure["error"] == "KeyError"
    assert case.resume_at == "AttachPoliceRecord"
    assert execution_status(platform, case_id) == "FAILED"

    monkeypatch.setattr(steps, "attach_police_record", original)
    platform.redrive(case_id)
    case = wait_until(platform, case_id, waiting_for("mediator_acceptance"))
    assert case.failure is None and case.police_record["found"] is True


def test_a_withdrawal_during_an_automatic_step_closes_the_case(platform, monkeypatch):
    from daojiao.domain import steps

    original = steps.attach_police_record

    def withdraw_meanwhile(case, record):
        # The claimant withdraws while AttachPoliceRecord is running.
        platform.decide(ZHANG, case.case_id, decisions.withdraw, reason="changed my mind")
        return original(case, record)

    monkeypatch.setattr(steps, "attach_police_record", withdraw_meanwhile)
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


def test_the_police_record_decides_parties_vehicles_and_insurers(platform):
    form = filing_from_record()
    form["vehicles"][0] = {**form["vehicles"][0], "compulsory_insurer": "cpic",
                           "commercial_limit": "5000000"}
    form["parties"] = form["parties"] + [{**form["parties"][0], "party_id": "p9"}]
    case_id = platform.file_case(ZHANG, form, str(uuid.uuid4()))
    case = platform.store.load(case_id)
    # GD2026-0001 says: vehicle A insured by PICC (交强险) and Ping An up to 1,000,000.
    assert case.vehicles[0]["compulsory_insurer"] == "picc"
    assert case.vehicles[0]["commercial_limit"] == "1000000"
    assert [p["party_id"] for p in case.parties] == ["p1", "p2"]


def test_only_a_party_to_the_accident_reads_its_record_or_files_it(platform):
    from daojiao.platform import FilingRejected

    wang = Principal("party", "320102199203034563")  # a party of JS2026-0002 only
    assert platform.prefill("GD2026-0001", wang) is None
    assert platform.prefill("GD2026-0001", ZHANG)["report_no"] == "GD2026-0001"
    with pytest.raises(FilingRejected) as refused:
        platform.file_case(wang, filing_from_record(), str(uuid.uuid4()))
    assert list(refused.value.errors) == ["police_report_no"]


def test_one_open_case_per_accident_and_injured_person(platform):
    from daojiao.platform import FilingRejected

    first = file(platform)
    with pytest.raises(FilingRejected) as refused:
        file(platform)
    assert refused.value.errors["police_report_no"] == (
        f"case {first} for this accident is already open")

    wait_until(platform, first, waiting_for("mediator_acceptance"))
    platform.decide(ZHANG, first, decisions.withdraw)
    wait_until(platform, first, lambda c: c.status == "closed")
    second = file(platform)  # a withdrawn dispute may be filed again
    assert second != first


def test_a_failed_case_can_still_be_withdrawn_and_closes(platform, monkeypatch):
    from daojiao.domain import steps

    case_id = file(platform)
    wait_until(platform, case_id, waiting_for("mediator_acceptance"))
    platform.decide(ZHANG, case_id, decisions.withdraw)
    wait_until(platform, case_id, lambda c: c.status == "closed")

    monkeypatch.setattr(steps, "attach_police_record", broken_step)
    other = platform.file_case(ZHANG, filing_from_record(), str(uuid.uuid4()))
    case = wait_until(platform, other, lambda c: c.status == "failed")
    # The case keeps the error's message, not the stack trace.
    assert case.failure == {"error": "KeyError", "cause": "'record format changed'"}
    platform.decide(ZHANG, other, decisions.withdraw, reason="giving up")
    case = wait_until(platform, other, lambda c: c.status == "closed")
    assert case.ending == "withdrawn"


def test_no_mediator_in_the_region_sends_the_case_to_court(platform, monkeypatch):
    from daojiao.adapters.event_store import EventStore

    monkeypatch.setattr(EventStore, "roster", lambda self: [])
    case_id = file(platform)
    case = wait_until(platform, case_id, waiting_for("docket"))
    assert case.transfer["reason"] == "no mediator available"


@pytest.mark.parametrize("periods", [{"MediatorAcceptancePeriod": "2s"}], indirect=True)
def test_a_mediator_who_does_not_answer_in_time_is_replaced(platform):
    case_id = file(platform)
    case = wait_until(platform, case_id, lambda c: c.mediator_id == "med-gd-2", timeout=15)
    assert case.declined_mediators == ["med-gd-1"]
    kinds = [e.data.get("kind") for e in platform.store.events(case_id)
             if e.type == "PeriodExpired"]
    assert kinds == ["mediator_acceptance"]


def test_the_mediator_records_that_mediation_failed(platform):
    case_id = file(platform)
    mediation_begins(platform, case_id)
    platform.decide(MEDIATOR, case_id, decisions.mediation_failed,
                    reason="the parties are 200,000 yuan apart")
    case = wait_until(platform, case_id, waiting_for("docket"))
    assert case.transfer["reason"] == "the parties are 200,000 yuan apart"


@pytest.mark.parametrize("periods", [{"MediationPeriod": "2s"}], indirect=True)
def test_mediation_that_runs_out_of_time_is_transferred(platform):
    case_id = file(platform)
    wait_until(platform, case_id, waiting_for("mediator_acceptance"))
    platform.decide(MEDIATOR, case_id, decisions.mediator_answer, accept=True)
    case = wait_until(platform, case_id, waiting_for("docket"), timeout=15)
    assert case.transfer["reason"] == "the mediation period ran out of time"


@pytest.mark.parametrize("periods", [{"SigningPeriod": "2s"}], indirect=True)
def test_an_agreement_not_signed_in_time_is_transferred(platform):
    case_id = file(platform)
    mediate_to_proposal(platform, case_id)
    everyone_accepts(platform, case_id)
    wait_until(platform, case_id, waiting_for("signatures"))
    platform.decide(ZHANG, case_id, decisions.sign_agreement)
    case = wait_until(platform, case_id, waiting_for("docket"), timeout=15)
    assert case.transfer["reason"] == "signing the agreement ran out of time"


@pytest.mark.parametrize("periods", [{"DocketPeriod": "2s"}], indirect=True)
def test_a_court_that_does_not_docket_in_time_is_flagged_for_the_administrator(platform):
    case_id = file(platform)
    mediation_begins(platform, case_id)
    platform.decide(MEDIATOR, case_id, decisions.mediation_failed, reason="no agreement")
    case = wait_until(platform, case_id, lambda c: c.status == "failed", timeout=15)
    assert (case.failure["error"], case.resume_at) == ("States.Timeout", "OpenDocketPeriod")
    assert execution_status(platform, case_id) == "FAILED"


def test_two_rejections_at_once_end_mediation_once(platform):
    from concurrent.futures import ThreadPoolExecutor

    case_id = file(platform)
    mediate_to_proposal(platform, case_id)

    def reject(who):
        try:
            platform.decide(who, case_id, decisions.answer_proposal, accept=False, reason="no")
            return "recorded"
        except WrongStage:
            return "refused"  # the other rejection had already ended mediation

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(reject, (ZHANG, LI)))
    assert outcomes == ["recorded", "refused"]
    case = wait_until(platform, case_id, waiting_for("docket"))
    assert len(case.answers) == 1
    delivered = [e for e in platform.store.events(case_id) if e.type == "DecisionDelivered"
                 and e.data["kind"] == "answers"]
    assert len(delivered) == 1

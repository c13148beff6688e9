"""The case as a fold of its events, and the decisions the rules allow."""

from datetime import UTC, datetime

import pytest

from daojiao.domain import decisions, steps
from daojiao.domain.access import Principal, can_view
from daojiao.domain.case import Case, Event, replay
from daojiao.domain.errors import AlreadyDone, DomainError, NotAllowed, WrongStage

PARTIES = [
    {"party_id": "p1", "name": "甲", "id_number": "440106199001011235", "phone": "13800000001",
     "role": "injured", "responsibility": "none"},
    {"party_id": "p2", "name": "乙", "id_number": "440106198505052343", "phone": "13800000002",
     "role": "driver", "responsibility": "full"},
]
VEHICLES = [
    {"vehicle_id": "A", "plate": "粤A1", "driver_party_id": "p2", "compulsory_insurer": "picc",
     "commercial_insurer": "pingan", "commercial_limit": "500000", "liability": "1",
     "at_fault": True},
    {"vehicle_id": "B", "plate": "粤A2", "driver_party_id": "p2", "compulsory_insurer": "cpic",
     "commercial_insurer": None, "commercial_limit": "0", "liability": "0", "at_fault": False},
]
P1 = Principal("party", PARTIES[0]["id_number"])
P2 = Principal("party", PARTIES[1]["id_number"])
PICC = Principal("insurer", "picc")
STRANGER = Principal("party", "110101199901010000")


def case_at(*events: tuple[str, dict]) -> Case:
    filed = ("CaseFiled", {"filing": {"parties": PARTIES, "vehicles": VEHICLES,
                                      "claimant_party_id": "p1", "region": "guangdong"}})
    return replay("C1", [Event(case_id="C1", version=n, type=kind, data=data,
                               at=datetime(2026, 12, 1, 8, n, tzinfo=UTC))
                         for n, (kind, data) in enumerate([filed, *events], start=1)])


PROPOSED = [("MediatorAssigned", {"mediator_id": "m1"}), ("MediatorAccepted", {}),
            ("ProposalRecorded", {"payments": [], "total": "100"})]


def test_a_proposal_is_agreed_only_when_every_party_and_insurer_accepted():
    answerers = ["party:p1", "party:p2", "insurer:picc", "insurer:pingan", "insurer:cpic"]
    answers = [("ProposalAnswered", {"actor": a, "accepted": True}) for a in answerers]
    assert case_at(*PROPOSED, *answers[:-1]).status == "proposal_made"
    assert case_at(*PROPOSED, *answers).status == "agreed"


def test_one_rejection_ends_mediation():
    case = case_at(*PROPOSED, ("ProposalAnswered", {"actor": "party:p1", "accepted": True}),
                   ("ProposalAnswered", {"actor": "insurer:picc", "accepted": False}))
    assert (case.status, case.ending_reason) == ("mediation_failed", "the proposal was rejected")


def test_the_agreement_takes_effect_when_the_last_party_signs():
    drafted = [*PROPOSED, *[("ProposalAnswered", {"actor": a, "accepted": True}) for a in
                            ("party:p1", "party:p2", "insurer:picc", "insurer:pingan",
                             "insurer:cpic")],
               ("DocumentRendered", {"kind": "agreement", "document_id": "d"})]
    one = case_at(*drafted, ("AgreementSigned", {"party_id": "p2"}))
    assert (one.status, one.agreement_effective_at) == ("agreement_drafted", None)
    both = case_at(*drafted, ("AgreementSigned", {"party_id": "p2"}),
                   ("AgreementSigned", {"party_id": "p1"}))
    assert both.status == "agreement_signed"
    # Event 12 is the last signature, stamped 08:12 UTC by case_at.
    assert both.agreement_effective_at == "2026-12-01T08:12:00+00:00"


def test_a_party_answers_once_and_only_for_themselves():
    case = case_at(*PROPOSED)
    kind, data = decisions.answer_proposal(P1, case, accept=True)
    assert (kind, data["actor"]) == ("ProposalAnswered", "party:p1")
    answered = case_at(*PROPOSED, (kind, data))
    with pytest.raises(AlreadyDone):
        decisions.answer_proposal(P1, answered, accept=False)
    with pytest.raises(NotAllowed):
        decisions.answer_proposal(STRANGER, case, accept=True)


def test_decisions_at_the_wrong_stage_are_refused():
    with pytest.raises(WrongStage):
        decisions.answer_proposal(P1, case_at(), accept=True)
    with pytest.raises(WrongStage):
        decisions.sign_agreement(P1, case_at(*PROPOSED))


def test_only_the_claimant_withdraws_and_only_before_the_court_decides():
    case = case_at(*PROPOSED)
    with pytest.raises(NotAllowed):
        decisions.withdraw(P2, case)
    assert decisions.withdraw(P1, case)[0] == "Withdrawn"
    confirmed = case_at(*PROPOSED, ("ConfirmationApplied", {"court_id": "c1",
                                                           "application_no": "x"}),
                        ("ConfirmationDecided", {"confirmed": True}))
    with pytest.raises(WrongStage):
        decisions.withdraw(P1, confirmed)


def test_a_proposal_names_known_payers_with_exact_amounts():
    case = case_at(("MediatorAssigned", {"mediator_id": "m1"}), ("MediatorAccepted", {}))
    case.filing["accident_date"] = "2026-10-12"
    mediator = Principal("mediator", "m1")
    kind, data = decisions.record_proposal(mediator, case, {"A/compulsory": "18000",
                                                            "A/commercial": "0.1"})
    assert data["payments"] == [{"payer": "A/compulsory", "amount": "18000.00"},
                                {"payer": "A/commercial", "amount": "0.10"}]
    assert data["total"] == "18000.10"
    # B has no commercial insurance; Z is no vehicle of the case.
    for payer in ("B/commercial", "Z/party"):
        with pytest.raises(DomainError, match="not a payer"):
            decisions.record_proposal(mediator, case, {payer: "1"})
    # A fraction of a cent is a typing mistake, not something to round silently.
    with pytest.raises(DomainError, match="to the cent"):
        decisions.record_proposal(mediator, case, {"A/compulsory": "0.105"})
    for bad in ("NaN", "1e308x", "abc"):
        with pytest.raises(DomainError, match="in yuan"):
            decisions.record_proposal(mediator, case, {"A/compulsory": bad})
    with pytest.raises(DomainError, match="negative"):
        decisions.record_proposal(mediator, case, {"A/compulsory": "-1"})
    with pytest.raises(DomainError, match="below 10,000,000,000"):
        decisions.record_proposal(mediator, case, {"A/party": "1e308"})


def test_compulsory_insurance_is_never_asked_beyond_its_statutory_limits():
    case = case_at(("MediatorAssigned", {"mediator_id": "m1"}), ("MediatorAccepted", {}))
    case.filing["accident_date"] = "2026-10-12"
    mediator = Principal("mediator", "m1")
    # From 2020-09-19: at fault 180,000 + 18,000 + 2,000 = 200,000; without fault
    # 18,000 + 1,800 + 100 = 19,900.
    assert decisions.record_proposal(mediator, case, {"A/compulsory": "200000"})
    with pytest.raises(DomainError, match="at most 200,000.00"):
        decisions.record_proposal(mediator, case, {"A/compulsory": "200000.01"})
    with pytest.raises(DomainError, match="at most 19,900.00"):
        decisions.record_proposal(mediator, case, {"B/compulsory": "19900.01"})
    # Before 2020-09-19 at fault: 110,000 + 10,000 + 2,000 = 122,000.
    case.filing["accident_date"] = "2019-08-15"
    with pytest.raises(DomainError, match="at most 122,000.00"):
        decisions.record_proposal(mediator, case, {"A/compulsory": "122000.01"})


def test_who_sees_a_case():
    case = case_at(*PROPOSED)
    assert can_view(P1, case) and can_view(PICC, case)
    assert can_view(Principal("mediator", "m1"), case)
    assert not can_view(Principal("mediator", "m2"), case)
    declined = case_at(("MediatorAssigned", {"mediator_id": "m1"}),
                       ("MediatorDeclined", {"mediator_id": "m1"}))
    assert not can_view(Principal("mediator", "m1"), declined)
    assert not can_view(Principal("court", "c1"), case)  # not addressed to any court yet
    assert not can_view(STRANGER, case)
    assert can_view(Principal("admin", "admin"), case)


def test_the_least_loaded_mediator_of_the_region_is_assigned():
    roster = [
        {"mediator_id": "m-ins", "type": "insurance", "regions": ["guangdong"], "load": 1},
        {"mediator_id": "m-people", "type": "people", "regions": ["guangdong"], "load": 1},
        {"mediator_id": "m-idle", "type": "court_invited", "regions": ["guangdong"], "load": 0},
        {"mediator_id": "m-js", "type": "people", "regions": ["jiangsu"], "load": 0},
    ]
    case = case_at()
    assert steps.assign_mediator(case, roster)[1]["mediator_id"] == "m-idle"
    roster[2]["load"] = 1  # all equal: a people's mediator first
    assert steps.assign_mediator(case, roster)[1]["mediator_id"] == "m-people"
    case.declined_mediators = ["m-people", "m-ins", "m-idle"]
    assert steps.assign_mediator(case, roster) == ("MediatorUnavailable",
                                                   {"region": "guangdong"})


def test_each_insurer_gets_one_instruction_for_what_the_agreement_has_it_pay():
    case = case_at(*PROPOSED)
    case.proposal = {"payments": [
        {"payer": "A/compulsory", "amount": "18000.00"},
        {"payer": "A/commercial", "amount": "3000.50"},
        {"payer": "B/compulsory", "amount": "1800.00"},
        {"payer": "A/party", "amount": "500.00"},  # the driver pays this himself
    ]}
    assert steps.payment_instructions(case) == [
        {"insurer_id": "cpic", "amount": "1800.00", "instruction_id": "C1-cpic"},
        {"insurer_id": "picc", "amount": "18000.00", "instruction_id": "C1-picc"},
        {"insurer_id": "pingan", "amount": "3000.50", "instruction_id": "C1-pingan"},
    ]


def test_a_docket_number_has_the_courts_form():
    court = Principal("court", "c1")
    case = case_at(("TransferredToLitigation", {"court_id": "c1", "court_name": "x",
                                                "docket_prefix": "(2026)苏0102民初",
                                                "court_code": "苏0102"}))
    for good in ("(2026)苏0102民初1234号", "（2026）苏0102民初7号"):
        assert decisions.docket(court, case, good) == ("Docketed", {"docket_no": good})
    for bad in ("<b>x</b>(2026)", "1234", "(26)苏0102民初1号", "(2026)苏0102民初号",
                "(2026)粤0106民初12号",  # another court's code
                "(2026)苏0102刑初12号",  # a criminal case
                "(2026）苏0102民初12号",  # brackets that do not match
                "(0000)苏0102民初12号", "(2026)苏0102民初0号"):
        with pytest.raises(DomainError, match="such as \\(2026\\)苏0102民初1234号"):
            decisions.docket(court, case, bad)


def test_no_insurer_is_asked_beyond_its_commercial_policy():
    case = case_at(("MediatorAssigned", {"mediator_id": "m1"}), ("MediatorAccepted", {}))
    case.filing["accident_date"] = "2026-10-12"
    mediator = Principal("mediator", "m1")
    # Vehicle A's commercial third-party policy is 500,000 yuan.
    assert decisions.record_proposal(mediator, case, {"A/commercial": "500000"})
    with pytest.raises(DomainError, match="at most 500,000.00"):
        decisions.record_proposal(mediator, case, {"A/commercial": "500000.01"})

"""Who sees which case: a party only their own, a mediator only cases assigned to them, an
insurer only cases its policies cover, a court only cases addressed to it, the administrator
everything; the rest get 403, on the API and on the pages alike."""

import pytest

from daojiao import web_support

from .conftest import awaiting, body, file_case, wait_until

ZHANG_ID = "440106199001011235"
LI_ID = "440106198505052343"


@pytest.fixture
def assigned_case(signed_in, store):
    """A case of GD2026-0001 that waits for its mediator to accept."""
    case_id = file_case(signed_in("zhangwei"))
    case = wait_until(store, case_id, awaiting("mediator_acceptance"))
    return case


def visible(user, case_id: str) -> int:
    return user.get(f"/api/cases/{case_id}").status_code


def listed(user, case_id: str) -> bool:
    return case_id in [row["case_id"] for row in body(user.get("/api/cases"))["cases"]]


def test_the_parties_of_a_case_see_it_and_other_parties_do_not(signed_in, assigned_case):
    case_id = assigned_case.case_id

    for username in ("zhangwei", "liqiang"):
        assert visible(signed_in(username), case_id) == 200
        assert listed(signed_in(username), case_id)
    wang = signed_in("wangfang")
    assert visible(wang, case_id) == 403
    assert body(wang.get(f"/api/cases/{case_id}")) == {"error": "you may not see this case",
                                                         "field": None}
    assert not listed(wang, case_id)
    assert wang.get(f"/cases/{case_id}").status_code == 403


def test_a_party_sees_the_other_parties_by_name_only(signed_in, assigned_case):
    view = body(signed_in("zhangwei").get(f"/api/cases/{assigned_case.case_id}"))

    parties = {p["party_id"]: p for p in view["case"]["filing"]["parties"]}
    assert (parties["p1"]["id_number"], parties["p1"]["phone"]) == (ZHANG_ID, "13800000001")
    assert (parties["p2"]["name"], parties["p2"]["id_number"], parties["p2"]["phone"]) == (
        "李强", None, None)
    record = {p["party_id"]: p for p in view["case"]["police_record"]["parties"]}
    assert record["p2"]["id_number"] is None
    page = signed_in("zhangwei").get(f"/cases/{assigned_case.case_id}").body.decode()
    assert "李强" in page and LI_ID not in page and "13800000002" not in page


def test_redaction_goes_by_id_number_even_when_the_record_numbers_parties_its_own_way(
        signed_in, store, assigned_case):
    # The police record as attached calls Zhang "p2" and Li "p1"; Zhang still sees only
    # his own ID number and phone there.
    web_support.platform().run_step(assigned_case.case_id, lambda case: [
        ("PoliceRecordAttached", {"record": {**case.police_record, "parties": [
            {**case.police_record["parties"][1], "party_id": "p1"},
            {**case.police_record["parties"][0], "party_id": "p2"}]}})])

    view = body(signed_in("zhangwei").get(f"/api/cases/{assigned_case.case_id}"))

    record = {p["name"]: p for p in view["case"]["police_record"]["parties"]}
    assert (record["张伟"]["id_number"], record["张伟"]["phone"]) == (ZHANG_ID, "13800000001")
    assert (record["李强"]["id_number"], record["李强"]["phone"]) == (None, None)


def test_only_the_administrator_gets_the_workflows_task_token(signed_in, assigned_case):
    path = f"/api/cases/{assigned_case.case_id}"

    for username in ("zhangwei", assigned_case.mediator_id, "picc"):
        assert body(signed_in(username).get(path))["case"]["pending"] == {
            "kind": "mediator_acceptance"}
    pending = body(signed_in("admin").get(path))["case"]["pending"]
    assert pending["kind"] == "mediator_acceptance" and pending["token"]


def test_why_a_workflow_failed_is_for_the_administrator_only(signed_in, assigned_case):
    case_id = assigned_case.case_id
    web_support.platform().run_step(case_id, lambda case: [
        ("WorkflowFailed", {"error": "States.TaskFailed", "cause": "table throttled"})])
    zhang, admin = signed_in("zhangwei"), signed_in("admin")

    view = body(zhang.get(f"/api/cases/{case_id}"))
    assert view["case"]["failure"] == {
        "message": "the case is held up; the administrator has been alerted"}
    assert "table throttled" not in repr(view)
    page = zhang.get(f"/cases/{case_id}").body.decode()
    assert "案件办理暂时受阻，已通知管理员处理。" in page
    assert "table throttled" not in page and "States.TaskFailed" not in page

    assert body(admin.get(f"/api/cases/{case_id}"))["case"]["failure"] == {
        "error": "States.TaskFailed", "cause": "table throttled"}
    assert "States.TaskFailed：table throttled" in admin.get(f"/cases/{case_id}").body.decode()


def test_the_mediator_and_the_court_see_the_whole_file(signed_in, assigned_case):
    mediator = signed_in(assigned_case.mediator_id)
    view = body(mediator.get(f"/api/cases/{assigned_case.case_id}"))

    parties = {p["party_id"]: p for p in view["case"]["filing"]["parties"]}
    assert parties["p2"]["id_number"] == LI_ID


def test_only_the_assigned_mediator_sees_the_case(signed_in, assigned_case):
    case_id = assigned_case.case_id
    others = {"med-gd-1", "med-gd-2", "med-js-1"} - {assigned_case.mediator_id}

    assert visible(signed_in(assigned_case.mediator_id), case_id) == 200
    assert listed(signed_in(assigned_case.mediator_id), case_id)
    for username in others:
        assert visible(signed_in(username), case_id) == 403


def test_an_insurer_sees_only_the_cases_it_insures(signed_in, assigned_case):
    case_id = assigned_case.case_id

    for insurer in ("picc", "pingan"):  # compulsory and commercial insurers of vehicle A
        assert visible(signed_in(insurer), case_id) == 200
        assert listed(signed_in(insurer), case_id)
    assert visible(signed_in("cpic"), case_id) == 403


def test_the_administrator_sees_every_case(signed_in, assigned_case):
    admin = signed_in("admin")

    assert visible(admin, assigned_case.case_id) == 200
    assert listed(admin, assigned_case.case_id)


def test_the_case_view_says_who_must_act_and_what_each_one_may_do(signed_in, assigned_case):
    case_id, mediator = assigned_case.case_id, assigned_case.mediator_id

    view = body(signed_in(mediator).get(f"/api/cases/{case_id}"))

    assert view["waiting_on"] == [f"mediator:{mediator}"]
    assert view["my_actions"] == ["mediator_accept", "mediator_decline"]
    assert body(signed_in("zhangwei").get(f"/api/cases/{case_id}"))["my_actions"] == [
        "withdraw"]
    assert body(signed_in("picc").get(f"/api/cases/{case_id}"))["my_actions"] == []
    kinds = [row["type"] for row in view["timeline"]]
    assert kinds[0] == "CaseFiled" and "MediatorAssigned" in kinds
    served = next(row for row in view["timeline"] if row["type"] == "NoticeServed")
    assert "已送达" in served["summary_zh"] and "receipt" in served["summary_en"]


def test_a_court_sees_a_case_only_once_it_is_addressed_to_it(signed_in, store, assigned_case):
    case_id, mediator = assigned_case.case_id, signed_in(assigned_case.mediator_id)
    tianhe = signed_in("court-gd-tianhe")
    assert visible(tianhe, case_id) == 403

    accepted = mediator.post_json(f"/api/cases/{case_id}/decisions",
                                  {"action": "mediator_accept"})
    assert accepted.status_code == 200
    wait_until(store, case_id, awaiting("mediation"))
    failed = mediator.post_json(f"/api/cases/{case_id}/decisions",
                                {"action": "mediation_failed", "reason": "差距过大"})
    assert failed.status_code == 200
    wait_until(store, case_id, awaiting("docket"))

    assert visible(tianhe, case_id) == 200
    assert listed(tianhe, case_id)
    assert visible(signed_in("court-js-xuanwu"), case_id) == 403
    docketed = tianhe.post_json(f"/api/cases/{case_id}/decisions",
                                {"action": "docket", "docket_no": "(2026)粤0106民初1234号"})
    assert docketed.status_code == 200
    assert wait_until(store, case_id, lambda c: c.status == "closed").ending == "transferred"


def test_a_decision_by_someone_else_is_refused(signed_in, assigned_case):
    response = signed_in("zhangwei").post_json(
        f"/api/cases/{assigned_case.case_id}/decisions", {"action": "mediator_accept"})

    assert response.status_code == 403
    assert body(response) == {"error": "only the case's mediator may do this", "field": None}


def test_a_decision_at_the_wrong_stage_is_409(signed_in, assigned_case):
    response = signed_in("zhangwei").post_json(
        f"/api/cases/{assigned_case.case_id}/decisions", {"action": "sign"})

    assert response.status_code == 409


def test_an_unknown_action_is_400(signed_in, assigned_case):
    response = signed_in("zhangwei").post_json(
        f"/api/cases/{assigned_case.case_id}/decisions", {"action": "settle_everything"})

    assert response.status_code == 400
    assert body(response)["field"] == "action"


def test_an_unknown_case_is_404(signed_in):
    response = signed_in("admin").get("/api/cases/TA19990101000000")

    assert response.status_code == 404
    assert signed_in("admin").get("/cases/TA19990101000000").status_code == 404


def test_documents_follow_the_case_access_rule(signed_in, assigned_case):
    path = f"/api/cases/{assigned_case.case_id}/documents/agreement-1"

    assert signed_in("wangfang").get(path).status_code == 403
    assert signed_in("zhangwei").get(path).status_code == 404


def test_a_party_who_has_not_consented_may_consent_to_electronic_service(signed_in, store,
                                                                          assigned_case):
    li = signed_in("liqiang")  # the claimant consented when filing; the driver did not
    path = f"/api/cases/{assigned_case.case_id}"
    assert body(li.get(path))["my_actions"] == ["consent"]

    response = li.post_json(f"{path}/decisions", {"action": "consent"})

    assert response.status_code == 200
    assert body(response)["case"]["consents"] == ["p1", "p2"]
    assert body(li.get(path))["my_actions"] == []

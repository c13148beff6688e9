"""The administrator console: every execution with its current state, one execution's
history on the picture of the workflow, redrive of a failed case; nobody else gets in."""

import pytest

from daojiao import web_support

from .conftest import awaiting, body, file_case, wait_until

ADMIN_ROUTES = ["/api/admin/executions", "/api/admin/executions/TA19990101000000"]


@pytest.fixture
def waiting_case(signed_in, store):
    case_id = file_case(signed_in("zhangwei"))
    return wait_until(store, case_id, awaiting("mediator_acceptance"))


@pytest.mark.parametrize("username", ["zhangwei", "med-gd-1", "court-gd-tianhe", "picc"])
def test_the_console_refuses_everyone_but_the_administrator(signed_in, username):
    user = signed_in(username)

    for path in ADMIN_ROUTES:
        response = user.get(path)
        assert response.status_code == 403
        assert body(response) == {"error": "only the administrator may do this", "field": None}
    assert user.post_json("/api/admin/cases/TA19990101000000/redrive", {}).status_code == 403
    assert user.get("/admin").status_code == 403


def test_the_console_lists_each_execution_with_its_current_state(signed_in, waiting_case):
    response = signed_in("admin").get("/api/admin/executions")

    assert response.status_code == 200
    row = next(e for e in body(response)["executions"] if e["name"] == waiting_case.case_id)
    assert row["status"] == "RUNNING"
    assert row["case_id"] == waiting_case.case_id
    assert row["current_state"] == "AwaitMediatorAcceptance"


def test_the_console_filters_executions_by_status(signed_in, waiting_case):
    admin = signed_in("admin")

    running = body(admin.get("/api/admin/executions?status=RUNNING"))["executions"]
    failed = body(admin.get("/api/admin/executions?status=FAILED"))["executions"]

    assert waiting_case.case_id in [e["name"] for e in running]
    assert waiting_case.case_id not in [e["name"] for e in failed]
    assert admin.get("/api/admin/executions?status=SLEEPING").status_code == 400


def test_one_execution_shows_its_history_and_the_workflow(signed_in, waiting_case):
    response = signed_in("admin").get(f"/api/admin/executions/{waiting_case.case_id}")

    assert response.status_code == 200
    detail = body(response)
    assert detail["execution"]["status"] == "RUNNING"
    assert detail["current_state"] == "AwaitMediatorAcceptance"
    entered = [e["state"] for e in detail["history"] if e["type"].endswith("StateEntered")]
    assert entered[:3] == ["Resume", "IntakeCheck", "AttachPoliceRecord"]
    assert "AwaitMediatorAcceptance" in detail["definition"]["States"]


def test_the_execution_page_marks_the_current_and_visited_states(signed_in, waiting_case):
    page = signed_in("admin").get(f"/admin/executions/{waiting_case.case_id}").body.decode()

    assert '<li class="current" aria-current="step"' in page
    assert "等待调解员接受 <small>AwaitMediatorAcceptance</small> ◀" in page
    assert '<li class="visited"' in page


def test_an_unknown_execution_is_404(signed_in):
    assert signed_in("admin").get("/api/admin/executions/TA19990101000000").status_code == 404


def test_only_a_failed_case_is_redriven(signed_in, waiting_case):
    response = signed_in("admin").post_json(
        f"/api/admin/cases/{waiting_case.case_id}/redrive", {})

    assert response.status_code == 409


def test_a_failed_case_is_redriven_where_it_stood(signed_in, store, waiting_case):
    case_id = waiting_case.case_id
    # What RecordFailure writes when a step fails for good.
    web_support.platform().run_step(case_id, lambda case: [
        ("WorkflowFailed", {"error": "States.TaskFailed", "cause": "test"})])
    admin = signed_in("admin")
    assert "TA" in admin.get("/admin").body.decode().split('id="failed-cases"')[1][:400]

    response = admin.post_json(f"/api/admin/cases/{case_id}/redrive", {})

    assert response.status_code == 200
    assert body(response)["execution"] == f"{case_id}-r1"
    case = wait_until(store, case_id, lambda c: c.status != "failed")
    assert case.status == "mediator_assigned"
    executions = body(admin.get("/api/admin/executions"))["executions"]
    redriven = next(e for e in executions if e["name"] == f"{case_id}-r1")
    assert redriven["case_id"] == case_id


def test_the_console_page_lists_executions_and_filters(signed_in, waiting_case):
    page = signed_in("admin").get("/admin?status=RUNNING").body.decode()

    assert f'href="/admin/executions/{waiting_case.case_id}"' in page
    assert '<a href="/admin?status=RUNNING" aria-current="page">' in page

"""Bad input is the sender's mistake: every route answers it with a 4xx that says what is
wrong, never a 500, and a wrong amount in a form comes back by its field as it was typed."""

import json
import re
import uuid

import pytest

from .conftest import awaiting, file_case, header, wait_until

CASE = "TA20260101ABCDEF"
LONG = "9" * 5000

# (method, path, body as JSON text or a dict of form fields), each answered with a 4xx.
JSON_ROUTES = ["/api/session", "/api/cases", f"/api/cases/{CASE}/decisions", "/api/calculate",
               f"/api/admin/cases/{CASE}/redrive"]
BAD_JSON = ["{", "[1, 2]", '"text"', "NaN", '{"a": NaN}', '{"a": Infinity}', "[" * 5000,
            '{"username": "\\ud800", "password": "x"}', "1" * 5000, '{"a": 1e999999}']


@pytest.mark.parametrize("text", BAD_JSON)
@pytest.mark.parametrize("path", JSON_ROUTES)
def test_a_body_that_is_not_a_json_object_is_400(signed_in, path, text):
    response = signed_in("admin").request("POST", path, text.encode(), "application/json")

    assert 400 <= response.status_code < 500, response.body


@pytest.mark.parametrize("path", [
    f"/api/cases/{'X' * 3000}", f"/api/cases/{CASE}%0A",
    f"/api/cases/{CASE}/documents/{'d' * 3000}",
    f"/api/cases/{'X' * 3000}/documents/agreement-1", f"/api/admin/executions/{'x' * 3000}",
    "/api/admin/executions/bad%20name", "/api/admin/executions?status=" + "x" * 100,
    f"/api/police-records/{'X' * 3000}", "/api/police-records/%00", f"/cases/{'X' * 3000}",
    f"/documents/{'X' * 3000}/agreement-1", f"/admin/executions/{'x' * 3000}",
    "/admin/executions/a%20b", "/admin?status=SLEEPING"])
def test_a_malformed_name_in_the_path_is_a_4xx(signed_in, path):
    response = signed_in("admin").get(path)

    assert 400 <= response.status_code < 500, response.body


@pytest.mark.parametrize("path", [
    "/login?next=%0D%0ALocation:%20/x", "/cases?done=%00", "/?lang=%FF",
    "/calculator?lang=" + "x" * 3000])
def test_odd_query_parameters_are_ignored(signed_in, path):
    response = signed_in("admin").get(path)

    assert response.status_code == 200
    assert "Location:" not in response.body.decode().split("<main", 1)[1]


@pytest.mark.parametrize("filing", [
    {"claim": "text"}, {"claim": None}, {"police_report_no": ["x"]}, {"police_report_no": LONG},
    {"police_report_no": "GD2026-0001", "claim": {"age": LONG}},
    {"police_report_no": "GD2026-0001", "claim": {"age": 34, "medical": "1e308"}},
    {"police_report_no": "GD2026-0001", "claim": {"age": 34, "medical": 1e308}},
    {"police_report_no": "GD2026-0001", "claim": {"age": 34, "disability_grades": "²"}},
    {"police_report_no": "GD2026-0001", "claim": {"age": 34}, "language": "fr"},
    {"police_report_no": "GD2026-0001", "claim": {"age": 34}, "consent_electronic_service": "x"},
])
def test_a_malformed_filing_is_400(signed_in, filing):
    response = signed_in("zhangwei").post_json("/api/cases", {
        "submission_id": str(uuid.uuid4()), "filing": filing})

    assert response.status_code == 400, response.body


@pytest.mark.parametrize("fields", [
    {"claim.age": LONG}, {"claim.disability_grades": "²,³"}, {"claim.medical": "1e999999"},
    {"claim.medical": "NaN"}, {"claim.hospital_days": "-1"}, {"police_report_no": LONG},
    {"police_report_no": "\x00"}, {"claim.outcome": "x" * 100}])
def test_a_malformed_filing_form_is_400_with_the_form_again(signed_in, fields):
    form = {"submission_id": str(uuid.uuid4()), "police_report_no": "GD2026-0001",
            "claim.age": "34", **fields}

    response = signed_in("zhangwei").post_form("/file", form)

    assert response.status_code == 400, response.body
    assert 'id="errors"' in response.body.decode()


@pytest.mark.parametrize("fields", [
    {"victims[0].disability_grades": "²"}, {"victims[0].disability_grades": LONG},
    {"victims[0].age": LONG}, {"victims[0].medical": "NaN"}, {"victims[0].medical": "1e999999"},
    {"vehicles[0].liability": "inf"}, {"accident_date": "2026-02-30"}, {"region": "\x00"},
    {"standards.urban_income": "-1"}, {"victims[0].lost_income.days": "1e5"}])
def test_a_malformed_calculator_form_is_400_with_the_form_again(browser, fields):
    form = {"accident_date": "2026-10-12", "region": "guangdong", "victims[0].age": "34",
            "victims[0].residence": "urban", "victims[0].outcome": "injury",
            "vehicles[0].compulsory_insured": "true", "vehicles[0].at_fault": "true",
            "vehicles[0].liability": "1", **fields}

    response = browser.post_form("/calculator", form)

    assert response.status_code == 400, response.body


@pytest.mark.parametrize("request_body", [
    {"victims": "x"}, {"victims": [{"id": "v1", "age": LONG}]}, {"vehicles": [[]]},
    {"victims": [{"id": "v1", "age": 34, "disability_grades": ["²"]}], "vehicles": []},
    {"victims": [{"id": "v1", "age": 34, "medical": "NaN"}], "vehicles": []},
    {"victims": [{"id": "v1", "age": 34}], "vehicles": [], "standards": "x"}])
def test_a_malformed_calculator_request_is_400(browser, request_body):
    response = browser.post_json("/api/calculate", request_body)

    assert response.status_code == 400, response.body


def test_a_login_with_odd_fields_is_refused_not_an_error(browser):
    for fields in ({"username": LONG, "password": "x"}, {"username": "\x00", "password": LONG},
                   {"password": "demo1234"}, {}):
        assert browser.post_form("/login", fields).status_code == 401
    response = browser.request("POST", "/api/session", json.dumps(
        {"username": ["zhangwei"], "password": {"p": 1}}).encode(), "application/json")
    assert response.status_code == 401


@pytest.fixture
def mediating_case(signed_in, store):
    case_id = file_case(signed_in("zhangwei"))
    case = wait_until(store, case_id, awaiting("mediator_acceptance"))
    mediator = signed_in(case.mediator_id)
    assert mediator.post_form(f"/cases/{case_id}/act",
                              {"action": "mediator_accept"}).status_code == 303
    wait_until(store, case_id, awaiting("mediation"))
    return case_id, mediator


@pytest.mark.timeout(120)
@pytest.mark.parametrize(("typed", "zh", "en"), [
    ("NaN", "请填写金额（元），例如 1234.50", "an amount in yuan, e.g. 1234.50"),
    ("1e308", "金额须小于 100 亿元", "an amount below 10,000,000,000 yuan"),
    ("-5", "金额不得为负数", "an amount cannot be negative"),
    ("0.105", "金额精确到分（最多两位小数）",
     "an amount is in yuan to the cent (at most two decimals)")])
def test_a_wrong_proposal_amount_is_shown_by_its_field_as_typed(mediating_case, typed, zh, en):
    case_id, mediator = mediating_case
    fields = {"action": "propose", "note": "按测算结果", "payments.A/compulsory": typed}

    response = mediator.post_form(f"/cases/{case_id}/act", fields)

    assert response.status_code == 400
    page = response.body.decode()
    field = re.search(r'<input id="pay-\d+" name="payments.A/compulsory" value="([^"]*)"'
                      r'[^>]*aria-invalid="true"[^>]*>\s*<p class="error" role="alert" '
                      r'id="err-payments.A/compulsory">([^<]*)</p>', page)
    assert field and field.groups() == (typed, zh)
    assert ">按测算结果</textarea>" in page
    english = mediator.post_form(f"/cases/{case_id}/act?lang=en", fields).body.decode()
    assert f'id="err-payments.A/compulsory">{en}</p>' in english


@pytest.mark.timeout(120)
def test_proposal_payments_that_are_not_amounts_are_400_on_the_api(mediating_case):
    case_id, mediator = mediating_case
    for payments in ({"A/compulsory": {"x": 1}}, {"A/compulsory": [1]}, {"Z/nobody": "10"},
                     {"A/compulsory": LONG}, "x", {"A/compulsory": None}):
        response = mediator.post_json(f"/api/cases/{case_id}/decisions",
                                      {"action": "propose", "payments": payments})
        assert response.status_code == 400, (payments, response.body)


def test_the_redriven_flash_shows_only_an_execution_name(signed_in):
    page = signed_in("admin").get("/admin?redriven=<b>pwned</b>").body.decode()

    assert "pwned" not in page
    named = signed_in("admin").get("/admin?redriven=TA20260101ABCDEF-r1").body.decode()
    assert "已重新驱动：TA20260101ABCDEF-r1" in named


def test_a_signed_out_visit_to_an_odd_path_goes_to_sign_in(browser):
    response = browser.get("/cases/%E5%BC%A0")

    assert response.status_code == 303
    assert header(response, "Location").startswith("/login?next=/cases/")

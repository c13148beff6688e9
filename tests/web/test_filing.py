"""Filing a dispute through the API and through the form: one case per submission, every
problem reported under its field, nothing filed while a field is wrong."""

import re
import uuid
from datetime import date, timedelta

from .conftest import body, filing, header

ZHANG_ID = "440106199001011234"


def case_ids(user) -> list[str]:
    return sorted(row["case_id"] for row in body(user.get("/api/cases"))["cases"])


def test_the_police_record_fills_in_the_parties(signed_in):
    response = signed_in("zhangwei").get("/api/police-records/GD2026-0001")

    assert response.status_code == 200
    record = body(response)
    assert [p["name"] for p in record["parties"]] == ["张伟", "李强"]
    assert record["vehicles"][0]["plate"] == "粤A12345"


def test_an_unknown_police_report_number_is_404_on_its_field(signed_in):
    response = signed_in("zhangwei").get("/api/police-records/XX0000-0000")

    assert response.status_code == 404
    assert body(response) == {"error": "no police record for this number",
                              "field": "police_report_no"}


def test_filing_returns_201_and_the_case_page_shows_the_case(signed_in):
    zhang = signed_in("zhangwei")

    response = zhang.post_json("/api/cases", {"submission_id": str(uuid.uuid4()),
                                              "filing": filing()})

    assert response.status_code == 201
    case_id = body(response)["case_id"]
    page = zhang.get(f"/cases/{case_id}").body.decode()
    assert case_id in page
    assert "案件进程" in page and "张伟提交调解申请" in page
    assert case_id in case_ids(zhang)


def test_the_same_submission_twice_files_one_case(signed_in, store):
    zhang = signed_in("zhangwei")
    submission = {"submission_id": str(uuid.uuid4()), "filing": filing()}

    first = zhang.post_json("/api/cases", submission)
    second = zhang.post_json("/api/cases", submission)

    assert (first.status_code, second.status_code) == (201, 200)
    case_id = body(first)["case_id"]
    assert body(second)["case_id"] == case_id
    assert case_ids(zhang).count(case_id) == 1


def test_field_errors_come_back_by_field_and_nothing_is_filed(signed_in, store):
    zhang = signed_in("zhangwei")
    before = case_ids(zhang)
    wrong = filing(medical="-100")
    wrong["parties"][1]["id_number"] = "12345"
    submission_id = str(uuid.uuid4())

    response = zhang.post_json("/api/cases", {"submission_id": submission_id, "filing": wrong})

    assert response.status_code == 400
    errors = body(response)["errors"]
    assert set(errors) == {"claim.medical", "parties.1.id_number"}
    assert store.submission(submission_id) is None
    assert case_ids(zhang) == before


def test_an_accident_in_the_future_is_refused(signed_in):
    tomorrow = (date.today() + timedelta(days=2)).isoformat()

    response = signed_in("zhangwei").post_json("/api/cases", {
        "submission_id": str(uuid.uuid4()), "filing": {**filing(), "accident_date": tomorrow}})

    assert response.status_code == 400
    assert list(body(response)["errors"]) == ["accident_date"]


def test_a_party_files_only_as_themselves(signed_in):
    response = signed_in("wangfang").post_json("/api/cases", {
        "submission_id": str(uuid.uuid4()), "filing": filing()})

    assert response.status_code == 400
    assert "claimant_party_id" in body(response)["errors"]


def test_only_a_party_files(signed_in):
    response = signed_in("med-gd-1").post_json("/api/cases", {
        "submission_id": str(uuid.uuid4()), "filing": filing()})

    assert response.status_code == 403


def test_a_submission_id_must_be_a_uuid(signed_in):
    response = signed_in("zhangwei").post_json("/api/cases", {"submission_id": "twice",
                                                              "filing": filing()})

    assert response.status_code == 400
    assert body(response)["field"] == "submission_id"


# --- the form ------------------------------------------------------------------------------


def form_fields(**changes: str) -> dict[str, str]:
    """The filing form as a browser posts it after fetching GD2026-0001."""
    fields = {"submission_id": str(uuid.uuid4()), "police_report_no": "GD2026-0001",
              "accident_date": "2026-10-12", "accident_place": "广州市天河区天河路与体育东路交叉口",
              "region": "guangdong", "claimant_party_id": "p1", "claim.victim_party_id": "p1",
              "claim.age": "34", "claim.residence": "urban", "claim.outcome": "injury",
              "claim.medical": "12000", "claim.lost_income_daily": "300",
              "claim.lost_income_days": "30", "consent_electronic_service": "on"}
    parties = [("p1", "张伟", ZHANG_ID, "13800000001", "injured", "none"),
               ("p2", "李强", "440106198505052345", "13800000002", "driver", "full")]
    for index, row in enumerate(parties):
        for name, value in zip(("party_id", "name", "id_number", "phone", "role",
                                "responsibility"), row, strict=True):
            fields[f"parties.{index}.{name}"] = value
    vehicle = {"vehicle_id": "A", "plate": "粤A12345", "driver_party_id": "p2",
               "compulsory_insurer": "picc", "commercial_insurer": "pingan",
               "commercial_limit": "1000000", "liability": "1.0", "at_fault": "true"}
    fields.update({f"vehicles.0.{name}": value for name, value in vehicle.items()})
    return {**fields, **changes}


def test_the_form_shows_each_error_by_its_field_and_keeps_what_was_typed(signed_in, store):
    fields = form_fields(**{"claim.medical": "-5", "parties.1.id_number": "4401"})

    response = signed_in("zhangwei").post_form("/file", fields)

    assert response.status_code == 400
    page = response.body.decode()
    assert re.search(r'<p class="error" id="err-claim.medical">不得为负数</p>', page)
    assert 'id="err-parties.1.id_number"' in page
    assert 'value="-5"' in page and 'value="4401"' in page
    assert store.submission(fields["submission_id"]) is None


def test_the_form_reports_an_accident_date_in_the_future(signed_in):
    later = (date.today() + timedelta(days=3)).isoformat()

    response = signed_in("zhangwei").post_form("/file", form_fields(accident_date=later))

    assert response.status_code == 400
    assert '<p class="error" id="err-accident_date">事故日期不能晚于今天</p>' in (
        response.body.decode())


def test_a_good_form_goes_to_the_case_and_a_double_submit_files_once(signed_in):
    zhang = signed_in("zhangwei")
    fields = form_fields()

    first = zhang.post_form("/file", fields)
    second = zhang.post_form("/file", fields)

    assert first.status_code == second.status_code == 303
    location = header(first, "Location")
    assert re.fullmatch(r"/cases/TA\d{8}[0-9A-F]{6}", location)
    assert header(second, "Location") == location


def test_the_form_fills_in_the_police_record_without_javascript(signed_in):
    response = signed_in("zhangwei").post_form("/file", {
        "police_report_no": "GD2026-0001", "fetch": "1", "claim.age": "34"})

    page = response.body.decode()
    assert response.status_code == 200
    assert 'name="parties.1.name" aria-label="姓名 2" value="李强"' in page
    assert 'name="vehicles.0.plate" aria-label="车牌号 1" value="粤A12345"' in page
    assert 'name="claim.age" type="text" value="34"' in page


def test_the_form_starts_with_a_fresh_submission_id(signed_in):
    page = signed_in("zhangwei").get("/file").body.decode()

    submission = re.search(r'name="submission_id" value="([^"]+)"', page).group(1)
    assert uuid.UUID(submission)


def test_the_form_is_for_parties_only(signed_in):
    assert signed_in("picc").get("/file").status_code == 403


def test_the_claimant_defaults_to_the_signed_in_party(signed_in):
    page = signed_in("liqiang").post_form("/file", {
        "police_report_no": "GD2026-0001", "fetch": "1"}).body.decode()

    claimant = re.search(r'<select id="f-claimant_party_id".*?</select>', page, re.DOTALL).group(0)
    assert '<option value="p2" selected>李强</option>' in claimant


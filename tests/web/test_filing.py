"""Filing a dispute through the API and through the form: one case per submission, every
problem reported under its field, nothing filed while a field is wrong."""

import re
import uuid
from datetime import date, timedelta

from .conftest import body, filing, header

ZHANG_ID = "440106199001011235"


def case_ids(user) -> list[str]:
    return sorted(row["case_id"] for row in body(user.get("/api/cases"))["cases"])


def test_the_police_record_fills_in_the_parties(signed_in):
    response = signed_in("zhangwei").get("/api/police-records/GD2026-0001")

    assert response.status_code == 200
    record = body(response)
    assert [p["name"] for p in record["parties"]] == ["张伟", "李强"]
    assert record["vehicles"][0]["plate"] == "粤A12345"


def test_a_party_reads_the_other_parties_of_the_police_record_without_id_number_or_phone(
        signed_in):
    record = body(signed_in("zhangwei").get("/api/police-records/GD2026-0001"))

    parties = {p["name"]: p for p in record["parties"]}
    assert (parties["张伟"]["id_number"], parties["张伟"]["phone"]) == (ZHANG_ID, "13800000001")
    assert (parties["李强"]["id_number"], parties["李强"]["phone"]) == (None, None)
    assert parties["李强"]["responsibility"] == "full"


def test_the_police_record_of_someone_elses_accident_is_not_found(signed_in):
    response = signed_in("wangfang").get("/api/police-records/GD2026-0001")

    assert response.status_code == 404
    assert body(response)["field"] == "police_report_no"


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
    wrong = filing(medical="-100", age="abc")
    submission_id = str(uuid.uuid4())

    response = zhang.post_json("/api/cases", {"submission_id": submission_id, "filing": wrong})

    assert response.status_code == 400
    errors = body(response)["errors"]
    assert set(errors) == {"claim.medical", "claim.age"}
    assert store.submission(submission_id) is None
    assert case_ids(zhang) == before


def test_the_accident_and_its_parties_are_the_police_records_not_the_forms(signed_in, store):
    tampered = {**filing(), "accident_date": (date.today() - timedelta(days=1)).isoformat(),
                "accident_place": "别处"}
    tampered["parties"][1]["name"] = "王五"

    response = signed_in("zhangwei").post_json("/api/cases", {
        "submission_id": str(uuid.uuid4()), "filing": tampered})

    assert response.status_code == 201
    case = store.load(body(response)["case_id"])
    assert case.filing["accident_date"] == "2026-10-12"
    assert case.filing["accident_place"] == "广州市天河区天河路与体育东路交叉口"
    assert [p["name"] for p in case.parties] == ["张伟", "李强"]


def test_a_party_files_only_about_an_accident_they_were_in(signed_in):
    response = signed_in("wangfang").post_json("/api/cases", {
        "submission_id": str(uuid.uuid4()), "filing": filing()})

    assert response.status_code == 400
    assert list(body(response)["errors"]) == ["police_report_no"]


def test_a_claim_that_is_not_an_object_is_400_on_its_field(signed_in):
    response = signed_in("zhangwei").post_json("/api/cases", {
        "submission_id": str(uuid.uuid4()), "filing": {**filing(), "claim": [1, 2]}})

    assert response.status_code == 400
    assert body(response)["field"] == "claim"


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
    """The filing form as a browser posts it after fetching GD2026-0001: the report number
    and the claim (the accident, parties and vehicles are shown, not sent)."""
    fields = {"submission_id": str(uuid.uuid4()), "police_report_no": "GD2026-0001",
              "claim.victim_party_id": "p1", "claim.age": "34", "claim.residence": "urban",
              "claim.outcome": "injury", "claim.medical": "12000",
              "claim.lost_income_daily": "300", "claim.lost_income_days": "30",
              "consent_electronic_service": "on"}
    return {**fields, **changes}


def test_the_form_shows_each_error_by_its_field_and_keeps_what_was_typed(signed_in, store):
    fields = form_fields(**{"claim.medical": "-5", "claim.age": "两岁"})

    response = signed_in("zhangwei").post_form("/file", fields)

    assert response.status_code == 400
    page = response.body.decode()
    assert re.search(r'<p class="error" id="err-claim.medical">不得为负数</p>', page)
    assert '<p class="error" id="err-claim.age">应为整数</p>' in page
    assert 'value="-5"' in page and 'value="两岁"' in page
    assert store.submission(fields["submission_id"]) is None


def test_pydantic_errors_on_the_form_are_in_the_pages_language(signed_in):
    fields = form_fields(**{"claim.age": "121", "claim.hospital_days": "3651",
                            "claim.nursing_daily": "NaN", "claim.transport": "0.105"})
    zhang = signed_in("zhangwei")

    zh = zhang.post_form("/file", fields).body.decode()
    en = zhang.post_form("/file?lang=en", fields).body.decode()

    assert '<p class="error" id="err-claim.age">不得大于 120</p>' in zh
    assert '<p class="error" id="err-claim.hospital_days">不得大于 3650</p>' in zh
    assert '<p class="error" id="err-claim.nursing_daily">应为有效的数字</p>' in zh
    assert '<p class="error" id="err-claim.transport">最多 2 位小数</p>' in zh
    assert '<p class="error" id="err-claim.age">at most 120</p>' in en
    assert '<p class="error" id="err-claim.nursing_daily">a finite number</p>' in en
    for english in ("Input should", "String should", "Decimal input"):
        assert english not in zh and english not in en


def test_a_good_form_goes_to_the_case_and_a_double_submit_files_once(signed_in):
    zhang = signed_in("zhangwei")
    fields = form_fields()

    first = zhang.post_form("/file", fields)
    second = zhang.post_form("/file", fields)

    assert first.status_code == second.status_code == 303
    location = header(first, "Location")
    assert re.fullmatch(r"/cases/TA\d{8}[0-9A-F]{6}", location)
    assert header(second, "Location") == location


def test_the_form_shows_the_police_record_with_the_others_id_numbers_hidden(signed_in):
    response = signed_in("zhangwei").post_form("/file", {
        "police_report_no": "GD2026-0001", "fetch": "1", "claim.age": "34"})

    page = response.body.decode()
    assert response.status_code == 200
    parties = re.search(r'<table id="parties">.*?</table>', page, re.DOTALL).group(0)
    assert re.search(r"<td>李强</td>\s*<td>驾驶人</td><td>全部责任</td>\s*"
                     r"<td>不予显示</td><td>不予显示</td>", parties)
    assert ZHANG_ID in parties and "440106198505052343" not in page
    vehicles = re.search(r'<table id="vehicles">.*?</table>', page, re.DOTALL).group(0)
    assert "<td>中国人民财产保险股份有限公司</td>" in vehicles
    assert "<td>中国平安财产保险股份有限公司</td>" in vehicles
    assert 'name="claim.age" type="text" value="34"' in page


def test_the_form_says_so_when_the_record_is_not_one_of_your_accidents(signed_in):
    page = signed_in("wangfang").post_form("/file", {
        "police_report_no": "GD2026-0001", "fetch": "1"}).body.decode()

    assert "未找到该编号下您作为当事人的事故认定书" in page
    assert 'id="parties"' not in page and "李强" not in page


def test_the_form_starts_with_a_fresh_submission_id(signed_in):
    page = signed_in("zhangwei").get("/file").body.decode()

    submission = re.search(r'name="submission_id" value="([^"]+)"', page).group(1)
    assert uuid.UUID(submission)


def test_the_form_is_for_parties_only(signed_in):
    response = signed_in("picc").get("/file")

    assert response.status_code == 403
    assert "只有当事人可以申请调解" in response.body.decode()


def test_the_claimant_is_the_signed_in_party_and_the_victim_an_injured_one(signed_in):
    page = signed_in("liqiang").post_form("/file", {
        "police_report_no": "GD2026-0001", "fetch": "1"}).body.decode()

    assert '<p class="value">李强（本人）</p>' in page
    victim = re.search(r'<select id="f-claim.victim_party_id".*?</select>', page,
                       re.DOTALL).group(0)
    assert re.findall(r"<option[^>]*>([^<]*)</option>", victim) == ["张伟"]

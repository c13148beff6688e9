"""The pages: Chinese first and English on a switch, the case page driving a case from the
proposal to the court's confirmation through its forms, and errors that never leak."""

import json
import re

import pytest

from daojiao import lambda_support, web_support

from .conftest import awaiting, body, file_case, header, wait_until


def test_the_home_page_is_chinese_first(browser):
    page = browser.get("/").body.decode()

    assert '<html lang="zh-CN">' in page
    assert "道路交通事故损害赔偿纠纷网上一体化处理平台" in page
    assert 'href="/login"' in page and 'href="/calculator"' in page


def test_lang_en_switches_to_english_and_the_cookie_keeps_it(browser):
    response = browser.get("/?lang=en")

    assert "lang=en" in header(response, "Set-Cookie")
    assert '<html lang="en">' in response.body.decode()
    assert "Road-traffic accident compensation disputes online" in browser.get("/").body.decode()
    browser.get("/?lang=zh")
    assert '<html lang="zh-CN">' in browser.get("/").body.decode()


def test_pages_carry_a_content_security_policy_with_a_nonce(browser):
    response = browser.get("/")

    policy = header(response, "Content-Security-Policy")
    assert re.search(r"script-src 'nonce-[\w-]+'", policy)
    assert header(response, "X-Content-Type-Options") == "nosniff"


def test_an_unexpected_error_is_a_generic_500_and_the_log_has_no_personal_data(
        signed_in, monkeypatch, caplog):
    user = signed_in("zhangwei")

    def broken(principal, case_id):
        raise RuntimeError("张伟 440106199001011235 13800000001")

    monkeypatch.setattr(web_support, "case_view", broken)

    response = user.get("/api/cases/TA20260101ABCDEF")

    assert response.status_code == 500
    assert body(response) == {"error": "something went wrong on our side; please try again "
                                       "later", "field": None}
    record = next(r for r in caplog.records if r.getMessage() == "unexpected error")
    assert (record.case_id, record.error_type) == ("TA20260101ABCDEF", "RuntimeError")
    logged = repr(record.__dict__)
    for secret in ("张伟", "440106199001011235", "13800000001", "Traceback"):
        assert secret not in logged
    assert record.exc_info is None


def test_a_web_log_line_carries_no_keys_of_a_lambda_invocation(signed_in, monkeypatch, caplog):
    user = signed_in("zhangwei")
    monkeypatch.setattr(web_support, "case_view", lambda principal, case_id: 1 / 0)
    # What a step handler on another thread of the same process appends to its own logger.
    lambda_support.logger.append_keys(step="AssignMediator", case_id="TA20260101OTHER1",
                                      function_request_id="another-invocation")
    try:
        assert user.get("/api/cases/TA20260101ABCDEF").status_code == 500
    finally:
        lambda_support.logger.remove_keys(["step", "case_id", "function_request_id"])

    record = next(r for r in caplog.records if r.getMessage() == "unexpected error")
    line = json.loads(web_support.logger.registered_formatter.format(record))
    assert (line["service"], line["case_id"]) == ("daojiao-web", "TA20260101ABCDEF")
    assert "step" not in line and "function_request_id" not in line


def test_a_case_id_that_is_not_one_is_not_logged(signed_in, monkeypatch, caplog):
    user = signed_in("zhangwei")
    monkeypatch.setattr(web_support, "case_view", lambda principal, case_id: 1 / 0)

    user.get("/api/cases/440106199001011235%20%E5%BC%A0%E4%BC%9F")

    record = next(r for r in caplog.records if r.getMessage() == "unexpected error")
    assert record.case_id is None


def test_an_unexpected_error_on_a_page_is_a_plain_500_page(signed_in, monkeypatch):
    user = signed_in("zhangwei")
    monkeypatch.setattr(web_support, "visible_cases", lambda principal: 1 / 0)

    response = user.get("/cases")

    page = response.body.decode()
    assert response.status_code == 500
    assert "系统出错，请稍后重试" in page and "ZeroDivisionError" not in page


def test_the_case_list_says_the_status_in_words_and_who_must_act(signed_in, store):
    case_id = file_case(signed_in("zhangwei"))
    case = wait_until(store, case_id, awaiting("mediator_acceptance"))

    page = signed_in("zhangwei").get("/cases").body.decode()

    row = re.search(rf'<tr>\s*<td><a href="/cases/{case_id}">.*?</tr>', page, re.DOTALL).group(0)
    assert "已指派调解员，待调解员接受" in row
    mediator_name = web_support.platform().names()[case.mediator_id]
    assert f"调解员 {mediator_name}" in row


def act(user, case_id: str, action: str, **fields: str):
    return user.post_form(f"/cases/{case_id}/act", {"action": action, **fields})


@pytest.mark.timeout(120)
def test_the_mediator_accepts_and_proposes_from_the_case_page(signed_in, store):
    zhang = signed_in("zhangwei")
    case_id = file_case(zhang)
    case = wait_until(store, case_id, awaiting("mediator_acceptance"))
    mediator = signed_in(case.mediator_id)

    accepted = act(mediator, case_id, "mediator_accept")
    assert accepted.status_code == 303
    assert header(accepted, "Location") == f"/cases/{case_id}?done=mediator_accept"
    assert "已办理：接受指派" in mediator.get(header(accepted, "Location")).body.decode()
    wait_until(store, case_id, awaiting("mediation"))

    # The proposal form offers the calculator's payers with its amounts: medical 12,000 and
    # lost income 300 × 30 = 9,000, all within vehicle A's compulsory insurance.
    page = mediator.get(f"/cases/{case_id}").body.decode()
    assert 'name="payments.A/compulsory" value="21000.00"' in page
    proposed = act(mediator, case_id, "propose", note="按测算结果",
                   **{"payments.A/compulsory": "21000.00"})
    assert proposed.status_code == 303
    wait_until(store, case_id, awaiting("answers"))

    page = zhang.get(f"/cases/{case_id}").body.decode()
    assert 'id="act-accept"' in page and 'id="act-reject"' in page
    assert re.search(r"车辆 A 交强险（中国人民财产保险股份有限公司）</td>"
                     r'<td class="num">21,000.00', page)


@pytest.mark.timeout(120)
def test_the_agreement_is_signed_confirmed_and_paid_through_the_pages(signed_in, store):
    zhang, li = signed_in("zhangwei"), signed_in("liqiang")
    case_id = file_case(zhang)
    case = wait_until(store, case_id, awaiting("mediator_acceptance"))
    mediator = signed_in(case.mediator_id)
    act(mediator, case_id, "mediator_accept")
    wait_until(store, case_id, awaiting("mediation"))
    act(mediator, case_id, "propose", **{"payments.A/compulsory": "21000.00"})
    wait_until(store, case_id, awaiting("answers"))

    for user in (zhang, li, signed_in("picc"), signed_in("pingan")):
        assert act(user, case_id, "accept").status_code == 303
    wait_until(store, case_id, awaiting("signatures"))
    page = zhang.get(f"/cases/{case_id}").body.decode()
    assert re.search(r'<a href="/documents/' + case_id + r'/[^"]+">调解协议书</a>', page)
    document = re.search(r'href="(/documents/' + case_id + r'/[^"]+)"', page).group(1)
    agreement = zhang.get(document)
    assert agreement.status_code == 200
    assert header(agreement, "Content-Type").startswith("text/html")
    assert signed_in("wangfang").get(document).status_code == 403

    for user in (zhang, li):
        assert act(user, case_id, "sign").status_code == 303
    wait_until(store, case_id, awaiting("court_decision"))
    court = signed_in("court-gd-tianhe")
    missing_reason = act(court, case_id, "refuse")
    assert missing_reason.status_code == 400
    assert 'id="err-reason"' in missing_reason.body.decode()
    assert act(court, case_id, "confirm").status_code == 303

    closed = wait_until(store, case_id, lambda c: c.status == "closed")
    assert closed.ending == "settled"
    page = zhang.get(f"/cases/{case_id}").body.decode()
    assert "司法确认裁定书" in page
    assert "中国人民财产保险股份有限公司已支付 21,000.00 元" in page
    # The status is said once, with how the case ended; the court's decision in its own words.
    assert page.count("<dt>状态</dt>") == 1
    assert re.search(r'id="case-status">已结案（调解结案）</span>', page)
    assert '<dd id="confirmation-decision">已裁定确认调解协议有效</dd>' in page
    assert "裁定确认调解协议有效</button>" not in page

    documents = dict(re.findall(r'<a href="(/documents/[^"]+)">([^<]+)</a>', page))
    agreement = zhang.get(next(k for k, v in documents.items() if v == "调解协议书")).body.decode()
    assert '<td>张伟</td><td>受害人 <span class="en">injured</span></td>' in agreement
    assert '<td>无责任 <span class="en">none</span></td>' in agreement
    assert '<td>李强</td><td>驾驶人 <span class="en">driver</span></td>' in agreement
    assert "粤A12345 交强险 中国人民财产保险股份有限公司" in agreement
    assert "A/compulsory" not in agreement
    ruling = zhang.get(next(k for k, v in documents.items() if v == "司法确认裁定书")).body.decode()
    assert "<p class=\"center\">广州市天河区人民法院</p>" in ruling
    assert re.search(rf"（\d{{4}}）民特SQ-{case_id}号", ruling)
    assert "<li>张伟，受害人" in ruling and "<li>李强，驾驶人" in ruling
    assert re.search(r"粤A12345 交强险 中国人民财产保险股份有限公司[^<]*<span class=\"en\">"
                     r"[^<]*</span></td><td class=\"num\">21,000.00</td>", ruling)
    assert "申请人 张伟、李强 达成的调解协议有效。" in ruling


@pytest.mark.timeout(120)
def test_a_rejected_proposal_goes_to_court_with_the_file_in_words(signed_in, store):
    zhang = signed_in("zhangwei")
    case_id = file_case(zhang)
    case = wait_until(store, case_id, awaiting("mediator_acceptance"))
    mediator = signed_in(case.mediator_id)
    act(mediator, case_id, "mediator_accept")
    wait_until(store, case_id, awaiting("mediation"))
    act(mediator, case_id, "propose", **{"payments.A/compulsory": "21000.00"})
    wait_until(store, case_id, awaiting("answers"))
    assert act(signed_in("picc"), case_id, "accept").status_code == 303
    assert act(zhang, case_id, "reject", reason="太少").status_code == 303
    wait_until(store, case_id, awaiting("docket"))

    page = zhang.get(f"/cases/{case_id}").body.decode()
    assert '<dd id="ending-reason">有当事人或保险公司不同意调解方案</dd>' in page
    facts = re.search(r'<ul id="undisputed-facts">(.*?)</ul>', page, re.DOTALL).group(1)
    assert re.findall(r"<li>([^<]*)</li>", facts) == [
        "事故事实及责任以事故认定书 GD2026-0001 为准", "中国人民财产保险股份有限公司同意调解方案"]
    english = zhang.get(f"/cases/{case_id}?lang=en").body.decode()
    assert '<dd id="ending-reason">the proposal was rejected</dd>' in english
    zhang.get("/?lang=zh")

    link = re.search(r'<a href="(/documents/[^"]+)">移送案件材料</a>', page).group(1)
    case_file = signed_in("court-gd-tianhe").get(link).body.decode()
    evidence = re.search(r'<ol id="evidence">(.*?)</ol>', case_file, re.DOTALL).group(1)
    assert "医疗费 12,000.00 元" in evidence
    assert "误工费 300.00 元/日 × 30 日 = 9,000.00 元" in evidence
    assert "claim" not in evidence and "medical:" not in evidence
    answers = re.search(r'<ul id="answers">(.*?)</ul>', case_file, re.DOTALL).group(1)
    assert "张伟：不同意 rejected（太少）" in answers
    assert "中国人民财产保险股份有限公司：同意 accepted" in answers
    assert "party:" not in case_file and "insurer:" not in case_file
    assert "移送原因 Reason: 有当事人或保险公司不同意调解方案" in case_file
    assert "440106198505052343" in case_file and "13800000002" in case_file  # for the court
    own_copy = zhang.get(link).body.decode()
    assert "440106198505052343" not in own_copy and "13800000002" not in own_copy
    assert "440106199001011235" in own_copy and "13800000001" in own_copy

    court = signed_in("court-gd-tianhe")
    assert act(court, case_id, "docket", docket_no="(2026)粤0106民初1234号").status_code == 303
    wait_until(store, case_id, lambda c: c.status == "closed")
    closed = zhang.get(f"/cases/{case_id}").body.decode()
    assert closed.count("<dt>状态</dt>") == 1
    assert re.search(r'id="case-status">已结案（转入诉讼）</span>', closed)

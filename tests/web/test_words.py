"""A Chinese page says everything in Chinese, an English page in English: the messages of the
domain and of pydantic, the reasons a case ended, the workflow's statuses, and deadlines that
fall at midnight read as the end of the day before."""

import re
from pathlib import Path

import pytest

from daojiao import web_support
from daojiao.web_support import Text

from .conftest import awaiting, file_case, wait_until

ZH, EN = Text("zh"), Text("en")


@pytest.mark.parametrize(("message", "zh", "en"), [
    ("String should have at most 60 characters", "不超过 60 个字", "at most 60 characters"),
    ("String should have at least 2 characters", "至少 2 个字", "at least 2 characters"),
    ("Input should be less than or equal to 3650", "不得大于 3650", "at most 3650"),
    ("Input should be greater than or equal to 1", "不得小于 1", "at least 1"),
    ("Input should be a finite number", "应为有效的数字", "a finite number"),
    ("Input should be a valid integer, unable to parse string as an integer", "应为整数",
     "a whole number"),
    ("Decimal input should have no more than 2 decimal places", "最多 2 位小数",
     "at most 2 decimal places"),
    ("Input should be a valid date or datetime, input is too short", "日期格式应为 年-月-日",
     "a date written YYYY-MM-DD"),
    ("Input should be 'urban' or 'rural'", "请从列表中选择", "choose one from the list"),
    ("List should have at most 10 items after validation, not 11", "最多 10 项",
     "at most 10 items"),
    ("Field required", "必填", "required"),
])
def test_pydantic_messages_are_translated_by_their_type_with_their_limits(message, zh, en):
    assert (ZH.message(message), EN.message(message)) == (zh, en)


@pytest.mark.parametrize(("message", "zh"), [
    ("no case TA20260101ABCDEF", "案件 TA20260101ABCDEF 不存在"),
    ("only a party files a dispute", "只有当事人可以申请调解"),
    ("status is one of RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED",
     "状态筛选应为：运行中、已完成、失败、超时、已中止之一"),
    ("the case is mediating; this needs it to be proposal_made",
     "案件当前状态为“调解中”，该事项须在“调解方案已提出，待各方答复”时办理"),
    ("compulsory insurance pays at most 200,000.00 yuan here", "本案交强险最多赔付 200,000.00 元"),
    ("an amount is in yuan to the cent (at most two decimals)", "金额精确到分（最多两位小数）"),
    ("the proposal was rejected", "有当事人或保险公司不同意调解方案"),
    ("the answers to the proposal ran out of time", "当事人答复调解方案已超期"),
    ("no mediator available", "本地区暂无可指派的调解员"),
    ("the court refused confirmation: 协议显失公平", "法院驳回司法确认申请：协议显失公平"),
    ("mediation did not end in a confirmed agreement", "调解未能达成经司法确认的协议"),
    ("accident facts and responsibility per the police record GD2026-0001",
     "事故事实及责任以事故认定书 GD2026-0001 为准"),
])
def test_domain_messages_are_translated_by_their_english_text(message, zh):
    assert ZH.message(message) == zh


def test_an_unknown_message_is_kept_as_it_is():
    assert ZH.message("差距过大，无法调解") == "差距过大，无法调解"
    assert EN.message("something new") == "something new"


def test_the_actors_who_accepted_are_named():
    names = {"party:p1": "张伟", "insurer:picc": "中国人民财产保险股份有限公司"}

    assert ZH.message("proposal accepted by party:p1, insurer:picc", names.get) == (
        "张伟、中国人民财产保险股份有限公司同意调解方案")
    assert EN.message("proposal accepted by party:p1, insurer:picc", names.get) == (
        "proposal accepted by 张伟, 中国人民财产保险股份有限公司")


@pytest.mark.parametrize(("moment", "zh", "en"), [
    ("2026-12-09T16:00:00+00:00", "2026-12-09 24:00", "by the end of 2026-12-09"),
    ("2026-12-31T16:00:00+00:00", "2026-12-31 24:00", "by the end of 2026-12-31"),
    ("2026-12-09T07:30:00+00:00", "2026-12-09 15:30", "by 2026-12-09 15:30"),
])
def test_a_deadline_at_midnight_china_time_is_the_end_of_the_day_before(moment, zh, en):
    assert (ZH.deadline(moment), EN.deadline(moment)) == (zh, en)


def test_deadlines_in_a_notice_read_the_same_way():
    assert ZH.deadlines_in("请于2026-12-10 00:00（北京时间）前完成：调解期限") == (
        "请于2026-12-09 24:00（北京时间）前完成：调解期限")
    assert EN.deadlines_in("Please act by 2026-12-10 00:00 China time: the mediation period") == (
        "Please act by the end of 2026-12-09 China time: the mediation period")


# --- on the pages --------------------------------------------------------------------------


def test_error_pages_are_in_the_pages_language(signed_in):
    admin = signed_in("admin")

    missing = admin.get("/cases/TA19990101000000")
    assert missing.status_code == 404
    assert "案件 TA19990101000000 不存在" in missing.body.decode()
    assert "no case TA19990101000000" in admin.get("/cases/TA19990101000000?lang=en").body.decode()
    admin.get("/?lang=zh")
    assert "只有当事人可以申请调解" in signed_in("court-gd-tianhe").get("/file").body.decode()
    bad_filter = admin.get("/admin?status=SLEEPING")
    assert bad_filter.status_code == 400
    assert "状态筛选应为：运行中、已完成、失败、超时、已中止之一" in bad_filter.body.decode()


def test_the_console_says_execution_statuses_in_words(signed_in, store):
    case_id = file_case(signed_in("zhangwei"))
    wait_until(store, case_id, awaiting("mediator_acceptance"))
    admin = signed_in("admin")

    page = admin.get("/admin").body.decode()
    assert '<a href="/admin?status=TIMED_OUT">超时</a>' in page
    row = re.search(rf'<tr>\s*<td><a href="/admin/executions/{case_id}">.*?</tr>', page,
                    re.DOTALL).group(0)
    assert '<span class="status">运行中</span>' in row
    execution = admin.get(f"/admin/executions/{case_id}").body.decode()
    assert '<dd id="execution-status">运行中</dd>' in execution
    assert '<dd id="execution-status">running</dd>' in admin.get(
        f"/admin/executions/{case_id}?lang=en").body.decode()


def test_a_deadline_at_midnight_shows_as_the_end_of_the_day_before(signed_in, store):
    case_id = file_case(signed_in("zhangwei"))
    case = wait_until(store, case_id, awaiting("mediator_acceptance"))
    # A period of days ends at midnight China time: 2026-12-10 00:00 (16:00 UTC the day before).
    web_support.platform().run_step(case_id, lambda c: [("PeriodOpened", {
        "kind": "mediator_acceptance", "period": "3wd", "opened_at": "2026-12-04T02:00:00+00:00",
        "ends_at": "2026-12-09T16:00:00+00:00", "ends_at_china": "2026-12-10T00:00:00+08:00",
        "opened_for": c.version_marker("mediator_acceptance")})])
    mediator = signed_in(case.mediator_id)

    zh = mediator.get(f"/cases/{case_id}").body.decode()
    en = mediator.get(f"/cases/{case_id}?lang=en").body.decode()

    assert '<dd id="deadline">调解员接受指派：2026-12-09 24:00</dd>' in zh
    assert "期限开始：调解员接受指派，截止 2026-12-09 24:00（北京时间）" in zh
    assert '<dd id="deadline">the mediator&#39;s acceptance: by the end of 2026-12-09</dd>' in en
    assert "2026-12-10 00:00" not in zh


def _raised_messages() -> list[str]:
    """The messages the domain and the platform raise, as written in their source, with each
    `{placeholder}` given a sample value."""
    source = Path(web_support.__file__).parent
    files = [*sorted((source / "domain").glob("*.py")), source / "platform.py",
             source / "adapters" / "event_store.py"]
    raised = re.compile(r'(?:DomainError|NotAllowed|NotFound|WrongStage|AlreadyDone)\(f?"([^"]+)"'
                        r'|problems\[[^\]]+\] = "([^"]+)"')
    field_check = re.compile(r'raise ValueError\("([^"]+)"')
    found = []
    for path in files:
        text = re.sub(r'"\s*\\?\n\s*"', "", path.read_text())  # "…" \ "…" across lines
        matches = [*raised.finditer(text)]
        if path.name == "filing.py":
            matches += [*field_check.finditer(text)]
        for match in matches:
            message = next(group for group in match.groups() if group)
            found.append(re.sub(r"\{[^}]+\}", "mediating", message))
    return found


def test_every_message_the_domain_raises_has_chinese_words():
    messages = _raised_messages()
    assert len(messages) > 30  # the scan found the domain's messages

    untranslated = [m for m in messages if not re.search(r"[\u4e00-\u9fff]", ZH.message(m))]
    assert untranslated == []

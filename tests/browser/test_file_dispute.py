"""A party files a dispute in a real browser: signs in, fetches the police record (shown, not
typed), fills in the claim, submits, and lands on the case page with its timeline.

Runs Debian's chromium headless against chalice's local server, which serves the web app on a
free port with the whole stack (moto's Step Functions and the real handlers) in this process.
"""

import importlib.util
import os
import re
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
from daojiao_local.cloud import LocalCloud

from daojiao import lambda_support, web_support
from daojiao.seed import seed_reference_data

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
SCREENSHOT = REPO / "test-results" / "file-dispute.png"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PERIODS = {name: "600s" for name in ("MediatorAcceptancePeriod", "MediationPeriod",
                                     "PartyAnswerPeriod", "SigningPeriod",
                                     "CourtDecisionPeriod", "DocketPeriod")}


def chromium() -> str:
    """Debian's chromium; missing, the test is skipped on a workstation and fails in CI."""
    if os.path.exists(CHROMIUM) or shutil.which("chromium"):
        return CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing: install it with `apt-get install -y chromium`")
    pytest.skip(f"{CHROMIUM} is missing (apt-get install -y chromium)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def site():
    """The web app on http://127.0.0.1:<port> over an in-process local cloud."""
    from chalice.config import Config
    from chalice.local import create_local_server

    with LocalCloud(REPO, parameter_overrides=PERIODS) as cloud:
        cloud.deploy()
        web_support.platform.cache_clear()
        lambda_support.platform.cache_clear()
        seed_reference_data(web_support.platform().store)
        spec = importlib.util.spec_from_file_location("daojiao_web_site", REPO / "web/app.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        port = free_port()
        server = create_local_server(module.app, Config.create(), "127.0.0.1", port)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            server.shutdown()
            thread.join(timeout=10)
    web_support.platform.cache_clear()
    lambda_support.platform.cache_clear()


@pytest.mark.timeout(180)
def test_a_party_files_a_dispute_from_the_police_record(site):
    from playwright.sync_api import expect, sync_playwright

    executable = chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
            page.set_default_timeout(15_000)

            page.goto(f"{site}/login")
            page.fill("#f-username", "zhangwei")
            page.fill("#f-password", "demo1234")
            page.click("form.login button[type=submit]")
            page.wait_for_url(f"{site}/cases")

            page.goto(f"{site}/file")
            page.fill("#f-police_report_no", "GD2026-0001")
            page.press("#f-police_report_no", "Enter")  # Enter fetches until there is a record
            expect(page.locator("#record-status")).to_contain_text("已调取事故认定书")
            parties = page.locator("#parties tbody tr")
            expect(parties.nth(0)).to_contain_text("张伟（本人）")
            expect(parties.nth(1)).to_contain_text("李强")
            expect(parties.nth(1)).to_contain_text("不予显示")  # the other party's ID number
            expect(page.locator("#vehicles")).to_contain_text("粤A12345")
            expect(page.locator("#vehicles")).to_contain_text("中国人民财产保险股份有限公司")
            expect(page.locator("#f-claim\\.victim_party_id")).to_have_value("p1")

            page.fill("#f-claim\\.age", "34")
            page.fill("#f-claim\\.medical", "12000")
            page.fill("#f-claim\\.hospital_days", "5")
            page.fill("#f-claim\\.lost_income_daily", "300")
            page.fill("#f-claim\\.lost_income_days", "30")
            page.check('input[name="consent_electronic_service"]')
            page.click("#submit-filing")

            page.wait_for_url(re.compile(r".*/cases/TA\d{8}[0-9A-F]{6}$"))
            case_id = page.url.rsplit("/", 1)[1]
            expect(page.locator("#case-id")).to_have_text(case_id)
            expect(page.locator("#timeline")).to_contain_text("张伟提交调解申请")
            # The workflow runs on: reload until the mediator is assigned, for the picture.
            deadline = time.monotonic() + 20
            while "指派调解员" not in page.inner_text("#timeline"):
                assert time.monotonic() < deadline, "the workflow did not assign a mediator"
                time.sleep(0.5)
                page.reload()
            SCREENSHOT.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOT), full_page=True)
        finally:
            browser.close()

"""The web app on the whole local stack: moto runs the real state machine and handlers in this
process, the app is called through chalice's test client, and each test signs in as one of
the demo accounts (password demo1234)."""

import importlib.util
import json
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from chalice.test import Client
from daojiao_local.cloud import LocalCloud

from daojiao import lambda_support, web_support
from daojiao.adapters.gateways import reference
from daojiao.domain.case import Case
from daojiao.seed import seed_reference_data

REPO = Path(__file__).resolve().parents[2]
# No period runs out while a test waits for a person: every human decision may take 10 minutes.
PERIODS = {name: "600s" for name in ("MediatorAcceptancePeriod", "MediationPeriod",
                                     "PartyAnswerPeriod", "SigningPeriod",
                                     "CourtDecisionPeriod", "DocketPeriod")}
PASSWORD = "demo1234"


@pytest.fixture(scope="package")
def cloud():
    """One local stack for every web test; torn down before other test folders run."""
    with LocalCloud(REPO, parameter_overrides=PERIODS) as local:
        local.deploy()
        web_support.platform.cache_clear()
        lambda_support.platform.cache_clear()
        seed_reference_data(web_support.platform().store)
        yield local
    web_support.platform.cache_clear()
    lambda_support.platform.cache_clear()


@pytest.fixture(scope="package")
def app(cloud):
    """web/app.py, imported by its path as the Lambda runtime would (CodeUri web/)."""
    spec = importlib.util.spec_from_file_location("daojiao_web_app", REPO / "web" / "app.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.app


@pytest.fixture
def store(cloud):
    return web_support.platform().store


@pytest.fixture(autouse=True)
def free_accidents(request):
    """Each test files its own dispute about the sample accidents. The platform keeps one
    open case per accident and injured person (CLAIM#<report no>#<party>); the earlier tests'
    cases stay open, so their claims are released before each test."""
    if "cloud" not in request.fixturenames:
        return
    store = request.getfixturevalue("store")
    for record in reference("police_records.json"):
        for party in record["parties"]:
            store.table.delete_item(Key={"pk": f"CLAIM#{record['report_no']}#{party['party_id']}",
                                         "sk": "CLAIM"})


class Browser:
    """A client that keeps its cookies, like a browser, over chalice's test client."""

    def __init__(self, app):
        self.http = Client(app).http
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes = b"",
                content_type: str | None = None):
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if content_type:
            headers["Content-Type"] = content_type
        response = self.http.request(method, path, headers=headers, body=body)
        self._keep(response.headers)
        return response

    def _keep(self, headers: dict[str, Any]) -> None:
        found = next((v for k, v in headers.items() if k.lower() == "set-cookie"), None)
        for cookie in ([found] if isinstance(found, str) else found or []):
            name, _, rest = cookie.partition("=")
            value = rest.split(";")[0]
            if "Max-Age=0" in cookie:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value

    def get(self, path: str):
        return self.request("GET", path)

    def post_json(self, path: str, data: Any):
        return self.request("POST", path, json.dumps(data).encode(), "application/json")

    def post_form(self, path: str, fields: dict[str, Any]):
        # The charset suffix is what browsers send and what chalice local trips over.
        return self.request("POST", path, urlencode(fields).encode(),
                            "application/x-www-form-urlencoded; charset=UTF-8")

    def delete(self, path: str):
        return self.request("DELETE", path)

    def sign_in(self, username: str, password: str = PASSWORD):
        return self.post_json("/api/session", {"username": username, "password": password})


@pytest.fixture
def browser(app) -> Browser:
    return Browser(app)


@pytest.fixture
def signed_in(app) -> Callable[[str], Browser]:
    """`signed_in("zhangwei")`: a browser with that account's session."""
    def sign_in(username: str) -> Browser:
        user = Browser(app)
        response = user.sign_in(username)
        assert response.status_code == 200, response.body
        return user
    return sign_in


def body(response) -> Any:
    return json.loads(response.body)


def header(response, name: str) -> str:
    found = next((v for k, v in response.headers.items() if k.lower() == name.lower()), "")
    return "; ".join(found) if isinstance(found, list) else found


def filing(report_no: str = "GD2026-0001", **claim: Any) -> dict[str, Any]:
    """What the filing form sends once the police record has filled in the parties."""
    record = next(r for r in reference("police_records.json") if r["report_no"] == report_no)
    injured = next(p for p in record["parties"] if p["role"] == "injured")
    return {
        "accident_date": record["accident_date"], "accident_place": record["accident_place"],
        "region": record["region"], "police_report_no": report_no,
        "claimant_party_id": injured["party_id"],
        "parties": [dict(p) for p in record["parties"]],
        "vehicles": [dict(v) for v in record["vehicles"]], "consent_electronic_service": True,
        "claim": {"victim_party_id": injured["party_id"], "age": 34, "medical": "12000",
                  "lost_income_daily": "300", "lost_income_days": 30, **claim},
    }


def file_case(user: Browser, report_no: str = "GD2026-0001", **claim: Any) -> str:
    response = user.post_json("/api/cases", {"submission_id": str(uuid.uuid4()),
                                             "filing": filing(report_no, **claim)})
    assert response.status_code == 201, response.body
    return body(response)["case_id"]


def wait_until(store, case_id: str, condition: Callable[[Case], bool],
               timeout: float = 30.0) -> Case:
    """Polls the case until `condition(case)` holds; the workflow runs on its own threads."""
    deadline = time.monotonic() + timeout
    case = store.load(case_id)
    while time.monotonic() < deadline:
        case = store.load(case_id)
        if condition(case):
            return case
        time.sleep(0.05)
    raise AssertionError(f"case {case_id} stuck at {case.status} (pending {case.pending})")


def awaiting(kind: str) -> Callable[[Case], bool]:
    """The case waits for the decision `kind` and its workflow step holds the token."""
    return lambda case: bool(case.pending) and case.pending["kind"] == kind

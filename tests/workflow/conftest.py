"""The real state machine and handlers, run locally by moto's interpreter (no AWS, no Docker)."""

import time
import uuid
from pathlib import Path

import pytest
from daojiao_local.cloud import LocalCloud

from daojiao import lambda_support
from daojiao.adapters.gateways import reference
from daojiao.domain.access import Principal
from daojiao.platform import Platform
from daojiao.seed import seed_reference_data

REPO = Path(__file__).resolve().parents[2]
# Every human decision may wait 20 s here; a test about a timeout shortens its own period.
FAST = {name: "20s" for name in ("MediatorAcceptancePeriod", "MediationPeriod",
                                 "PartyAnswerPeriod", "SigningPeriod", "CourtDecisionPeriod",
                                 "DocketPeriod")}


@pytest.fixture
def periods(request):
    """FAST, with a test's own periods from `@pytest.mark.parametrize(..., indirect=True)`."""
    return {**FAST, **getattr(request, "param", {})}


@pytest.fixture
def cloud(periods):
    with LocalCloud(REPO, parameter_overrides=periods) as local:
        local.deploy()
        yield local


@pytest.fixture
def platform(cloud):
    lambda_support.platform.cache_clear()
    app = Platform()
    seed_reference_data(app.store, demo_accounts=False)
    yield app
    lambda_support.platform.cache_clear()


def filing_from_record(report_no: str = "GD2026-0001", **claim) -> dict:
    """A filing as the form sends it once the police record filled in the parties."""
    record = next(r for r in reference("police_records.json") if r["report_no"] == report_no)
    victim = next(p for p in record["parties"] if p["role"] == "injured")
    return {
        "accident_date": record["accident_date"], "accident_place": record["accident_place"],
        "region": record["region"], "police_report_no": report_no,
        "claimant_party_id": victim["party_id"], "parties": record["parties"],
        "vehicles": record["vehicles"], "consent_electronic_service": True,
        "claim": {"victim_party_id": victim["party_id"], "age": 34, "medical": "12000",
                  "hospital_days": 0, "lost_income_daily": "300", "lost_income_days": 30,
                  **claim},
    }


def party(id_number: str) -> Principal:
    return Principal("party", id_number)


ZHANG = party("440106199001011235")  # injured, claimant in GD2026-0001
LI = party("440106198505052343")  # driver of vehicle A
PICC = Principal("insurer", "picc")
PINGAN = Principal("insurer", "pingan")
TIANHE = Principal("court", "court-gd-tianhe")


def wait_until(app: Platform, case_id: str, condition, timeout: float = 30.0,
               poll: float = 0.05):
    """Polls the read model until `condition(case)` holds; fails with the case's status."""
    deadline = time.monotonic() + timeout
    case = app.store.load(case_id)
    while time.monotonic() < deadline:
        case = app.store.load(case_id)
        if condition(case):
            return case
        time.sleep(poll)
    raise AssertionError(f"case {case_id} stuck at {case.status} (pending {case.pending})")


def waiting_for(kind: str):
    return lambda case: bool(case.pending) and case.pending["kind"] == kind


def file(app: Platform, **claim) -> str:
    return app.file_case(ZHANG, filing_from_record(**claim), str(uuid.uuid4()))


def execution_status(app: Platform, name: str, timeout: float = 30.0) -> str:
    deadline = time.monotonic() + timeout
    status = "RUNNING"
    while time.monotonic() < deadline:
        status = app.workflow.describe(name)["status"]
        if status != "RUNNING":
            return status
        time.sleep(0.05)
    return status

"""Stopping the local product, even by killing it, loses no case: the cases, their events and
their place in the workflow survive, and the cases go on."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from daojiao.scenario import Actor

REPO = Path(__file__).resolve().parents[2]


def start(data_dir: Path, port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "daojiao.cli", "serve", "--port", str(port), "--data",
         str(data_dir), "--fast"], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            return process
        except OSError:
            if process.poll() is not None:
                raise AssertionError(process.stdout.read().decode()) from None
            time.sleep(0.3)
    raise AssertionError("the local product did not start")


def kill(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def wait_for(actor: Actor, case_id: str, kind: str, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, body = actor.call("GET", f"/api/cases/{case_id}")
        pending = body["case"].get("pending") if status == 200 else None
        if pending and pending["kind"] == kind:
            return body["case"]
        time.sleep(0.2)
    raise AssertionError(f"case {case_id} never waited for {kind}: {body}")


@pytest.mark.timeout(300)
def test_a_killed_product_restarts_with_every_case_where_it_stood(tmp_path):
    from daojiao_local.serve import free_port

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    product = start(tmp_path, port)
    try:
        party = Actor(url, "zhangwei", "demo1234")
        _, record = party.call("GET", "/api/police-records/GD2026-0001")
        filing = {"accident_date": record["accident_date"],
                  "accident_place": record["accident_place"], "region": record["region"],
                  "police_report_no": record["report_no"], "claimant_party_id": "p1",
                  "parties": record["parties"], "vehicles": record["vehicles"],
                  "consent_electronic_service": True,
                  "claim": {"victim_party_id": "p1", "age": 34, "medical": "9000"}}
        status, filed = party.call("POST", "/api/cases",
                                   {"submission_id": str(uuid.uuid4()), "filing": filing})
        assert status == 201, filed
        case_id = filed["case_id"]
        mediator = Actor(url, "med-gd-1", "demo1234")
        wait_for(mediator, case_id, "mediator_acceptance")
        mediator.call("POST", f"/api/cases/{case_id}/decisions", {"action": "mediator_accept"})
        before = wait_for(mediator, case_id, "mediation")
    finally:
        kill(product)

    product = start(tmp_path, port)
    try:
        mediator = Actor(url, "med-gd-1", "demo1234")
        after = wait_for(mediator, case_id, "mediation")
        # Same case, same deadline (the period was not restarted), a new execution.
        assert after["deadlines"]["mediation"]["ends_at"] == before["deadlines"]["mediation"][
            "ends_at"]
        assert len(after["executions"]) == 2
        status, body = mediator.call("POST", f"/api/cases/{case_id}/decisions", {
            "action": "propose", "payments": {"A/compulsory": "9000"}})
        assert status == 200, body
        wait_for(mediator, case_id, "answers")
    finally:
        kill(product)
        # SIGKILL leaves DynamoDB Local running (its own session); a start reaps it.
        from daojiao_local.dynamodb_local import DynamoDBLocal

        DynamoDBLocal(tmp_path / "dynamodb", port=free_port()).start().stop()
    assert json.loads((tmp_path / "runtime.json").read_text())["url"].endswith(f":{port}/")

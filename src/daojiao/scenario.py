"""`daojiao scenario FILE…`: drives cases through the product's own HTTP interfaces, as the
actors would, and checks how each ended. The format is documented in tests/scenarios/README.md.
"""

from __future__ import annotations

import http.cookiejar
import json
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any


class ScenarioFailed(Exception):
    pass


class Actor:
    """One signed-in account with its own cookie jar."""

    def __init__(self, base_url: str, username: str, password: str):
        self.base_url = base_url.rstrip("/")
        self.username = username
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.call("POST", "/api/session", {"username": username, "password": password})

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base_url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            payload = error.read()
            try:
                detail = json.loads(payload)
            except ValueError:
                detail = payload.decode(errors="replace")
            if path == "/api/session":
                raise ScenarioFailed(f"{self.username} cannot sign in: {detail}") from None
            return error.code, detail


def _matches(case: dict, step: dict) -> bool:
    if "wait_for" in step:
        return bool(case.get("pending")) and case["pending"]["kind"] == step["wait_for"]
    if "wait_for_status" in step:
        return case["status"] == step["wait_for_status"]
    return True


def run_scenario(spec: dict, base_url: str, password: str = "demo1234",
                 timeout: float = 120.0) -> dict:
    """Runs one scenario; returns {"case": …, "timeline": …}; raises ScenarioFailed."""
    actors: dict[str, Actor] = {}

    def actor(username: str) -> Actor:
        if username not in actors:
            actors[username] = Actor(base_url, username, password)
        return actors[username]

    filing_spec = spec["file"]
    claimant = actor(filing_spec["as"])
    status, record = claimant.call("GET", f"/api/police-records/{filing_spec['police_report_no']}")
    if status != 200:
        raise ScenarioFailed(f"police record {filing_spec['police_report_no']}: {record}")
    me = next(p for p in record["parties"] if p["role"] == "injured")
    filing = {
        "accident_date": record["accident_date"], "accident_place": record["accident_place"],
        "region": record["region"], "police_report_no": record["report_no"],
        "claimant_party_id": me["party_id"], "parties": record["parties"],
        "vehicles": record["vehicles"], "consent_electronic_service": True,
        "claim": {"victim_party_id": me["party_id"], **filing_spec.get("claim", {})},
    }
    status, filed = claimant.call("POST", "/api/cases",
                                  {"submission_id": str(uuid.uuid4()), "filing": filing})
    if status not in (200, 201):
        raise ScenarioFailed(f"filing refused: {filed}")
    case_id = filed["case_id"]
    watcher = actor(spec.get("watch_as", "admin"))

    def case_now() -> dict:
        status, body = watcher.call("GET", f"/api/cases/{case_id}")
        if status != 200:
            raise ScenarioFailed(f"cannot read case {case_id}: {body}")
        return body

    def wait(step: dict) -> dict:
        deadline = time.monotonic() + step.get("timeout", timeout)
        while True:
            body = case_now()
            if _matches(body["case"], step):
                return body
            if time.monotonic() > deadline:
                raise ScenarioFailed(f"step {step} never came: case is {body['case']['status']}")
            time.sleep(0.1)

    for step in spec.get("steps", []):
        wait(step)
        if "action" not in step:
            continue
        arguments = {k: v for k, v in step.items()
                     if k not in ("as", "wait_for", "wait_for_status", "timeout", "expect_error")}
        status, body = actor(step["as"]).call("POST", f"/api/cases/{case_id}/decisions",
                                              arguments)
        if step.get("expect_error"):
            if status < 400:
                raise ScenarioFailed(f"{step} should have been refused")
        elif status != 200:
            raise ScenarioFailed(f"{step['as']} {step['action']}: {status} {body}")

    expect = spec.get("expect", {})
    final = wait({"wait_for_status": expect.get("status", "closed"),
                  "timeout": expect.get("timeout", timeout)})
    case = final["case"]
    problems = []
    for key in ("ending", "docket_no"):
        if key in expect and case.get(key) != expect[key]:
            problems.append(f"{key} is {case.get(key)!r}, expected {expect[key]!r}")
    if "payments" in expect:
        paid = {k: v["amount"] for k, v in case["payments"].items()}
        if paid != expect["payments"]:
            problems.append(f"payments are {paid}, expected {expect['payments']}")
    types = [entry["type"] for entry in final["timeline"]]
    for kind in expect.get("events_include", []):
        if kind not in types:
            problems.append(f"no {kind} event in the timeline")
    if problems:
        raise ScenarioFailed("; ".join(problems))
    return final


def print_result(name: str, result: dict | None, error: str | None) -> None:
    if result:
        case = result["case"]
        print(f"✔ {name}: case {case['case_id']} {case['status']}"
              f" ({case.get('ending')})")
        for entry in result["timeline"]:
            print(f"    {entry['version']:>3} {entry['at'][:19]} {entry['type']:<24}"
                  f" {entry.get('summary_en', '')}")
    else:
        print(f"✘ {name}: {error}")


def scenario_command(files: list[str], url: str | None) -> int:
    specs = [(path, json.loads(Path(path).read_text("utf-8"))) for path in files]
    failures = 0
    for path, spec in specs:
        name = spec.get("name", path)
        product = None
        try:
            base_url = url
            if base_url is None:
                import tempfile

                from daojiao_local.serve import LocalProduct, free_port

                product = LocalProduct(port=free_port(), data_dir=Path(tempfile.mkdtemp()),
                                       periods=spec.get("periods")).start()
                base_url = product.url
            result = run_scenario(spec, base_url)
            print_result(name, result, None)
        except ScenarioFailed as error:
            failures += 1
            print_result(name, None, str(error))
        finally:
            if product:
                product.stop()
    print(f"scenarios: {len(specs) - failures} passed, {failures} failed")
    return 1 if failures else 0

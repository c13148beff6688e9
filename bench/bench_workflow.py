"""Runs N cases end to end on the local product with scripted decisions and prints what one
case costs: cases per second, state transitions, Lambda invocations, DynamoDB reads and writes,
and the import time of each handler module (a cold start's share that is ours).

    .venv/bin/python bench/bench_workflow.py [N]

It runs on the local product as `daojiao serve` runs it (moto's interpreter serving Step
Functions over HTTP in this process, DynamoDB Local on disk, in a throwaway folder); decisions
are scripted through the application layer rather than the pages. The figures count work; the
timings are this machine's.
"""

import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from daojiao_local.serve import LocalProduct, free_port
from workflow.conftest import (
    FAST,
    LI,
    PICC,
    PINGAN,
    TIANHE,
    ZHANG,
    filing_from_record,
    wait_until,
    waiting_for,
)

from daojiao import lambda_support
from daojiao.domain import decisions
from daojiao.domain.access import Principal

MEDIATORS = {"med-gd-1": Principal("mediator", "med-gd-1"),
             "med-gd-2": Principal("mediator", "med-gd-2")}


def wait(app, case_id, check):
    return wait_until(app, case_id, check, timeout=60, poll=0.01)


def one_case(app) -> str:
    case_id = app.file_case(ZHANG, filing_from_record(), str(uuid.uuid4()))
    case = wait(app, case_id, waiting_for("mediator_acceptance"))
    mediator = MEDIATORS[case.mediator_id]
    app.decide(mediator, case_id, decisions.mediator_answer, accept=True)
    wait(app, case_id, waiting_for("mediation"))
    app.decide(mediator, case_id, decisions.record_proposal,
               payments={"A/compulsory": "18000", "A/commercial": "2000"})
    wait(app, case_id, waiting_for("answers"))
    for principal in (ZHANG, LI, PICC, PINGAN):
        app.decide(principal, case_id, decisions.answer_proposal, accept=True)
    wait(app, case_id, waiting_for("signatures"))
    app.decide(ZHANG, case_id, decisions.sign_agreement)
    app.decide(LI, case_id, decisions.sign_agreement)
    wait(app, case_id, waiting_for("court_decision"))
    app.decide(TIANHE, case_id, decisions.court_decide, confirm=True)
    wait(app, case_id, lambda c: c.status == "closed")
    # The sample police records are few: free the accident so the next case can file it.
    app.store.free_unique("CLAIM", "GD2026-0001#p1")
    return case_id


def import_times() -> dict[str, float]:
    times = {}
    for path in sorted((REPO / "functions").glob("*.py")):
        code = (f"import sys, time; sys.path.insert(0, {str(path.parent)!r}); "
                f"t = time.perf_counter(); import {path.stem}; "
                "print(time.perf_counter() - t)")
        samples = [float(subprocess.run([sys.executable, "-c", code], capture_output=True,
                                        text=True, check=True).stdout) for _ in range(3)]
        times[path.stem] = statistics.median(samples)
    return times


def main(n: int) -> None:
    import tempfile

    product = LocalProduct(port=free_port(), data_dir=Path(tempfile.mkdtemp()), periods=FAST)
    product.start()
    try:
        app = product.platform
        one_case(app)  # warm up imports and moto
        step_store = lambda_support.platform().store
        reads0, writes0 = app.store.reads + step_store.reads, app.store.writes + step_store.writes
        started = time.perf_counter()
        case_ids = [one_case(app) for _ in range(n)]
        elapsed = time.perf_counter() - started
        reads = app.store.reads + step_store.reads - reads0
        writes = app.store.writes + step_store.writes - writes0
        transitions = invocations = 0
        for case_id in case_ids:
            while app.workflow.describe(case_id)["status"] == "RUNNING":
                time.sleep(0.01)  # CloseCase has run; the final Succeed state follows
            history = app.workflow.history(case_id)
            transitions += sum(1 for e in history if e["type"].endswith("StateEntered"))
            invocations += sum(1 for e in history
                               if e["type"] in ("TaskScheduled", "LambdaFunctionScheduled"))
    finally:
        product.stop()
    print(f"cases run end to end:           {n}")
    print(f"cases per second:               {n / elapsed:.2f}")
    print(f"state transitions per case:     {transitions / n:.1f}")
    print(f"Lambda invocations per case:    {invocations / n:.1f}")
    print(f"DynamoDB reads per case:        {reads / n:.1f}  (requests: get/query pages)")
    print(f"DynamoDB writes per case:       {writes / n:.1f}  (items written)")
    print("handler import time (median of 3, fresh interpreter):")
    for name, seconds in import_times().items():
        print(f"  {name:<24} {seconds * 1000:7.1f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)

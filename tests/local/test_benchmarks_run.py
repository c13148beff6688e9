"""The benchmark scripts still run (their figures are read by people, not asserted here)."""

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.timeout(300)
def test_the_workflow_benchmark_runs_one_case_and_prints_its_figures():
    result = subprocess.run([sys.executable, "bench/bench_workflow.py", "1"], cwd=REPO,
                            capture_output=True, text=True, timeout=280, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    for label in ("cases per second:", "state transitions per case:     25.0",
                  "Lambda invocations per case:    18.0", "DynamoDB reads per case:",
                  "DynamoDB writes per case:", "handler import time"):
        assert label in result.stdout

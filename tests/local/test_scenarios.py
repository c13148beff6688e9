"""`daojiao scenario` drives every scenario file through the product's HTTP interfaces on a
throwaway local product, and exits non-zero when an expectation fails."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((REPO / "tests" / "scenarios").glob("*.json"))


def run(*files: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "daojiao.cli", "scenario", *map(str, files)],
                          cwd=REPO, capture_output=True, text=True, timeout=600)


@pytest.mark.timeout(900)
def test_every_scenario_file_ends_as_it_expects():
    result = run(*SCENARIOS)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert f"scenarios: {len(SCENARIOS)} passed, 0 failed" in result.stdout


@pytest.mark.timeout(300)
def test_a_wrong_expectation_fails_the_run(tmp_path):
    spec = json.loads((REPO / "tests/scenarios/withdrawal.json").read_text())
    spec["expect"]["ending"] = "settled"
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps(spec))
    result = run(wrong)
    assert result.returncode == 1
    assert "ending is 'withdrawn', expected 'settled'" in result.stdout

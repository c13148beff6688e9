"""template.yaml passes cfn-lint and every state machine passes statelint."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def test_template_passes_cfn_lint():
    result = subprocess.run([BIN / "cfn-lint", "template.yaml"], cwd=REPO,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_state_machine_passes_statelint():
    machines = sorted((REPO / "statemachines").glob("*.asl.json"))
    assert machines
    result = subprocess.run([BIN / "statelint", "--ignore=URI", *map(str, machines)], cwd=REPO,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_statelint_rejects_an_unknown_next_state(tmp_path):
    """The check can fail: a definition with a dangling Next is refused."""
    bad = tmp_path / "bad.asl.json"
    bad.write_text('{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}')
    result = subprocess.run([BIN / "statelint", "--ignore=URI", str(bad)],
                            capture_output=True, text=True)
    assert result.returncode != 0

"""Acceptance cases: every `{"request", "expect"}` file of the shared cases folder, to the cent.

The folder is `../shared/cases/calculator` beside the repository; `DAOJIAO_CASES_DIR` names
another folder of cases of the same form, run as well. A missing folder is skipped.
"""

import json
import os
from decimal import Decimal
from pathlib import Path

import pytest

from daojiao.calculator import CalculationError, calculate

SHARED_CASES = Path(__file__).resolve().parents[2].parent / "shared/cases/calculator"


def _case_files() -> list:
    folders = [SHARED_CASES]
    if os.environ.get("DAOJIAO_CASES_DIR"):
        folders.append(Path(os.environ["DAOJIAO_CASES_DIR"]))
    params = [
        pytest.param(path, id=f"{folder.name}/{path.stem}")
        for folder in folders
        if folder.is_dir()
        for path in sorted(folder.glob("*.json"))
    ]
    return params or [pytest.param(None, marks=pytest.mark.skip(reason="no cases folder found"))]


def _expected_amount(value: object) -> Decimal:
    """An expected JSON number read through its text (as the calculator reads amounts)."""
    return Decimal(str(value)).quantize(Decimal("0.01"))


@pytest.mark.parametrize("case_file", _case_files())
def test_acceptance_case_gives_the_expected_amounts_to_the_cent(case_file, catalog, lookup):
    case = json.loads(case_file.read_text(encoding="utf-8"))
    expect = case["expect"]

    if "errors" in expect:
        with pytest.raises(CalculationError) as raised:
            calculate(case["request"], catalog)
        paths = {problem["path"] for problem in raised.value.errors}
        wanted = {e["path"] if isinstance(e, dict) else e for e in expect["errors"]}
        assert wanted <= paths
        return

    flat = lookup(calculate(case["request"], catalog))
    mismatches = {
        path: (str(flat.get(path, "missing")), str(_expected_amount(value)))
        for path, value in expect.items()
        if flat.get(path) != _expected_amount(value)
    }
    assert mismatches == {}, f"{case_file.name}: (got, expected) {mismatches}"


def test_the_shared_cases_folder_is_found_from_the_repository_root():
    # The acceptance cases live beside the repository, in ../shared/cases/calculator.
    if not SHARED_CASES.is_dir():
        pytest.skip("shared cases folder absent")
    assert list(SHARED_CASES.glob("*.json"))

"""The calculator over HTTP, open to anyone before filing: the acceptance cases give their
amounts to the cent, written as exact decimals; a wrong request names each problem's path."""

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from .conftest import body, header

CASES = Path(__file__).resolve().parents[2].parent / "shared" / "cases" / "calculator"
ONE_CASE = CASES / "two-vehicles-one-without-fault.json"


def amounts(response_text: str) -> dict[str, Decimal]:
    """The response as the acceptance cases' dotted paths, amounts read from their digits."""
    response = json.loads(response_text, parse_float=Decimal)
    flat: dict[str, Decimal] = {}
    for victim in response["victims"]:
        for section in ("items", "groups"):
            for key, amount in victim[section].items():
                flat[f"victims.{victim['id']}.{section}.{key}"] = amount
        flat[f"victims.{victim['id']}.total"] = victim["total"]
    for row in response["payers"]:
        flat[f"payers.{row['victim']}.{row['payer']}"] = row["amount"]
    return flat


@pytest.mark.skipif(not ONE_CASE.exists(), reason="the shared acceptance cases are not here")
def test_an_acceptance_case_over_http_gives_its_amounts_to_the_cent(browser):
    case = json.loads(ONE_CASE.read_text(encoding="utf-8"))

    response = browser.post_json("/api/calculate", case["request"])

    assert response.status_code == 200
    assert header(response, "Content-Type").startswith("application/json")
    text = response.body.decode()
    found = amounts(text)
    for path, expected in case["expect"].items():
        assert found[path] == Decimal(str(expected)).quantize(Decimal("0.01")), path
    # Exact decimals as JSON numbers, never through float: 13636.36 and 0.00 as written.
    assert re.search(r'"amount": 13636\.36\b', text)
    assert '"amount": 0.00' in text


def test_the_calculator_needs_no_sign_in_and_names_each_problem(browser):
    request = {"accident_date": "2024-04-02", "region": "jiangsu",
               "victims": [{"id": "v1", "age": 35, "outcome": "injury", "medical": -1}],
               "vehicles": [{"id": "A", "compulsory_insured": True, "at_fault": True,
                             "liability": 1.5, "commercial_limit": 0}]}

    response = browser.post_json("/api/calculate", request)

    assert response.status_code == 400
    paths = {problem["path"] for problem in body(response)["errors"]}
    assert {"victims[0].medical", "vehicles[0].liability"} <= paths


def test_a_body_that_is_not_json_is_400(browser):
    response = browser.request("POST", "/api/calculate", b"{not json", "application/json")

    assert response.status_code == 400
    assert body(response) == {"error": "the body is not valid JSON", "field": None}


CALCULATOR_FORM = {
    "accident_date": "2024-04-02", "region": "jiangsu", "victims[0].age": "35",
    "victims[0].residence": "urban", "victims[0].outcome": "injury",
    "victims[0].medical": "12000", "victims[0].lost_income.daily": "300",
    "victims[0].lost_income.days": "30", "vehicles[0].compulsory_insured": "true",
    "vehicles[0].at_fault": "true", "vehicles[0].liability": "1",
    "vehicles[0].commercial_limit": "1000000",
}


def test_the_calculator_page_shows_items_payers_and_basis(browser):
    response = browser.post_form("/calculator", CALCULATOR_FORM)

    page = response.body.decode()
    assert response.status_code == 200
    # Medical 12,000 is within the 18,000 compulsory medical limit; lost income
    # 300 × 30 = 9,000 within the death and disability limit: compulsory insurance pays all.
    assert '<th class="num" id="result-total">21,000.00</th>' in page
    assert re.search(r"车辆 A 交强险</td><td class=\"num\">21,000.00", page)
    assert "误工费" in page and 'id="result-basis"' in page


def test_the_calculator_page_shows_errors_next_to_their_fields(browser):
    response = browser.post_form("/calculator", {**CALCULATOR_FORM,
                                                 "victims[0].medical": "-3"})

    page = response.body.decode()
    assert response.status_code == 400
    assert '<p class="error" id="err-victims[0].medical">不得为负数' in page
    assert 'value="-3"' in page


def test_the_calculator_page_speaks_english_on_the_switch(browser):
    page = browser.get("/calculator?lang=en").body.decode()

    assert "Compensation calculator" in page
    assert browser.cookies["lang"] == "en"
    assert "Medical costs" in browser.get("/calculator").body.decode()

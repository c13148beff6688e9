"""Validation: a request that cannot be computed without guessing is refused, one entry per
problem, each with the path of the field at fault and a plain English (and Chinese) message."""

import datetime as dt

import pytest

from daojiao.calculator import CalculationError, calculate


def problems(request, catalog, today) -> list[dict[str, str]]:
    with pytest.raises(CalculationError) as raised:
        calculate(request, catalog, today)
    return raised.value.errors


def paths(request, catalog, today) -> list[str]:
    return [problem["path"] for problem in problems(request, catalog, today)]


def victim(**fields):
    return {"id": "v1", "age": 35, "outcome": "injury", **fields}


def test_a_negative_amount_is_refused(make_request, catalog, today):
    found = problems(make_request(victims=[victim(medical=-1)]), catalog, today)
    assert found == [
        {"path": "victims[0].medical", "message": "must not be negative, got -1",
         "zh": "不得为负数，实际为 -1"},
    ]


@pytest.mark.parametrize("grade", [0, 11])
def test_a_disability_grade_must_be_1_to_10(make_request, catalog, today, grade):
    request = make_request(victims=[victim(outcome="disability", disability_grades=[5, grade])])
    found = problems(request, catalog, today)
    assert [p["path"] for p in found] == ["victims[0].disability_grades[1]"]
    assert f"from 1 (most severe) to 10, got {grade}" in found[0]["message"]


def test_liabilities_adding_up_to_more_than_1_are_refused(make_request, catalog, today):
    vehicles = [
        {"id": "A", "compulsory_insured": True, "at_fault": True, "liability": 0.7},
        {"id": "B", "compulsory_insured": True, "at_fault": True, "liability": 0.5},
    ]
    found = problems(make_request(vehicles=vehicles), catalog, today)
    assert [p["path"] for p in found] == ["vehicles"]
    assert "add up to 1.2 (A 0.7 + B 0.5), more than 1" in found[0]["message"]


def test_a_liability_outside_0_to_1_is_refused(make_request, catalog, today):
    vehicles = [{"id": "A", "compulsory_insured": True, "at_fault": True, "liability": 70}]
    assert paths(make_request(vehicles=vehicles), catalog, today) == ["vehicles[0].liability"]


def test_an_unknown_region_is_refused(make_request, catalog, today):
    found = problems(make_request(region="atlantis"), catalog, today)
    assert [p["path"] for p in found] == ["region"]
    assert "unknown region 'atlantis'" in found[0]["message"]


def test_a_year_not_loaded_needs_the_figures_in_the_case(make_request, catalog, today):
    request = make_request(
        standards_year=2019,
        victims=[victim(outcome="disability", disability_grades=[9])],
    )
    found = problems(request, catalog, today)
    assert [p["path"] for p in found] == ["standards_year"]
    assert "no jiangsu standards are loaded for 2019 (loaded: 2023)" in found[0]["message"]
    assert "urban_income" in found[0]["message"]


def test_a_year_not_loaded_is_fine_when_the_case_gives_every_figure(make_request, catalog, today):
    # 2019 is not loaded, but the case gives the only figure it needs:
    # 50,000 × 20 × 20 % (grade 9) = 200,000.00
    request = make_request(
        standards_year=2019,
        standards={"urban_income": 50000},
        victims=[victim(outcome="disability", disability_grades=[9])],
    )
    result = calculate(request, catalog, today)
    assert str(result["victims"][0]["items"]["disability"]) == "200000.00"


def test_a_figure_the_standard_lacks_must_be_given(make_request, catalog, today):
    # Jiangsu 2023 ships no average wage; a death needs it for funeral expenses.
    request = make_request(standards={}, victims=[victim(outcome="death")])
    found = problems(request, catalog, today)
    assert [p["path"] for p in found] == ["standards.average_wage"]
    assert "funeral expenses of v1" in found[0]["message"]


def test_a_death_with_disability_grades_is_refused(make_request, catalog, today):
    request = make_request(victims=[victim(outcome="death", disability_grades=[3])])
    assert paths(request, catalog, today) == ["victims[0].disability_grades"]


def test_a_disability_without_grades_is_refused(make_request, catalog, today):
    request = make_request(victims=[victim(outcome="disability")])
    assert paths(request, catalog, today) == ["victims[0].disability_grades"]


def test_an_accident_in_the_future_is_refused(make_request, catalog):
    request = make_request(accident_date="2025-06-02")
    found = problems(request, catalog, dt.date(2025, 6, 1))
    assert found[0]["path"] == "accident_date"
    assert "in the future (today is 2025-06-01)" in found[0]["message"]


def test_an_accident_before_2008_02_01_has_no_limits_in_the_rules(make_request, catalog, today):
    assert paths(make_request(accident_date="2008-01-31"), catalog, today) == ["accident_date"]


def test_a_negative_age_is_refused(make_request, catalog, today):
    assert paths(make_request(victims=[victim(age=-1)]), catalog, today) == ["victims[0].age"]


def test_duplicate_victim_and_vehicle_ids_are_refused(make_request, catalog, today):
    vehicles = [
        {"id": "A", "compulsory_insured": True, "at_fault": True, "liability": 0.5},
        {"id": "A", "compulsory_insured": True, "at_fault": True, "liability": 0.5},
    ]
    request = make_request(victims=[victim(), victim()], vehicles=vehicles)
    assert paths(request, catalog, today) == ["victims[1].id", "vehicles[1].id"]


@pytest.mark.parametrize(
    "lost_income",
    [{"daily": 300, "annual": 100000, "days": 10}, {"days": 10}],
    ids=["both", "neither"],
)
def test_lost_income_needs_exactly_one_of_daily_or_annual(
    make_request, catalog, today, lost_income
):
    found = problems(make_request(victims=[victim(lost_income=lost_income)]), catalog, today)
    assert [p["path"] for p in found] == ["victims[0].lost_income"]
    assert "exactly one of daily or annual" in found[0]["message"]


def test_unknown_fields_are_refused_not_ignored(make_request, catalog, today):
    request = make_request(victims=[victim(medicl=5000)], colour="red")
    found = problems(request, catalog, today)
    assert sorted(p["path"] for p in found) == ["colour", "victims[0].medicl"]
    assert all(p["message"].startswith("unknown field") for p in found)


def test_a_missing_liability_is_never_guessed(make_request, catalog, today):
    vehicles = [{"id": "A", "compulsory_insured": True, "at_fault": True}]
    found = problems(make_request(vehicles=vehicles), catalog, today)
    assert found == [
        {"path": "vehicles[0].liability", "message": "required field is missing",
         "zh": "缺少必填项"},
    ]


def test_residence_is_needed_before_2022_05_01(make_request, catalog, today):
    request = make_request(
        accident_date="2021-03-01",
        standards={"urban_income": 40000, "rural_income": 15000},
        victims=[victim(outcome="disability", disability_grades=[10])],
    )
    assert paths(request, catalog, today) == ["victims[0].residence"]


def test_an_amount_must_be_a_number(make_request, catalog, today):
    request = make_request(victims=[victim(medical="lots", transport=True)])
    assert paths(request, catalog, today) == ["victims[0].medical", "victims[0].transport"]


def test_each_problem_is_one_entry(make_request, catalog, today):
    vehicles = [
        {"id": "A", "compulsory_insured": True, "at_fault": True, "liability": 0.8},
        {"id": "B", "compulsory_insured": True, "at_fault": False, "liability": 0.8},
    ]
    request = make_request(
        accident_date="2030-01-01",
        victims=[victim(outcome="death", disability_grades=[2]), {**victim(), "id": "v1"}],
        vehicles=vehicles,
    )
    assert paths(request, catalog, today) == [
        "accident_date",
        "victims[1].id",
        "vehicles",
        "victims[0].disability_grades",
    ]


def test_messages_come_in_english_and_chinese(make_request, catalog, today):
    found = problems(make_request(region="atlantis"), catalog, today)
    assert found[0]["message"].isascii()
    assert "未知地区" in found[0]["zh"]


def test_a_request_that_is_not_an_object_is_refused(catalog, today):
    assert paths([1, 2], catalog, today) == ["request"]


def test_fault_and_insurance_must_be_true_or_false_never_read_from_text(
    make_request, catalog, today
):
    vehicles = [{"id": "A", "compulsory_insured": 1, "at_fault": "yes", "liability": 1}]
    assert paths(make_request(vehicles=vehicles), catalog, today) == [
        "vehicles[0].compulsory_insured", "vehicles[0].at_fault",
    ]


def test_a_vehicle_id_may_be_a_plate_but_never_hold_a_slash(make_request, catalog, today):
    # "/" separates the vehicle from the payer in "A/compulsory"; a plate with a space is fine.
    plate = {"id": "粤A 12345", "compulsory_insured": True, "at_fault": True, "liability": 1}
    payers = calculate(make_request(vehicles=[plate]), catalog, today)["payers"]
    assert payers[0]["payer"] == "粤A 12345/compulsory"
    slashed = {**plate, "id": "A/1"}
    assert paths(make_request(vehicles=[slashed]), catalog, today) == ["vehicles[0].id"]


def test_a_wrong_date_and_region_are_reported_with_a_malformed_victim(catalog, today):
    request = {"accident_date": "2030-01-01", "region": "atlantis", "victims": []}
    assert paths(request, catalog, today) == ["victims", "accident_date", "region"]


def test_absurd_amounts_and_days_are_refused_not_computed(make_request, catalog, today):
    request = make_request(victims=[victim(medical=1e308, hospital_days=100000)])
    assert sorted(paths(request, catalog, today)) == ["victims[0].hospital_days",
                                                      "victims[0].medical"]

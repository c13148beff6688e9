"""The compensation rules of design/compensation.md, one rule per test.

Every expected value is worked by hand from the rule; the arithmetic is in the comment.
"""

import datetime as dt
from decimal import Decimal

import pytest

from daojiao.calculator import calculate
from daojiao.calculator.rules import (
    compensation_years,
    compulsory_limits,
    dependant_share,
    dependant_years,
    dependants_living_expenses,
    disability_coefficient,
    group_of,
    uses_urban_figures,
)
from daojiao.calculator.standards import shipped_additions

D = Decimal
TABLE = shipped_additions().default


def victim_items(make_request, catalog, today, **victim):
    victim = {"id": "v1", "age": 35, "outcome": "injury", **victim}
    response = calculate(make_request(victims=[victim]), catalog, today)
    return response["victims"][0]


# --- years (赔偿年限) -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "years"),
    [
        (0, 20),  # below 60: 20
        (59, 20),  # below 60: 20
        (60, 20),  # 20 − (60 − 60) = 20
        (68, 12),  # 20 − (68 − 60) = 12
        (74, 6),  # 20 − (74 − 60) = 6
        (75, 5),  # from 75: 5
        (92, 5),  # from 75: 5
    ],
)
def test_years_are_20_below_60_one_less_per_year_to_74_and_5_from_75(age, years):
    assert compensation_years(age) == years


@pytest.mark.parametrize(
    ("age", "years"),
    [
        (0, 18),  # minor: 18 − 0
        (6, 12),  # minor: 18 − 6
        (17, 1),  # minor: 18 − 17
        (18, 20),  # adult below 60: 20
        (70, 10),  # adult: 20 − (70 − 60)
        (80, 5),  # adult from 75: 5
    ],
)
def test_a_minor_dependant_is_supported_until_18_an_adult_by_the_years_rule(age, years):
    assert dependant_years(age) == years


# --- disability coefficient (伤残赔偿指数) ---------------------------------------------------


@pytest.mark.parametrize(
    ("grades", "coefficient"),
    [
        ([1], "1"),  # grade 1 = 100 %
        ([8], "0.30"),  # 100 − 10 × 7 = 30 %
        ([10], "0.10"),  # grade 10 = 10 %
        ([3, 5], "0.87"),  # 80 % + addition for grade V 7 % = 87 %
        ([9, 10, 10], "0.24"),  # 20 % + X 2 % + X 2 % = 24 %
        ([5, 6, 7, 8], "0.70"),  # 60 % + (6 + 5 + 4 = 15 %, capped at 10 %) = 70 %
        ([2, 2, 2], "1.00"),  # 90 % + (10 + 10 = 20 %, capped at 10 %) = 100 %
        ([1, 2], "1"),  # 100 % + 10 % = 110 %, capped at 100 %
    ],
)
def test_several_grades_add_the_table_addition_capped_at_10_points_and_100_percent(
    grades, coefficient
):
    assert disability_coefficient(grades, TABLE) == D(coefficient)


def test_the_order_of_the_grades_does_not_matter():
    # [10, 3] is the same as [3, 10]: 80 % + X 2 % = 82 %
    assert disability_coefficient([10, 3], TABLE) == D("0.82")


# --- dependants (被扶养人生活费) --------------------------------------------------------------


def test_one_dependant_a_year_is_consumption_times_coefficient_over_supporters():
    # 40,461 × 10 % ÷ 2 = 2,023.05 a year, for 12 years = 24,276.60
    share = dependant_share(D(12), D(40461), D("0.1"), 2)
    assert dependants_living_expenses([share]) == D("24276.6")


def test_several_dependants_are_capped_at_one_years_consumption_year_by_year():
    # Death (coefficient 1), consumption 40,000, each dependant with one supporter:
    # a child for 10 years (40,000 a year) and a parent for 5 years (40,000 a year).
    # Years 1–5: 80,000 capped at 40,000 → 5 × 40,000 = 200,000
    # Years 6–10: the child only, 40,000 → 5 × 40,000 = 200,000; total 400,000.
    child = dependant_share(D(10), D(40000), D(1), 1)
    parent = dependant_share(D(5), D(40000), D(1), 1)
    assert dependants_living_expenses([child, parent]) == D(400000)


def test_dependants_under_the_cap_are_simply_added():
    # Two supporters each: 20,000 + 20,000 = 40,000 a year (= the cap) for 5 years = 200,000,
    # then the child alone 20,000 for 5 more years = 100,000; total 300,000.
    child = dependant_share(D(10), D(40000), D(1), 2)
    parent = dependant_share(D(5), D(40000), D(1), 2)
    assert dependants_living_expenses([child, parent]) == D(300000)


def test_dependants_years_may_be_given_directly_with_a_fraction(make_request, catalog, today):
    # Jiangsu 2023 consumption 40,461, death (coefficient 1), 1 supporter, 2.5 years given:
    # 40,461 × 2.5 = 101,152.50
    result = victim_items(
        make_request, catalog, today, outcome="death",
        dependants=[{"years": 2.5, "supporters": 1}],
    )
    assert result["items"]["dependants"] == D("101152.50")


def test_a_dependant_may_carry_its_own_consumption_figure(make_request, catalog, today):
    # Disability grade 10 (10 %), age-6 child: 12 years × 30,000 × 10 % ÷ 1 = 36,000
    result = victim_items(
        make_request, catalog, today, outcome="disability", disability_grades=[10],
        dependants=[{"age": 6, "supporters": 1, "consumption": 30000}],
    )
    assert result["items"]["dependants"] == D("36000.00")


# --- items from the shipped standards ----------------------------------------------------------


def test_disability_is_income_times_years_times_coefficient(make_request, catalog, today):
    # Jiangsu 2023 urban income 63,211; age 62 → 20 − 2 = 18 years; grade 7 → 40 %:
    # 63,211 × 18 × 0.4 = 455,119.20
    result = victim_items(
        make_request, catalog, today, age=62, outcome="disability", disability_grades=[7]
    )
    assert result["items"]["disability"] == D("455119.20")


def test_death_is_income_times_years_and_funeral_is_half_the_annual_wage(
    make_request, catalog, today
):
    # Jiangsu 2023 urban income 63,211; age 80 → 5 years: 316,055.00
    # funeral: average wage 120,000 (given by the case) ÷ 2 = 60,000.00
    result = victim_items(make_request, catalog, today, age=80, outcome="death")
    assert result["items"]["death"] == D("316055.00")
    assert result["items"]["funeral"] == D("60000.00")


def test_funeral_keeps_half_a_cent_rounded_half_up(make_request, catalog, today):
    # 98,765.01 ÷ 2 = 49,382.505 → half-up → 49,382.51
    request = make_request(
        victims=[{"id": "v1", "age": 40, "outcome": "death"}],
        standards={"average_wage": 98765.01},
    )
    assert calculate(request, catalog, today)["victims"][0]["items"]["funeral"] == D("49382.51")


def test_hospital_meals_are_days_times_the_daily_allowance(make_request, catalog, today):
    # 7 days × 100 = 700.00
    result = victim_items(make_request, catalog, today, hospital_days=7)
    assert result["items"]["hospital_meals"] == D("700.00")


def test_lost_income_from_an_annual_income_keeps_the_daily_rate_unrounded(
    make_request, catalog, today
):
    # 50,000 ÷ 365 × 30 = 1,500,000 ÷ 365 = 4,109.589… → 4,109.59
    # (rounding the daily rate first would give 136.99 × 30 = 4,109.70)
    result = victim_items(make_request, catalog, today, lost_income={"annual": 50000, "days": 30})
    assert result["items"]["lost_income"] == D("4109.59")


def test_nursing_is_days_times_daily_income_times_carers(make_request, catalog, today):
    # 20 days × 150 × 2 carers = 6,000.00
    result = victim_items(
        make_request, catalog, today, nursing={"daily": 150, "days": 20, "carers": 2}
    )
    assert result["items"]["nursing"] == D("6000.00")


def test_nursing_has_one_carer_unless_told(make_request, catalog, today):
    # 10 days × 36,500 ÷ 365 × 1 = 1,000.00
    result = victim_items(make_request, catalog, today, nursing={"annual": 36500, "days": 10})
    assert result["items"]["nursing"] == D("1000.00")


def test_each_item_is_rounded_half_up_to_the_cent(make_request, catalog, today):
    # 100.005 → 100.01 (half-up; banker's rounding would give 100.00)
    result = victim_items(make_request, catalog, today, medical=100.005)
    assert result["items"]["medical"] == D("100.01")


def test_amounts_are_read_exactly_not_through_float_sums(make_request, catalog, today):
    # medical 0.1 + nutrition 0.2 = 0.30 exactly (as floats 0.1 + 0.2 = 0.30000000000000004)
    result = victim_items(make_request, catalog, today, medical=0.1, nutrition=0.2)
    assert result["groups"]["medical"] == D("0.30")


def test_groups_medical_property_and_everything_else(make_request, catalog, today):
    # medical 1,000 + meals 2 × 100 + nutrition 300 = 1,500 (medical group)
    # transport 50 + accommodation 60 + devices 70 + distress 80 = 260 (death & disability)
    # property 900 (property); total 1,500 + 260 + 900 = 2,660
    result = victim_items(
        make_request, catalog, today, medical=1000, hospital_days=2, nutrition=300,
        transport=50, accommodation=60, assistive_devices=70, emotional_distress=80,
        property=900,
    )
    assert result["groups"] == {
        "medical": D("1500.00"), "death_disability": D("260.00"), "property": D("900.00")
    }
    assert result["total"] == D("2660.00")


@pytest.mark.parametrize(
    ("item", "group"),
    [
        ("medical", "medical"),
        ("hospital_meals", "medical"),
        ("nutrition", "medical"),
        ("property", "property"),
        ("dependants", "death_disability"),
        ("emotional_distress", "death_disability"),
        ("transport", "death_disability"),
        ("lost_income", "death_disability"),
    ],
)
def test_item_groups_for_compulsory_insurance(item, group):
    assert group_of(item) == group


# --- which standard and which limits ---------------------------------------------------------


def test_from_2022_05_01_urban_figures_apply_to_rural_residents_too():
    assert uses_urban_figures(dt.date(2022, 5, 1), "rural")
    assert not uses_urban_figures(dt.date(2022, 4, 30), "rural")
    assert uses_urban_figures(dt.date(2022, 4, 30), "urban")


def test_rural_resident_after_2022_05_01_gets_the_urban_income(make_request, catalog, today):
    # 2024 accident, rural residence: Jiangsu 2023 urban income 63,211 × 20 × 10 % = 126,422.00
    result = victim_items(
        make_request, catalog, today, residence="rural", outcome="disability",
        disability_grades=[10],
    )
    assert result["items"]["disability"] == D("126422.00")


@pytest.mark.parametrize(
    ("date", "at_fault", "limits"),
    [
        ("2020-09-19", True, ("180000", "18000", "2000")),
        ("2020-09-19", False, ("18000", "1800", "100")),
        ("2020-09-18", True, ("110000", "10000", "2000")),
        ("2008-02-01", False, ("11000", "1000", "100")),
    ],
)
def test_compulsory_limits_follow_the_accident_date_and_fault(date, at_fault, limits):
    found = compulsory_limits(dt.date.fromisoformat(date), at_fault)
    assert (found.death_disability, found.medical, found.property) == tuple(map(D, limits))


def test_the_newest_loaded_year_is_used_when_no_year_is_given(make_request, catalog, today):
    # National: only 2024 shipped → 54,188 × 20 × 10 % = 108,376.00
    request = make_request(
        region="national",
        victims=[{"id": "v1", "age": 30, "outcome": "disability", "disability_grades": [10]}],
    )
    del request["standards_year"]
    response = calculate(request, catalog, today)
    assert response["victims"][0]["items"]["disability"] == D("108376.00")
    assert response["standards"]["year"] == 2024


def test_a_case_figure_overrides_the_loaded_standard(make_request, catalog, today):
    # Override urban income 70,000: 70,000 × 20 × 10 % = 140,000.00
    request = make_request(
        standards={"urban_income": 70000},
        victims=[{"id": "v1", "age": 30, "outcome": "disability", "disability_grades": [10]}],
    )
    response = calculate(request, catalog, today)
    assert response["victims"][0]["items"]["disability"] == D("140000.00")
    assert response["standards"]["overridden"] == ["urban_income"]


def test_every_item_key_is_in_the_response(make_request, catalog, today):
    result = victim_items(make_request, catalog, today)
    assert set(result["items"]) == {
        "medical", "hospital_meals", "nutrition", "lost_income", "nursing", "transport",
        "accommodation", "assistive_devices", "disability", "dependants", "death", "funeral",
        "emotional_distress", "property",
    }


def test_the_basis_states_the_rule_set_standards_years_and_limits(make_request, catalog, today):
    request = make_request(
        victims=[{"id": "v1", "age": 68, "outcome": "disability", "disability_grades": [9]}],
    )
    lines = calculate(request, catalog, today)["basis"]
    english = "\n".join(line["en"] for line in lines)
    assert all(line["zh"] for line in lines)
    assert "from 2020-09-19" in english
    assert "on or after 2022-05-01" in english
    assert "jiangsu, statistical year 2023" in english
    assert "20 − (68 − 60) = 12" in english
    assert "coefficient 20%" in english
    assert "death & disability 180,000.00 / medical 18,000.00 / property 2,000.00" in english

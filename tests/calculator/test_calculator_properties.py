"""Properties that hold for every request (hypothesis):

(a) each victim's payer rows add up to that victim's total, to the cent;
(b) no vehicle's compulsory payment in a group, summed over victims, exceeds its group limit;
(c) no vehicle's commercial payment, summed over victims, exceeds its policy limit;
(d) raising any one loss amount never lowers the victim's total;
and no payment is negative, and no victim gets more compulsory money in a group than its loss.
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from daojiao.calculator import ShippedStandards, calculate
from daojiao.calculator.allocation import compulsory_shares

CATALOG = ShippedStandards()
TODAY = dt.date(2025, 6, 1)
PROPERTY_SETTINGS = settings(max_examples=200, deadline=None)

# The limits restated from compensation.md (not imported from the code under test).
LIMITS = {
    ("2020", True): {"death_disability": 180000, "medical": 18000, "property": 2000},
    ("2020", False): {"death_disability": 18000, "medical": 1800, "property": 100},
    ("2008", True): {"death_disability": 110000, "medical": 10000, "property": 2000},
    ("2008", False): {"death_disability": 11000, "medical": 1000, "property": 100},
}

AMOUNT_FIELDS = (
    "medical", "nutrition", "transport", "accommodation", "assistive_devices",
    "emotional_distress", "property",
)

amounts = st.one_of(
    st.just(0),
    st.integers(1, 100).map(lambda c: c / 100),  # a few cents
    st.integers(0, 50_000_000).map(lambda c: c / 100),  # up to 500,000.00, as JSON floats
)
days = st.integers(0, 400)


@st.composite
def earnings(draw, nursing: bool = False):
    entry = {"days": draw(days)}
    if draw(st.booleans()):
        entry["daily"] = draw(st.integers(0, 200_000).map(lambda c: c / 100))
    else:
        entry["annual"] = draw(st.integers(0, 500_000))
    if nursing:
        entry["carers"] = draw(st.integers(1, 3))
    return entry


@st.composite
def victims(draw, index: int):
    outcome = draw(st.sampled_from(["injury", "disability", "death"]))
    victim = {
        "id": f"v{index}",
        "age": draw(st.integers(0, 95)),
        "residence": draw(st.sampled_from(["urban", "rural"])),
        "outcome": outcome,
        "hospital_days": draw(st.integers(0, 200)),
    }
    for field in AMOUNT_FIELDS:
        if draw(st.booleans()):
            victim[field] = draw(amounts)
    if draw(st.booleans()):
        victim["lost_income"] = draw(earnings())
    if draw(st.booleans()):
        victim["nursing"] = draw(earnings(nursing=True))
    if outcome == "disability":
        victim["disability_grades"] = draw(st.lists(st.integers(1, 10), min_size=1, max_size=4))
    if outcome != "injury":
        victim["dependants"] = draw(st.lists(
            st.fixed_dictionaries({"age": st.integers(0, 90), "supporters": st.integers(1, 4)}),
            max_size=3,
        ))
    return victim


@st.composite
def requests(draw):
    n_vehicles = draw(st.integers(0, 3))
    # Liabilities in hundredths, adding up to at most 1.
    cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=n_vehicles, max_size=n_vehicles)))
    hundredths = [b - a for a, b in pairwise([0, *cuts])]
    vehicles = [
        {
            "id": f"car{k}",
            "compulsory_insured": draw(st.booleans()),
            "at_fault": draw(st.booleans()),
            "liability": share / 100,
            "commercial_limit": draw(st.sampled_from([0, 0.01, 50000, 200000, 1000000])),
        }
        for k, share in enumerate(hundredths)
    ]
    accident = draw(st.dates(dt.date(2008, 2, 1), dt.date(2025, 5, 31)))
    return {
        "accident_date": accident.isoformat(),
        "region": "national",
        "standards": {
            "urban_income": 54188, "urban_consumption": 34557, "rural_income": 23119,
            "rural_consumption": 19280, "average_wage": 124110, "meal_allowance": 100,
        },
        "victims": [draw(victims(k)) for k in range(draw(st.integers(1, 3)))],
        "vehicles": vehicles,
    }


def _limits_for(request: dict, vehicle: dict) -> dict[str, int]:
    period = "2020" if request["accident_date"] >= "2020-09-19" else "2008"
    return LIMITS[(period, vehicle["at_fault"])]


@PROPERTY_SETTINGS
@given(requests())
def test_a_victims_payers_add_up_to_the_victims_total(request):
    response = calculate(request, CATALOG, TODAY)
    paid: dict[str, Decimal] = defaultdict(Decimal)
    for row in response["payers"]:
        assert row["amount"] >= 0
        paid[row["victim"]] += row["amount"]
    for victim in response["victims"]:
        assert paid[victim["id"]] == victim["total"]
        assert victim["total"] == sum(victim["items"].values())


@PROPERTY_SETTINGS
@given(requests())
def test_no_compulsory_payment_exceeds_its_group_limit(request):
    response = calculate(request, CATALOG, TODAY)
    by_vehicle: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    by_victim: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for row in response["compulsory"]:
        by_vehicle[(row["vehicle"], row["group"])] += row["amount"]
        by_victim[(row["victim"], row["group"])] += row["amount"]
    for vehicle in request["vehicles"]:
        for group, limit in _limits_for(request, vehicle).items():
            assert by_vehicle[(vehicle["id"], group)] <= limit
    for victim in response["victims"]:
        for group, loss in victim["groups"].items():
            assert by_victim[(victim["id"], group)] <= loss


@PROPERTY_SETTINGS
@given(requests())
def test_no_commercial_payment_exceeds_its_policy_limit(request):
    response = calculate(request, CATALOG, TODAY)
    commercial: dict[str, Decimal] = defaultdict(Decimal)
    for row in response["payers"]:
        if row["payer"].endswith("/commercial"):
            commercial[row["payer"].removesuffix("/commercial")] += row["amount"]
    for vehicle in request["vehicles"]:
        assert commercial[vehicle["id"]] <= Decimal(str(vehicle["commercial_limit"]))


RAISABLE = (*AMOUNT_FIELDS, "hospital_days", "lost_income", "nursing")


@st.composite
def raised_requests(draw):
    """A request, and a copy with one loss amount of one victim raised."""
    request = draw(requests())
    index = draw(st.integers(0, len(request["victims"]) - 1))
    field = draw(st.sampled_from(RAISABLE))
    victim = dict(request["victims"][index])
    if field in ("lost_income", "nursing"):
        entry = dict(victim.get(field) or {"daily": 0, "days": 0})
        part = draw(st.sampled_from(["days", "daily" if "daily" in entry else "annual"]))
        entry[part] += draw(st.integers(1, 1000))
        victim[field] = entry
    elif field == "hospital_days":
        victim[field] = victim.get(field, 0) + draw(st.integers(1, 100))
    else:
        victim[field] = victim.get(field, 0) + draw(st.integers(1, 10_000_000)) / 100
    raised = {**request, "victims": list(request["victims"])}
    raised["victims"][index] = victim
    return request, raised, index


@PROPERTY_SETTINGS
@given(raised_requests())
def test_raising_a_loss_amount_never_lowers_the_victims_total(pair):
    request, raised, index = pair
    before = calculate(request, CATALOG, TODAY)["victims"][index]["total"]
    after = calculate(raised, CATALOG, TODAY)["victims"][index]["total"]
    assert after >= before


@PROPERTY_SETTINGS
@given(
    st.lists(st.integers(0, 2000), min_size=1, max_size=4),
    st.lists(st.integers(0, 1000), min_size=1, max_size=4),
)
def test_compulsory_cents_keep_limits_and_losses_whatever_the_rounding(losses, limits):
    # In whole cents: each vehicle pays at most its limit, each victim at most its loss, and
    # a loss within the limits added together is paid in full.
    shares = compulsory_shares(losses, limits)
    by_victim = [sum(row) for row in shares]
    by_vehicle = [sum(row[v] for row in shares) for v in range(len(limits))]
    assert all(cell >= 0 for row in shares for cell in row)
    assert all(paid <= limit for paid, limit in zip(by_vehicle, limits, strict=True))
    assert all(paid <= loss for paid, loss in zip(by_victim, losses, strict=True))
    if sum(losses) <= sum(limits):
        assert by_victim == losses
    else:
        assert by_vehicle == limits

"""Allocation: compulsory insurance first, then the rest by liability (赔偿责任分配).

Expected payments are worked by hand from the rules of design/compensation.md.
"""

from decimal import Decimal
from fractions import Fraction

from daojiao.calculator import calculate
from daojiao.calculator.allocation import compulsory_shares, policy_shares
from daojiao.calculator.money import largest_remainder, round_matrix

D = Decimal


def vehicle(vid: str, liability, at_fault: bool = True, insured: bool = True, commercial=0):
    return {"id": vid, "compulsory_insured": insured, "at_fault": at_fault,
            "liability": liability, "commercial_limit": commercial}


def injured(vid: str, **amounts):
    return {"id": vid, "age": 40, "outcome": "injury", **amounts}


def test_compulsory_pays_each_group_up_to_its_limit(make_request, catalog, today, lookup):
    # medical 20,000 > 18,000 → 18,000; lost income 100 × 1,000 = 100,000 ≤ 180,000 → 100,000;
    # property 3,000 > 2,000 → 2,000. Compulsory 18,000 + 100,000 + 2,000 = 120,000;
    # the rest (20,000 − 18,000) + (3,000 − 2,000) = 3,000 → commercial.
    request = make_request(
        victims=[injured("v1", medical=20000, property=3000,
                         lost_income={"daily": 1000, "days": 100})],
        vehicles=[vehicle("A", 1, commercial=1000000)],
    )
    flat = lookup(calculate(request, catalog, today))
    assert flat["payers.v1.A/compulsory"] == D("120000.00")
    assert flat["payers.v1.A/commercial"] == D("3000.00")
    assert flat["payers.v1.victim"] == D("0.00")


def test_a_vehicle_without_fault_pays_within_the_no_fault_limits(
    make_request, catalog, today, lookup
):
    # B not at fault: medical 1,800 / property 100. Medical 5,000: B pays 5,000 × 1,800 ÷
    # (18,000 + 1,800) = 454.545… → 454.55, A pays 5,000 × 18,000 ÷ 19,800 = 4,545.45.
    request = make_request(
        victims=[injured("v1", medical=5000)],
        vehicles=[vehicle("A", 1), vehicle("B", 0, at_fault=False)],
    )
    flat = lookup(calculate(request, catalog, today))
    assert flat["payers.v1.A/compulsory"] == D("4545.45")
    assert flat["payers.v1.B/compulsory"] == D("454.55")


def test_a_group_loss_above_the_sum_of_limits_is_paid_in_full_limits(
    make_request, catalog, today, lookup
):
    # Property 5,000 > 2,000 + 100: A pays 2,000, B pays 100; the rest 2,900 × 100 % → A.
    request = make_request(
        victims=[injured("v1", property=5000)],
        vehicles=[vehicle("A", 1, commercial=1000000), vehicle("B", 0, at_fault=False)],
    )
    flat = lookup(calculate(request, catalog, today))
    assert flat["payers.v1.A/compulsory"] == D("2000.00")
    assert flat["payers.v1.B/compulsory"] == D("100.00")
    assert flat["payers.v1.A/commercial"] == D("2900.00")


def test_several_victims_share_a_limit_in_proportion_to_their_losses(
    make_request, catalog, today, lookup
):
    # Death & disability: v1 100,000, v2 300,000; limit 180,000 < 400,000:
    # v1 180,000 × 100,000 ÷ 400,000 = 45,000; v2 180,000 × 300,000 ÷ 400,000 = 135,000.
    # The rest (55,000 and 165,000) goes to A's commercial policy.
    request = make_request(
        victims=[injured("v1", emotional_distress=100000),
                 injured("v2", emotional_distress=300000)],
        vehicles=[vehicle("A", 1, commercial=1000000)],
    )
    flat = lookup(calculate(request, catalog, today))
    assert flat["payers.v1.A/compulsory"] == D("45000.00")
    assert flat["payers.v2.A/compulsory"] == D("135000.00")
    assert flat["payers.v1.A/commercial"] == D("55000.00")
    assert flat["payers.v2.A/commercial"] == D("165000.00")


def test_an_uninsured_vehicles_party_pays_what_compulsory_would_have_paid(
    make_request, catalog, today, lookup
):
    # A uninsured, at fault, 100 %, no commercial policy: medical 5,000 and lost income 20,000
    # are within the limits, so A's party pays 25,000 in its compulsory's stead; nothing else.
    request = make_request(
        victims=[injured("v1", medical=5000, lost_income={"daily": 200, "days": 100})],
        vehicles=[vehicle("A", 1, insured=False)],
    )
    response = calculate(request, catalog, today)
    flat = lookup(response)
    assert flat["payers.v1.A/compulsory"] == D("0.00")
    assert flat["payers.v1.A/party"] == D("25000.00")
    assert {row["payer"] for row in response["compulsory"]} == {"A/party"}


def test_the_party_pays_what_exceeds_the_commercial_policy(make_request, catalog, today, lookup):
    # Distress 500,000: compulsory 180,000; rest 320,000 × 100 % → commercial 100,000 (limit),
    # party 220,000.
    request = make_request(
        victims=[injured("v1", emotional_distress=500000)],
        vehicles=[vehicle("A", 1, commercial=100000)],
    )
    flat = lookup(calculate(request, catalog, today))
    assert flat["payers.v1.A/commercial"] == D("100000.00")
    assert flat["payers.v1.A/party"] == D("220000.00")


def test_one_commercial_limit_is_shared_by_victims_in_proportion_to_their_shares(
    make_request, catalog, today, lookup
):
    # Compulsory: loss 330,000 + 110,000 = 440,000 > 180,000: v1 180,000 × 3/4 = 135,000,
    # v2 45,000. Rest: v1 195,000, v2 65,000 (sum 260,000) > policy 100,000:
    # v1 100,000 × 195/260 = 75,000, v2 25,000; parties pay 120,000 and 40,000.
    request = make_request(
        victims=[injured("v1", emotional_distress=330000),
                 injured("v2", emotional_distress=110000)],
        vehicles=[vehicle("A", 1, commercial=100000)],
    )
    flat = lookup(calculate(request, catalog, today))
    assert flat["payers.v1.A/commercial"] == D("75000.00")
    assert flat["payers.v2.A/commercial"] == D("25000.00")
    assert flat["payers.v1.A/party"] == D("120000.00")
    assert flat["payers.v2.A/party"] == D("40000.00")


def test_the_share_no_vehicle_bears_stays_with_the_victim(make_request, catalog, today, lookup):
    # Medical 40,000 > 18,000 + 18,000: A and B pay 18,000 each; the rest 4,000 splits
    # A 30 % = 1,200, B 50 % = 2,000, and the victim keeps 1 − 0.8 = 20 % = 800.
    request = make_request(
        victims=[injured("v1", medical=40000)],
        vehicles=[vehicle("A", 0.3, commercial=500000), vehicle("B", 0.5, commercial=500000)],
    )
    flat = lookup(calculate(request, catalog, today))
    assert flat["payers.v1.A/compulsory"] == D("18000.00")
    assert flat["payers.v1.B/compulsory"] == D("18000.00")
    assert flat["payers.v1.A/commercial"] == D("1200.00")
    assert flat["payers.v1.B/commercial"] == D("2000.00")
    assert flat["payers.v1.victim"] == D("800.00")


def test_every_vehicle_has_three_rows_and_every_victim_a_victim_row(make_request, catalog, today):
    request = make_request(vehicles=[vehicle("A", 1), vehicle("B", 0, at_fault=False)])
    payers = [row["payer"] for row in calculate(request, catalog, today)["payers"]]
    assert payers == [
        "A/compulsory", "A/commercial", "A/party",
        "B/compulsory", "B/commercial", "B/party",
        "victim",
    ]


def test_cents_shared_by_two_vehicles_and_two_victims_never_exceed_a_victims_loss(
    make_request, catalog, today, lookup
):
    # Lost income v1 100.01, v2 100.00; two vehicles at fault with equal limits.
    # Loss 200.01 ≤ limits: each vehicle pays 100.005 → largest remainder: A 100.01, B 100.00.
    # v1 gets 100.01 in all, v2 100.00. Cells (cents): v1A 10001 × 10001 ÷ 20001 = 5000.75,
    # v1B 5000.25, v2A 5000.25, v2B 4999.75 → rows and columns kept: v1A 50.01, v1B 50.00,
    # v2A 50.00, v2B 50.00. Nothing is left for anyone else.
    request = make_request(
        victims=[injured("v1", lost_income={"daily": 100.01, "days": 1}),
                 injured("v2", lost_income={"daily": 100, "days": 1})],
        vehicles=[vehicle("A", 0.5), vehicle("B", 0.5)],
    )
    flat = lookup(calculate(request, catalog, today))
    assert flat["payers.v1.A/compulsory"] == D("50.01")
    assert flat["payers.v1.B/compulsory"] == D("50.00")
    assert flat["payers.v2.A/compulsory"] == D("50.00")
    assert flat["payers.v2.B/compulsory"] == D("50.00")
    assert flat["payers.v1.A/party"] == flat["payers.v1.victim"] == D("0.00")


# --- the rounding helpers ----------------------------------------------------------------------


def test_largest_remainder_gives_the_missing_cent_to_the_largest_fraction():
    # 100 cents in thirds: 33.33…; the missing cent goes to the first of the tied shares.
    third = Fraction(100, 3)
    assert largest_remainder([third, third, third], 100) == [34, 33, 33]
    # 5 cents split 0.5/0.5: 2.5 each → 3 and 2
    assert largest_remainder([Fraction(5, 2), Fraction(5, 2)], 5) == [3, 2]
    # Two vehicles, loss 150,000.00 = 15,000,000 cents, limits 180,000 and 18,000:
    # A 15,000,000 × 10/11 = 13,636,363.6…, B 15,000,000 × 1/11 = 1,363,636.3… → half-up
    # 13,636,364 and 1,363,636, which already add up, so largest remainder agrees.
    assert largest_remainder(
        [Fraction(150_000_000, 11), Fraction(15_000_000, 11)], 15_000_000
    ) == [13_636_364, 1_363_636]


def test_round_matrix_keeps_every_row_and_column_total():
    # rows 1, 1, 1 and columns 1, 1, 1 from thirds: a permutation of ones.
    third = Fraction(1, 3)
    rounded = round_matrix([[third] * 3 for _ in range(3)], [1, 1, 1], [1, 1, 1])
    assert [sum(row) for row in rounded] == [1, 1, 1]
    assert [sum(col) for col in zip(*rounded, strict=True)] == [1, 1, 1]


def test_round_matrix_repairs_a_greedy_hand_out_that_leaves_a_row_and_a_column_short():
    # Every cell 2/3, every row and column 2: each cell must become 0 or 1 with two ones in
    # each row and column. Handing out to the first cells in order fills (0,0) (0,1) (1,0)
    # (1,1) (2,2) and leaves row 2 and column 2 one short, which only a swap can mend.
    rounded = round_matrix([[Fraction(2, 3)] * 3 for _ in range(3)], [2, 2, 2], [2, 2, 2])
    assert all(cell in (0, 1) for row in rounded for cell in row)
    assert [sum(row) for row in rounded] == [2, 2, 2]
    assert [sum(col) for col in zip(*rounded, strict=True)] == [2, 2, 2]


def test_compulsory_shares_respect_each_vehicles_limit_and_each_victims_loss():
    # Loss 3 + 3 cents, limits 2 and 2 (sum 4 < 6): each vehicle pays its 2 in full;
    # each victim gets 4 × 3/6 = 2 in all.
    shares = compulsory_shares([3, 3], [2, 2])
    assert [sum(col) for col in zip(*shares, strict=True)] == [2, 2]
    assert [sum(row) for row in shares] == [2, 2]


def test_a_policy_pays_claims_in_full_within_its_limit_else_shares_it():
    assert policy_shares([300, 100], 1000) == [300, 100]
    # 400 claimed against 200: 150 and 50
    assert policy_shares([300, 100], 200) == [150, 50]

"""Who pays what (赔偿责任分配): compulsory insurance first, then the rest by liability.

Everything here works in whole cents (`int`) with exact `Fraction` shares, so every rounding
step can keep its totals:

1. Compulsory insurance (交强险), per group and per vehicle. A group's loss summed over victims
   that exceeds the vehicles' limits added together is paid in full limits; otherwise each
   vehicle pays loss × its limit ÷ the sum of limits. Each vehicle's payment in a group is
   shared by the victims in proportion to their loss in that group. An uninsured vehicle's
   party pays what its compulsory insurance would have paid.
2. The rest of each victim's total, split by the vehicles' liability ratios; what no vehicle
   bears stays with the victim. Commercial third-party insurance (商业三者险) pays a vehicle's
   share up to its policy limit, the vehicle's party pays the excess. One policy limit serves
   all victims: when the vehicle's shares summed over victims exceed it, the limit is shared
   in proportion to each victim's share (the same rule as for compulsory limits).

Rounding: every split is rounded by largest remainder (round down, then the missing cents to
the largest fractions, ties to the earlier row: victims and vehicles in request order, the
victim's own row last). A compulsory payment shared by several vehicles and several victims is
rounded as a matrix that keeps both each vehicle's group payment and each victim's group
payment whole. So each victim's payer rows add up to that victim's total to the cent, no group
payment exceeds its limit and no commercial payment exceeds its policy.
"""

from dataclasses import dataclass
from fractions import Fraction

from daojiao.calculator.money import largest_remainder, round_matrix
from daojiao.calculator.rules import GROUPS


@dataclass(frozen=True)
class VehicleTerms:
    """What allocation needs of a vehicle: limits in cents by group, liability, policy."""

    id: str
    compulsory_insured: bool
    limits: dict[str, int]
    liability: Fraction
    commercial_limit: int


@dataclass(frozen=True)
class Allocation:
    """Cents paid, indexed [victim][vehicle] (and [group] for compulsory)."""

    compulsory: list[list[dict[str, int]]]
    commercial: list[list[int]]
    excess: list[list[int]]
    victim: list[int]

    def party(self, i: int, v: int, insured: bool) -> int:
        """The vehicle party's own payment: the excess over its policy, plus the compulsory
        part when the vehicle had no compulsory insurance."""
        stand_in = 0 if insured else sum(self.compulsory[i][v].values())
        return self.excess[i][v] + stand_in

    def insurer(self, i: int, v: int, insured: bool) -> int:
        """What the vehicle's compulsory insurer pays this victim."""
        return sum(self.compulsory[i][v].values()) if insured else 0


def allocate(losses: list[dict[str, int]], vehicles: list[VehicleTerms]) -> Allocation:
    """Allocate each victim's group losses (cents) between the vehicles and the victim."""
    n_victims, n_vehicles = len(losses), len(vehicles)
    compulsory = [[dict.fromkeys(GROUPS, 0) for _ in vehicles] for _ in losses]

    for group in GROUPS:
        shares = compulsory_shares(
            [loss[group] for loss in losses], [vehicle.limits[group] for vehicle in vehicles]
        )
        for i in range(n_victims):
            for v in range(n_vehicles):
                compulsory[i][v][group] = shares[i][v]

    rest = [
        sum(loss.values()) - sum(sum(paid.values()) for paid in compulsory[i])
        for i, loss in enumerate(losses)
    ]
    unborne = 1 - sum((vehicle.liability for vehicle in vehicles), Fraction(0))
    by_liability = [
        largest_remainder([amount * v.liability for v in vehicles] + [amount * unborne], amount)
        for amount in rest
    ]

    commercial = [[0] * n_vehicles for _ in losses]
    for v, vehicle in enumerate(vehicles):
        column = [by_liability[i][v] for i in range(n_victims)]
        for i, paid in enumerate(policy_shares(column, vehicle.commercial_limit)):
            commercial[i][v] = paid
    excess = [
        [by_liability[i][v] - commercial[i][v] for v in range(n_vehicles)]
        for i in range(n_victims)
    ]

    return Allocation(compulsory, commercial, excess, [row[-1] for row in by_liability])


def compulsory_shares(losses: list[int], limits: list[int]) -> list[list[int]]:
    """One group's compulsory payments in cents, indexed [victim][vehicle]."""
    loss = sum(losses)
    if loss == 0 or not limits or sum(limits) == 0:
        return [[0] * len(limits) for _ in losses]

    limit_sum = sum(limits)
    if loss >= limit_sum:
        by_vehicle = list(limits)
    else:
        exact = [Fraction(loss * limit, limit_sum) for limit in limits]
        by_vehicle = largest_remainder(exact, loss)
    paid = sum(by_vehicle)

    by_victim = largest_remainder([Fraction(own * paid, loss) for own in losses], paid)
    cells = [[Fraction(row * col, paid) for col in by_vehicle] for row in by_victim]
    return round_matrix(cells, by_victim, by_vehicle)


def policy_shares(claims: list[int], limit: int) -> list[int]:
    """What one policy pays on each victim's claim: in full within the limit, else the limit
    shared in proportion to the claims."""
    claimed = sum(claims)
    if claimed <= limit:
        return list(claims)
    return largest_remainder([Fraction(claim * limit, claimed) for claim in claims], limit)

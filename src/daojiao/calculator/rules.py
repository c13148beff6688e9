"""The statutory rules of personal-injury compensation (人身损害赔偿), one function each.

Sources: the SPC interpretation on personal-injury compensation (2022 text for torts on or after
2022-05-01), the road-traffic interpretation, Civil Code arts. 1179/1213, the compulsory motor
insurance limits, GB 18667-2002 appendix B. Amounts returned here are unrounded unless a
function says otherwise; items are rounded once, by `assess_victim`.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, localcontext
from itertools import pairwise

from daojiao.calculator.models import Victim
from daojiao.calculator.money import EXACT, cents
from daojiao.calculator.standards import AdditionTable

LIMITS_2008 = dt.date(2008, 2, 1)
"""First day of the 2008 compulsory insurance limits (no older limits are in the rules)."""

LIMITS_2020 = dt.date(2020, 9, 19)
"""First day of the raised compulsory insurance limits (交强险限额调整)."""

URBAN_FOR_ALL = dt.date(2022, 5, 1)
"""Torts from this day use urban figures for every victim (城乡统一标准)."""

ITEMS = (
    "medical",
    "hospital_meals",
    "nutrition",
    "lost_income",
    "nursing",
    "transport",
    "accommodation",
    "assistive_devices",
    "disability",
    "dependants",
    "death",
    "funeral",
    "emotional_distress",
    "property",
)
"""Every item key of the response, in the order of compensation.md."""

GROUPS = ("medical", "death_disability", "property")
"""Compulsory insurance groups: 医疗费用 / 死亡伤残 / 财产损失."""

MEDICAL_ITEMS = frozenset({"medical", "hospital_meals", "nutrition"})


def group_of(item: str) -> str:
    """The compulsory-insurance group of an item: medical, property, or death & disability
    (every other personal item, emotional distress and dependants included)."""
    if item in MEDICAL_ITEMS:
        return "medical"
    if item == "property":
        return "property"
    return "death_disability"


@dataclass(frozen=True)
class CompulsoryLimits:
    """One vehicle's compulsory insurance limits (交强险责任限额) in yuan, by group."""

    death_disability: Decimal
    medical: Decimal
    property: Decimal

    def of(self, group: str) -> Decimal:
        return getattr(self, group)


_LIMITS = {
    (LIMITS_2020, True): CompulsoryLimits(Decimal(180000), Decimal(18000), Decimal(2000)),
    (LIMITS_2020, False): CompulsoryLimits(Decimal(18000), Decimal(1800), Decimal(100)),
    (LIMITS_2008, True): CompulsoryLimits(Decimal(110000), Decimal(10000), Decimal(2000)),
    (LIMITS_2008, False): CompulsoryLimits(Decimal(11000), Decimal(1000), Decimal(100)),
}


def limits_period(accident_date: dt.date) -> dt.date | None:
    """The first day of the limits in force on the accident date; None before 2008-02-01."""
    if accident_date >= LIMITS_2020:
        return LIMITS_2020
    if accident_date >= LIMITS_2008:
        return LIMITS_2008
    return None


def compulsory_limits(accident_date: dt.date, at_fault: bool) -> CompulsoryLimits:
    """Limits by accident date and by whether the vehicle was at fault (有责 / 无责)."""
    period = limits_period(accident_date)
    if period is None:
        raise ValueError(f"no compulsory insurance limits are defined for {accident_date}")
    return _LIMITS[(period, at_fault)]


def uses_urban_figures(accident_date: dt.date, residence: str | None) -> bool:
    """Torts from 2022-05-01 use urban figures for everyone; earlier ones follow residence."""
    return accident_date >= URBAN_FOR_ALL or residence == "urban"


def compensation_years(age: int) -> int:
    """Years of disability / death compensation (赔偿年限): 20 below 60, one less per year of age
    from 60 (20 − (age − 60)), 5 from 75."""
    if age < 60:
        return 20
    if age < 75:
        return 20 - (age - 60)
    return 5


def dependant_years(age: int) -> int:
    """Years a dependant is supported: a minor until 18, an adult by the compensation years."""
    if age < 18:
        return 18 - age
    return compensation_years(age)


def disability_coefficient(grades: list[int], table: AdditionTable) -> Decimal:
    """Disability coefficient (伤残赔偿指数): grade 1 = 100 %, 10 points less per grade.

    Several grades: the most severe grade's coefficient plus the table's addition for each
    further grade, the additions together at most `table.max_total`, the result at most 100 %.
    """
    ordered = sorted(grades)
    base = Decimal(110 - 10 * ordered[0]) / 100
    additions = sum((table.by_grade.get(g, Decimal(0)) for g in ordered[1:]), Decimal(0))
    return min(Decimal(1), base + min(additions, table.max_total))


@dataclass(frozen=True)
class DependantShare:
    """One dependant's support: for how many years, how much a year, and the consumption figure
    (人均消费支出) that caps a year's total."""

    years: Decimal
    per_year: Decimal
    consumption: Decimal


def dependant_share(
    years: Decimal, consumption: Decimal, coefficient: Decimal, supporters: int
) -> DependantShare:
    """A dependant's yearly amount = consumption × coefficient (1 for death) ÷ supporters."""
    per_year = EXACT.divide(EXACT.multiply(consumption, coefficient), Decimal(supporters))
    return DependantShare(years=years, per_year=per_year, consumption=consumption)


def dependants_living_expenses(shares: list[DependantShare]) -> Decimal:
    """Dependants' living expenses (被扶养人生活费), unrounded, computed year by year.

    In any one year the dependants still supported add up to at most one year's consumption
    expenditure. Where dependants carry different consumption figures, the cap for a year is the
    highest figure among those supported that year.
    """
    bounds = sorted({Decimal(0), *(share.years for share in shares)})
    total = Decimal(0)
    with localcontext(EXACT):
        for start, end in pairwise(bounds):
            supported = [share for share in shares if share.years >= end]
            yearly = sum((share.per_year for share in supported), Decimal(0))
            cap = max(share.consumption for share in supported)
            total += min(yearly, cap) * (end - start)
    return total


@dataclass(frozen=True)
class VictimFigures:
    """The figures that apply to one victim, after the urban/rural rule and the overrides."""

    income: Decimal | None
    consumption: Decimal | None
    average_wage: Decimal | None
    meal_allowance: Decimal | None


@dataclass(frozen=True)
class DependantWorking:
    """How one dependant's support was worked out, for the basis lines."""

    age: int | None
    years: Decimal
    consumption: Decimal
    supporters: int


@dataclass(frozen=True)
class Assessment:
    """One victim's items (rounded to the cent) and how the age-based ones were worked out."""

    items: dict[str, Decimal]
    years: int | None
    coefficient: Decimal | None
    dependants: tuple[DependantWorking, ...]

    @property
    def groups(self) -> dict[str, Decimal]:
        sums = {group: Decimal("0.00") for group in GROUPS}
        for item, amount in self.items.items():
            sums[group_of(item)] += amount
        return sums

    @property
    def total(self) -> Decimal:
        return sum(self.items.values(), Decimal("0.00"))


def assess_victim(victim: Victim, figures: VictimFigures, table: AdditionTable) -> Assessment:
    """Every item of one victim, each rounded half-up to the cent.

    The caller has checked that every figure this victim needs is present and that the
    victim's outcome, grades and age are consistent.
    """
    items = dict.fromkeys(ITEMS, Decimal("0.00"))
    years: int | None = None
    coefficient: Decimal | None = None
    workings: list[DependantWorking] = []

    with localcontext(EXACT):
        for key in ("medical", "nutrition", "transport", "accommodation", "assistive_devices",
                    "emotional_distress", "property"):
            items[key] = cents(getattr(victim, key))
        if victim.hospital_days:
            items["hospital_meals"] = cents(victim.hospital_days * figures.meal_allowance)
        if victim.lost_income is not None:
            income = victim.lost_income
            items["lost_income"] = cents(income.days * income.daily_rate)
        if victim.nursing is not None:
            care = victim.nursing
            items["nursing"] = cents(care.days * care.daily_rate * care.carers)

        if victim.outcome == "disability":
            years = compensation_years(victim.age)
            coefficient = disability_coefficient(victim.disability_grades, table)
            items["disability"] = cents(figures.income * years * coefficient)
        elif victim.outcome == "death":
            years = compensation_years(victim.age)
            coefficient = Decimal(1)
            items["death"] = cents(figures.income * years)
            items["funeral"] = cents(figures.average_wage / 2)

        if victim.dependants and coefficient is not None:
            shares = []
            for dependant in victim.dependants:
                consumption = (
                    figures.consumption if dependant.consumption is None else dependant.consumption
                )
                if dependant.age is None:
                    span = dependant.years
                else:
                    span = Decimal(dependant_years(dependant.age))
                shares.append(dependant_share(span, consumption, coefficient, dependant.supporters))
                workings.append(
                    DependantWorking(dependant.age, span, consumption, dependant.supporters)
                )
            items["dependants"] = cents(dependants_living_expenses(shares))

    return Assessment(items, years, coefficient, tuple(workings))

"""The calculation (理赔计算): validate the request, find the figures, assess, allocate.

`calculate` is a pure function of the request, the standards catalog and today's date.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from daojiao.calculator.allocation import Allocation, VehicleTerms, allocate
from daojiao.calculator.basis import basis_lines
from daojiao.calculator.errors import CalculationError, Problem, problems_from_validation
from daojiao.calculator.models import FIGURES, CalculationRequest, RegionalStandard, Victim
from daojiao.calculator.money import CENT, from_cents, to_cents
from daojiao.calculator.rules import (
    GROUPS,
    LIMITS_2008,
    URBAN_FOR_ALL,
    Assessment,
    VictimFigures,
    assess_victim,
    compulsory_limits,
    uses_urban_figures,
)
from daojiao.calculator.standards import StandardsCatalog, shipped_additions

CHINA = ZoneInfo("Asia/Shanghai")
FIGURE_NAMES_ZH = {
    "urban_income": "城镇居民人均可支配收入", "urban_consumption": "城镇居民人均消费支出",
    "rural_income": "农村居民人均可支配收入", "rural_consumption": "农村居民人均消费支出",
    "average_wage": "职工年平均工资", "meal_allowance": "住院伙食补助标准",
}
REGION_NAMES_ZH = {"national": "全国", "beijing": "北京", "jiangsu": "江苏",
                   "guangdong": "广东", "zhejiang": "浙江"}


@dataclass(frozen=True)
class Standards:
    """The figures a case uses: the loaded standard (if any) under the case's overrides."""

    region: str
    year: int
    loaded: RegionalStandard | None
    overrides: dict[str, Decimal]

    def figure(self, name: str) -> Decimal | None:
        if name in self.overrides:
            return self.overrides[name]
        return None if self.loaded is None else self.loaded.figure(name)

    def overridden(self, name: str) -> bool:
        return name in self.overrides


def calculate(
    request: dict[str, Any], catalog: StandardsCatalog, today: dt.date | None = None
) -> dict[str, Any]:
    """Compute every victim's items and who pays them.

    Raises `CalculationError` listing every problem found when the request cannot be computed
    without guessing. Amounts in the result are `Decimal` with two decimals; `to_json` writes
    them exactly.
    """
    today = today or dt.datetime.now(CHINA).date()
    try:
        parsed = CalculationRequest.model_validate(request)
    except ValidationError as error:
        problems = problems_from_validation(error)
        early = _early_problems(request, problems, catalog, today)
        raise CalculationError(problems + early) from None
    problems = _check_consistency(parsed, today)
    standards, needs, standard_problems = _resolve_standards(parsed, catalog)
    problems += standard_problems
    if problems:
        raise CalculationError(problems)

    table = shipped_additions().for_region(parsed.region)
    assessments = [
        assess_victim(victim, _figures_for(parsed, victim, standards), table)
        for victim in parsed.victims
    ]
    losses = [
        {group: to_cents(amount) for group, amount in assessment.groups.items()}
        for assessment in assessments
    ]
    allocation = allocate(losses, _vehicle_terms(parsed))

    return {
        "victims": [
            _victim_result(victim, assessment)
            for victim, assessment in zip(parsed.victims, assessments, strict=True)
        ],
        "payers": _payer_rows(parsed, allocation),
        "compulsory": _compulsory_rows(parsed, allocation),
        "standards": _standards_result(standards, needs),
        "basis": basis_lines(parsed, standards, needs, assessments, table),
    }


def _vehicle_terms(parsed: CalculationRequest) -> list[VehicleTerms]:
    """Each vehicle's limits by accident date and fault, in cents, for the allocation."""
    terms = []
    for vehicle in parsed.vehicles:
        limits = compulsory_limits(parsed.accident_date, vehicle.at_fault)
        terms.append(VehicleTerms(
            id=vehicle.id,
            compulsory_insured=vehicle.compulsory_insured,
            limits={group: to_cents(limits.of(group)) for group in GROUPS},
            liability=Fraction(vehicle.liability),
            # A policy limit given to fractions of a cent is read down: never pay beyond it.
            commercial_limit=to_cents(vehicle.commercial_limit.quantize(CENT, ROUND_DOWN)),
        ))
    return terms


def _victim_result(victim: Victim, assessment: Assessment) -> dict[str, Any]:
    return {
        "id": victim.id,
        "items": dict(assessment.items),
        "groups": assessment.groups,
        "total": assessment.total,
    }


def _payer_rows(parsed: CalculationRequest, allocation: Allocation) -> list[dict[str, Any]]:
    """Per victim: each vehicle's compulsory, commercial and party rows, then the victim's."""
    rows = []
    for i, victim in enumerate(parsed.victims):
        for v, vehicle in enumerate(parsed.vehicles):
            insured = vehicle.compulsory_insured
            for payer, cents_paid in (
                ("compulsory", allocation.insurer(i, v, insured)),
                ("commercial", allocation.commercial[i][v]),
                ("party", allocation.party(i, v, insured)),
            ):
                rows.append({
                    "victim": victim.id,
                    "payer": f"{vehicle.id}/{payer}",
                    "amount": from_cents(cents_paid),
                })
        rows.append({
            "victim": victim.id, "payer": "victim", "amount": from_cents(allocation.victim[i])
        })
    return rows


def _compulsory_rows(
    parsed: CalculationRequest, allocation: Allocation
) -> list[dict[str, Any]]:
    """The compulsory part by group, and who pays it (the insurer, or an uninsured party)."""
    rows = []
    for i, victim in enumerate(parsed.victims):
        for v, vehicle in enumerate(parsed.vehicles):
            payer = "compulsory" if vehicle.compulsory_insured else "party"
            for group in GROUPS:
                rows.append({
                    "victim": victim.id,
                    "vehicle": vehicle.id,
                    "group": group,
                    "payer": f"{vehicle.id}/{payer}",
                    "amount": from_cents(allocation.compulsory[i][v][group]),
                })
    return rows


def _standards_result(standards: Standards, needs: dict[str, list[str]]) -> dict[str, Any]:
    return {
        "region": standards.region,
        "year": standards.year,
        "source": None if standards.loaded is None else standards.loaded.source,
        "figures": {
            name: standards.figure(name) for name in FIGURES if name in needs
        },
        "overridden": [name for name in FIGURES if name in needs and standards.overridden(name)],
    }


def _early_problems(
    request: object, found: list[Problem], catalog: StandardsCatalog, today: dt.date
) -> list[Problem]:
    """When the request is malformed elsewhere, still report a wrong date or region, so that
    one answer lists as many problems as can be seen."""
    if not isinstance(request, dict):
        return []
    flagged = {problem.path for problem in found}
    problems: list[Problem] = []
    date_text, region = request.get("accident_date"), request.get("region")
    if "accident_date" not in flagged and isinstance(date_text, str):
        problems += _date_problems(dt.date.fromisoformat(date_text), today)
    if "region" not in flagged and isinstance(region, str) and not catalog.years(region):
        problems.append(_unknown_region(region))
    return problems


def _date_problems(date: dt.date, today: dt.date) -> list[Problem]:
    problems = []
    if date > today:
        problems.append(Problem(
            "accident_date",
            f"the accident date {date} is in the future (today is {today})",
            f"事故日期 {date} 晚于今天（{today}）",
        ))
    if date < LIMITS_2008:
        problems.append(Problem(
            "accident_date",
            f"accidents before {LIMITS_2008} are not covered: the compulsory insurance limits "
            "of that time are not in the calculator's rules",
            f"{LIMITS_2008} 之前的事故不在计算范围内：计算规则未包含当时的交强险责任限额",
        ))
    return problems


def _unknown_region(region: str) -> Problem:
    return Problem(
        "region",
        f"unknown region {region!r}: no compensation standards are loaded for it",
        f"未知地区 {region!r}：尚未载入该地区的赔偿标准",
    )


def _check_consistency(parsed: CalculationRequest, today: dt.date) -> list[Problem]:
    """Problems that need more than one field to see, one entry per problem."""
    date = parsed.accident_date
    problems = _date_problems(date, today)

    for kind, entries in (("victim", parsed.victims), ("vehicle", parsed.vehicles)):
        seen: dict[str, int] = {}
        for k, entry in enumerate(entries):
            if entry.id in seen:
                problems.append(Problem(
                    f"{kind}s[{k}].id",
                    f"{kind} id {entry.id!r} is used twice (also {kind}s[{seen[entry.id]}])",
                    f"编号 {entry.id!r} 重复（另见 {kind}s[{seen[entry.id]}]）",
                ))
            seen.setdefault(entry.id, k)

    liabilities = sum((vehicle.liability for vehicle in parsed.vehicles), Decimal(0))
    if liabilities > 1:
        listed = " + ".join(f"{v.id} {v.liability}" for v in parsed.vehicles)
        problems.append(Problem(
            "vehicles",
            f"the vehicles' liabilities add up to {liabilities} ({listed}), more than 1",
            f"各车责任比例之和为 {liabilities}（{listed}），超过 1",
        ))

    for i, victim in enumerate(parsed.victims):
        problems += _check_victim(i, victim, date)
    return problems


def _check_victim(i: int, victim: Victim, date: dt.date) -> list[Problem]:
    problems = []
    at = f"victims[{i}]"
    if victim.outcome == "death" and victim.disability_grades:
        problems.append(Problem(
            f"{at}.disability_grades",
            "a victim who died has no disability grades: remove the grades or change the outcome",
            "死亡的受害人不应有伤残等级：请删除伤残等级或更正结果",
        ))
    if victim.outcome == "disability" and not victim.disability_grades:
        problems.append(Problem(
            f"{at}.disability_grades",
            "outcome is disability but no disability grade is given",
            "结果为伤残，但未给出伤残等级",
        ))
    if victim.outcome == "injury" and victim.disability_grades:
        problems.append(Problem(
            f"{at}.disability_grades",
            "disability grades are given but the outcome is injury: set the outcome to disability",
            "给出了伤残等级，但结果为受伤：请将结果改为伤残",
        ))
    if victim.outcome == "injury" and victim.dependants:
        problems.append(Problem(
            f"{at}.dependants",
            "dependants' living expenses are due only on disability or death",
            "被扶养人生活费仅在伤残或死亡时计算",
        ))
    if victim.outcome != "injury" and victim.age is None:
        problems.append(Problem(
            f"{at}.age",
            f"the victim's age is needed to count the years of {victim.outcome} compensation",
            "计算残疾赔偿金或死亡赔偿金的年限需要受害人年龄",
        ))
    if _residence_unknown(victim, date):
        problems.append(Problem(
            f"{at}.residence",
            f"residence (urban or rural) is needed: for accidents before {URBAN_FOR_ALL} it "
            "decides between urban and rural figures",
            f"需要户籍/居住地（urban 或 rural）：{URBAN_FOR_ALL} 之前的事故据此选择城镇或农村标准",
        ))
    return problems


def _residence_unknown(victim: Victim, date: dt.date) -> bool:
    """Before 2022-05-01 a victim's income figures depend on residence, which must be given."""
    return date < URBAN_FOR_ALL and victim.residence is None and victim.outcome != "injury"


def _figure_needs(parsed: CalculationRequest) -> dict[str, list[str]]:
    """Which figures the case needs, each with the reasons (victim and item) in words."""
    needs: dict[str, list[str]] = {}
    for victim in parsed.victims:
        kind = "urban" if uses_urban_figures(parsed.accident_date, victim.residence) else "rural"
        if victim.outcome != "injury" and not _residence_unknown(victim, parsed.accident_date):
            needs.setdefault(f"{kind}_income", []).append(f"{victim.outcome} of {victim.id}")
            if any(d.consumption is None for d in victim.dependants):
                needs.setdefault(f"{kind}_consumption", []).append(f"dependants of {victim.id}")
        if victim.outcome == "death":
            needs.setdefault("average_wage", []).append(f"funeral expenses of {victim.id}")
        if victim.hospital_days:
            needs.setdefault("meal_allowance", []).append(f"hospital meals of {victim.id}")
    return needs


def _resolve_standards(
    parsed: CalculationRequest, catalog: StandardsCatalog
) -> tuple[Standards, dict[str, list[str]], list[Problem]]:
    """The standards of the case's region and year, and every needed figure that is missing."""
    region = parsed.region
    overrides = {
        name: value for name, value in parsed.standards.model_dump().items() if value is not None
    }
    needs = _figure_needs(parsed)
    years = catalog.years(region)
    year = parsed.standards_year or (years[-1] if years else 0)
    standards = Standards(region, year, catalog.get(region, year) if years else None, overrides)

    if not years:
        return standards, needs, [_unknown_region(region)]

    missing = [name for name in needs if standards.figure(name) is None]
    if not missing:
        return standards, needs, []
    if standards.loaded is None:
        loaded = ", ".join(str(y) for y in years)
        wanted = ", ".join(missing)
        problem = Problem(
            "standards_year",
            f"no {region} standards are loaded for {year} (loaded: {loaded}); choose a loaded "
            f"year or give the figures this case needs in standards: {wanted}",
            f"尚未载入 {region} {year} 年度的标准（已载入：{loaded}）；请选择已载入的年度，"
            f"或在 standards 中给出本案所需数据：{wanted}",
        )
        return standards, needs, [problem]
    return standards, needs, [
        Problem(
            f"standards.{name}",
            f"{name} is needed ({'; '.join(needs[name])}) but the {region} {year} standards "
            f"do not include it: give it in standards.{name}",
            f"需要{FIGURE_NAMES_ZH.get(name, name)}，但{REGION_NAMES_ZH.get(region, region)}"
            f" {year} 年度标准未包含该数据：请由管理员载入，或在 standards.{name} 中给出",
        )
        for name in missing
    ]


def _figures_for(
    parsed: CalculationRequest, victim: Victim, standards: Standards
) -> VictimFigures:
    kind = "urban" if uses_urban_figures(parsed.accident_date, victim.residence) else "rural"
    return VictimFigures(
        income=standards.figure(f"{kind}_income"),
        consumption=standards.figure(f"{kind}_consumption"),
        average_wage=standards.figure("average_wage"),
        meal_allowance=standards.figure("meal_allowance"),
    )

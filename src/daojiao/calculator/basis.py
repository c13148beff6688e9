"""The basis of a calculation (计算依据), in Chinese and English, in words a party can check:
the rule set, the standards and each figure's origin, the working of every computed item, each
vehicle's limits, and how the loss was allocated and rounded."""

from decimal import Decimal
from typing import TYPE_CHECKING

from daojiao.calculator.models import FIGURES, CalculationRequest, Victim
from daojiao.calculator.money import EXACT
from daojiao.calculator.rules import (
    URBAN_FOR_ALL,
    Assessment,
    compulsory_limits,
    limits_period,
    uses_urban_figures,
)
from daojiao.calculator.standards import AdditionTable

if TYPE_CHECKING:
    from daojiao.calculator.service import Standards

Line = dict[str, str]

_FIGURE_NAMES = {
    "urban_income": (
        "urban per-capita disposable income", "城镇居民人均可支配收入", "a year", "/年",
    ),
    "urban_consumption": (
        "urban per-capita consumption expenditure", "城镇居民人均消费支出", "a year", "/年",
    ),
    "rural_income": (
        "rural per-capita disposable income", "农村居民人均可支配收入", "a year", "/年",
    ),
    "rural_consumption": (
        "rural per-capita consumption expenditure", "农村居民人均消费支出", "a year", "/年",
    ),
    "average_wage": ("average annual wage", "职工年平均工资", "a year", "/年"),
    "meal_allowance": ("hospital meal allowance", "住院伙食补助标准", "a day", "/天"),
}


def basis_lines(
    parsed: CalculationRequest,
    standards: "Standards",
    needs: dict[str, list[str]],
    assessments: list[Assessment],
    table: AdditionTable,
) -> list[Line]:
    """Every line of the basis, in the order a reader checks a calculation."""
    lines = _rule_lines(parsed) + _standards_lines(standards, needs)
    for victim, assessment in zip(parsed.victims, assessments, strict=True):
        lines += _victim_lines(victim, assessment, standards, parsed, table)
    lines += _vehicle_lines(parsed)
    lines += _allocation_lines(parsed)
    return lines


def money(amount: Decimal) -> str:
    """59307 → "59,307.00"."""
    return f"{amount:,.2f}"


def percent(ratio: Decimal) -> str:
    """0.1 → "10%", 0.333 → "33.3%"."""
    return format(EXACT.multiply(ratio, Decimal(100)).normalize(), "f") + "%"


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _line(en: str, zh: str) -> Line:
    return {"zh": zh, "en": en}


def _rule_lines(parsed: CalculationRequest) -> list[Line]:
    date = parsed.accident_date
    period = limits_period(date)
    lines = [_line(
        f"Accident date {date}: the compulsory insurance limits in force from {period} apply.",
        f"事故日期 {date}：适用自 {period} 起施行的交强险责任限额。",
    )]
    if date >= URBAN_FOR_ALL:
        lines.append(_line(
            f"The tort happened on or after {URBAN_FOR_ALL}: urban figures apply to every victim "
            "whatever the residence (SPC personal-injury interpretation as amended in 2022).",
            f"侵权行为发生在 {URBAN_FOR_ALL} 之后：依 2022 年修正的最高人民法院"
            "人身损害赔偿司法解释，不论户籍，统一适用城镇居民标准。",
        ))
    else:
        chosen_en = ", ".join(f"{v.id} {v.residence or 'not needed'}" for v in parsed.victims)
        chosen_zh = "，".join(
            f"{v.id} {_RESIDENCE_ZH.get(v.residence, '无需')}" for v in parsed.victims
        )
        lines.append(_line(
            f"The tort happened before {URBAN_FOR_ALL}: urban or rural figures follow each "
            f"victim's residence ({chosen_en}).",
            f"侵权行为发生在 {URBAN_FOR_ALL} 之前：按受害人户籍/经常居住地分别适用城镇或农村标准"
            f"（{chosen_zh}）。",
        ))
    return lines


_RESIDENCE_ZH = {"urban": "城镇", "rural": "农村"}

_REGION_ZH = {
    "national": "全国",
    "beijing": "北京市",
    "jiangsu": "江苏省",
    "guangdong": "广东省",
    "zhejiang": "浙江省",
}


def _standards_lines(standards: "Standards", needs: dict[str, list[str]]) -> list[Line]:
    region, year = standards.region, standards.year
    region_zh = _REGION_ZH.get(region, region)
    if standards.loaded is not None:
        source = standards.loaded.source
        lines = [_line(
            f"Standards: {region}, statistical year {year}; source: {source}.",
            f"赔偿标准：{region_zh} {year} 年度；来源：{source}。",
        )]
    else:
        lines = [_line(
            f"Standards: {region}, statistical year {year}, not loaded: every figure used is "
            "given by the case.",
            f"赔偿标准：{region_zh} {year} 年度未载入，所用数据均由本案给出。",
        )]

    used = [name for name in FIGURES if name in needs]
    if not used:
        lines.append(_line(
            "No published figure is needed: every item is an amount of the case.",
            "本案无需统计数据：各项均为本案给出的金额。",
        ))
    for name in used:
        en_name, zh_name, en_unit, zh_unit = _FIGURE_NAMES[name]
        amount = money(standards.figure(name))
        if standards.overridden(name):
            origin_en, origin_zh = "overridden by the case", "由本案给出"
        else:
            origin_en = f"from the {region} {year} standards"
            origin_zh = f"取自{region_zh} {year} 年度标准"
        lines.append(_line(
            f"{en_name.capitalize()}: {amount} yuan {en_unit} ({origin_en}).",
            f"{zh_name}：{amount} 元{zh_unit}（{origin_zh}）。",
        ))
    return lines


def _years_working(age: int) -> tuple[str, str]:
    """How the years of compensation follow from age (赔偿年限)."""
    if age < 60:
        return f"20 (age {age}, below 60)", f"20 年（{age} 岁，未满 60 岁）"
    if age < 75:
        years = 20 - (age - 60)
        return f"20 − ({age} − 60) = {years}", f"20 −（{age} − 60）= {years} 年"
    return f"5 (age {age}, 75 or more)", f"5 年（{age} 岁，75 岁及以上）"


def _dependant_years_working(age: int | None, years: Decimal) -> tuple[str, str]:
    """How long a dependant is supported, in words."""
    if age is None:
        return f"{_number(years)} years (given by the case)", f"{_number(years)} 年（本案给出）"
    if age < 18:
        return (
            f"age {age}, a minor, supported 18 − {age} = {18 - age} years",
            f"{age} 岁，未成年人，扶养 18 − {age} = {18 - age} 年",
        )
    years_en, years_zh = _years_working(age)
    return f"age {age}, supported {years_en} years", f"{age} 岁，扶养 {years_zh}"


def _coefficient_working(grades: list[int], coefficient: Decimal, table) -> tuple[str, str]:
    ordered = sorted(grades)
    base = Decimal(110 - 10 * ordered[0]) / 100
    if len(ordered) == 1:
        return (
            f"grade {ordered[0]}: coefficient {percent(coefficient)}",
            f"{ordered[0]} 级伤残：赔偿指数 {percent(coefficient)}",
        )
    adds = " + ".join(percent(table.by_grade.get(g, Decimal(0))) for g in ordered[1:])
    cap = percent(table.max_total)
    grades_text = ", ".join(str(g) for g in ordered)
    en = (
        f"grades {grades_text}: coefficient {percent(base)} for grade {ordered[0]} plus "
        f"additions {adds} (together at most {cap}), at most 100% = {percent(coefficient)}"
    )
    zh = (
        f"伤残等级 {grades_text}：最高等级 {ordered[0]} 级 {percent(base)}，附加 {adds}"
        f"（附加合计不超过 {cap}），总计不超过 100%，赔偿指数 = {percent(coefficient)}"
    )
    return en, zh


def _victim_lines(
    victim: Victim,
    assessment: Assessment,
    standards: "Standards",
    parsed: CalculationRequest,
    table: AdditionTable,
) -> list[Line]:
    vid, items, lines = victim.id, assessment.items, []
    kind = "urban" if uses_urban_figures(parsed.accident_date, victim.residence) else "rural"

    if victim.hospital_days:
        allowance = standards.figure("meal_allowance")
        lines.append(_line(
            f"{vid}: hospital meals = {_number(victim.hospital_days)} days × {money(allowance)} = "
            f"{money(items['hospital_meals'])}.",
            f"{vid}：住院伙食补助费 = {_number(victim.hospital_days)} 天 × {money(allowance)} 元 = "
            f"{money(items['hospital_meals'])} 元。",
        ))
    for key, en_item, zh_item in (
        ("lost_income", "lost income", "误工费"),
        ("nursing", "nursing", "护理费"),
    ):
        earnings = getattr(victim, key)
        if earnings is None:
            continue
        if earnings.daily is not None:
            rate_en = rate_zh = f"{money(earnings.daily)}"
        else:
            rate_en = rate_zh = f"{money(earnings.annual)} ÷ 365"
        carers = getattr(earnings, "carers", None)
        carers_en = f" × {carers} carer(s)" if carers is not None else ""
        carers_zh = f" × {carers} 人" if carers is not None else ""
        lines.append(_line(
            f"{vid}: {en_item} = {_number(earnings.days)} days × {rate_en}{carers_en} = "
            f"{money(items[key])}.",
            f"{vid}：{zh_item} = {_number(earnings.days)} 天 × {rate_zh} 元{carers_zh} = "
            f"{money(items[key])} 元。",
        ))

    if assessment.years is not None:
        income = standards.figure(f"{kind}_income")
        years_en, years_zh = _years_working(victim.age)
        if victim.outcome == "disability":
            coef_en, coef_zh = _coefficient_working(
                victim.disability_grades, assessment.coefficient, table
            )
            lines.append(_line(
                f"{vid}: years {years_en}; {coef_en}; disability compensation = {money(income)} × "
                f"{assessment.years} × {percent(assessment.coefficient)} = "
                f"{money(items['disability'])}.",
                f"{vid}：赔偿年限 {years_zh}；{coef_zh}；残疾赔偿金 = {money(income)} 元 × "
                f"{assessment.years} × {percent(assessment.coefficient)} = "
                f"{money(items['disability'])} 元。",
            ))
        else:
            wage = standards.figure("average_wage")
            lines.append(_line(
                f"{vid}: years {years_en}; death compensation = {money(income)} × "
                f"{assessment.years} = {money(items['death'])}; funeral expenses = "
                f"{money(wage)} ÷ 2 (six months' wages) = {money(items['funeral'])}.",
                f"{vid}：赔偿年限 {years_zh}；死亡赔偿金 = {money(income)} 元 × {assessment.years}"
                f" = {money(items['death'])} 元；丧葬费 = {money(wage)} 元 ÷ 2（六个月工资）= "
                f"{money(items['funeral'])} 元。",
            ))

    for n, working in enumerate(assessment.dependants, start=1):
        years_en, years_zh = _dependant_years_working(working.age, working.years)
        coef = percent(assessment.coefficient)
        lines.append(_line(
            f"{vid}, dependant {n}: {years_en}; a year {money(working.consumption)} × "
            f"{coef} ÷ {working.supporters} supporter(s).",
            f"{vid} 被扶养人 {n}：{years_zh}；每年 {money(working.consumption)} 元 × "
            f"{coef} ÷ {working.supporters}（扶养义务人数）。",
        ))
    if assessment.dependants:
        lines.append(_line(
            f"{vid}: dependants' living expenses, counted year by year with each year's total at "
            f"most one year's consumption expenditure = {money(items['dependants'])}.",
            f"{vid}：被扶养人生活费逐年计算，每年合计不超过一年的人均消费支出，"
            f"合计 {money(items['dependants'])} 元。",
        ))
    return lines


def _vehicle_lines(parsed: CalculationRequest) -> list[Line]:
    lines = []
    for vehicle in parsed.vehicles:
        limits = compulsory_limits(parsed.accident_date, vehicle.at_fault)
        fault_en = "at fault" if vehicle.at_fault else "not at fault"
        fault_zh = "有责" if vehicle.at_fault else "无责"
        if vehicle.compulsory_insured:
            insured_en, insured_zh = "compulsory insured", "已投保交强险"
        else:
            insured_en = (
                "no compulsory insurance: its party pays what the insurance would have paid"
            )
            insured_zh = "未投保交强险：由该方在交强险限额内先行承担"
        lines.append(_line(
            f"Vehicle {vehicle.id}: {fault_en}, {insured_en}; compulsory limits death & "
            f"disability {money(limits.death_disability)} / medical {money(limits.medical)} / "
            f"property {money(limits.property)}; liability {percent(vehicle.liability)}; "
            f"commercial third-party limit {money(vehicle.commercial_limit)}.",
            f"车辆 {vehicle.id}：{fault_zh}，{insured_zh}；交强险限额 死亡伤残 "
            f"{money(limits.death_disability)} 元 / 医疗费用 {money(limits.medical)} 元 / 财产损失 "
            f"{money(limits.property)} 元；责任比例 {percent(vehicle.liability)}；商业三者险限额 "
            f"{money(vehicle.commercial_limit)} 元。",
        ))
    return lines


def _allocation_lines(parsed: CalculationRequest) -> list[Line]:
    unborne = 1 - sum((v.liability for v in parsed.vehicles), Decimal(0))
    return [
        _line(
            "Compulsory insurance pays first, group by group: medical (medical, hospital meals, "
            "nutrition), property, and death & disability (every other personal item). Several "
            "vehicles pay their full limits when a group's loss exceeds the sum of their limits, "
            "otherwise the loss in proportion to their limits; several victims share a "
            "vehicle's payment in proportion to their losses in the group.",
            "交强险先行赔付，分项计算：医疗费用（医疗费、住院伙食补助费、营养费）、财产损失、"
            "死亡伤残（其余各项人身损失）。多车时，某项损失超过各车限额之和的，各车按限额赔付；"
            "未超过的，按各车限额比例分担。多名受害人按各自在该项的损失比例分享一车的限额。",
        ),
        _line(
            "The rest of each victim's total is split by liability. Commercial third-party "
            "insurance pays a vehicle's share up to its policy limit (one limit for all victims, "
            "shared in proportion to their shares when exceeded); the vehicle's party pays the "
            f"excess. The share no vehicle bears ({percent(unborne)}) stays with the victim.",
            "超出交强险的部分按责任比例分担：商业三者险在保险限额内赔付（多名受害人共用一个限额，"
            "超出时按各自应得比例分配），超出限额的部分由该车一方承担。各车均不承担的部分"
            f"（{percent(unborne)}）由受害人自负。",
        ),
        _line(
            "Rounding: daily rates unrounded; each item half-up to the cent; shares between "
            "payers by largest remainder, so each victim's payer rows add up to the total.",
            "取整：日标准不取整；各项四舍五入到分；各赔付方份额按最大余数法分配，"
            "确保每位受害人的各赔付方金额之和等于其损失合计。",
        ),
    ]

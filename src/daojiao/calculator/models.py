"""The calculator's public input (计算请求) and the yearly regional standard (赔偿标准).

Amounts arrive as JSON numbers and become `Decimal` through their text, never through float
arithmetic. Every model forbids unknown fields, so a misspelt field is an error, not a zero.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    model_validator,
)
from pydantic_core import PydanticCustomError

from daojiao.calculator.money import EXACT, to_decimal

FIGURES = (
    "urban_income",
    "urban_consumption",
    "rural_income",
    "rural_consumption",
    "average_wage",
    "meal_allowance",
)
"""The figures of a regional standard, all in yuan: incomes, consumption and the average wage
per year, the meal allowance per day."""


def _number(value: object) -> Decimal:
    try:
        return to_decimal(value)
    except (TypeError, ValueError) as error:
        raise PydanticCustomError(
            "number", "{problem}", {"problem": str(error), "zh": "应为数字"}
        ) from None


def _not_negative(value: Decimal) -> Decimal:
    if value < 0:
        raise PydanticCustomError(
            "negative_amount",
            "must not be negative, got {value}",
            {"value": str(value), "zh": f"不得为负数，实际为 {value}"},
        )
    return value


def _at_most(limit: int, what: str):
    """An upper bound: far above any real claim, low enough that nothing overflows."""

    def check(value: Decimal) -> Decimal:
        if value > limit:
            raise PydanticCustomError(
                "too_large",
                "must be at most {limit} {what}, got {value}",
                {"limit": f"{limit:,}", "what": what, "value": str(value),
                 "zh": f"不得超过 {limit:,}，实际为 {value}"},
            )
        return value

    return check


def _positive(value: Decimal) -> Decimal:
    if value <= 0:
        raise PydanticCustomError(
            "not_positive",
            "must be more than 0, got {value}",
            {"value": str(value), "zh": f"应大于 0，实际为 {value}"},
        )
    return value


def _ratio(value: Decimal) -> Decimal:
    if not 0 <= value <= 1:
        raise PydanticCustomError(
            "liability_range",
            "liability must be a ratio from 0 to 1 (e.g. 0.7 for 70 %), got {value}",
            {
                "value": str(value),
                "zh": f"责任比例应在 0 到 1 之间（如 0.7 表示 70%），实际为 {value}",
            },
        )
    return value


def _grade(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10:
        raise PydanticCustomError(
            "disability_grade",
            "disability grade must be a whole number from 1 (most severe) to 10, got {value}",
            {"value": repr(value), "zh": f"伤残等级应为 1（最重）到 10 的整数，实际为 {value!r}"},
        )
    return value


def _iso_date(value: object) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise PydanticCustomError(
        "iso_date",
        "must be a date written YYYY-MM-DD, got {value}",
        {"value": repr(value), "zh": f"日期应写作 YYYY-MM-DD，实际为 {value!r}"},
    )


Amount = Annotated[Decimal, BeforeValidator(_number), AfterValidator(_not_negative),
                   AfterValidator(_at_most(1_000_000_000, "yuan"))]
"""A sum of money in yuan, at least 0."""

Quantity = Annotated[Decimal, BeforeValidator(_number), AfterValidator(_not_negative),
                     AfterValidator(_at_most(36_500, "(days, people or years)"))]
"""A count of days or years, at least 0 (fractions allowed)."""

Figure = Annotated[Decimal, BeforeValidator(_number), AfterValidator(_positive),
                   AfterValidator(_at_most(1_000_000_000, "yuan"))]
"""A published statistical figure in yuan, more than 0."""

Ratio = Annotated[Decimal, BeforeValidator(_number), AfterValidator(_ratio)]
Grade = Annotated[int, BeforeValidator(_grade)]
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]

ID_PATTERN = r"^[^/]*[^/\s][^/]*$"
"""An id is free text (a plate such as "粤A 12345" is fine) but holds no '/', which separates
the vehicle from the payer in "A/compulsory", and is not blank."""

Identifier = Annotated[str, Field(min_length=1, max_length=64, pattern=ID_PATTERN)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Earnings(_Strict):
    """Lost income (误工费) or a carer's income for nursing (护理费): daily or annual, not both.

    An annual income is turned into a daily one by ÷ 365, kept unrounded.
    """

    daily: Amount | None = None
    annual: Amount | None = None
    days: Quantity

    @model_validator(mode="after")
    def _daily_or_annual(self) -> "Earnings":
        if (self.daily is None) == (self.annual is None):
            raise PydanticCustomError(
                "daily_or_annual",
                "give exactly one of daily or annual income (got {given})",
                {
                    "given": "both" if self.daily is not None else "neither",
                    "zh": "日收入（daily）与年收入（annual）须且只能给出一项",
                },
            )
        return self

    @property
    def daily_rate(self) -> Decimal:
        if self.daily is not None:
            return self.daily
        return EXACT.divide(self.annual, Decimal(365))


class Nursing(Earnings):
    """Nursing (护理费): days × the carer's daily income × number of carers (normally 1)."""

    carers: Annotated[int, Field(ge=1, le=10)] = 1


class Dependant(_Strict):
    """A person the victim supported (被扶养人): give `age` or `years`, not both.

    `supporters` is the number of people obliged to support this dependant, the victim included.
    `consumption` overrides the per-capita consumption expenditure used for this dependant.
    """

    age: Annotated[int, Field(ge=0, le=130)] | None = None
    years: Quantity | None = None
    supporters: Annotated[int, Field(ge=1, le=50)]
    consumption: Figure | None = None

    @model_validator(mode="after")
    def _age_or_years(self) -> "Dependant":
        if (self.age is None) == (self.years is None):
            raise PydanticCustomError(
                "age_or_years",
                "give exactly one of the dependant's age or years (got {given})",
                {
                    "given": "both" if self.age is not None else "neither",
                    "zh": "被扶养人的年龄（age）与年限（years）须且只能给出一项",
                },
            )
        return self


class Victim(_Strict):
    """One injured or deceased person (受害人) and the losses claimed. Missing amounts are 0."""

    id: Identifier
    age: Annotated[int, Field(ge=0, le=130)] | None = None
    residence: Literal["urban", "rural"] | None = None
    outcome: Literal["injury", "disability", "death"]
    disability_grades: list[Grade] = []
    hospital_days: Quantity = Decimal(0)
    medical: Amount = Decimal(0)
    nutrition: Amount = Decimal(0)
    transport: Amount = Decimal(0)
    accommodation: Amount = Decimal(0)
    assistive_devices: Amount = Decimal(0)
    emotional_distress: Amount = Decimal(0)
    property: Amount = Decimal(0)
    lost_income: Earnings | None = None
    nursing: Nursing | None = None
    dependants: list[Dependant] = []


class Vehicle(_Strict):
    """A motor vehicle in the accident, its insurance and its liability ratio (责任比例)."""

    id: Identifier
    compulsory_insured: StrictBool
    at_fault: StrictBool
    liability: Ratio
    commercial_limit: Amount = Decimal(0)


class StandardsOverride(_Strict):
    """Figures the case sets itself, each replacing the loaded standard's figure."""

    urban_income: Figure | None = None
    urban_consumption: Figure | None = None
    rural_income: Figure | None = None
    rural_consumption: Figure | None = None
    average_wage: Figure | None = None
    meal_allowance: Figure | None = None


class CalculationRequest(_Strict):
    """The calculator's public input; see cases/README.md."""

    accident_date: IsoDate
    region: Annotated[str, Field(min_length=1, max_length=64)]
    standards_year: Annotated[int, Field(ge=1990, le=2100)] | None = None
    standards: StandardsOverride = StandardsOverride()
    victims: Annotated[list[Victim], Field(min_length=1)]
    vehicles: list[Vehicle] = []


class RegionalStandard(_Strict):
    """One region's published figures for one statistical year (年度赔偿标准), with its source.

    Urban income and consumption are always published; the other figures may be absent, and a
    case that needs an absent figure must give it itself.
    """

    region: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,63}$")]
    year: Annotated[int, Field(ge=1990, le=2100)]
    source: Annotated[str, Field(min_length=1, max_length=500)]
    urban_income: Figure
    urban_consumption: Figure
    rural_income: Figure | None = None
    rural_consumption: Figure | None = None
    average_wage: Figure | None = None
    meal_allowance: Figure | None = None

    def figure(self, name: str) -> Decimal | None:
        """The figure called `name` (one of FIGURES), or None when not published."""
        return getattr(self, name)

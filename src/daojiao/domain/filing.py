"""What a party files through the web form (立案信息), validated field by field."""

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

Responsibility = Literal["full", "main", "equal", "secondary", "none"]
# Yuan to the cent; a hundred million yuan is far above any personal-injury claim.
Money = Annotated[Decimal, Field(ge=0, le=Decimal(100_000_000), decimal_places=2,
                                 allow_inf_nan=False)]
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

_ID_NUMBER = re.compile(r"^\d{17}[\dX]$")
_PHONE = re.compile(r"^1\d{10}$")
_REPORT_NO = re.compile(r"^[A-Z0-9\-]{6,32}$")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Party(Strict):
    """当事人: an injured person, a driver or an owner."""

    party_id: str = Field(min_length=1, max_length=16)
    name: str = Field(min_length=1, max_length=60)
    id_number: str
    phone: str
    role: Literal["injured", "driver", "owner"]
    responsibility: Responsibility = "none"

    @field_validator("id_number")
    @classmethod
    def _id_number(cls, value: str) -> str:
        value = value.upper()
        if not _ID_NUMBER.match(value):
            raise ValueError("an ID number has 18 characters: 17 digits and a digit or X")
        if not valid_id_number(value):
            raise ValueError("this ID number is not valid (birth date or check digit)")
        return value

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        if not _PHONE.match(value):
            raise ValueError("a mobile number has 11 digits and starts with 1")
        return value


def valid_id_number(value: str) -> bool:
    """居民身份证号码 (GB 11643-1999): a real birth date and the ISO 7064 check character."""
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    total = sum(int(digit) * weight for digit, weight in zip(value[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == value[17]


class Vehicle(Strict):
    """A vehicle in the accident with its insurers (交强险 and 商业三者险)."""

    vehicle_id: str = Field(min_length=1, max_length=8)
    plate: str = Field(min_length=2, max_length=12)
    driver_party_id: str
    compulsory_insurer: str | None = None
    commercial_insurer: str | None = None
    commercial_limit: Money = Decimal(0)
    liability: Decimal = Field(ge=0, le=1)
    at_fault: bool


class Claim(Strict):
    """The injured party's claimed amounts, in yuan (missing amounts are 0)."""

    victim_party_id: str
    age: int = Field(ge=0, le=120)
    residence: Literal["urban", "rural"] = "urban"
    outcome: Literal["injury", "disability", "death"] = "injury"
    disability_grades: list[int] = Field(default_factory=list, max_length=10)
    hospital_days: int = Field(default=0, ge=0, le=3650)
    medical: Money = Decimal(0)
    nutrition: Money = Decimal(0)
    transport: Money = Decimal(0)
    accommodation: Money = Decimal(0)
    assistive_devices: Money = Decimal(0)
    emotional_distress: Money = Decimal(0)
    property: Money = Decimal(0)
    lost_income_daily: Money = Decimal(0)
    lost_income_days: int = Field(default=0, ge=0, le=3650)
    nursing_daily: Money = Decimal(0)
    nursing_days: int = Field(default=0, ge=0, le=3650)


class Filing(Strict):
    """A dispute as filed. Parties and vehicles come from the police record when there is one."""

    accident_date: date
    accident_place: str = Field(min_length=2, max_length=200)
    region: str = Field(min_length=2, max_length=32)
    police_report_no: str
    claimant_party_id: str
    parties: list[Party] = Field(min_length=2)
    vehicles: list[Vehicle] = Field(min_length=1)
    claim: Claim
    consent_electronic_service: bool = False
    language: Literal["zh", "en"] = "zh"

    @field_validator("police_report_no")
    @classmethod
    def _report_no(cls, value: str) -> str:
        value = value.upper()
        if not _REPORT_NO.match(value):
            raise ValueError("a police report number has 6 to 32 letters, digits or dashes")
        return value

    def party(self, party_id: str) -> Party | None:
        return next((p for p in self.parties if p.party_id == party_id), None)


def field_errors(error: ValidationError) -> dict[str, str]:
    """pydantic's errors as {dotted field path: message}, the way the form shows them."""
    result: dict[str, str] = {}
    for item in error.errors():
        path = ".".join(str(part) for part in item["loc"])
        message = item["msg"].removeprefix("Value error, ")
        result.setdefault(path or "form", message)
    return result


RECORD_FIELDS = ("accident_date", "accident_place", "region", "parties", "vehicles")


def from_police_record(form: dict, record: dict, claimant_id_number: str) -> tuple[dict, dict]:
    """The filing as the platform takes it: facts, parties, vehicles, insurers and
    responsibility from the police record (数据一次录入), the claim and consents from the form.

    Returns the filing and the problems found (field path → message).
    """
    filing = {**{k: v for k, v in form.items() if k not in RECORD_FIELDS},
              **{k: record[k] for k in RECORD_FIELDS},
              "police_report_no": record["report_no"]}
    problems: dict[str, str] = {}
    claimant = next((p for p in record["parties"] if p["id_number"] == claimant_id_number), None)
    if claimant is None:
        problems["police_report_no"] = "you are not a party to this accident"
        return filing, problems
    filing["claimant_party_id"] = claimant["party_id"]
    claim = dict(form.get("claim") or {})
    victim = next((p for p in record["parties"]
                   if p["party_id"] == claim.get("victim_party_id")), None)
    if victim is None:
        victim = claimant if claimant["role"] == "injured" else None
    if victim is None or victim["role"] != "injured":
        problems["claim.victim_party_id"] = "the injured person must be an injured party of " \
                                            "the police record"
    else:
        claim["victim_party_id"] = victim["party_id"]
    filing["claim"] = claim
    return filing, problems


def check_raw_date(form: dict, today: date) -> dict[str, str]:
    """The future-date rule on a form that did not parse as a whole."""
    try:
        accident = date.fromisoformat(str(form.get("accident_date", "")))
    except ValueError:
        return {}
    return {"accident_date": "the accident date is in the future"} if accident > today else {}


def check_consistency(filing: Filing, today: date) -> dict[str, str]:
    """Rules across fields, each problem under the field it is about."""
    problems: dict[str, str] = {}
    if filing.accident_date > today:
        problems["accident_date"] = "the accident date is in the future"
    party_ids = [p.party_id for p in filing.parties]
    if len(set(party_ids)) != len(party_ids):
        problems["parties"] = "two parties have the same id"
    id_numbers = [p.id_number for p in filing.parties]
    if len(set(id_numbers)) != len(id_numbers):
        problems["parties"] = "two parties have the same ID number"
    if filing.party(filing.claimant_party_id) is None:
        problems["claimant_party_id"] = "the claimant must be one of the parties"
    if filing.party(filing.claim.victim_party_id) is None:
        problems["claim.victim_party_id"] = "the injured person must be one of the parties"
    for index, vehicle in enumerate(filing.vehicles):
        if filing.party(vehicle.driver_party_id) is None:
            problems[f"vehicles.{index}.driver_party_id"] = "the driver must be one of the parties"
    if sum(v.liability for v in filing.vehicles) > 1:
        problems["vehicles"] = "the vehicles' liabilities add up to more than 100 %"
    claim = filing.claim
    if claim.outcome == "death" and claim.disability_grades:
        problems["claim.disability_grades"] = "a death has no disability grade"
    if claim.outcome == "disability" and not claim.disability_grades:
        problems["claim.disability_grades"] = "a disability needs at least one grade (1 to 10)"
    for index, grade in enumerate(claim.disability_grades):
        if not 1 <= grade <= 10:
            problems[f"claim.disability_grades.{index}"] = "a disability grade is 1 to 10"
    return problems

"""What the web app's routes share: the platform, sign-in (sessions and passwords), the page
text in Chinese and English, the case as the API and the pages show it, form parsing, and
errors turned into status codes. Routes in web/app.py stay a few lines each."""

import hashlib
import hmac
import json
import os
import re
import secrets
import traceback
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cache, partial
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote

from aws_lambda_powertools import Logger
from botocore.exceptions import ClientError
from chalice import Response
from itsdangerous import BadData, URLSafeTimedSerializer
from jinja2 import Environment, FileSystemLoader, select_autoescape

from daojiao.adapters.gateways import reference
from daojiao.adapters.workflow import current_state
from daojiao.calculator import CalculationError, to_json
from daojiao.calculator import calculate as run_calculator
from daojiao.calculator.models import FIGURES
from daojiao.documents import china_time, templates_folder
from daojiao.domain import decisions
from daojiao.domain.access import Principal, can_view
from daojiao.domain.case import OPEN_STATUSES, Case, Event
from daojiao.domain.deadlines import CHINA, china_today
from daojiao.domain.errors import (
    AlreadyDone,
    ConcurrencyConflict,
    DomainError,
    NotAllowed,
    NotFound,
    TransientError,
    WrongStage,
)
from daojiao.domain.steps import PERIOD_NAMES
from daojiao.platform import FilingRejected, Platform

# The web's own logger: the step handlers' logger ("daojiao") carries the keys a Lambda
# invocation appended (case id, step, its context), which on a shared process would otherwise
# show up on web request lines. Log lines name cases and steps, never a person.
logger = Logger(service="daojiao-web")

LANGUAGES = ("zh", "en")
REGIONS = ("national", "beijing", "jiangsu", "guangdong", "zhejiang")
GENERIC_ERROR = "something went wrong on our side; please try again later"


@cache
def platform() -> Platform:
    """One Platform per container, built on first use: the environment (TABLE_NAME,
    STATE_MACHINE_ARN) is not ready when the app module is imported."""
    return Platform()


# --- passwords -----------------------------------------------------------------------------

PBKDF2_ITERATIONS = 600_000
_MAX_ITERATIONS = 5_000_000


def hash_password(password: str, iterations: int = PBKDF2_ITERATIONS) -> str:
    """`pbkdf2$<iterations>$<salt hex>$<hash hex>`, PBKDF2-HMAC-SHA256 with a random salt."""
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return f"pbkdf2${iterations}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, iterations, salt, expected = stored.split("$")
        rounds = int(iterations)
        salt_bytes = bytes.fromhex(salt)
    except (AttributeError, ValueError):
        return False
    if scheme != "pbkdf2" or not 1 <= rounds <= _MAX_ITERATIONS:
        return False
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt_bytes, rounds)
    return hmac.compare_digest(digest.hex(), expected.lower())


@cache
def _decoy_hash() -> str:
    """Checked for unknown usernames, so that a wrong name takes as long as a wrong password."""
    return hash_password(secrets.token_hex(16))


# --- sessions ------------------------------------------------------------------------------

SESSION_COOKIE = "session"
SESSION_MAX_AGE = 8 * 3600
LANG_COOKIE = "lang"


class SignedOut(DomainError):
    """No valid session cookie."""

    status = 401

    def __init__(self) -> None:
        super().__init__("sign in first")


@cache
def _process_secret() -> str:
    """The session secret when SESSION_SECRET is unset: random, made once per process.

    NOTE: sessions signed with it end when the process restarts, and another process (another
    Lambda container) does not accept them; that is why every installation sets SESSION_SECRET:
    template.yaml from Secrets Manager, the local product from a file of its own.
    """
    return secrets.token_urlsafe(32)


def _serializer() -> URLSafeTimedSerializer:
    secret = os.environ.get("SESSION_SECRET") or _process_secret()
    return URLSafeTimedSerializer(secret, salt="daojiao-session")


def _principal(account: dict[str, Any]) -> Principal:
    return Principal(role=account["role"], key=account["key"],
                     display_name=account.get("display_name", ""))


MAX_USERNAME = 64
MAX_PASSWORD = 256


def sign_in(username: str, password: str) -> tuple[Principal, str] | None:
    """The principal and a session token, or None for a wrong username or password."""
    username = username.strip()
    if len(username) > MAX_USERNAME or len(password) > MAX_PASSWORD:
        username = ""  # no such account; still checked against the decoy, to take as long
    account = platform().store.account(username) if username else None
    if account is None:
        verify_password(password, _decoy_hash())
        return None
    if not verify_password(password, account.get("password_hash", "")):
        return None
    # The cookie names the account only; role and key are read from the account each time,
    # so that no ID number travels in a cookie and a removed account is signed out at once.
    return _principal(account), _serializer().dumps({"u": account["username"]})


class WrongPassword(DomainError):
    """A wrong username or password; which of the two is not said."""

    status = 401

    def __init__(self) -> None:
        super().__init__("wrong username or password")


def session_response(fields: dict[str, Any], request: Any) -> Response:
    """POST /api/session: who signed in, with the session cookie."""
    signed = sign_in(str(fields.get("username", "")), str(fields.get("password", "")))
    if signed is None:
        raise WrongPassword()
    principal, token = signed
    return json_response(
        {"role": principal.role, "key": principal.key, "display_name": principal.display_name},
        headers={"Set-Cookie": session_cookie(token, request)})


def cookies(headers: Any) -> dict[str, str]:
    jar = SimpleCookie()
    try:
        jar.load(headers.get("cookie") or "")
    except CookieError:
        return {}
    return {name: morsel.value for name, morsel in jar.items()}


def principal_of(request: Any) -> Principal | None:
    token = cookies(request.headers).get(SESSION_COOKIE)
    if not token:
        return None
    try:
        data = _serializer().loads(token, max_age=SESSION_MAX_AGE)
    except BadData:
        return None
    if not isinstance(data, dict):
        return None
    account = platform().store.account(str(data.get("u", "")))
    return _principal(account) if account else None


def require_principal(request: Any) -> Principal:
    principal = principal_of(request)
    if principal is None:
        raise SignedOut()
    return principal


def require_admin(principal: Principal) -> None:
    if not principal.is_admin:
        raise NotAllowed("only the administrator may do this")


def _https(request: Any) -> bool:
    return (request.headers.get("x-forwarded-proto") or "").lower() == "https"


def session_cookie(token: str, request: Any) -> str:
    secure = "; Secure" if _https(request) else ""
    return f"{SESSION_COOKIE}={token}; HttpOnly; Path=/; SameSite=Lax{secure}"


def signed_out_cookie() -> str:
    return f"{SESSION_COOKIE}=; HttpOnly; Path=/; SameSite=Lax; Max-Age=0"


def add_cookie(response: Response, cookie: str) -> Response:
    known = response.headers.get("Set-Cookie")
    if known is None:
        response.headers["Set-Cookie"] = cookie
    else:
        response.headers["Set-Cookie"] = (known if isinstance(known, list) else [known]) + [cookie]
    return response


_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f]")


def safe_next(target: Any) -> str:
    """Where to go after signing in: a path of this site only. Anything else (another site's
    `//host`, a backslash, a control character or a space that a browser would drop or a
    header would choke on) goes to the case list. Letters beyond ASCII are percent-encoded."""
    if (not isinstance(target, str) or not target.startswith("/") or target.startswith("//")
            or "\\" in target or _CONTROL.search(target) or len(target) > 512):
        return "/cases"
    return quote(target, safe="/?&=#%:@!$'()*+,;~-._")


# --- words ---------------------------------------------------------------------------------


@cache
def _words() -> dict[str, Any]:
    return reference("web_text.json")


class Text:
    """The page text in one language: `t("login")`, `t.of("status", case.status)`."""

    def __init__(self, lang: str):
        self.lang = lang if lang in LANGUAGES else "zh"
        self.index = LANGUAGES.index(self.lang)

    def __call__(self, key: str, **values: Any) -> str:
        return self.of("ui", key, **values)

    def of(self, table: str, key: Any, **values: Any) -> str:
        pair = _words()[table].get(str(key))
        if pair is None:
            return str(key)
        return pair[self.index].format_map(_Blank(values)) if values else pair[self.index]

    def message(self, message: str, label: Callable[[str], str] | None = None) -> str:
        """A message of the domain, or of pydantic on a form field, in this language.

        Known messages are translated by the `messages` table, whose keys may hold
        placeholders (`no case {case_id}`); pydantic's by their error type (`field_errors`,
        with the limits of the message, e.g. `max_length`); others are kept as they are.
        `label` names an actor (`party:p1` → 张伟) in messages that list actors.
        """
        pair = _words()["messages"].get(message)
        if isinstance(pair, list):
            return pair[self.index]
        for pattern, words in _message_patterns():
            found = pattern.fullmatch(message)
            if found:
                values = {name: self._value(name, value, label)
                          for name, value in found.groupdict().items()}
                return words[self.index].format_map(_Blank(values))
        return message

    def _value(self, name: str, value: str, label: Callable[[str], str] | None) -> str:
        """A value taken out of an English message, in this language."""
        if name in ("status", "statuses"):
            return self.pick("或", " or ").join(self.of("status", s) for s in value.split(" or "))
        if name == "period":
            return next((pair[self.index] for pair in PERIOD_NAMES.values() if pair[1] == value),
                        value)
        if name == "actors" and label is not None:
            return self.pick("、", ", ").join(label(a.strip()) for a in value.split(","))
        if name == "reason":
            return self.message(value, label)
        return value

    def deadline(self, value: Any) -> str:
        """A deadline in China time. One that falls at midnight is the end of the day before:
        2026-12-10 00:00 reads 2026-12-09 24:00 (zh), by the end of 2026-12-09 (en)."""
        if not value:
            return ""
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        local = moment.astimezone(CHINA)
        if (local.hour, local.minute) == (0, 0):
            day = (local - timedelta(days=1)).date().isoformat()
            return self.pick(f"{day} 24:00", f"by the end of {day}")
        return self.pick(local.strftime("%Y-%m-%d %H:%M"), local.strftime("by %Y-%m-%d %H:%M"))

    def deadlines_in(self, text: str) -> str:
        """The deadlines written into a notice's subject (`请于2026-12-10 00:00（北京时间）前`,
        `Please act by 2026-12-10 00:00 China time`), midnight read as above."""
        def day_before(found: re.Match) -> str:
            moment = datetime.fromisoformat(found.group(1)).replace(tzinfo=CHINA)
            return self.deadline(moment)
        if self.lang == "zh":
            return re.sub(r"(\d{4}-\d{2}-\d{2} 00:00)", day_before, text)
        return re.sub(r"by (\d{4}-\d{2}-\d{2} 00:00)", day_before, text)

    def field(self, path: str) -> str:
        """A form field's name in words: `parties.1.id_number` → 当事人 2 · 身份证号."""
        parts = path.split(".")
        words = {"driver_party_id": "driver", "victim_party_id": "victim",
                 "claimant_party_id": "claimant"}
        if len(parts) >= 3 and parts[0] in ("parties", "vehicles") and parts[1].isdigit():
            index = int(parts[1])
            row = (self("party_n", n=index + 1) if parts[0] == "parties"
                   else self("vehicle_n", id="ABCDEFGHIJ"[index % 10]))
            return f"{row} · {self(words.get(parts[2], parts[2]))}"
        name = parts[1] if parts[0] == "claim" and len(parts) > 1 else parts[0]
        for prefix in ("lost_income", "nursing"):
            if name.startswith(prefix + "_"):
                return f"{self(prefix)} · {self(name.removeprefix(prefix + '_'))}"
        return self(words.get(name, name))

    def calculator_field(self, path: str) -> str:
        """A calculator path in words: `vehicles[1].liability` → 车辆 B · 责任比例."""
        vehicle = re.match(r"^vehicles\[(\d+)\]\.?(\w*)", path)
        if vehicle:
            label = self("vehicle_n", id="ABCDEFGHIJ"[int(vehicle.group(1)) % 10])
            return f"{label} · {self(vehicle.group(2))}" if vehicle.group(2) else label
        names = [part for part in re.split(r"\[\d+\]|\.", path) if part]
        if names[:1] == ["victims"]:
            names = names[1:] or ["victim"]
        return " · ".join(self({"daily": "daily", "days": "days"}.get(n, n)) for n in names)

    def period(self, kind: str | None) -> str:
        return PERIOD_NAMES[kind][self.index] if kind in PERIOD_NAMES else ""

    def pick(self, zh: str, en: str) -> str:
        return zh if self.lang == "zh" else en


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


@cache
def _message_patterns() -> list[tuple[re.Pattern, list[str]]]:
    """The messages with placeholders and pydantic's messages by type, as patterns; the most
    specific first, so that `Input should be {expected}` is tried last."""
    words = _words()
    tables = [(key, pair) for key, pair in words["messages"].items()
              if "{" in key and isinstance(pair, list)]
    tables += [(entry["match"], entry["words"]) for entry in words["field_errors"].values()
               if isinstance(entry, dict)]
    patterns = []
    for template, pair in tables:
        parts = re.split(r"\{(\w+)\}", template)
        regex = "".join(re.escape(part) if index % 2 == 0 else f"(?P<{part}>.*?)"
                        for index, part in enumerate(parts))
        literal = sum(len(part) for part in parts[::2])
        patterns.append((literal, re.compile(regex, re.DOTALL), pair))
    patterns.sort(key=lambda row: -row[0])
    return [(pattern, pair) for _, pattern, pair in patterns]


def lang_of(request: Any) -> tuple[str, bool]:
    """The page language and whether it was just switched (`?lang=en` sets the cookie)."""
    asked = (request.query_params or {}).get("lang")
    if asked in LANGUAGES:
        return asked, True
    stored = cookies(request.headers).get(LANG_COOKIE)
    return (stored if stored in LANGUAGES else "zh"), False


def lang_cookie(lang: str) -> str:
    return f"{LANG_COOKIE}={lang}; Path=/; SameSite=Lax; Max-Age=31536000"


def china_seconds(value: Any) -> str:
    if not value:
        return ""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S")


def yuan(value: Any) -> str:
    try:
        return f"{Decimal(str(value)):,.2f}"
    except ArithmeticError:
        return str(value)


# --- request bodies ------------------------------------------------------------------------


def body(request: Any) -> dict[str, Any]:
    """A JSON object or a url-encoded form (one value a field), by the content type.

    NOTE: the content type is matched loosely, because chalice local passes on
    `; charset=UTF-8` suffixes that its own matching does not expect.
    """
    raw = request.raw_body or b""
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else str(raw)
    if "json" in (request.headers.get("content-type") or "application/json").lower():
        if not text.strip():
            return {}
        try:
            data = json.loads(text, parse_float=Decimal, parse_constant=_no_constant)
            # A lone surrogate (\\ud800) parses but cannot be stored or sent on.
            json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")
        except (ValueError, RecursionError):
            raise DomainError("the body is not valid JSON") from None
        if not isinstance(data, dict):
            raise DomainError("the body must be a JSON object")
        return data
    return {key: values[-1] for key, values in parse_qs(text, keep_blank_values=True).items()}


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number in JSON")


def json_response(data: Any, status: int = 200, headers: dict | None = None) -> Response:
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False, default=str)
    return Response(body=text, status_code=status,
                    headers={"Content-Type": "application/json; charset=utf-8",
                             "Cache-Control": "no-store", **(headers or {})})


# --- errors --------------------------------------------------------------------------------

# What a case id, a document id and an execution name look like; anything else is not found
# before it reaches the table (DynamoDB refuses keys over 2 KB with an error of its own).
_CASE_ID = re.compile(r"[A-Za-z0-9-]{1,64}")
_DOCUMENT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_EXECUTION_NAME = re.compile(r"[A-Za-z0-9_-]{1,80}")


def checked_case_id(case_id: str) -> str:
    if not _CASE_ID.fullmatch(case_id or ""):
        raise NotFound("no such case")
    return case_id


def error_status(error: Exception, case_id: str | None = None) -> tuple[int, dict[str, Any]]:
    """The status code and JSON body for an error. Unexpected errors get a generic message;
    the log line carries the case id and where it happened, never a message that might hold
    a name, an ID number or a phone number."""
    if isinstance(error, FilingRejected):
        return 400, {"errors": error.errors}
    if isinstance(error, CalculationError):
        return 400, {"errors": error.errors}
    if isinstance(error, DomainError):
        return error.status, {"error": error.message, "field": error.field}
    if isinstance(error, ConcurrencyConflict):
        return 409, {"error": "the case is busy; try again", "field": None}
    if isinstance(error, TransientError):
        return 503, {"error": "the service is busy; try again in a moment", "field": None}
    frames = traceback.extract_tb(error.__traceback__)[-3:]
    logger.error("unexpected error", extra={
        "case_id": case_id if case_id and _CASE_ID.fullmatch(case_id) else None,
        "error_type": type(error).__name__,
        "where": [f"{Path(f.filename).name}:{f.lineno}" for f in frames]})
    return 500, {"error": GENERIC_ERROR, "field": None}


# --- the case as the API and the pages show it ---------------------------------------------


def waiting_on(case: Case) -> list[str]:
    """Who must act now for the case to move on (`mediator:<id>`, `party:p2`, ...)."""
    status = case.status
    if status in ("mediator_assigned", "mediating") and case.mediator_id:
        return [f"mediator:{case.mediator_id}"]
    if status == "proposal_made":
        return [actor for actor in case.answerers if actor not in case.answers]
    if status == "agreement_drafted":
        return [f"party:{p['party_id']}" for p in case.parties
                if p["party_id"] not in case.signatures]
    if status in ("confirmation_applied", "transferred") and case.court_id:
        return [f"court:{case.court_id}"]
    if status == "failed":
        return ["admin"]
    return []


def _text(arguments: dict[str, Any], key: str) -> str:
    value = arguments.get(key)
    return "" if value is None else str(value)


def _payments(arguments: dict[str, Any]) -> dict[str, Any]:
    """`{"payments": {payer: amount}}` from JSON, or `payments.<payer>` fields from a form."""
    given = arguments.get("payments")
    if isinstance(given, dict):
        return given
    return {key.removeprefix("payments."): value for key, value in arguments.items()
            if key.startswith("payments.") and str(value).strip()}


# action -> (decision command, its arguments from the request body)
ACTIONS: dict[str, tuple[Callable[..., tuple], Callable[[dict], dict]]] = {
    "mediator_accept": (decisions.mediator_answer, lambda a: {"accept": True}),
    "mediator_decline": (decisions.mediator_answer,
                         lambda a: {"accept": False, "reason": _text(a, "reason")}),
    "propose": (decisions.record_proposal,
                lambda a: {"payments": _payments(a), "note": _text(a, "note")}),
    "mediation_failed": (decisions.mediation_failed, lambda a: {"reason": _text(a, "reason")}),
    "accept": (decisions.answer_proposal, lambda a: {"accept": True}),
    "reject": (decisions.answer_proposal,
               lambda a: {"accept": False, "reason": _text(a, "reason")}),
    "sign": (decisions.sign_agreement, lambda a: {}),
    "consent": (decisions.consent_to_service, lambda a: {}),
    "confirm": (decisions.court_decide, lambda a: {"confirm": True}),
    "refuse": (decisions.court_decide, lambda a: {"confirm": False, "reason": _text(a, "reason")}),
    "docket": (decisions.docket, lambda a: {"docket_no": _text(a, "docket_no")}),
    "withdraw": (decisions.withdraw, lambda a: {"reason": _text(a, "reason")}),
}


def decide(principal: Principal, case_id: str, arguments: dict[str, Any]) -> Case:
    action = str(arguments.get("action", ""))
    if action not in ACTIONS:
        raise DomainError(f"unknown action {action[:40]!r}; one of {', '.join(ACTIONS)}",
                          "action")
    command, parse = ACTIONS[action]
    return platform().decide(principal, checked_case_id(case_id), command, **parse(arguments))


def my_actions(principal: Principal, case: Case) -> list[str]:
    """The actions this principal may take now. Each decision is asked with empty arguments:
    a refusal for who or when (403/409) rules it out; a complaint about the arguments only
    (400) means it is open, the form then supplies them. The rules stay in `decisions`."""
    if not can_view(principal, case) or case.status == "closed":
        return []
    open_actions = []
    for action, (command, parse) in ACTIONS.items():
        try:
            command(principal, case, **parse({}))
        except (NotAllowed, WrongStage, AlreadyDone):
            continue
        except DomainError:
            pass
        open_actions.append(action)
    return open_actions


HELD_UP = "the case is held up; the administrator has been alerted"


def redacted_parties(principal: Principal, parties: list[dict[str, Any]]) -> list[dict]:
    """The parties as this principal may see them: a party sees the others' names, roles and
    responsibility, never their ID numbers or phones. Who is who is told by the ID number
    (the party's key), not by a party id, which the filing and the police record number
    each in their own way."""
    if principal.role != "party":
        return [dict(party) for party in parties]
    return [dict(party) if party.get("id_number") == principal.key
            else {**party, "id_number": None, "phone": None} for party in parties]


def redacted(principal: Principal, case: Case) -> dict[str, Any]:
    """The case JSON as this principal may see it: other parties without ID numbers or phones
    (for a party), the workflow's task token and the failure's details for the administrator
    only."""
    data = case.model_dump(mode="json")
    for holder in (data.get("filing") or {}, data.get("police_record") or {}):
        if holder.get("parties"):
            holder["parties"] = redacted_parties(principal, holder["parties"])
    if principal.is_admin:
        return data
    if data.get("pending"):
        data["pending"] = {"kind": data["pending"].get("kind")}
    if data.get("failure"):
        data["failure"] = {"message": HELD_UP}
    return data


def actor_label(actor: str, case: Case, names: dict[str, str], t: Text | None = None) -> str:
    """A person or body by name: `party:p2` → 李强, `court:<id>` → the court's name."""
    role, _, key = actor.partition(":")
    if role == "party":
        party = case.party(key)
        return party["name"] if party else key
    if role in ("mediator", "court", "insurer"):
        return names.get(key, key)
    if t is not None:
        return t.of("roles", role)
    return actor


def _both(name: str, text: Callable[[Text], str]) -> dict[str, str]:
    """`{name}_zh` and `{name}_en`: one value in both languages."""
    return {f"{name}_{t.lang}": text(t) for t in (Text("zh"), Text("en"))}


def _event_key_and_values(event: Event, case: Case, names: dict[str, str],
                          admin: bool = False) -> tuple[str, dict]:
    data, kind = event.data, event.type
    values: dict[str, Any] = {"actor": actor_label(event.actor, case, names), "type": kind}
    if kind in ("PeriodOpened", "DecisionAwaited", "PeriodExpired"):
        zh, en = PERIOD_NAMES.get(data.get("kind"), ("", ""))
        values.update(period_zh=zh, period_en=en,
                      reason=data.get("reason", ""), reason_zh=data.get("reason_zh", ""),
                      **_both("ends", lambda t: t.deadline(data.get("ends_at"))))
    elif kind == "PoliceRecordAttached":
        record = data.get("record") or {}
        values["report_no"] = record.get("report_no", "")
        if record.get("found") is False:
            kind = "PoliceRecordMissing"
    elif kind == "CompensationAssessed":
        if data.get("errors"):
            kind = "CompensationNotAssessed"
        values["total"] = yuan(sum(Decimal(str(v.get("total", 0)))
                                   for v in data.get("victims", [])))
    elif kind in ("MediatorAssigned", "MediatorDeclined", "MediatorReplaced", "MediatorAccepted"):
        mediator = data.get("mediator_id") or case.mediator_id or ""
        values.update(mediator=names.get(mediator, mediator), reason=data.get("reason", ""))
    elif kind == "ProposalRecorded":
        values["total"] = yuan(data.get("total", 0))
    elif kind == "ProposalAnswered":
        kind = "ProposalAccepted" if data.get("accepted") else "ProposalRejected"
        values.update(who=actor_label(data.get("actor", ""), case, names),
                      reason=data.get("reason", ""))
    elif kind in ("ElectronicServiceConsented", "AgreementSigned"):
        values["who"] = actor_label(f"party:{data.get('party_id')}", case, names)
    elif kind == "DocumentRendered":
        zh, en = _words()["documents"].get(data.get("kind"), [data.get("kind")] * 2)
        values.update(document_zh=zh, document_en=en)
    elif kind in ("ConfirmationApplied", "TransferredToLitigation"):
        court = data.get("court_id", "")
        values.update(court=data.get("court_name") or names.get(court, court),
                      application_no=data.get("application_no", ""))
    elif kind == "ConfirmationDecided":
        kind = "ConfirmationConfirmed" if data.get("confirmed") else "ConfirmationRefused"
        values["reason"] = data.get("reason", "")
    elif kind in ("PaymentInstructed", "ClaimPaid"):
        insurer = data.get("insurer_id", "")
        values.update(insurer=names.get(insurer, insurer), amount=yuan(data.get("amount", 0)))
    elif kind == "CaseClosed":
        zh, en = _words()["endings"].get(data.get("ending"), [data.get("ending")] * 2)
        values.update(ending_zh=zh, ending_en=en)
    elif kind in ("NoticeServed", "NoticeNotServed"):
        receipt = data.get("receipt") or {}
        values.update(who=actor_label(data.get("recipient", ""), case, names),
                      subject_zh=Text("zh").deadlines_in(data.get("subject_zh", "")),
                      subject_en=Text("en").deadlines_in(data.get("subject_en", "")),
                      delivered=china_time(receipt.get("delivered_at")),
                      receipt=receipt.get("message_id", ""))
    elif kind == "Withdrawn":
        values.update(_both("reason", lambda t: t.message(data.get("reason", ""))))
    elif kind == "WorkflowResumed":
        # The state it resumed at is the workflow's own name, for the administrator.
        if admin:
            kind = "WorkflowResumedDetail"
            values["resume_at"] = data.get("resume_at", "")
    elif kind == "WorkflowFailed":
        # What went wrong is for the administrator; the others learn that the case is held
        # up and that the administrator knows.
        if admin:
            kind = "WorkflowFailedDetail"
            values.update(error=data.get("error", ""), cause=data.get("cause", ""))
    else:
        values.update({k: v for k, v in data.items() if isinstance(v, (str, int))})
    if kind not in _words()["events"]:
        kind = "other"
    return kind, values


def timeline(events: list[Event], case: Case, names: dict[str, str],
             admin: bool = False) -> list[dict[str, Any]]:
    rows = []
    for event in events:
        key, values = _event_key_and_values(event, case, names, admin)
        zh, en = _words()["events"][key]
        rows.append({"version": event.version, "type": event.type, "at": event.at.isoformat(),
                     "actor": event.actor, "summary_zh": zh.format_map(_Blank(values)),
                     "summary_en": en.format_map(_Blank(values))})
    return rows


def _view(principal: Principal, case_id: str) -> tuple[Case, dict[str, str], dict[str, Any]]:
    app = platform()
    case = app.case_for(principal, checked_case_id(case_id))
    names = app.names()
    return case, names, {
        "case": redacted(principal, case),
        "timeline": timeline(app.store.events(case_id), case, names, principal.is_admin),
        "waiting_on": waiting_on(case), "my_actions": my_actions(principal, case),
        "documents": dict(case.documents)}


def case_view(principal: Principal, case_id: str) -> dict[str, Any]:
    """The body of GET /api/cases/{id}; the case page shows the same."""
    return _view(principal, case_id)[2]


def waiting_labels(case: Case, names: dict[str, str], t: Text) -> list[str]:
    """Who the case waits on, in words: 调解员 周敏, 当事人 李强."""
    labels = []
    for actor in waiting_on(case):
        role = actor.partition(":")[0]
        who = t.of("roles", role)
        labels.append(who if role == "admin" else f"{who} {actor_label(actor, case, names, t)}")
    return labels


def open_deadline(case: Case, t: Text) -> str | None:
    """The end of the period now running, in China time, if the case waits on one."""
    kind = case.awaited
    period = case.deadlines.get(kind or "")
    if not period or period.get("opened_for") != case.version_marker(kind or ""):
        return None
    return t.deadline(period.get("ends_at"))


def list_helpers(current: "Page") -> dict[str, Any]:
    names = platform().names()
    return {"waiting": lambda case: waiting_labels(case, names, current.t)}


def case_page(current: "Page", case_id: str, typed: dict[str, Any] | None = None,
              error: DomainError | None = None) -> dict[str, Any]:
    """What the case page shows: the API's view of the case, in words. After a refused
    action, `typed` is what the form sent (shown again as typed) and `error` why it was
    refused (shown by its field)."""
    case, names, view = _view(current.principal, case_id)
    t = current.t
    assessment = case.assessment or {}
    proposal_rows = [{"payer": row["payer"], "amount": row["amount"]}
                     for row in assessment.get("payers", []) if row["payer"] != "victim"]
    if not proposal_rows:
        # Without the calculator's figures the mediator fills in each possible payer.
        proposal_rows = [{"payer": f"{v['vehicle_id']}/{part}", "amount": ""}
                         for v in case.vehicles for part in ("compulsory", "commercial", "party")
                         if part == "party" or v.get(f"{part}_insurer")]
    typed = {k: v for k, v in (typed or {}).items() if isinstance(v, str)}
    if typed.get("action") == "propose":
        proposal_rows = [{**row, "amount": typed.get(f"payments.{row['payer']}", "")}
                         for row in proposal_rows]
    label = partial(actor_label, case=case, names=names, t=t)
    done = current.query.get("done")
    return {
        **view, "model": case, "names": names,
        "status_words": t.of("status", case.status), "waiting": waiting_labels(case, names, t),
        "deadline": open_deadline(case, t), "awaited": t.period(case.awaited),
        "proposal_rows": proposal_rows, "typed": typed,
        "action_error": error, "failed_action": typed.get("action") if error else None,
        "inline_error": error.field if error and typed.get("action") == "propose" and any(
            error.field == f"payments.{row['payer']}" for row in proposal_rows) else None,
        "error_words": t.message(error.message, label) if error else "",
        "ending_reason": t.message(case.ending_reason, label) if case.ending_reason else "",
        "transfer_words": transfer_words(case, t, label),
        "label": label, "payer": lambda payer: payer_label(payer, t, case, names),
        "flash": t("done", action=t.of("actions", done)) if done in ACTIONS else None}


def transfer_words(case: Case, t: Text, label: Callable[[str], str]) -> dict[str, Any]:
    """The transfer to litigation in words: its reason and the undisputed facts."""
    transfer = case.transfer or {}
    return {"reason": t.message(transfer.get("reason") or "", label),
            "facts": [t.message(fact, label) for fact in transfer.get("undisputed_facts", [])]}


def _row(case: Case) -> dict[str, Any]:
    return {"case_id": case.case_id, "status": case.status,
            "filed_at": case.filed_at.isoformat() if case.filed_at else None,
            "accident_place": case.filing.get("accident_place"), "awaited": case.awaited}


def visible_cases(principal: Principal) -> list[Case]:
    """A party's own cases, an institution's inbox, or every case for the administrator, each
    found through an index (never a scan)."""
    store = platform().store
    if principal.is_admin:
        # By status, in the order a case goes; the newest first within each.
        return [case for status in OPEN_STATUSES + ("closed",)
                for case in store.cases_with_status(status)]
    if principal.role not in ("party", "mediator", "court", "insurer"):
        return []
    cases = []
    for case_id in store.case_ids_for(f"{principal.role}:{principal.key}"):
        try:
            case = store.load(case_id)
        except NotFound:
            continue
        if can_view(principal, case):
            cases.append(case)
    return cases


def case_rows(principal: Principal) -> list[dict[str, Any]]:
    return [_row(case) for case in visible_cases(principal)]


# --- the filing form -----------------------------------------------------------------------

# The claimed amounts, in the filing's claim and in the calculator's victim alike.
AMOUNTS = ("medical", "nutrition", "transport", "accommodation", "assistive_devices",
           "emotional_distress", "property")
CLAIM_FIELDS = ("age", "residence", "outcome", "disability_grades", "hospital_days",
                *AMOUNTS, "lost_income_daily", "lost_income_days", "nursing_daily",
                "nursing_days")


def filing_from_form(fields: dict[str, str], lang: str) -> dict[str, Any]:
    """The filing (as a dict) from the form's fields, named by their Filing paths. The form
    gives the police report number and the claim; the accident, the parties and the vehicles
    are the police record's, which the platform reads itself."""
    filing: dict[str, Any] = {"police_report_no": fields.get("police_report_no", "").strip()}
    claim = {key: fields.get(f"claim.{key}", "").strip() for key in CLAIM_FIELDS}
    claim = {key: value for key, value in claim.items() if value}
    if "disability_grades" in claim:
        claim["disability_grades"] = [g for g in re.split(r"[,，\s]+", claim["disability_grades"])
                                      if g]
    victim = fields.get("claim.victim_party_id", "").strip()
    if victim:
        claim["victim_party_id"] = victim
    filing["claim"] = claim
    filing["consent_electronic_service"] = bool(fields.get("consent_electronic_service"))
    filing["language"] = lang if lang in LANGUAGES else "zh"
    return filing


def record_for(principal: Principal, report_no: Any) -> dict[str, Any] | None:
    """The police record of this number if the principal may read it (a party to that
    accident, or the administrator), else None."""
    report_no = str(report_no or "").strip()
    if not report_no or len(report_no) > 64:
        return None
    return platform().prefill(report_no, principal)


def record_view(principal: Principal, record: dict[str, Any], t: Text,
                names: dict[str, str]) -> dict[str, Any]:
    """A police record in words, as the filing form shows it: the other parties without ID
    numbers or phones, the insurers by their full names."""
    parties = redacted_parties(principal, record.get("parties", []))
    by_id = {p["party_id"]: p for p in parties}
    return {
        "report_no": record.get("report_no", ""), "issued_by": record.get("issued_by", ""),
        "accident_date": record.get("accident_date", ""),
        "accident_place": record.get("accident_place", ""),
        "region": t.of("regions", record.get("region", "")),
        "parties": [{**p, "mine": p.get("id_number") == principal.key,
                     "role_words": t.of("roles", p.get("role")),
                     "responsibility_words": t.of("responsibility", p.get("responsibility"))}
                    for p in parties],
        "vehicles": [{**v, "driver": (by_id.get(v.get("driver_party_id")) or {}).get("name", ""),
                      "compulsory_name": names.get(v.get("compulsory_insurer") or "", ""),
                      "commercial_name": names.get(v.get("commercial_insurer") or "", "")}
                     for v in record.get("vehicles", [])]}


def filing_form(current: "Page", fields: dict[str, str],
                errors: dict[str, str] | None = None) -> dict[str, Any]:
    """What the filing page needs: the police record of the number given (read, never typed),
    the claim's fields as typed, and the errors by their fields."""
    principal = current.principal
    record = record_for(principal, fields.get("police_report_no"))
    values = dict(fields)
    values.setdefault("submission_id", str(uuid.uuid4()))
    context: dict[str, Any] = {
        "values": values, "record": None, "victim_choices": [],
        "messages": {path: current.t.message(m) for path, m in (errors or {}).items()}}
    if record is None:
        return context
    view = record_view(principal, record, current.t, platform().names())
    injured = [p for p in view["parties"] if p.get("role") == "injured"]
    if not values.get("claim.victim_party_id"):
        mine = next((p for p in injured if p["mine"]), None)
        values["claim.victim_party_id"] = (mine or (injured or [{}])[0]).get("party_id", "")
    return {**context, "record": view,
            "claimant": next((p for p in view["parties"] if p["mine"]), None),
            "victim_choices": [(p["party_id"], p["name"]) for p in injured]}


def submission_id(fields: dict[str, Any]) -> str:
    value = str(fields.get("submission_id") or "")
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise DomainError("a submission id is a UUID", "submission_id") from None


def file_case_allowed(principal: Principal) -> None:
    if principal.role != "party":
        raise NotAllowed("only a party files a dispute")


def fetched_form(current: "Page", fields: dict[str, str]) -> dict[str, Any]:
    """The filing form after "fetch the police record": the record, or why there is none."""
    file_case_allowed(current.principal)
    context = filing_form(current, fields)
    return {**context, "record_status": "loaded" if context["record"] else "missing"}


def file_case(principal: Principal, filing: Any, submission: str) -> tuple[str, bool]:
    """The case id, and whether this call filed it (False: the submission came before)."""
    file_case_allowed(principal)
    if not isinstance(filing, dict):
        raise DomainError("the filing must be a JSON object", "filing")
    if not isinstance(filing.get("claim", {}), dict):
        raise DomainError("the claim must be a JSON object", "claim")
    app = platform()
    known = app.store.submission(submission)
    return (known, False) if known else (app.file_case(principal, filing, submission), True)


def police_record(report_no: str, principal: Principal) -> dict[str, Any]:
    """GET /api/police-records/{no}: the record for a party to that accident, the other
    parties without ID numbers or phones. A record of someone else's accident is answered
    like an unknown number, so that no one learns which numbers exist."""
    record = record_for(principal, report_no)
    if record is None:
        raise NotFound("no police record for this number", "police_report_no")
    return {**record, "parties": redacted_parties(principal, record.get("parties", []))}


# --- the calculator page -------------------------------------------------------------------

def calculator_request(fields: dict[str, str]) -> dict[str, Any]:
    """The calculator's request from its page: one victim, one or two vehicles. Field names
    are the request's own paths (`victims[0].medical`), so its errors land by their fields."""
    def value(name: str) -> str:
        return fields.get(name, "").strip()

    victim: dict[str, Any] = {"id": "v1"}
    for key in ("age", "residence", "outcome", "hospital_days", *AMOUNTS):
        if value(f"victims[0].{key}"):
            victim[key] = value(f"victims[0].{key}")
    grades = value("victims[0].disability_grades")
    if grades:
        victim["disability_grades"] = [_int_or_text(g) for g in re.split(r"[,，\s]+", grades) if g]
    for key, extra in (("lost_income", ()), ("nursing", ("carers",))):
        part = {name: value(f"victims[0].{key}.{name}") for name in ("daily", "days", *extra)}
        part = {name: v for name, v in part.items() if v}
        if part.keys() - {"carers"}:
            victim[key] = part
    vehicles = []
    for index in (0, 1):
        if index == 1 and not fields.get("second_vehicle"):
            continue
        prefix = f"vehicles[{index}]"
        vehicle: dict[str, Any] = {"id": "AB"[index]}
        for key in ("compulsory_insured", "at_fault"):
            vehicle[key] = value(f"{prefix}.{key}") == "true"
        for key in ("liability", "commercial_limit"):
            if value(f"{prefix}.{key}"):
                vehicle[key] = value(f"{prefix}.{key}")
        vehicles.append(vehicle)
    request: dict[str, Any] = {"victims": [victim], "vehicles": vehicles}
    standards = {key: value(f"standards.{key}") for key in FIGURES if value(f"standards.{key}")}
    if standards:
        request["standards"] = standards
    for key in ("accident_date", "region"):
        if value(key):
            request[key] = value(key)
    return request


def _int_or_text(text: str) -> int | str:
    """A grade as a number when it is one (ASCII digits only: `int("²")` would fail), else
    as typed, for the calculator to report."""
    return int(text) if re.fullmatch(r"[0-9]{1,3}", text) else text


def calculate(request: dict[str, Any]) -> str:
    """The calculator's response as JSON text with exact decimals."""
    return to_json(run_calculator(request, platform().standards()))


def calculation(fields: dict[str, str]) -> dict[str, Any]:
    """The calculator's response (amounts as Decimal) for the calculator page's fields."""
    return run_calculator(calculator_request(fields), platform().standards())


def calculator_page(current: "Page", fields: dict[str, str] | None) -> dict[str, Any]:
    """The calculator page: the empty form, or the result, or the errors by their fields."""
    context: dict[str, Any] = {"payer_label": lambda payer: payer_label(payer, current.t),
                               "messages": {}}
    if fields is None:
        return {**context, "values": calculator_defaults()}
    context["standards_open"] = any(fields.get(f"standards.{key}") for key in FIGURES)
    try:
        return {**context, "values": fields, "result": calculation(fields)}
    except CalculationError as error:
        errors = calculation_errors(error)
        context["standards_open"] |= any(path.startswith("standards") for path in errors)
        messages = {path: current.t.pick(p.get("zh") or p["message"], p["message"])
                    for path, p in errors.items()}
        return {**context, "values": fields, "errors": errors, "messages": messages,
                "status": 400}


def calculator_defaults() -> dict[str, str]:
    return {"accident_date": china_today().isoformat(), "region": "guangdong",
            "victims[0].residence": "urban", "victims[0].outcome": "injury",
            "victims[0].nursing.carers": "1",
            "vehicles[0].compulsory_insured": "true", "vehicles[0].at_fault": "true",
            "vehicles[0].liability": "1", "vehicles[0].commercial_limit": "1000000",
            "vehicles[1].compulsory_insured": "true", "vehicles[1].at_fault": "false",
            "vehicles[1].liability": "0", "vehicles[1].commercial_limit": "0"}


def calculation_errors(error: CalculationError) -> dict[str, dict[str, str]]:
    return {problem["path"]: problem for problem in error.errors}


def payer_label(payer: str, t: Text, case: Case | None = None,
                names: dict[str, str] | None = None) -> str:
    """`A/compulsory` → 车辆 A 交强险 (and the insurer's name on a case)."""
    if payer == "victim":
        return t.of("payers", "victim")
    vehicle, _, part = payer.partition("/")
    label = t.of("payers", part, vehicle=vehicle)
    if case is not None and names is not None and part in ("compulsory", "commercial"):
        found = next((v for v in case.vehicles if v.get("vehicle_id") == vehicle), None)
        insurer = (found or {}).get(f"{part}_insurer")
        if insurer:
            name = names.get(insurer, insurer)
            label += t.pick(f"（{name}）", f" ({name})")
    return label


# --- the administrator console -------------------------------------------------------------

EXECUTION_STATUSES = ("RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")


def case_id_of(execution_name: str) -> str:
    return re.sub(r"-r\d+$", "", execution_name)


def _iso(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _iso(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_iso(v) for v in value]
    return value


def executions(status: str | None = None) -> list[dict[str, Any]]:
    if status and status not in EXECUTION_STATUSES:
        raise DomainError(f"status is one of {', '.join(EXECUTION_STATUSES)}", "status")
    workflow = platform().workflow
    rows = []
    for execution in workflow.executions(status):
        name = execution["name"]
        rows.append({"name": name, "status": execution["status"],
                     "start": _iso(execution.get("startDate")),
                     "stop": _iso(execution.get("stopDate")), "case_id": case_id_of(name),
                     "current_state": current_state(workflow.history(name))})
    return rows


def _state_of(event: dict[str, Any]) -> str | None:
    for key, details in event.items():
        if key.endswith("EventDetails") and isinstance(details, dict) and "name" in details:
            return details["name"]
    return None


def execution(name: str) -> dict[str, Any]:
    workflow = platform().workflow
    if not _EXECUTION_NAME.fullmatch(name or ""):
        raise NotFound("no such execution")
    try:
        described = workflow.describe(name)
    except ClientError as error:
        if error.response["Error"]["Code"] in ("ExecutionDoesNotExist", "InvalidArn"):
            raise NotFound(f"no execution {name}") from None
        raise
    history = workflow.history(name)
    described.pop("ResponseMetadata", None)
    return {"execution": _iso(described),
            "history": [{"id": e.get("id"), "type": e["type"], "timestamp": _iso(e["timestamp"]),
                         "state": _state_of(e)} for e in history],
            "current_state": current_state(history), "definition": workflow.definition()}


def workflow_picture(definition: dict[str, Any], history: list[dict[str, Any]],
                     current: str | None) -> list[dict[str, Any]]:
    """The states of the ASL in order, each with where it leads, visited and current marks."""
    visited = {row["state"] for row in history
               if row["state"] and row["type"].endswith("StateEntered")}
    states = []
    for name, state in definition.get("States", {}).items():
        targets = [state.get("Next"), state.get("Default")]
        targets += [choice.get("Next") for choice in state.get("Choices", [])]
        targets += [catch.get("Next") for catch in state.get("Catch", [])]
        states.append({"name": name, "type": state.get("Type"), "comment": state.get("Comment"),
                       "next": list(dict.fromkeys(t for t in targets if t)),
                       "visited": name in visited, "current": name == current})
    return states


def admin_page(status: str | None, redriven: str | None = None) -> dict[str, Any]:
    store = platform().store
    counts = {name: len(store.cases_with_status(name)) for name in OPEN_STATUSES + ("closed",)}
    return {"executions": executions(status or None), "status_filter": status,
            "redriven": redriven if redriven and _EXECUTION_NAME.fullmatch(redriven) else None,
            "statuses": EXECUTION_STATUSES, "failed_cases": store.cases_with_status("failed"),
            "counts": {name: count for name, count in counts.items() if count}}


def execution_page(name: str) -> dict[str, Any]:
    detail = execution(name)
    try:
        case = platform().store.load(case_id_of(name))
    except NotFound:
        case = None
    return {**detail, "name": name, "case": case,
            "picture": workflow_picture(detail["definition"], detail["history"],
                                        detail["current_state"])}


def redrive(case_id: str) -> str:
    """Starts a failed case's workflow again where its events say it stood."""
    app = platform()
    case = app.store.load(checked_case_id(case_id))
    if case.status != "failed":
        raise WrongStage(f"the case is {case.status}; only a failed case is redriven")
    name = app.start_workflow(case, case.resume_at or "IntakeCheck")
    logger.info("workflow redriven", extra={"case_id": case_id, "execution": name})
    return name


# --- pages ---------------------------------------------------------------------------------


@cache
def _pages() -> Environment:
    folder = templates_folder()
    env = Environment(loader=FileSystemLoader(folder), autoescape=select_autoescape(
        default=True, default_for_string=True), trim_blocks=True, lstrip_blocks=True)
    env.filters.update(china_time=china_time, china_seconds=china_seconds, yuan=yuan,
                       urlquote=lambda v: quote(str(v), safe=""))
    env.tests["startingwith"] = lambda value, prefix: str(value).startswith(prefix)
    return env


def request_path(request: Any) -> str:
    """The path asked for: API Gateway gives it in the event, chalice local in the context."""
    return str(request.to_original_event().get("path") or request.context.get("path") or "/")


class Page:
    """One HTML request: its language, the signed-in principal and the rendering helpers."""

    def __init__(self, request: Any, principal: Principal | None):
        self.request = request
        self.principal = principal
        self.lang, self.switched = lang_of(request)
        self.t = Text(self.lang)
        self.nonce = secrets.token_urlsafe(16)

    @property
    def choices(self) -> dict[str, list[tuple[str, str]]]:
        """The options of the forms' selects, in this language."""
        t = self.t
        tables = {"roles": ("injured", "driver", "owner"),
                  "responsibility": ("full", "main", "equal", "secondary", "none"),
                  "residence": ("urban", "rural"), "outcome": ("injury", "disability", "death"),
                  "regions": REGIONS}
        found = {name: [(key, t.of(name, key)) for key in keys] for name, keys in tables.items()}
        found["yes_no"] = [("true", t("yes")), ("false", t("no"))]
        return found

    @property
    def list_title(self) -> str:
        """What the case list is to this principal: my cases, an inbox, or all cases."""
        role = self.principal.role if self.principal else ""
        return self.t({"party": "my_cases", "admin": "all_cases"}.get(role, "inbox"))

    @property
    def query(self) -> dict[str, str]:
        return self.request.query_params or {}

    def render(self, template: str, status: int = 200, **context: Any) -> Response:
        html = _pages().get_template(f"pages/{template}").render(
            t=self.t, lang=self.lang, principal=self.principal, nonce=self.nonce,
            query=self.query, list_title=self.list_title, choices=self.choices, **context)
        return self.finish(Response(body=html, status_code=status,
                                    headers={"Content-Type": "text/html; charset=utf-8"}))

    def redirect(self, location: str, cookie: str | None = None) -> Response:
        response = Response(body="", status_code=303, headers={"Location": location})
        if cookie:
            add_cookie(response, cookie)
        return self.finish(response)

    def finish(self, response: Response) -> Response:
        response.headers.update({
            "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY",
            "Content-Security-Policy": (
                "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                f"script-src 'nonce-{self.nonce}'; frame-ancestors 'none'; form-action 'self'")})
        if self.switched:
            add_cookie(response, lang_cookie(self.lang))
        return response

    def error(self, error: Exception, case_id: str | None = None) -> Response:
        """An error as a page: signed out → the sign-in page, the rest with their status."""
        if isinstance(error, SignedOut):
            return self.redirect("/login?next=" + quote(request_path(self.request)))
        status, data = error_status(error, case_id)
        message = data.get("error") or self.t("form_has_errors")
        return self.render("error.html", status=status, status_code=status,
                           message=self.t.message(message))


def document_response(case_id: str, document_id: str, principal: Principal) -> Response:
    app = platform()
    case = app.case_for(principal, checked_case_id(case_id))
    if not _DOCUMENT_ID.fullmatch(document_id or ""):
        raise NotFound("no such document")
    document = app.store.document(case_id, document_id)
    html = document_for(principal, case, document["html"])
    return Response(body=html, status_code=200, headers={
        "Content-Type": "text/html; charset=utf-8", "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"})


def document_for(principal: Principal, case: Case, html: str) -> str:
    """A document as this principal may read it. The case file for the court lists every
    party's ID number and phone; a party reads it with the others' blanked out. The document
    is rendered once for everyone, so the known values are blanked where they appear."""
    if principal.role != "party":
        return html
    hidden = "（不予显示 not shown）"
    parties = case.parties + list((case.police_record or {}).get("parties") or [])
    for party in parties:
        if party.get("id_number") == principal.key:
            continue
        for key in ("id_number", "phone"):
            if party.get(key):
                html = html.replace(str(party[key]), hidden)
    return html

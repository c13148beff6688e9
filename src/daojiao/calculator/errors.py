"""Validation problems (校验错误): one entry per problem, each with a path into the request."""

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a request, e.g. path `victims[0].disability_grades[0]`."""

    path: str
    message: str
    zh: str = ""

    def as_dict(self) -> dict[str, str]:
        entry = {"path": self.path, "message": self.message}
        if self.zh:
            entry["zh"] = self.zh
        return entry


class CalculationError(Exception):
    """The request cannot be calculated; `problems` says every reason found, one entry each."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(f"{p.path}: {p.message}" for p in self.problems))

    @property
    def errors(self) -> list[dict[str, str]]:
        """The problems as `{"path", "message", "zh"}` dicts, ready for JSON."""
        return [problem.as_dict() for problem in self.problems]


def format_path(loc: tuple[int | str, ...], root: str = "request") -> str:
    """`("victims", 0, "disability_grades", 1)` → `victims[0].disability_grades[1]`."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or root


def problems_from_validation(error: ValidationError, root: str = "request") -> list[Problem]:
    """Turn pydantic's errors into plain problems, one per error, with our own wording."""
    return [
        Problem(format_path(tuple(item["loc"]), root), *_wording(item))
        for item in error.errors(include_url=False)
    ]


_PATTERN_HINTS = {
    r"^[^/]*[^/\s][^/]*$": ("a non-blank id without '/'", "不含 '/' 的非空编号"),
    r"^[a-z][a-z0-9_-]{0,63}$": (
        "a lowercase region id such as 'jiangsu'", "小写的地区标识，如 'jiangsu'"
    ),
}


def _wording(item: Any) -> tuple[str, str]:
    kind = item["type"]
    context = item.get("ctx") or {}
    got = item.get("input")
    if kind == "missing":
        return "required field is missing", "缺少必填项"
    if kind == "extra_forbidden":
        return (
            "unknown field (not part of the calculator's input)",
            "未知字段（不属于计算器的输入）",
        )
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return "must be a JSON object", "应为 JSON 对象"
    if kind == "list_type":
        return "must be a list", "应为列表"
    if kind == "string_pattern_mismatch":
        hint_en, hint_zh = _PATTERN_HINTS.get(
            context.get("pattern", ""), ("the expected form", "规定格式")
        )
        return f"must be {hint_en}, got {got!r}", f"应为{hint_zh}，实际为 {got!r}"
    if kind == "string_too_short":
        return "must not be empty", "不得为空"
    if kind == "string_too_long":
        limit = context.get("max_length")
        return f"is too long (at most {limit} characters)", f"过长（最多 {limit} 个字符）"
    if kind.startswith("int_") or kind == "int_type":
        return f"must be a whole number, got {got!r}", f"应为整数，实际为 {got!r}"
    if kind.startswith("bool"):
        return f"must be true or false, got {got!r}", f"应为 true 或 false，实际为 {got!r}"
    if kind.startswith("string") or kind == "str_type":
        return f"must be a text string, got {got!r}", f"应为文本，实际为 {got!r}"
    if kind == "literal_error":
        expected = context.get("expected", "")
        return f"must be one of {expected}, got {got!r}", f"应为 {expected} 之一，实际为 {got!r}"
    if kind == "greater_than_equal":
        limit = context.get("ge")
        if limit == 0:
            return f"must not be negative, got {got!r}", f"不得为负数，实际为 {got!r}"
        return f"must be at least {limit}, got {got!r}", f"不得小于 {limit}，实际为 {got!r}"
    if kind == "less_than_equal":
        limit = context.get("le")
        return f"must be at most {limit}, got {got!r}", f"不得大于 {limit}，实际为 {got!r}"
    if kind == "too_short":
        return "must not be empty", "不得为空"
    zh = context.get("zh", "") if isinstance(context.get("zh"), str) else ""
    message = item["msg"]
    if kind == "value_error":
        message = message.removeprefix("Value error, ")
    return message, zh

"""JSON output with exact amounts: a `Decimal` is written as a JSON number from its own digits.

`json.dumps` would have to go through float for a number; this small writer does not, so
136363.64 is written as exactly that and 198000 as 198000.00.
"""

from decimal import Decimal
from json.encoder import encode_basestring
from typing import Any


def to_json(value: Any, indent: int | None = None) -> str:
    """The JSON text of a response (dicts, lists, str, int, bool, None, `Decimal`)."""
    parts: list[str] = []
    _write(value, indent, 0, parts)
    return "".join(parts)


def _write(value: Any, indent: int | None, depth: int, parts: list[str]) -> None:
    if isinstance(value, str):
        parts.append(encode_basestring(value))
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"cannot write {value} as a JSON number")
        parts.append(format(value, "f"))
    elif value is None:
        parts.append("null")
    elif isinstance(value, bool):
        parts.append("true" if value else "false")
    elif isinstance(value, int):
        parts.append(str(value))
    elif isinstance(value, dict):
        entries = [(encode_basestring(str(key)), item) for key, item in value.items()]
        _container("{", "}", entries, indent, depth, parts)
    elif isinstance(value, list | tuple):
        _container("[", "]", [(None, item) for item in value], indent, depth, parts)
    else:
        raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _container(
    opening: str,
    closing: str,
    entries: list[tuple[str | None, Any]],
    indent: int | None,
    depth: int,
    parts: list[str],
) -> None:
    if not entries:
        parts.append(opening + closing)
        return
    inner = "" if indent is None else "\n" + " " * (indent * (depth + 1))
    outer = "" if indent is None else "\n" + " " * (indent * depth)
    separator = ", " if indent is None else ","
    parts.append(opening)
    for position, (key, item) in enumerate(entries):
        parts.append((separator if position else "") + inner)
        if key is not None:
            parts.append(key + ": ")
        _write(item, indent, depth + 1, parts)
    parts.append(outer + closing)

"""Command-line entry points of the calculator, wired into the main CLI.

`calc_command` computes a request file (or stdin) and prints the response JSON;
`standards_load_command` validates a standards file and stores it in DynamoDB.
"""

import json
import os
import sys
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from daojiao.calculator import (
    CalculationError,
    RegionalStandard,
    ShippedStandards,
    StandardsCatalog,
    calculate,
    to_json,
)
from daojiao.calculator.errors import Problem, problems_from_validation

EXIT_INVALID = 2


def calc_command(path: str) -> int:
    """Compute the request in `path` (`-` for stdin); print the response or the problems.

    Returns 0 on success, 2 when the request cannot be read or calculated; the problems are
    printed to stdout as `{"errors": [{"path", "message", "zh"}, ...]}`.
    """
    try:
        request = _read_json(path)
        response = calculate(request, _catalog())
    except CalculationError as error:
        print(to_json({"errors": error.errors}, indent=2))
        return EXIT_INVALID
    print(to_json(response, indent=2))
    return 0


def standards_load_command(path: str, table: Any) -> int:
    """Validate a standards file (one standard or a list) and store every standard in `table`.

    Nothing is stored unless the whole file is valid. Returns 0 and prints what was loaded, or
    returns 2 and prints the problems.
    """
    from daojiao.adapters.standards_store import DynamoStandards

    try:
        standards = parse_standards(_read_json(path))
    except CalculationError as error:
        print(to_json({"errors": error.errors}, indent=2))
        return EXIT_INVALID

    store = DynamoStandards(table, fallback=ShippedStandards())
    for standard in standards:
        store.put(standard)
    loaded = [{"region": s.region, "year": s.year, "source": s.source} for s in standards]
    print(to_json({"loaded": loaded}, indent=2))
    return 0


def _catalog() -> StandardsCatalog:
    shipped = ShippedStandards()
    table_name = os.environ.get("TABLE_NAME")
    if not table_name:
        return shipped

    import boto3

    from daojiao.adapters.standards_store import DynamoStandards

    return DynamoStandards(boto3.resource("dynamodb").Table(table_name), fallback=shipped)


def _read_json(path: str) -> Any:
    """The JSON document in `path` or on stdin, numbers with a fraction read as `Decimal`."""
    try:
        if path == "-":
            text = sys.stdin.read()
        else:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise CalculationError([
            Problem("request", f"cannot read {path}: {reason}", f"无法读取 {path}：{reason}")
        ]) from None
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno} column {error.colno}"
        raise CalculationError([
            Problem(
                "request",
                f"not valid JSON: {error.msg} at {where}",
                f"不是有效的 JSON：第 {error.lineno} 行第 {error.colno} 列",
            )
        ]) from None


def parse_standards(document: Any) -> list[RegionalStandard]:
    """Every standard in the document, or a CalculationError listing each problem."""
    if isinstance(document, dict):
        entries, paths = [document], ["standard"]
    elif isinstance(document, list) and document:
        entries, paths = document, [f"[{k}]" for k in range(len(document))]
    else:
        raise CalculationError([
            Problem(
                "standard",
                "the file must hold one standard (a JSON object) or a non-empty list of them",
                "文件应包含一个标准（JSON 对象）或由标准组成的非空列表",
            )
        ])

    problems: list[Problem] = []
    standards: list[RegionalStandard] = []
    seen: dict[tuple[str, int], str] = {}
    for entry, path in zip(entries, paths, strict=True):
        try:
            standard = RegionalStandard.model_validate(entry)
        except ValidationError as error:
            for problem in problems_from_validation(error, root=path):
                located = problem.path if path == "standard" else _under(path, problem.path)
                problems.append(Problem(located, problem.message, problem.zh))
            continue
        key = (standard.region, standard.year)
        if key in seen:
            problems.append(Problem(
                path,
                f"{standard.region} {standard.year} is given twice (also {seen[key]})",
                f"{standard.region} {standard.year} 年度重复（另见 {seen[key]}）",
            ))
            continue
        seen[key] = path
        standards.append(standard)
    if problems:
        raise CalculationError(problems)
    return standards


def _under(prefix: str, path: str) -> str:
    """`[1]` + `urban_income` → `[1].urban_income`; the root path stays the prefix."""
    return prefix if path == prefix else f"{prefix}.{path}"

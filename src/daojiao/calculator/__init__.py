"""Compensation calculator (理赔计算器) for road-traffic accident disputes.

Pure domain code (no AWS import): the statutory items, the yearly regional standards, and the
allocation between compulsory insurance, commercial insurance, the liable parties and the
victim, as in design/compensation.md. The request is the public JSON of cases/README.md.

`calculate(request, catalog, today=None)` returns a dict whose amounts are `Decimal` with two
decimals (write it with `to_json`, never through float):

    victims[]    {id, items {all 14 item keys}, groups {medical, death_disability, property},
                  total}
    payers[]     {victim, payer, amount}: per victim, "<vehicle>/compulsory",
                  "<vehicle>/commercial", "<vehicle>/party" for every vehicle, then "victim";
                  the rows of a victim add up to its total to the cent
    compulsory[] {victim, vehicle, group, payer, amount}: the compulsory part by group, paid by
                  "<vehicle>/compulsory", or "<vehicle>/party" when uninsured
    standards    {region, year, source, figures {name: amount}, overridden [names]}: the
                  figures this case used
    basis[]      {zh, en}: the rules and figures used, in words a party can check

A request that cannot be computed without guessing raises `CalculationError`, whose `errors`
are `{"path", "message", "zh"}`, one per problem.
"""

from daojiao.calculator.encoding import to_json
from daojiao.calculator.errors import CalculationError, Problem
from daojiao.calculator.models import CalculationRequest, RegionalStandard
from daojiao.calculator.service import calculate
from daojiao.calculator.standards import ShippedStandards, StandardsCatalog

__all__ = [
    "CalculationError",
    "CalculationRequest",
    "Problem",
    "RegionalStandard",
    "ShippedStandards",
    "StandardsCatalog",
    "calculate",
    "to_json",
]

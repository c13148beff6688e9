"""Money arithmetic (金额计算): exact decimals, half-up cents, and rounding that keeps totals.

Items are computed as `Decimal` in a wide context and rounded half-up to the cent once. The
allocation between payers works on whole cents (`int`) with exact `Fraction` shares, then
rounds by largest remainder so that every set of rows adds up to its total to the cent.
"""

from decimal import ROUND_HALF_UP, Context, Decimal
from fractions import Fraction
from math import floor

CENT = Decimal("0.01")

# Daily rates (annual ÷ 365) and pro-rata shares are kept unrounded at this precision.
EXACT = Context(prec=50, rounding=ROUND_HALF_UP)


def to_decimal(value: object) -> Decimal:
    """Convert a JSON number (int, float, or numeric string) to `Decimal` without float maths.

    A float is read through its shortest repr, so the JSON number 0.7 becomes Decimal("0.7").
    """
    if isinstance(value, bool):
        raise TypeError("must be a number, not true/false")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(str(value))
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except ArithmeticError:
            raise ValueError(f"must be a number, got {value!r}") from None
    else:
        raise TypeError(f"must be a number, got {type(value).__name__}")
    if not result.is_finite():
        raise ValueError(f"must be a finite number, got {value!r}")
    return result


def cents(value: Decimal) -> Decimal:
    """Round an amount half-up to 0.01 yuan (四舍五入到分)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP, context=EXACT)


def to_cents(amount: Decimal) -> int:
    """Whole cents of an amount already rounded to the cent."""
    return int(amount.scaleb(2, context=EXACT))


def from_cents(count: int) -> Decimal:
    """The amount in yuan, with two decimals, of a whole number of cents."""
    return Decimal(count).scaleb(-2)


def largest_remainder(shares: list[Fraction], total: int) -> list[int]:
    """Round exact shares to whole cents so that they add up to `total` exactly.

    Each share is rounded down, then the cents still missing go one each to the shares with the
    largest fractional parts; ties go to the earlier share. Whenever rounding every share half-up
    would already add up to the total, this gives the same result.
    """
    if sum(shares, Fraction(0)) != total:
        raise ValueError("shares must add up to the total")
    floors = [floor(share) for share in shares]
    missing = total - sum(floors)
    order = sorted(range(len(shares)), key=lambda k: (floors[k] - shares[k], k))
    for k in order[:missing]:
        floors[k] += 1
    return floors


def round_matrix(exact: list[list[Fraction]], rows: list[int], cols: list[int]) -> list[list[int]]:
    """Round a matrix of exact cents so that every row and every column keeps its whole total.

    `exact` must already add up to `rows` across and to `cols` down. Every cell is rounded down
    or up by less than one cent. Cells are first rounded down; the missing cents are handed out
    to the cells with the largest fractional parts, and an augmenting path (as in bipartite
    matching) finishes the hand-out when the greedy pass leaves a row and a column short. Such an
    assignment always exists because the fractional parts themselves are a fractional one.
    """
    floors = [[floor(cell) for cell in row] for row in exact]
    row_need = [rows[i] - sum(floors[i]) for i in range(len(rows))]
    col_need = [cols[j] - sum(floors[i][j] for i in range(len(rows))) for j in range(len(cols))]
    eligible = {
        (i, j)
        for i, row in enumerate(exact)
        for j, cell in enumerate(row)
        if cell != floors[i][j]
    }
    raised: set[tuple[int, int]] = set()

    for i, j in sorted(eligible, key=lambda c: (floors[c[0]][c[1]] - exact[c[0]][c[1]], c)):
        if row_need[i] > 0 and col_need[j] > 0:
            raised.add((i, j))
            row_need[i] -= 1
            col_need[j] -= 1

    for start in range(len(rows)):
        while row_need[start] > 0:
            flips, end_col = _augmenting_path(start, eligible, raised, col_need, len(cols))
            for cell, add in flips:
                if add:
                    raised.add(cell)
                else:
                    raised.discard(cell)
            row_need[start] -= 1
            col_need[end_col] -= 1

    return [
        [floors[i][j] + ((i, j) in raised) for j in range(len(cols))] for i in range(len(rows))
    ]


def _augmenting_path(
    start: int,
    eligible: set[tuple[int, int]],
    raised: set[tuple[int, int]],
    col_need: list[int],
    n_cols: int,
) -> tuple[list[tuple[tuple[int, int], bool]], int]:
    """Breadth-first search: row → column over a cell not yet raised, column → row over a
    raised cell, until a column that still needs a cent. Returns the cells to flip (raise or
    lower) and that column."""
    col_from: dict[int, int] = {}  # column -> the row it was reached from
    row_from: dict[int, int] = {start: -1}  # row -> the column it was reached from
    frontier = [start]
    while frontier:
        next_frontier = []
        for i in frontier:
            for j in range(n_cols):
                if (i, j) not in eligible or (i, j) in raised or j in col_from:
                    continue
                col_from[j] = i
                if col_need[j] > 0:
                    return _unwind(j, col_from, row_from), j
                for k, c in sorted(raised):
                    if c == j and k not in row_from:
                        row_from[k] = j
                        next_frontier.append(k)
        frontier = next_frontier
    raise ArithmeticError("matrix margins are inconsistent")


def _unwind(
    end_col: int, col_from: dict[int, int], row_from: dict[int, int]
) -> list[tuple[tuple[int, int], bool]]:
    """The cells along the path: raise each row → column step, lower each column → row step."""
    flips: list[tuple[tuple[int, int], bool]] = []
    col = end_col
    while True:
        row = col_from[col]
        flips.append(((row, col), True))
        previous = row_from[row]
        if previous < 0:
            return flips
        flips.append(((row, previous), False))
        col = previous

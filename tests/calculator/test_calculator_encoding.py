"""to_json writes amounts as exact JSON numbers with their two decimals."""

import json
from decimal import Decimal

from daojiao.calculator import to_json


def test_amounts_are_written_from_their_digits_not_through_float():
    text = to_json({"a": Decimal("136363.64"), "b": Decimal("198000.00"), "c": Decimal("0.00")})
    assert text == '{"a": 136363.64, "b": 198000.00, "c": 0.00}'


def test_large_amounts_keep_every_digit():
    # 19 significant digits: through float this would print as 1.2345678901234568e+16;
    # the writer copies the digits.
    assert to_json([Decimal("12345678901234567.89")]) == "[12345678901234567.89]"


def test_the_output_is_json_with_chinese_text_kept_readable():
    text = to_json({"zh": "交强险", "n": 3, "ok": True, "none": None, "list": []}, indent=2)
    assert "交强险" in text
    assert json.loads(text) == {"zh": "交强险", "n": 3, "ok": True, "none": None, "list": []}

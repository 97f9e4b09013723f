"""Amounts as people write them (18亿元, 5000万元, 3000万美元, 约5.1亿, 1100余亿元, 人民币5亿元) → integer + currency.

Investment figures are summed across projects; floating point would make 18亿 + 62亿 + 6亿 drift,
so amounts are exact integers in the currency's base unit (元 for CNY).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from chainkg.schema.kinds import Currency
from chainkg.schema.normalize import to_simplified

__all__ = ["Money", "MoneyError", "format_cny", "parse_amount"]

_MULTIPLIERS = {
    "": Decimal(1),
    "十": Decimal(10),
    "百": Decimal(100),
    "千": Decimal(1000),
    "万": Decimal(10_000),
    "十万": Decimal(100_000),
    "百万": Decimal(1_000_000),
    "千万": Decimal(10_000_000),
    "亿": Decimal(100_000_000),
    "十亿": Decimal(1_000_000_000),
    "百亿": Decimal(10_000_000_000),
    "千亿": Decimal(100_000_000_000),
    "万亿": Decimal(1_000_000_000_000),
}
_CURRENCIES = {
    "": Currency.CNY,
    "元": Currency.CNY,
    "人民币": Currency.CNY,
    "元人民币": Currency.CNY,
    "美元": Currency.USD,
    "美金": Currency.USD,
    "欧元": Currency.EUR,
    "日元": Currency.JPY,
    "港元": Currency.HKD,
    "港币": Currency.HKD,
}
_AMOUNT = re.compile(
    r"^(?:约|近|超|超过|逾|计|共计|合计|总计)?\s*(?:人民币)?\s*"
    r"(?P<number>\d+(?:\.\d+)?)\s*(?:余|多)?\s*"
    r"(?P<unit>万亿|[十百千]?亿|[十百千]?万|[十百千])?\s*"
    r"(?P<currency>元人民币|人民币|元|美元|美金|欧元|日元|港元|港币)?\s*(?:以上|左右|多)?$"
)


class MoneyError(ValueError):
    """An amount that cannot be read; the message says what was expected."""


@dataclass(frozen=True, slots=True)
class Money:
    amount: int
    currency: Currency = Currency.CNY


def parse_amount(text: str | int | float) -> Money:
    """Read an amount; bare numbers are 元.

    >>> parse_amount("4.86亿元")
    Money(amount=486000000, currency=<Currency.CNY: 'CNY'>)
    >>> parse_amount("3000万美元").currency.value
    'USD'
    """
    if isinstance(text, bool):
        raise MoneyError("an amount must be a number or text like 18亿元")
    if isinstance(text, int):
        if text < 0:
            raise MoneyError(f"amount {text} is negative")
        return Money(text)
    if isinstance(text, float):
        text = repr(text)
    cleaned = to_simplified(str(text)).replace(",", "").replace("，", "").strip()
    match = _AMOUNT.match(cleaned)
    if not match:
        raise MoneyError(f"cannot read amount {text!r}; write it like 18亿元, 5000万元, 3000万美元 or 1800000000")
    try:
        value = Decimal(match["number"]) * _MULTIPLIERS[match["unit"] or ""]
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only decimals
        raise MoneyError(f"cannot read amount {text!r}") from exc
    if value != value.to_integral_value():
        raise MoneyError(f"amount {text!r} is not a whole number of the currency's base unit")
    return Money(int(value), _CURRENCIES[match["currency"] or ""])


def format_cny(amount: int | None) -> str:
    """亿元 with up to two decimals for large sums, 万元 for smaller, as Chinese reports write them."""
    if amount is None:
        return "—"
    if abs(amount) >= 100_000_000:
        return f"{amount / 100_000_000:.2f}".rstrip("0").rstrip(".") + "亿元"
    if abs(amount) >= 10_000:
        return f"{amount / 10_000:.2f}".rstrip("0").rstrip(".") + "万元"
    return f"{amount}元"

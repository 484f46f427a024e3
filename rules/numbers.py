"""Decimal arithmetic and display for clinical quantities (never float, never round())."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


_QUANTUM = {places: Decimal(1).scaleb(-places) for places in range(7)}


def round_half_up(value: Decimal, places: int = 2) -> Decimal:
    """Round as clinicians do (2.5 → 3), unlike Python's round() (half to even)."""
    quantum = _QUANTUM.get(places) or Decimal(1).scaleb(-places)
    return value.quantize(quantum, rounding=ROUND_HALF_UP)


def ceil_whole(value: Decimal) -> int:
    """Exact ceiling: 0.90 / 0.9 is 1 vial, not 2 (no binary-float error)."""
    return int(value.to_integral_value(rounding=ROUND_CEILING))


def format_decimal_plain(value: Decimal | int) -> str:
    """ISMP style: leading zero, no trailing zero, no exponent ("0.9", "1", "2.025")."""
    if isinstance(value, int):
        return str(value)
    if value.is_zero():
        return "0"  # also "-0.0" from JSON: never show a signed zero
    normal = value.normalize()
    if normal == normal.to_integral_value():
        return str(normal.quantize(Decimal(1)))
    return format(normal, "f")

"""The one numeric parser: JSON numbers and query-string numbers, finite and bounded, or None.

Python alone would let through what breaks later: `float()` accepts "٣", "1_0", " 5" and
"nan", `math.isfinite(10**400)` raises OverflowError, and `int()` of 5,000 digits raises
ValueError. Text is taken exactly as written: no spaces, no "+", ASCII digits.
"""

from __future__ import annotations

import math
import re
from typing import Any

# ASCII only, no underscores, no "nan"/"inf", bounded length.
_DECIMAL = re.compile(r"-?(?:[0-9]+(?:\.[0-9]+)?)(?:[eE][-+]?[0-9]{1,3})?")
_WHOLE = re.compile(r"-?[0-9]+")
MAX_NUMBER_TEXT = 40


def finite_float(value: Any) -> float | None:
    """A JSON number (int or float, not bool) as a finite float, or None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:  # an int beyond the float range
        return None
    return number if math.isfinite(number) else None


def parse_decimal(text: str) -> float | None:
    """A decimal number written in ASCII ("20.26", "-1e3"), finite, or None."""
    if len(text) > MAX_NUMBER_TEXT or not _DECIMAL.fullmatch(text):
        return None
    number = float(text)
    return number if math.isfinite(number) else None


def parse_whole(text: str, low: int, high: int) -> int | None:
    """A whole number written in ASCII within [low, high], or None."""
    if len(text) > MAX_NUMBER_TEXT or not _WHOLE.fullmatch(text):
        return None
    number = int(text)
    return number if low <= number <= high else None


def whole_in_range(value: Any, low: int, high: int) -> int | None:
    """A JSON whole number (int, not bool) within [low, high], or None."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if low <= value <= high else None

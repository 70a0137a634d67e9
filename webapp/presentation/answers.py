"""The one answer checker: how a typed number is read, and whether it is right.

Used by `/practice`, predict mode (through `POST /api/answers/check`) and anything else that asks a
student for a number.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

MIN_SIGNIFICANT_DIGITS = 2
# Float noise: 0.692 comes out of the engine as 0.6920000000000001.
RELATIVE_SLACK = Fraction(1, 10**9)


@dataclass(frozen=True)
class Feedback:
    status: str  # right, wrong, more_digits, unreadable, unanswered
    message: str

    @property
    def right(self) -> bool:
        return self.status == "right"


def read_number(text: str) -> Decimal | None:
    """A typed number as a Decimal keeping its digits ("0.690" keeps three decimals), or None."""
    cleaned = text.strip().replace("−", "-").replace("\u2009", "").replace(" ", "")
    if "," in cleaned and "." not in cleaned and cleaned.count(",") == 1:
        cleaned = cleaned.replace(",", ".")
    if not cleaned or any(ch not in "0123456789.+-" for ch in cleaned) or "+" in cleaned[1:] or "-" in cleaned[1:]:
        return None
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def check_number(text: str, expected: float) -> Feedback:
    if not text.strip():
        return Feedback("unanswered", "")
    typed = read_number(text)
    if typed is None:
        return Feedback("unreadable", "Write a number, such as −0.64 or 1.5.")
    target = Fraction(expected)
    slack = RELATIVE_SLACK * max(1, abs(target))
    value = Fraction(typed)
    if abs(value - target) <= slack:
        return Feedback("right", "Right.")
    exponent = typed.as_tuple().exponent
    half_unit = Fraction(1, 2) * Fraction(10) ** exponent
    if abs(value - target) <= half_unit + slack:
        # Decimal keeps trailing zeros and drops leading ones: "0.0040" has the digits (4, 0).
        if typed != 0 and len(typed.as_tuple().digits) >= MIN_SIGNIFICANT_DIGITS:
            return Feedback("right", "Right (rounded).")
        return Feedback("more_digits", f"Close: give at least {MIN_SIGNIFICANT_DIGITS} significant digits.")
    if target != 0 and abs(value + target) <= half_unit + slack:
        return Feedback("wrong", "Not quite: the size is right, check the sign.")
    return Feedback("wrong", "Not quite.")

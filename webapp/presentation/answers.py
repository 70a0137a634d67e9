"""The one answer checker: how a typed number is read, and whether it is right (docs/answers.md), for
`/practice`, predict mode (through `POST /api/answers/check`) and anything else that asks for a number.
"""

import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

MIN_SIGNIFICANT_DIGITS = 2
# Longer text is not read at all: a number the site shows has at most 10 digits and an exponent.
MAX_ANSWER_CHARS = 64
# Float noise: 0.692 comes out of the engine as 0.6920000000000001.
RELATIVE_SLACK = Fraction(1, 10**9)
_SUPERSCRIPTS = str.maketrans("⁺⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "+-0123456789")
_NUMBER = re.compile(
    r"(?P<sign>[-+]?) *(?P<int>[0-9]*)(?:[.,](?P<frac>[0-9]*))?"
    r"(?:[eE](?P<e>[-+]?[0-9]{1,4})| *[×x*·⋅] *10(?:\^(?P<caret>[-+]?[0-9]{1,4})|(?P<sup>[⁺⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,4})))?"
)
_MESSAGES = {
    "unanswered": "No answer yet: type a number.",
    "unreadable": "Write a number, such as −0.64, 1.5 or 2.5×10⁻⁶.",
    "right": "Right.",
    "rounded": "Right (rounded).",
    "more_digits": f"Close. Give at least {MIN_SIGNIFICANT_DIGITS} significant digits.",
    "wrong_sign": "Not quite: the size is right, check the sign.",
    "wrong": "Not quite.",
}


@dataclass(frozen=True)
class Feedback:
    status: str  # right, more_digits, wrong_sign, wrong, unreadable, unanswered
    message: str

    @property
    def right(self) -> bool:
        return self.status == "right"


def read_number(text: str) -> Decimal | None:
    """A typed number as a Decimal keeping its digits ("0.690" keeps three decimals), or None."""
    if len(text) > MAX_ANSWER_CHARS:
        return None
    match = _NUMBER.fullmatch(text.strip().replace("−", "-").replace("\u2009", " ").replace("\xa0", " "))
    if not match or not (match["int"] or match["frac"]):
        return None
    power = match["e"] or match["caret"] or (match["sup"] or "0").translate(_SUPERSCRIPTS)
    return Decimal(f"{match['sign']}{match['int'] or 0}.{match['frac'] or ''}e{power}")


def _verdict(typed: Decimal, target: Fraction) -> str:
    """right (within float noise of the target), rounded (the target rounds to the typed digits: within
    half a unit of the last one typed, and they are significant enough), more_digits or wrong."""
    value = Fraction(typed)
    slack = RELATIVE_SLACK * abs(target)
    if abs(value - target) <= slack:
        return "right"
    if abs(value - target) > Fraction(1, 2) * Fraction(10) ** typed.as_tuple().exponent + slack:
        return "wrong"
    # Decimal keeps trailing zeros and drops leading ones: "0.0040" has the digits (4, 0).
    enough = typed != 0 and len(typed.as_tuple().digits) >= MIN_SIGNIFICANT_DIGITS
    return "rounded" if enough else "more_digits"


def check_number(text: str, expected: float) -> Feedback:
    """The verdict on a typed answer, with a message a student understands."""
    if not text.strip():
        status = "unanswered"
    elif (typed := read_number(text)) is None:
        status = "unreadable"
    else:
        status = _verdict(typed, Fraction(expected))
        if status == "wrong" and typed != 0 and _verdict(-typed, Fraction(expected)) in ("right", "rounded"):
            status = "wrong_sign"
    return Feedback("right" if status == "rounded" else status, _MESSAGES[status])

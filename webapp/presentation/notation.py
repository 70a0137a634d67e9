"""How the site writes numbers and names derivatives, in one place (its JavaScript twin,
`static/js/format.js`, is tested against the same table of cases, tests/data/number_format.json).

Every derivative is written with ∂ on every surface (∂J/∂w₁, ∂z₂/∂a₁): J depends on every weight at
once, so each derivative is a partial one; the worksheet's d is the one-path case. The engine names
them (`webapp.engine.graph.partial`, `partial_tex`): edges' `symbol`/`tex`, nodes' `gradient`/`gradient_tex`.

Up to 10 significant digits (4 on the graph), rounded from the float's exact value with halves away
from zero (the school rule, and JavaScript's toPrecision), trailing zeros trimmed, so the worksheet's
figures read exactly (0.692, not 0.6920000000000001); the true minus sign; a power of ten written
×10⁻⁷ where a plain decimal would be too long: from 10⁻⁷ down or 10^digits up (the rounded number's
power), and on the graph also below 10⁻³.
"""

from decimal import ROUND_HALF_UP, Decimal, localcontext

DIGITS = 10
COMPACT_DIGITS = 4
# On the graph, below this size a plain decimal would spend its few characters on zeros.
COMPACT_SMALLEST_PLAIN = 1e-3
SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
PLAIN = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹−", "-0123456789-")


def _trim(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


def number(value: float | None, compact: bool = False) -> str:
    """A number as the page shows it: 10 significant digits, or 4 with `compact`."""
    if value is None:
        return "?"
    if value == 0:
        return "0"
    digits = COMPACT_DIGITS if compact else DIGITS
    with localcontext(rounding=ROUND_HALF_UP):
        mantissa, _, exponent = format(Decimal(value), f".{digits - 1}e").partition("e")
    power = int(exponent)
    plain = -6 <= power < digits and not (compact and abs(value) < COMPACT_SMALLEST_PLAIN)
    text = (
        _trim(format(Decimal(mantissa).scaleb(power), "f"))
        if plain
        else f"{_trim(mantissa)}×10{str(power).translate(SUPERSCRIPTS)}"
    )
    return text.replace("-", "−")


def number_tex(value: float | None, compact: bool = False) -> str:
    """The same number as TeX, for LaTeX without Unicode: -1.2 \\times 10^{-7}."""
    mantissa, times, power = number(value, compact).translate(PLAIN).partition("×10")
    return rf"{mantissa} \times 10^{{{power}}}" if times else mantissa


def factor(value: float, compact: bool = False) -> str:
    """A factor after the first of a product: a negative one in parentheses, so 1 · (−0.8)."""
    text = number(value, compact)
    return f"({text})" if text.startswith("−") else text

"""How the site writes numbers, in one place (its JavaScript twin, `static/js/format.js`, is tested
against the same table of cases).

Up to 10 significant digits (4 on the graph), trailing zeros trimmed, so the worksheet's figures read
exactly (0.692, not 0.6920000000000001); the true minus sign; a power of ten written ×10⁻⁷ where a
plain decimal would be too long.
"""

DIGITS = 10
COMPACT_DIGITS = 4
# On the graph, below this size a plain decimal would spend its few characters on zeros.
COMPACT_SMALLEST_PLAIN = 1e-3
SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _trim(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


def number(value: float | None, compact: bool = False) -> str:
    """A number as the page shows it: 10 significant digits, or 4 with `compact`."""
    if value is None:
        return "?"
    if value == 0:
        return "0"
    digits = COMPACT_DIGITS if compact else DIGITS
    mantissa, _, exponent = f"{value:.{digits - 1}e}".partition("e")
    power = int(exponent)
    plain = -6 <= power < digits and not (compact and abs(value) < COMPACT_SMALLEST_PLAIN)
    text = (
        _trim(f"{value:.{digits - 1 - power}f}")
        if plain
        else f"{_trim(mantissa)}×10{str(power).translate(SUPERSCRIPTS)}"
    )
    return text.replace("-", "−")


def factor(value: float, compact: bool = False) -> str:
    """A factor after the first of a product: a negative one in parentheses, so 1 · (−0.8)."""
    text = number(value, compact)
    return f"({text})" if text.startswith("−") else text

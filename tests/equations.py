"""Checks that every equation the page shows is arithmetically true with the numbers it shows.

The contract between the page and this checker:

- Every element carrying the attribute `data-equation` holds, as its textContent, one or more
  equations. Several equations in one element are separated by `;` or by newlines, so an element
  must not break a single equation across lines (keep template whitespace out of it).
- An equation is a list of segments separated by `=`, `≔` or `:=`. After trimming whitespace and
  trailing punctuation (`.`, `,`, `;`, `:`, `!`), a segment is *numeric* when it holds at least one
  number and nothing but numbers, the operators `+`, `-`, `−` (U+2212), `·`, `⋅`, `×`, `*`, `/`, `÷`,
  parentheses and whitespace. Other segments (names such as `dJ/dw₁` or `w₁`, prose, `?` placeholders)
  are skipped, and they break runs: every maximal run of two or more adjacent numeric segments must
  be equal. A numeric segment that does not parse (`0.5 -`, `(1`), even a lone one, is a problem,
  never a crash.
- Numbers are plain decimals (`-0.00283`, `1.5`, `.5`), possibly with an exponent (`-9.436e-7`,
  `1.2e+5`), or `a×10⁻⁷` (also `a·10⁻⁷` and a bare `10⁻⁷`) with superscript digits; a minus is `-`
  or `−`. Every number an element shows is rounded to the significant digits in its `data-digits`
  attribute (10 when absent), trailing zeros trimmed. So a shown x ≠ 0 stands for the interval
  [x − h, x + h] with h = 0.5·10^(floor(log10|x|) − digits + 1); a shown 0 is exact.
- Each numeric segment is evaluated with exact interval arithmetic (rational bounds: +, −, ·, /,
  unary minus and plus, parentheses, the usual precedence; dividing by an interval that holds 0 is a
  problem), and the expression gates' forms: `|a|`, `max(a, b)` and a power `a^p` (`(−2)^3`, `5^0.5`,
  `(−2)^−1`; a base that may be 0 or less takes only a whole exponent). Two segments are equal when their intervals overlap once each is widened by 1e-12 of
  its magnitude, which absorbs the page's own floating-point rounding (of normal doubles; results
  that underflow below about 1e-308 are out of scope). A true equation therefore never fails, and
  one that is off by more than its display rounding always does.
- A run is equal when every pair of its segments is (for intervals that is the same as all of them
  sharing a point).
"""

import math
import re
from dataclasses import dataclass
from decimal import Context, Decimal, InvalidOperation
from fractions import Fraction

DEFAULT_DIGITS = 10
MAX_EXPONENT = 400  # past what a double can hold; also keeps the exact arithmetic small
FLOAT_SLACK = Fraction(1, 10**12)
EQUATION_SEPARATORS = re.compile(r"[;\n]")
SEGMENT_SEPARATORS = re.compile(r":=|≔|=")
TRAILING_PUNCTUATION = ".,;:! \t\r\n\u00a0"
MINUS_SIGNS = "-−"
SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
DECIMAL = r"(?:\d+(?:\.\d*)?|\.\d+)"
# A number: a decimal with an optional e-exponent, or a decimal times 10 to a superscript power, or
# 10 to a superscript power alone. The superscript is what tells "1.5×10⁻⁷" from "1.5 × 10".
NUMBER = re.compile(
    rf"(?P<mantissa>{DECIMAL})\s*[×·⋅]\s*10(?P<power>[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)"
    rf"|10(?P<bare_power>[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)"
    rf"|(?P<plain>{DECIMAL}(?:[eE][+\-−]?\d+)?)"
)
# The functions the page applies to numbers, all increasing: an interval maps to the interval of its ends.
# σ, tanh, ln, exp and √ are evaluated in floats; their rounding is far inside the 1e-12 slack of every comparison.
FUNCTIONS = {
    "LeakyReLU": lambda v: v if v > 0 else v / 100,
    "ReLU": lambda v: max(v, Fraction(0)),
    "σ": lambda v: Fraction(1 / (1 + math.exp(-float(v)))) if v > -700 else Fraction(0),
    "tanh": lambda v: Fraction(math.tanh(float(v))),
    "ln": lambda v: Fraction(math.log(float(v))),
    "exp": lambda v: Fraction(math.exp(float(v))) if v < 700 else Fraction(10) ** 305,
    "√": lambda v: Fraction(math.sqrt(float(v))),  # Adam's √v̂, of v̂ ≥ 0
}
# max(a, b): the larger of two, as the expression's max gate writes it.
FUNCTION = re.compile("|".join(sorted([*FUNCTIONS, "max"], key=len, reverse=True)))
MAX_POWER = 64  # a whole exponent past this is no gate the page writes (it allows 16)
OPERATORS = {"+": "+", "-": "-", "−": "-", "·": "*", "⋅": "*", "×": "*", "*": "*", "/": "/", "÷": "/"}
PARENTHESES = "()"


class EquationError(ValueError):
    """A numeric segment that cannot be evaluated: a parse error or a division by an interval holding 0."""


@dataclass(frozen=True)
class Interval:
    """A closed interval of rationals [low, high]."""

    low: Fraction
    high: Fraction

    def __add__(self, other: "Interval") -> "Interval":
        return Interval(self.low + other.low, self.high + other.high)

    def __sub__(self, other: "Interval") -> "Interval":
        return Interval(self.low - other.high, self.high - other.low)

    def __neg__(self) -> "Interval":
        return Interval(-self.high, -self.low)

    def __mul__(self, other: "Interval") -> "Interval":
        corners = [a * b for a in (self.low, self.high) for b in (other.low, other.high)]
        return Interval(min(corners), max(corners))

    def __truediv__(self, other: "Interval") -> "Interval":
        if other.low <= 0 <= other.high:
            raise EquationError("division by a number that may be 0")
        return self * Interval(1 / other.high, 1 / other.low)

    def widened(self, relative: Fraction) -> "Interval":
        """This interval grown on both sides by `relative` times its largest magnitude."""
        slack = relative * max(abs(self.low), abs(self.high))
        return Interval(self.low - slack, self.high + slack)

    def overlaps(self, other: "Interval") -> bool:
        return self.low <= other.high and other.low <= self.high

    def middle(self) -> Fraction:
        return (self.low + self.high) / 2


@dataclass(frozen=True)
class Token:
    kind: str  # "number", "operator" (normalised to + - * /), "function", "²", "^", "|", ",", "(" or ")"
    text: str


def shown_number(text: str, digits: int = DEFAULT_DIGITS) -> Interval:
    """The interval a number shown as `text` stands for when rounded to `digits` significant digits."""
    text = text.strip()
    if text[:1] in MINUS_SIGNS:
        return -shown_number(text[1:], digits)
    match = NUMBER.fullmatch(text)
    if not match:
        raise EquationError(f"not a number: {text!r}")
    if match["plain"]:
        decimal_text = match["plain"].replace("−", "-")
    else:
        power = (match["power"] or match["bare_power"]).translate(SUPERSCRIPTS)
        decimal_text = f"{match['mantissa'] or '1'}e{power}"
    try:
        value = Decimal(decimal_text)
    except InvalidOperation as error:
        raise EquationError(f"not a number: {text!r}") from error
    if value == 0:
        return Interval(Fraction(0), Fraction(0))
    if abs(value.adjusted()) > MAX_EXPONENT:
        raise EquationError(f"{text!r} is beyond any double-precision number")
    exact = Fraction(value)
    # adjusted() is floor(log10|value|), computed exactly on the decimal digits.
    half_unit = Fraction(1, 2) * Fraction(10) ** (value.adjusted() - digits + 1)
    return Interval(exact - half_unit, exact + half_unit)


def tokenize(segment: str) -> list[Token] | None:
    """The segment's tokens, or None when it holds anything but numbers, operators, parentheses and spaces."""
    tokens: list[Token] = []
    position = 0
    while position < len(segment):
        char = segment[position]
        if char.isspace():
            position += 1
            continue
        match = NUMBER.match(segment, position) or FUNCTION.match(segment, position)
        if match:
            tokens.append(Token("number" if match.re is NUMBER else "function", match.group()))
            position = match.end()
        elif char == "²":
            tokens.append(Token(char, char))
            position += 1
        elif char in OPERATORS:
            tokens.append(Token("operator", OPERATORS[char]))
            position += 1
        elif char in PARENTHESES or char in "|^" or (char == "," and Token("function", "max") in tokens):
            tokens.append(Token(char, char))
            position += 1
        else:
            return None
    return tokens


class Parser:
    """Recursive descent over tokens: sum := product (± product)*; product := unary ((·|/) unary)*;
    unary := (−|+) unary | power; power := primary (² | ^ (−|+)? primary)?; primary := number |
    function? ( sum ) | max ( sum , sum ) | "|" sum "|"."""

    def __init__(self, tokens: list[Token], digits: int):
        self.tokens = tokens
        self.digits = digits
        self.position = 0

    def parse(self) -> Interval:
        if not self.tokens:
            raise EquationError("empty expression")
        value = self.sum()
        if self.position < len(self.tokens):
            raise EquationError(f"unexpected {self.tokens[self.position].text!r}")
        return value

    def peek(self) -> Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def expect(self, kind: str) -> None:
        token = self.peek()
        if token is None or token.kind != kind:
            raise EquationError(f"missing {kind!r}")
        self.position += 1

    def take_operator(self, allowed: str) -> str | None:
        token = self.peek()
        if token is not None and token.kind == "operator" and token.text in allowed:
            self.position += 1
            return token.text
        return None

    def sum(self) -> Interval:
        value = self.product()
        while operator := self.take_operator("+-"):
            right = self.product()
            value = value + right if operator == "+" else value - right
        return value

    def product(self) -> Interval:
        value = self.unary()
        while operator := self.take_operator("*/"):
            right = self.unary()
            value = value * right if operator == "*" else value / right
        return value

    def unary(self) -> Interval:
        operator = self.take_operator("+-")
        if operator == "-":
            return -self.unary()
        if operator == "+":
            return self.unary()
        value = self.primary()
        token = self.peek()
        if token is not None and token.kind == "²":
            self.position += 1
            return power(value, 2)
        if token is not None and token.kind == "^":
            self.position += 1
            sign = self.take_operator("+-")
            exponent = self.primary()
            return power(value, -exponent if sign == "-" else exponent)
        return value

    def primary(self) -> Interval:
        token = self.peek()
        if token is None:
            raise EquationError("expression ends too early")
        self.position += 1
        if token.kind == "number":
            return shown_number(token.text, self.digits)
        if token.kind == "function" and token.text == "max":
            self.expect("(")
            first = self.sum()
            self.expect(",")
            second = self.sum()
            self.expect(")")
            return Interval(max(first.low, second.low), max(first.high, second.high))
        if token.kind == "|":
            value = self.sum()
            self.expect("|")
            if value.low >= 0:
                return value
            if value.high <= 0:
                return -value
            return Interval(Fraction(0), max(-value.low, value.high))
        if token.kind == "function":
            if self.peek() is None or self.peek().kind != "(":
                raise EquationError(f"{token.text} without its argument in parentheses")
            argument = self.primary()
            if token.text == "ln" and argument.low <= 0:
                raise EquationError("ln of a number that may be 0 or less")
            function = FUNCTIONS[token.text]
            return Interval(function(argument.low), function(argument.high))
        if token.kind == "(":
            value = self.sum()
            closing = self.peek()
            if closing is None or closing.kind != ")":
                raise EquationError("missing ')'")
            self.position += 1
            return value
        raise EquationError(f"unexpected {token.text!r}")


def power(base: Interval, exponent: Interval | int) -> Interval:
    """base^exponent over intervals. A whole exponent (one the shown exponent's interval holds, the only
    kind a base that may be 0 or less allows) is exact; otherwise the base must be positive, where the
    power is monotonic in each argument and its extremes are at the corners (floats, inside the slack)."""
    if isinstance(exponent, int):
        whole = exponent
    else:
        candidates = range(math.ceil(exponent.low), math.floor(exponent.high) + 1)
        whole = candidates[0] if len(candidates) == 1 and base.low <= 0 else None
        if whole is None and base.low <= 0:
            raise EquationError("a power of a number that may be 0 or less, to an exponent that is not whole")
    if whole is not None:
        if abs(whole) > MAX_POWER:
            raise EquationError(f"exponent {whole} is past {MAX_POWER}")
        if whole < 0 and base.low <= 0 <= base.high:
            raise EquationError("a negative power of an interval that holds 0")
        ends = (base.low**whole, base.high**whole)
        low = Fraction(0) if whole > 0 and whole % 2 == 0 and base.low <= 0 <= base.high else min(ends)
        return Interval(low, max(ends))
    corners = [Fraction(float(b) ** float(e)) for b in (base.low, base.high) for e in (exponent.low, exponent.high)]
    return Interval(min(corners), max(corners))


def evaluate(segment: str, digits: int = DEFAULT_DIGITS) -> Interval:
    """The interval of values a numeric segment can stand for, given its numbers' display rounding."""
    tokens = tokenize(segment)
    if tokens is None:
        raise EquationError(f"not a numeric expression: {segment!r}")
    return Parser(tokens, digits).parse()


def trimmed(segment: str) -> str:
    return segment.strip().rstrip(TRAILING_PUNCTUATION)


def is_numeric(segment: str) -> bool:
    """Whether the (trimmed) segment holds at least one number and only numbers, operators, parentheses, spaces."""
    tokens = tokenize(trimmed(segment))
    return bool(tokens) and any(token.kind == "number" for token in tokens)


def equations(text: str) -> list[str]:
    """The equations of an element's text: split on `;` and newlines, blank ones dropped."""
    return [part for part in EQUATION_SEPARATORS.split(text) if part.strip()]


def numeric_groups(text: str) -> list[list[str]]:
    """Every maximal run of adjacent numeric segments, a lone one included, over all the equations in `text`."""
    groups: list[list[str]] = []
    for equation in equations(text):
        group: list[str] = []
        for segment in [*SEGMENT_SEPARATORS.split(equation), ""]:  # the empty sentinel ends the last group
            if is_numeric(segment):
                group.append(trimmed(segment))
            elif group:
                groups.append(group)
                group = []
    return groups


def numeric_runs(text: str) -> list[list[str]]:
    """Every maximal run of two or more adjacent numeric segments: the equalities `text` asserts."""
    return [group for group in numeric_groups(text) if len(group) >= 2]


def readable(value: Fraction, digits: int = 10) -> str:
    """A rational as a short decimal for a problem report."""
    context = Context(prec=digits)
    quotient = context.divide(Decimal(value.numerator), Decimal(value.denominator))
    return f"{quotient.normalize(context):g}" if quotient else "0"


def check_equation(text: str, digits: int = DEFAULT_DIGITS) -> list[str]:
    """Every problem with the equations in `text` (an element's textContent): false runs and unparsable segments."""
    problems: list[str] = []
    # A lone numeric segment asserts no equality, but if it does not parse the page shows malformed arithmetic.
    for run in numeric_groups(text):
        values: list[Interval | None] = []
        for segment in run:
            try:
                values.append(evaluate(segment, digits).widened(FLOAT_SLACK))
            except EquationError as error:
                problems.append(f"cannot evaluate {segment!r}: {error}")
                values.append(None)
        for later in range(1, len(run)):
            for earlier in range(later):
                left, right = values[earlier], values[later]
                if left is None or right is None or left.overlaps(right):
                    continue
                gap = abs(left.middle() - right.middle())
                problems.append(
                    f"{run[earlier]!r} ≈ {readable(left.middle())} but {run[later]!r} ≈ {readable(right.middle())}"
                    f" (off by {readable(gap, 3)})"
                )
                break  # one report per segment: the first earlier segment it disagrees with
    return problems


def comparison_count(text: str) -> int:
    """How many equalities `text` asserts between numeric segments: the evidence a check was not vacuous."""
    return sum(len(run) - 1 for run in numeric_runs(text))

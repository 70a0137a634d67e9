"""The equation checker: true equations pass, false ones fail, display rounding is honoured to the half unit."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.equations import (
    EquationError,
    Interval,
    check_equation,
    comparison_count,
    evaluate,
    numeric_runs,
    shown_number,
)


def page_number(value: float) -> str:
    """A number as the page shows it: 10 significant digits, trailing zeros trimmed."""
    return f"{value:.10g}"


# --- parsing the text -----------------------------------------------------------------------


def test_runs_are_split_by_names_and_prose():
    text = "dJ/dw₁ = dJ/dz₁ · dz₁/dw₁ = -0.64 · 3 = -1.92"
    assert numeric_runs(text) == [["-0.64 · 3", "-1.92"]]


def test_a_name_between_numbers_breaks_the_run():
    assert numeric_runs("1 = 1 = w = 2 = 2") == [["1", "1"], ["2", "2"]]
    assert check_equation("1 = 1 = w = 2 = 2") == []


def test_several_equations_split_on_semicolons_and_newlines():
    text = "Update: w1 := 0.5 - 0.1 · (-1.92) = 0.692; w2 := 0.8 - 0.1 · (-1.2) = 0.92\nJ = 0.32 = 0.32."
    assert numeric_runs(text) == [["0.5 - 0.1 · (-1.92)", "0.692"], ["0.8 - 0.1 · (-1.2)", "0.92"], ["0.32", "0.32"]]
    assert comparison_count(text) == 3
    assert check_equation(text) == []


def test_assignment_separators_and_trailing_punctuation():
    assert numeric_runs("w₁ ≔ 0.5 − 0.1 · (−1.92) = 0.692.") == [["0.5 − 0.1 · (−1.92)", "0.692"]]
    assert numeric_runs("w₁ := 0.5 = 0.5;") == [["0.5", "0.5"]]


def test_a_lone_number_and_unknown_placeholders_assert_nothing():
    assert numeric_runs("z1 = 1.5") == []
    assert numeric_runs("= -0.8 · ? · ? = ?") == []
    assert numeric_runs("J = 0.32: the cost fell from 0.5 at epoch 1") == []
    assert check_equation("Press Forward, or Step to go one node at a time.") == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("-0.00283", -0.00283),
        ("−0.00283", -0.00283),
        ("1.5", 1.5),
        (".5", 0.5),
        ("-9.436e-7", -9.436e-7),
        ("1.2e+5", 1.2e5),
        ("1.2E5", 1.2e5),
        ("-9.436×10⁻⁷", -9.436e-7),
        ("9.436 · 10⁻⁷", 9.436e-7),
        ("1.2×10⁵", 1.2e5),
        ("10⁻³", 1e-3),
        ("−(−3)", 3),
        ("2 + 3 · 4", 14),
        ("(2 + 3) × 4", 20),
        ("1 - 2 - 3", -4),
        ("8 / 2 / 2", 2),
        ("8 ÷ 4 · 2", 4),
        ("-2 · -3", 6),
        ("+1 - -1", 2),
    ],
)
def test_numbers_and_operators_evaluate_with_the_usual_precedence(text: str, value: float):
    interval = evaluate(text)
    assert interval.low <= value <= interval.high


def test_times_ten_without_a_superscript_is_a_product():
    assert check_equation("2 × 10 = 20") == []
    assert check_equation("2 × 10 = 2e-10") != []


@pytest.mark.parametrize("segment", ["0.5 -", "(1", "1)", "2 (3)", "(1)(2)", "· 2", "1 2", "1 / 0", "1e999"])
def test_a_numeric_segment_that_cannot_be_evaluated_is_a_problem_not_a_crash(segment: str):
    problems = check_equation(f"{segment} = 1")
    assert len(problems) == 1
    assert "cannot evaluate" in problems[0]
    with pytest.raises(EquationError):
        evaluate(segment)
    assert len(check_equation(f"w = {segment}")) == 1  # alone in its equation, still malformed


# --- true equations pass --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "-0.8 · 1 · 0.8 · 1 · 3 = -1.92",
        "0.5 − 0.1 · (−1.92) = 0.692",
        "w₁ := 0.5 - 0.1 · (-1.92) = 0.692",
        "dJ/dw₁ = (−0.4 · 1 · 0.8 · 1 · 3) + (−0.8 · 1 · 0.8 · 1 · 1) = −0.96 + (−0.64) = −1.6",
        "(-0.4 · 1 · 0.8 · 1 · 3) + (-0.8 · 1 · 0.8 · 1 · 1) = -0.96 + (-0.64) = -1.6",
        "-1.2 · 0.0040572032 = -0.00486864384",
        "0 · 7.5 = 0",
        "2.076 · 0.92 = 1.90992",
        "1 / 3 = 0.3333333333",
        "2 / 3 = 0.6666666667",
        "-9.436e-7 · 2 = -1.8872×10⁻⁶",
        "a₁ = ReLU(1.5) = 1.5",
        "ReLU(−0.8) = 0",
        "LeakyReLU(−0.8) = −0.008",
        "σ(0) = 0.5",
        "tanh(0.5) = 0.4621171573",
        "J = (2 − 1.2)²/2 = 0.32",
        "((2 − 1.2)² + (2 − (−0.5))²)/4 = 1.7225",
        "−(1 · ln(0.5) + (1 − 1) · ln(1 − 0.5)) = 0.6931471806",
    ],
)
def test_true_equations_pass(text: str):
    assert check_equation(text) == []


@pytest.mark.parametrize(
    "text", ["ReLU(1.5) = 0", "ReLU(−0.8) = −0.8", "σ(0) = 0.6", "(2 − 1.2)²/2 = 0.64", "(−1)² = −1", "tanh(1) = 1"]
)
def test_false_function_and_square_equations_fail(text: str):
    assert check_equation(text) != []


@pytest.mark.parametrize("segment", ["ReLU 1.5 = 1.5", "ln(0) = 1", "ln(−1) = 0"])
def test_a_function_without_parentheses_or_outside_its_domain_is_a_problem(segment: str):
    assert check_equation(segment) != []


def test_sums_with_cancellation_pass_when_rounding_explains_the_difference():
    # Each third is 1/3 rounded down: their sum is 0.9999999999, shown as 1 after rounding the exact total.
    assert check_equation("0.3333333333 + 0.3333333333 + 0.3333333333 = 1") == []
    # Two nearly equal numbers: the difference keeps only the rounding of each, ±1e-10 together.
    assert check_equation("1.234567891 - 1.23456789 = 1e-9") == []
    assert check_equation("1.234567891 - 1.23456789 = 1.5e-9") == []
    assert check_equation("-0.00283 + 0.00283 = 0") == []
    assert check_equation("0.1 + 0.2 = 0.3") == []


def test_sums_with_cancellation_fail_beyond_the_rounding():
    assert check_equation("1.234567891 - 1.23456789 = 2.1e-9") != []
    assert check_equation("0.3333333333 + 0.3333333333 + 0.3333333333 = 1.000000001") != []


# --- false equations fail -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "-0.4 · 1 · 0.8 · 1 · 3 = -1.6",
        "0.125 · 1 = -0.02935",
        "0.125 · 0 = -0.02991995918",
        "w₁ := 0.5 - 0.1 · (-1.92) = 0.5192",
        "(−0.4 · 1 · 0.8 · 1 · 3) + (−0.8 · 1 · 0.8 · 1 · 1) = −0.96 + (−0.64) = −1.5",
        "-0.96 + (-0.64) = 1.6",
        "1.2×10⁻⁷ = 1.2e-6",
    ],
)
def test_false_equations_fail(text: str):
    assert check_equation(text) != []


def test_a_problem_names_both_sides_and_the_gap():
    [problem] = check_equation("-0.4 · 1 · 0.8 · 1 · 3 = -1.6")
    assert "'-0.4 · 1 · 0.8 · 1 · 3' ≈ -0.96" in problem
    assert "'-1.6' ≈ -1.6" in problem
    assert "off by 0.64" in problem


def test_every_segment_of_a_run_is_compared():
    assert check_equation("1 + 1 = 2 = 3") != []
    assert len(check_equation("1 = 2 = 3")) == 2


# --- the interval rule at its edge ----------------------------------------------------------


def test_a_shown_number_stands_for_half_a_unit_of_its_last_digit_either_side():
    assert shown_number("1.234567891") == Interval(Fraction("1.2345678905"), Fraction("1.2345678915"))
    assert shown_number("-0.00283") == Interval(Fraction("-0.0028300000005"), Fraction("-0.0028299999995"))
    assert shown_number("-9.436e-7") == Interval(Fraction("-9.4360000005e-7"), Fraction("-9.4359999995e-7"))
    assert shown_number("0") == Interval(Fraction(0), Fraction(0))
    assert shown_number("1.5", digits=2) == Interval(Fraction("1.45"), Fraction("1.55"))


def test_a_value_off_by_just_less_than_half_a_unit_passes_and_just_more_fails():
    # 2 · 0.5 stands for 1 ± (2·5e-11 + 0.5·5e-10 + 5e-10·5e-11) ≈ 1 ± 3.5e-10, and 0.9999999996 for itself
    # ± 5e-11 (half a unit of its 10th digit): together they reach exactly 4e-10, which is the gap.
    assert check_equation("2 · 0.5 = 0.9999999996") == []
    # One unit further in the 10th digit the intervals part by about 1e-10: false.
    assert check_equation("2 · 0.5 = 0.9999999995") != []
    # The same from above, where 1.000000001 is ± 5e-10: 3.5e-10 + 5e-10 = 8.5e-10 < 1e-9.
    assert check_equation("2 · 0.5 = 1.000000001") != []
    # A value the page computed just inside half a unit of the shown number passes; just outside, it fails.
    shown = shown_number("0.125")
    assert shown.low < Fraction("0.12500000004999") < shown.high
    assert not shown.low <= Fraction("0.12500000005001") <= shown.high


def test_two_shown_numbers_agree_only_within_their_half_units():
    # 1 stands for 1 ± 5e-10 and 0.9999999995 for itself ± 5e-11: they touch 5.5e-10 apart.
    assert check_equation("1 = 0.9999999995") == []
    assert check_equation("1 = 0.9999999994") != []
    # One unit of the 10th digit apart: each may be half a unit off, towards the other.
    assert check_equation("1.234567891 = 1.234567892") == []
    assert check_equation("1.234567891 = 1.234567893") != []


def test_rounding_that_crosses_a_power_of_ten_still_passes():
    # 9.99999999996 rounds to 10 (shown as "10"), whose last digit is a whole power bigger.
    assert check_equation("4.99999999998 + 4.99999999998 = 10", digits=12) == []
    assert check_equation("4.999999999 + 5 = 10") == []


# --- properties: what the page computes in floating point always checks --------------------

# Float rounding is relative only for normal numbers: results that underflow (below about 1e-308) are
# beyond the 1e-12 relative slack, and beyond any number the page deals in.
finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False).filter(
    lambda v: v == 0 or abs(v) > 1e-100
)
nonzero = finite.filter(lambda v: abs(v) > 1e-6)


@given(st.lists(st.tuples(finite, finite), min_size=1, max_size=4))
def test_a_sum_of_products_computed_in_floats_always_checks(terms: list[tuple[float, float]]):
    products = [a * b for a, b in terms]
    total = sum(products)
    left = " + ".join(f"({page_number(a)} · {page_number(b)})" for a, b in terms)
    middle = " + ".join(f"({page_number(p)})" for p in products)
    assert check_equation(f"{left} = {middle} = {page_number(total)}") == []


@given(nonzero, nonzero, nonzero)
def test_an_update_computed_in_floats_always_checks(w: float, rate: float, gradient: float):
    after = w - rate * gradient
    assert (
        check_equation(
            f"w := {page_number(w)} - {page_number(rate)} · ({page_number(gradient)}) = {page_number(after)}"
        )
        == []
    )


@given(nonzero, nonzero, nonzero)
def test_a_product_off_by_a_millionth_always_fails(a: float, b: float, c: float):
    product = a * b * c
    assert (
        check_equation(f"{page_number(a)} · {page_number(b)} · {page_number(c)} = {page_number(product * (1 + 1e-6))}")
        != []
    )


@pytest.mark.parametrize(
    "text",
    [
        "|−4| = 4",
        "|2 − 5| = 3",
        "|0| = 0",
        "(−2)^3 = −8",
        "(−2)^2 = 4",
        "(−2)^−1 = −0.5",
        "5^0.5 = 2.236067977",
        "2^−2 = 0.25",
        "max(−10, −4) = −4",
        "max(3, 3) = 3",
        "max(1 + 2, 2 · 2) = 4",
    ],
)
def test_the_expression_gates_forms_hold_when_true(text: str):
    assert check_equation(text) == []


@pytest.mark.parametrize(
    "text",
    ["|−4| = −4", "(−2)^3 = 8", "(−2)^−1 = 0.5", "5^0.5 = 2.2360679", "max(−10, −4) = −10", "max(1, 2) = 1"],
)
def test_the_expression_gates_forms_fail_when_false(text: str):
    assert check_equation(text) != []


@pytest.mark.parametrize("segment", ["(−2)^0.5 = 1", "0^−1 = 1", "max(1 2) = 2", "|3 = 3", "2^99 = 1"])
def test_a_gate_form_outside_its_domain_or_unclosed_is_a_problem(segment: str):
    assert check_equation(segment) != []


def test_a_comma_outside_max_is_prose():
    assert check_equation("0.5, 0.3 = 7") == []

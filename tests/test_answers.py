"""The one answer checker: its reading rule, its verdicts, and that it accepts every number the site shows."""

import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webapp.presentation import notation
from webapp.presentation.answers import MAX_ANSWER_CHARS, check_number, read_number

# --- The rounding rule -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected", "status"),
    [
        # Exactly half a unit of the last digit away is still right; a hair further is not.
        ("0.12", 0.125, "right"),
        ("0.12", 0.1250001, "wrong"),
        ("0.13", 0.125, "right"),
        ("0.13", 0.1249999, "wrong"),
        # 0.695 is stored just below 0.695: float noise must not move the edge.
        ("0.69", 0.695, "right"),
        ("0.69", 0.6951, "wrong"),
        ("-1.9", -1.95, "right"),
        ("-1.9", -1.9500001, "wrong"),
        # Rounded to 2 significant digits or more is right; coarser is "give more digits".
        ("0.69", 0.692, "right"),
        ("0.692", 0.6920000000000001, "right"),
        ("0.6920", 0.692, "right"),
        ("0.7", 0.692, "more_digits"),
        ("0", 0.3, "more_digits"),
        ("0.00", 0.003, "more_digits"),
        ("0.004", 0.0040572032, "more_digits"),
        ("0.0041", 0.0040572032, "right"),
        ("0.0040", 0.0040572032, "wrong"),
        # An exact value needs no second digit.
        ("3", 3.0, "right"),
        ("0", 0.0, "right"),
        ("-0", 0.0, "right"),
        ("1", 1.0, "right"),
        ("2", 1.0, "wrong"),
    ],
)
def test_rounding_rule_on_both_sides_of_its_edge(typed, expected, status):
    assert check_number(typed, expected).status == status


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        # The forms the issue found read by one rule and not the other.
        ("1.5e0", 1.5),
        ("6.92e-1", 0.692),
        ("- 1.2", -1.2),
        ("2.463134515×10⁻⁶", 2.463134515e-06),
        ("2.463134515e−06", 2.463134515e-06),
        # Minus signs, a leading plus, decimal commas, spaces.
        ("-0.64", -0.64),
        ("−0.64", -0.64),
        (" −0.64 ", -0.64),
        ("\u2009−\u20090.64\xa0", -0.64),
        ("-0,64", -0.64),
        ("−,64", -0.64),
        ("-.64", -0.64),
        ("-0.640", -0.64),
        ("+1.5", 1.5),
        ("+ 1.5", 1.5),
        ("1.", 1.0),
        # Powers of ten, written every way a student or the site writes them.
        ("1e3", 1000.0),
        ("1E+03", 1000.0),
        ("2.5e-6", 2.5e-6),
        ("2.5 × 10⁻⁶", 2.5e-6),
        ("2.5·10⁻⁶", 2.5e-6),
        ("2.5⋅10⁻⁶", 2.5e-6),
        ("2,5×10⁻⁶", 2.5e-6),
        ("2.5x10^-6", 2.5e-6),
        ("2.5 * 10^-6", 2.5e-6),
        ("2.5×10^−6", 2.5e-6),
        ("−1.7×10³⁰⁸", -1.7e308),
        ("1.2×10⁺³", 1200.0),
        ("15·10⁻¹", 1.5),
    ],
)
def test_every_documented_form_reads_right(typed, expected):
    assert check_number(typed, expected).status == "right", typed


@pytest.mark.parametrize(
    "typed",
    [
        "abc",
        "1,2,3",
        "1,5.2",
        "--1",
        "1-",
        "0x10",
        "1.2.3",
        "+-1",
        "∞",
        "inf",
        "NaN",
        "-",
        ".",
        ",",
        "1e",
        "e5",
        "1 000",
        "1 . 2",
        "1×10",
        "×10⁻⁶",
        "1e99999",
        "1.5 e3",
        "١",
        "½",
        "1/2",
        "2.5×10⁻",
        "10^3",
    ],
)
def test_unreadable_answers(typed):
    feedback = check_number(typed, 1.0)
    assert feedback.status == "unreadable"
    assert "−0.64" in feedback.message


def test_an_empty_answer_is_unanswered():
    assert check_number("  ", 1.0).status == "unanswered"
    assert check_number("", 1.0).message


def test_long_input_is_not_read_and_costs_nothing():
    digits = "1" * (MAX_ANSWER_CHARS - 1)
    assert read_number(digits) is not None
    started = time.process_time()
    for hostile in ("1" * 10**6, "1" + " " * 10**6 + "x", "-" * 10**6, "1e" + "9" * 10**6):
        assert check_number(hostile, 1.0).status == "unreadable"
    assert time.process_time() - started < 0.5


# --- The verdicts ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected", "status", "says"),
    [
        # Predict mode said "Give at least 2 significant digits" to all of these.
        ("7", 1.5, "wrong", "Not quite"),
        ("-2", 1.5, "wrong", "Not quite"),
        ("0", 1.5, "wrong", "Not quite"),
        ("0.8", -0.8, "wrong_sign", "check the sign"),
        ("-1.5", 1.5, "wrong_sign", "check the sign"),
        ("0.64", -0.64, "wrong_sign", "check the sign"),
        ("0.5", -0.64, "wrong", "Not quite"),
        # Only a correct rounding with too few digits asks for more.
        ("2", 1.5, "more_digits", "at least 2 significant digits"),
        ("0.7", 0.692, "more_digits", "at least 2 significant digits"),
        ("-0.7", 0.692, "wrong", "Not quite"),
        ("0", 2.463134515e-06, "more_digits", "at least 2 significant digits"),
        ("1.5", 1.5, "right", "Right"),
    ],
)
def test_each_verdict_and_its_message(typed, expected, status, says):
    feedback = check_number(typed, expected)
    assert (feedback.status, feedback.right) == (status, status == "right")
    assert says in feedback.message
    if status != "wrong_sign":
        assert "the sign" not in feedback.message


# --- Every number the site shows is accepted ---------------------------------------------------

shown_values = st.floats(allow_nan=False, allow_infinity=False) | st.floats(-1e-3, 1e-3) | st.floats(-1e4, 1e4)


@given(shown_values)
def test_every_number_the_site_writes_reads_back_right(value):
    assert check_number(notation.number(value), value).status == "right", notation.number(value)
    assert check_number(notation.number(value, compact=True), value).status in ("right", "more_digits")


# --- POST /api/answers/check -------------------------------------------------------------------


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)  # a busy machine: no timing bound
@given(shown_values)
def test_the_endpoint_accepts_every_number_the_site_writes(client, value):
    for text in (notation.number(value), notation.number(value, compact=True)):
        response = client.post("/api/answers/check", json={"answer": text, "expected": value})
        assert response.status_code == 200
        assert response.get_json()["status"] in ("right", "more_digits")


@pytest.mark.parametrize(
    ("answer", "expected", "status", "says"),
    [
        ("1.5e0", 1.5, "right", "Right"),
        ("0.8", -0.8, "wrong_sign", "sign"),
        ("2", 1.5, "more_digits", "digits"),
        ("two", 2, "unreadable", "Write a number"),
        ("", 2, "unanswered", "No answer"),
    ],
)
def test_the_endpoint_gives_the_checkers_verdict(client, answer, expected, status, says):
    response = client.post("/api/answers/check", json={"answer": answer, "expected": expected})
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == status
    assert says in body["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"expected": 1.5}, "answer"),
        ({"answer": "1.5"}, "expected"),
        ({"answer": 1.5, "expected": 1.5}, "answer"),
        ({"answer": "1.5", "expected": "1.5"}, "expected"),
        ({"answer": "1.5", "expected": True}, "expected"),
        ({"answer": "1" * 10_000, "expected": 1.5}, "answer"),
        ({"answer": "1.5", "expected": 1e400}, "expected"),
        ({"answer": "1.5", "expected": 1.5, "unit": "m"}, "unit"),
    ],
)
def test_the_endpoint_names_each_bad_field(client, body, field):
    data = json.dumps(body).replace("Infinity", "1e400")
    response = client.post("/api/answers/check", data=data, content_type="application/json")
    assert response.status_code == 400
    assert field in [e["field"] for e in response.get_json()["errors"]]


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        (b'{"answer": "1", "expected": NaN}', ["body"]),
        (b"[1]", ["body"]),
        (b"{", ["body"]),
        (b"", ["answer", "expected"]),
    ],
)
def test_the_endpoint_refuses_what_is_not_a_check(client, data, fields):
    response = client.post("/api/answers/check", data=data, content_type="application/json")
    assert response.status_code == 400
    assert [e["field"] for e in response.get_json()["errors"]] == fields


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_the_endpoint_takes_json_only(client, content_type):
    data = b'{"answer": "1.5", "expected": 1.5}'
    response = client.post("/api/answers/check", data=data, content_type=content_type)
    assert response.status_code == 415
    assert response.get_json()["errors"][0]["field"] == "Content-Type"


@pytest.mark.parametrize(
    ("typed", "status"),
    [
        *((t, "right") for t in ("0.692", "0,692", "+0.692", "0.69", "0.6920", "6.92e-1", "6.92×10⁻¹")),
        ("0.7", "more_digits"),
        ("-0.69", "wrong_sign"),
        ("0.68", "wrong"),
        ("0.6921", "wrong"),
        ("1,000.5", "unreadable"),
    ],
)
def test_the_examples_of_docs_answers_md(typed, status):
    assert check_number(typed, 0.692).status == status

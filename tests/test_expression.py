"""POST /api/expression: a formula's graph and both passes, against the published examples, micrograd
itself, and autograd on random expressions; every bad formula refused at its character."""

import math
import re

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from micrograd.engine import Value

from webapp.request import limits


def _post(client, expression, values=None, **extra):
    return client.post("/api/expression", json={"expression": expression, "values": values or {}, **extra})


def _ok(client, expression, values, **extra):
    response = _post(client, expression, values, **extra)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _error(client, expression, values=None, **extra):
    response = _post(client, expression, values, **extra)
    assert response.status_code == 400, response.get_json()
    (error,) = response.get_json()["errors"]
    return error


def test_cs231n_add_then_multiply(client):
    # CS231n's "Backpropagation, intuitions": f = (x + y)·z at x = −2, y = 5, z = −4.
    answer = _ok(client, "(x + y) · z", {"x": -2, "y": 5, "z": -4}, staged=True)
    assert answer["values"]["f"] == -12
    assert answer["values"]["q"] == 3
    assert [answer["grads"][name] for name in ("x", "y", "z", "q", "f")] == [-4, -4, 3, -4, 1]
    formulas = {n["id"]: n["formula"] for n in answer["graph"]["nodes"]}
    assert formulas["q"] == "q = x + y"
    assert formulas["f"] == r"f = q \cdot z"


def test_cs231n_sigmoid_neuron_gives_the_published_gradients(client):
    values = {"w0": 2, "x0": -1, "w1": -3, "x1": -2, "w2": -3}
    answer = _ok(client, "1 / (1 + exp(−(w0·x0 + w1·x1 + w2)))", values)
    assert round(answer["values"]["f"], 2) == 0.73
    assert [round(answer["grads"][w], 2) for w in ("w0", "w1", "w2")] == [-0.20, -0.39, 0.20]
    assert [round(answer["grads"][x], 2) for x in ("x0", "x1")] == [0.39, -0.59]
    # The same neuron through the sigmoid gate: the same numbers.
    gate = _ok(client, "sigmoid(w0*x0 + w1*x1 + w2)", values)
    for name in values:
        assert gate["grads"][name] == pytest.approx(answer["grads"][name], rel=1e-12)


def test_micrograd_example_matches_micrograd(client):
    # micrograd's README: e = a·b, d = e + c, L = d·f.
    numbers = {"a": 2.0, "b": -3.0, "c": 10.0, "f": -2.0}
    a, b, c, f = (Value(numbers[k]) for k in "abcf")
    loss = (a * b + c) * f
    loss.backward()
    answer = _ok(client, "L = (a*b + c)*f", numbers, staged=True)
    assert answer["output"] == "L"
    assert answer["values"]["L"] == loss.data
    assert answer["grads"]["L"] == 1
    assert {k: answer["grads"][k] for k in "abcf"} == {"a": a.grad, "b": b.grad, "c": c.grad, "f": f.grad}


def test_steps_named_as_micrograd_names_them(client):
    # micrograd's README names every step: e = a·b, d = e + c, L = d·f; the graph keeps those names.
    numbers = {"a": 2.0, "b": -3.0, "c": 10.0, "f": -2.0}
    a, b, c, f = (Value(numbers[k]) for k in "abcf")
    e = a * b
    d = e + c
    loss = d * f
    loss.backward()
    answer = _ok(client, "e = a·b; d = e + c; L = d·f", numbers)
    assert [n["id"] for n in answer["graph"]["nodes"] if n["op"]] == ["e", "d", "L"]
    expected = {"a": a.grad, "b": b.grad, "c": c.grad, "f": f.grad, "e": e.grad, "d": d.grad}
    assert {k: answer["grads"][k] for k in expected} == expected
    # A named step used twice is one node with two out-edges: f = q + q·z = q(1 + z), ∂f/∂q = 1 + z.
    twice = _ok(client, "q = x*y; q + q*z", {"x": 3, "y": 2, "z": 5})
    assert [n["id"] for n in twice["graph"]["nodes"]].count("q") == 1
    assert twice["grads"]["q"] == 6
    assert "names no operation" in _error(client, "q = x; q * 2", {"x": 1})["message"]
    assert _error(client, "q = x*y; r = q + 1; q = r * 2", {"x": 1, "y": 2})["position"] == 20


def test_a_variable_used_twice_is_one_node_whose_gradient_sums_its_branches(client):
    answer = _ok(client, "x*y + x", {"x": 3, "y": -2})
    graph = answer["graph"]
    assert [n["id"] for n in graph["nodes"]].count("x") == 1
    out_of_x = [e for e in graph["edges"] if e["source"] == "x"]
    assert len(out_of_x) == 2
    branches = sum(answer["grads"][e["target"]] * answer["local"][e["id"]] for e in out_of_x)
    assert answer["grads"]["x"] == branches == -2 + 1  # ∂(xy + x)/∂x = y + 1
    x = next(n for n in graph["nodes"] if n["id"] == "x")
    assert "adds up" in x["gate"]
    # x·x: two edges between the same two nodes, each its own id; d(x²)/dx = 2x.
    square = _ok(client, "x*x", {"x": 3})
    assert len({e["id"] for e in square["graph"]["edges"]}) == 2
    assert square["grads"]["x"] == 6


def test_each_gate_says_what_it_does_with_the_gradient(client):
    answer = _ok(client, "max(x*y, x + z)", {"x": 1, "y": 2, "z": 3}, staged=True)
    gates = {n["op"]: n["gate"] for n in answer["graph"]["nodes"] if n["op"]}
    assert "unchanged to every input" in gates["add"]
    assert "times the other input" in gates["mul"]
    assert "larger input" in gates["max"]
    # max routes all of it to the larger input (x + z = 4 > x·y = 2).
    local = answer["local"]
    assert [local[e["id"]] for e in answer["graph"]["edges"] if e["target"] == "f"] == [0, 1]


def test_unstaged_operations_are_named_by_their_own_expression(client):
    answer = _ok(client, "(x + y) * z", {"x": -2, "y": 5, "z": -4})
    nodes = {n["id"]: n for n in answer["graph"]["nodes"]}
    (inner,) = [n for n in nodes.values() if n["op"] == "add"]
    assert inner["label"] == "+"
    assert inner["tex"] == "x + y"
    (edge,) = [e for e in answer["graph"]["edges"] if e["source"] == inner["id"]]
    assert edge["symbol"] == "∂f/∂(x + y)"


@pytest.mark.parametrize(
    ("expression", "values", "position", "words"),
    [
        ("(x + y) · z +", {}, 13, "ends too soon"),
        ("x + (y", {}, 4, "never closed"),
        ("3x", {}, 0, "3 * x"),
        ("x ^ y", {}, 4, "exponent must be a number"),
        ("x ^ 40", {}, 4, "exponent is at most"),
        ("x < y", {}, 2, "cannot be part"),
        ("__import__('os')", {}, 11, "cannot be part"),
        ("x.real + 1", {}, 0, "only numbers, names"),
        ("foo(x)", {}, 0, "functions are"),
        ("exp(x, y)", {}, 0, "takes one input"),
        ("f * 2", {}, 0, "own value"),
        ("step * 2", {}, 0, "address keeps"),
        ("x", {}, 0, "at least one operation"),
        ("log(x − 3)", {"x": 1}, 0, "not positive"),
        ("y / (x − x)", {"x": 1, "y": 1}, 2, "division by zero"),
        ("exp(x)·2", {"x": 800}, 0, "overflows"),
        ("x^−1", {"x": 0}, 1, "divides by zero"),
    ],
)
def test_a_bad_formula_is_refused_at_its_character(client, expression, values, position, words):
    error = _error(client, expression, values)
    assert error["field"] == "expression"
    assert words in error["message"]
    assert error["position"] == position


def test_limits_are_checked_on_the_text(client):
    long = _error(client, "x + " * 60 + "x")
    assert long["field"] == "expression"
    assert "characters" in long["message"]
    many = "+".join(["x"] * (limits.MAX_EXPRESSION_OPERATIONS + 2))
    assert "operations" in _error(client, many)["message"]
    deep = "(" * (limits.MAX_EXPRESSION_DEPTH + 1) + "x+1" + ")" * (limits.MAX_EXPRESSION_DEPTH + 1)
    assert "parentheses" in _error(client, deep)["message"]
    names = "+".join(f"v{i}" for i in range(limits.MAX_EXPRESSION_NAMES + 1))
    assert "names" in _error(client, names)["message"]


def test_every_name_needs_a_value_and_every_value_a_name(client):
    response = _post(client, "x*y + 1", {"x": 1, "w": 2})
    assert response.status_code == 400
    fields = {e["field"]: e for e in response.get_json()["errors"]}
    assert set(fields) == {"values.y", "values.w"}
    assert fields["values.y"]["position"] == 2
    assert _post(client, "x*2", {"x": float("1e7")}).status_code == 400
    assert _post(client, "x*2", {"x": 1}, epochs=2).get_json()["errors"][0]["field"] == "epochs"


# --- Random expressions against autograd ---------------------------------------------------------

NAMES = ("x", "y", "z")
UNARY = ("exp", "log", "tanh", "sigmoid", "relu", "abs", "neg", "square", "sqrt")
BINARY = ("+", "-", "*", "/", "max")

# The reference's own functions: autograd's, written here from their textbook definitions.
REFERENCE = {
    "exp": anp.exp,
    "log": anp.log,
    "tanh": anp.tanh,
    "sigmoid": lambda a: 1 / (1 + anp.exp(-a)),
    "relu": lambda a: anp.where(a > 0, a, 0.0),
    "abs": anp.abs,
    "max": lambda a, b: anp.where(a >= b, a, b),
}


def _expressions():
    leaves = st.sampled_from(NAMES) | st.integers(1, 9).map(str)

    def extend(children):
        unary = st.tuples(st.sampled_from(UNARY), children).map(_unary)
        binary = st.tuples(st.sampled_from(BINARY), children, children).map(_binary)
        return unary | binary

    # A lone number or name, or minus a number, is no operation: the API refuses it (tested above).
    return st.recursive(leaves, extend, max_leaves=8).filter(lambda e: e.strip("−()") not in (*NAMES, *"123456789"))


def _unary(pair):
    op, a = pair
    if op == "neg":
        return f"−({a})"
    if op == "square":
        return f"({a})^2"
    if op == "sqrt":
        return f"({a})^0.5"
    return f"{op}({a})"


def _binary(triple):
    op, a, b = triple
    return f"max({a}, {b})" if op == "max" else f"({a}) {op} ({b})"


def _reference(expression: str, values: dict[str, float]):
    """f and its gradient by the names, from autograd on the formula read as Python."""
    code = expression.replace("−", "-").replace("^", "**")
    # Numbers as float64, which give inf or nan where Python's own would raise or turn complex.
    code = re.sub(r"(?<![\w.])(\d+(?:\.\d+)?)", r"_n(\1)", code)

    def f(vector):
        return eval(
            code, {"__builtins__": {}}, {**REFERENCE, "_n": np.float64, **dict(zip(NAMES, vector, strict=True))}
        )

    point = np.array([values[n] for n in NAMES])
    with np.errstate(all="ignore"):
        if not any(re.search(rf"\b{n}\b", code) for n in NAMES):  # numbers alone: nothing to differentiate
            return f(point), np.zeros(len(NAMES))
        return f(point), grad(f)(point)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])  # the client holds no state
@given(
    _expressions(),
    st.lists(st.floats(-3, 3).filter(lambda v: abs(v) > 1e-3), min_size=3, max_size=3),
    st.booleans(),
)
def test_random_expressions_match_autograd(client, expression, numbers, staged):
    values = dict(zip(NAMES, numbers, strict=True))
    used = {n: v for n, v in values.items() if re.search(rf"\b{n}\b", expression)}
    response = _post(client, expression, used, staged=staged)
    value, gradient = _reference(expression, values)
    finite = math.isfinite(value) and all(math.isfinite(g) for g in gradient)
    if response.status_code == 400:
        # Refused only where the reference has no number either (a division by zero, an overflow), or
        # where an operation is outside its domain even when a later gate hides it from autograd: a
        # logarithm of a non-positive number, a fractional power of a negative one, a power's derivative at 0.
        error = response.get_json()["errors"][0]
        assert error["field"] == "expression" and "position" in error
        domain = ("not positive", "negative number", "derivative at 0")
        assert not finite or any(words in error["message"] for words in domain), error["message"]
        return
    assert response.status_code == 200, response.get_json()
    answer = response.get_json()
    assert answer["values"][answer["output"]] == pytest.approx(float(value), rel=1e-9, abs=1e-12)
    for name, expected in zip(NAMES, gradient, strict=True):
        if name in used:
            assert answer["grads"][name] == pytest.approx(float(expected), rel=1e-8, abs=1e-10), name


def test_every_example_computes_and_its_page_draws_it(client):
    from webapp.request.expression import EXPRESSION_PRESETS, preset_query

    assert len(EXPRESSION_PRESETS) >= 4
    for preset in EXPRESSION_PRESETS.values():
        answer = _ok(client, preset["expression"], preset["values"], staged=preset["staged"])
        assert answer["grads"][answer["output"]] == 1
        page = client.get("/", query_string=preset_query(preset))
        assert page.status_code == 200
        assert 'class="notice"' not in page.get_data(as_text=True)  # no inline error: the example itself is drawn


def test_an_expression_embeds_without_an_update_or_training(client):
    html = client.get("/embed", query_string={"expr": "x*y + x", "x": "3", "y": "-2", "controls": "step,back,update"})
    text = html.get_data(as_text=True)
    assert html.status_code == 200
    # The embed asked for Update, but the graph has no update phase: the control stays out.
    assert 'data-action="update" data-control="update" hidden' in text
    assert 'data-action="step" data-control="step" aria-keyshortcuts' in text


def test_practice_is_generated_from_the_expression_and_checked(client):
    query = {"expr": "(x + y) * z", "x": "-2", "y": "5", "z": "-4"}
    page = client.get("/practice", query_string=query)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    # Each operation, each local derivative, each gradient back to the variables; no update, no cost.
    for problem in ("q", "f", "local.x-q", "local.z-f", "grads.q", "grads.x", "grads.y", "grads.z"):
        assert f'data-problem-id="{problem}"' in text
    assert 'data-problem-id="after.' not in text and 'data-problem-id="final_cost"' not in text
    body = {"expression": "(x + y) * z", "values": {"x": -2, "y": 5, "z": -4}, "staged": True}
    # CS231n's published numbers: f = −12, ∂f/∂x = −4, ∂f/∂z = 3.
    answers = {"f": "-12", "grads.x": "−4", "grads.z": "3", "grads.y": "4"}
    checked = client.post("/api/practice/check", json={**body, "answers": answers}).get_json()
    assert {k: r["status"] for k, r in checked["results"].items()} == {
        "f": "right",
        "grads.x": "right",
        "grads.z": "right",
        "grads.y": "wrong_sign",
    }
    refused = client.post("/api/practice/check", json={**body, "answers": {"J": "1"}})
    assert refused.status_code == 400
    assert refused.get_json()["errors"][0]["field"] == "answers.J"
    assert client.get("/practice", query_string={**query, "expr": "(x + y"}).status_code == 400


def test_gradient_check_compares_each_variable_with_central_differences(client):
    body = {"expression": "x*y + exp(x)", "values": {"x": 0.5, "y": -2}}
    answer = client.post("/api/expression/gradient-check", json=body).get_json()
    rows = {row["id"]: row for row in answer["params"]}
    assert set(rows) == {"x", "y"}
    # ∂/∂x (xy + eˣ) = y + eˣ, ∂/∂y = x, written out here; both ways agree to far below display precision.
    assert rows["x"]["backprop"] == pytest.approx(-2 + math.exp(0.5), rel=1e-15)
    assert rows["y"]["backprop"] == 0.5
    assert all(row["relative_error"] < 1e-8 for row in rows.values())
    assert "relative difference" in answer["message"]
    refused = client.post("/api/expression/gradient-check", json={**body, "epoch": 2})
    assert refused.status_code == 400 and refused.get_json()["errors"][0]["field"] == "epoch"


def test_the_page_offers_what_an_expression_has(client):
    text = client.get("/", query_string={"expr": "(x + y) * z", "x": "-2", "y": "5", "z": "-4"}).get_data(as_text=True)
    assert 'data-export="svg"' in text and 'data-export="json"' in text and 'data-export="png"' not in text
    assert 'id="gradient-check-button"' in text and 'id="update-equations"' not in text
    assert 'id="practice-link" href="/practice?expr=' in text


@pytest.mark.parametrize(
    ("expression", "x", "value", "derivative"),
    [
        # Saturated units, where 1 − σ and 1 − tanh² would round to 0: 50-digit references by mpmath.
        ("sigmoid(x) * 1", 40, lambda m, x: 1 / (1 + m.exp(-x)), lambda m, x: m.exp(-x) / (1 + m.exp(-x)) ** 2),
        ("tanh(x) * 1", 20, lambda m, x: m.tanh(x), lambda m, x: 1 / m.cosh(x) ** 2),
        (
            "exp(x) / (1 + exp(x))",
            -30,
            lambda m, x: m.exp(x) / (1 + m.exp(x)),
            lambda m, x: m.exp(x) / (1 + m.exp(x)) ** 2,
        ),
    ],
)
def test_saturated_gates_keep_their_digits(client, expression, x, value, derivative):
    import mpmath

    mpmath.mp.dps = 50
    answer = _ok(client, expression, {"x": x})
    assert answer["values"]["f"] == pytest.approx(float(value(mpmath, mpmath.mpf(x))), rel=1e-14)
    assert answer["grads"]["x"] == pytest.approx(float(derivative(mpmath, mpmath.mpf(x))), rel=1e-12)

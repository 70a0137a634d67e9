"""The practice set: answer checking, variants, expected numbers read from the engine, the check API and the page."""

import html
import os
import re
import subprocess
import sys

import pytest

from tests.equations import check_equation
from tests.worksheet import EPOCHS
from webapp import ROOT, service
from webapp.presentation import practice
from webapp.presentation.practice import exercise, parse_variant, splitmix64, variant_numbers

LIVE_VARIANTS = [v for v in range(1, 41) if v % practice.DEAD_EVERY]
DEAD_VARIANTS = list(range(practice.DEAD_EVERY, 101, practice.DEAD_EVERY))


# --- Variants ----------------------------------------------------------------------------------


def test_splitmix64_matches_its_published_reference():
    # The first outputs for seed 0 from Vigna's reference implementation (prng.di.unimi.it/splitmix64.c).
    draws = splitmix64(0)
    assert [next(draws) for _ in range(2)] == [0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4]


def test_variants_are_the_same_in_another_process_with_another_hash_seed():
    code = "from webapp.presentation.practice import variant_numbers as v; print([v(n) for n in (1, 17, 999999)])"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == str([variant_numbers(n) for n in (1, 17, 999999)])


def test_variant_zero_is_the_worksheet():
    numbers = variant_numbers(0)
    assert numbers == {
        "x": EPOCHS[0]["values"]["x"],
        "y": EPOCHS[0]["values"]["y"],
        "w1": EPOCHS[0]["weights"]["w1"],
        "w2": EPOCHS[0]["weights"]["w2"],
        "alpha": 0.1,
    }


def test_variants_differ_and_stay_doable_by_hand():
    seen = set()
    for variant in range(1, 201):
        n = variant_numbers(variant)
        seen.add(tuple(n.values()))
        assert n["x"] in range(1, 5) and n["y"] in range(1, 5)
        for name in ("w1", "w2"):
            tenths = n[name] * 10
            assert tenths == round(tenths) and 1 <= abs(tenths) <= 9
        assert n["alpha"] in (0.1, 0.2)
    assert len(seen) > 150


@pytest.mark.parametrize("variant", DEAD_VARIANTS)
def test_every_fifth_variant_has_a_dead_relu_and_zero_gradients(variant):
    ex = exercise(variant)
    problems = ex.problems
    assert ex.dead, "a ReLU should be dead"
    for pid in ("grads.w1", "grads.w2"):
        assert problems[pid].expected == 0
        assert problems[pid].check("0").right
        assert not problems[pid].check("0.1").right
    assert problems["after.w1"].expected == ex.numbers["w1"]
    assert problems["lower"].correct == "no"


def test_dead_variants_alternate_between_the_two_relus():
    dead_at = {tuple(exercise(v).dead) for v in DEAD_VARIANTS[:4]}
    assert dead_at == {("a1", "yhat"), ("yhat",)}


@pytest.mark.parametrize("variant", LIVE_VARIANTS)
def test_live_variants_have_something_to_learn(variant):
    ex = exercise(variant)
    assert not ex.dead
    assert ex.problems["grads.w1"].expected != 0 and ex.problems["grads.w2"].expected != 0


@pytest.mark.parametrize(
    ("raw", "variant", "refused"),
    [
        (None, 0, False),
        ("", 0, False),
        ("17", 17, False),
        (" 17 ", 17, False),
        (str(practice.MAX_VARIANT), practice.MAX_VARIANT, False),
        (str(practice.MAX_VARIANT + 1), 0, True),
        ("9" * 5000, 0, True),
        ("-1", 0, True),
        ("1.5", 0, True),
        ("abc", 0, True),
        ("1e3", 0, True),
        ("١٧", 0, True),  # digits, but not ASCII ones
    ],
)
def test_parse_variant(raw, variant, refused):
    got, message = parse_variant(raw)
    assert got == variant
    assert (message is not None) == refused


# --- Expected numbers come from the engine -----------------------------------------------------


def test_the_worksheet_expects_the_worksheets_published_numbers():
    problems = exercise(0).problems
    first, second = EPOCHS
    expected = {
        "functions": 5,  # z1, a1, z2, ŷ, J (Solution 2)
        "weights": 2,
        "yhat": first["values"]["yhat"],
        "J": first["cost"],
        **{f"local.{edge}": value for edge, value in first["local"].items()},
        "grads.w1": first["grads"]["w1"],
        "grads.w2": first["grads"]["w2"],
        "after.w1": first["after"]["w1"],
        "after.w2": first["after"]["w2"],
        "final_cost": second["cost"],
    }
    for pid, value in expected.items():
        assert problems[pid].expected == pytest.approx(value, rel=1e-12, abs=1e-12), pid
    assert problems["lower"].correct == "yes"
    assert problems["propagated"].correct == "gradients"


@pytest.mark.parametrize("variant", [0, 1, 5, 10, 17, 123, 999_999])
def test_every_expected_number_is_the_engines(variant):
    n = variant_numbers(variant)
    run = service.run(service.validate(practice.variant_request(n)))
    epoch = run["epochs"][0]
    problems = exercise(variant).problems
    checked = 0
    for pid, problem in problems.items():
        if problem.kind != "number" or pid in ("functions", "weights"):
            continue
        part, _, key = pid.partition(".")
        if pid == "final_cost":
            engine = run["final_cost"]
        elif pid in ("yhat", "J"):
            engine = epoch["values"][pid]
        else:
            engine = epoch[part][key]
        engine = engine[0] if isinstance(engine, list) else engine
        assert problem.expected == engine, pid
        checked += 1
    assert checked == 13
    graph = service.validate(practice.variant_request(n)).graph
    assert problems["functions"].expected == len(graph.forward_order())
    assert problems["weights"].expected == len(graph.params)
    assert problems["lower"].correct == ("yes" if run["final_cost"] < epoch["values"]["J"] else "no")


# --- The check API -----------------------------------------------------------------------------


def test_check_marks_right_and_wrong_and_scores_the_set(client):
    published = EPOCHS[0]
    answers = {"yhat": str(published["values"]["yhat"]), "grads.w1": "1.92", "propagated": "gradients", "J": ""}
    response = client.post("/api/practice/check", json={"variant": 0, "answers": answers})
    assert response.status_code == 200
    body = response.get_json()
    assert {pid: r["status"] for pid, r in body["results"].items()} == {
        "yhat": "right",
        "grads.w1": "wrong_sign",
        "propagated": "right",
        "J": "unanswered",
    }
    assert (body["right"], body["answered"], body["total"]) == (2, 3, len(exercise(0).problems))
    assert body["score"] == pytest.approx(2 / body["total"])
    assert response.headers["Cache-Control"] == "no-store"


def test_check_accepts_json_numbers_as_answers(client):
    body = client.post("/api/practice/check", json={"answers": {"grads.w1": EPOCHS[0]["grads"]["w1"]}}).get_json()
    assert body["results"]["grads.w1"]["right"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"variant": -1}, "variant"),
        ({"variant": True}, "variant"),
        ({"variant": "17"}, "variant"),
        ({"variant": practice.MAX_VARIANT + 1}, "variant"),
        ({"answers": []}, "answers"),
        ({"answers": {"nope": "1"}}, "answers.nope"),
        ({"answers": {"yhat": ["1"]}}, "answers.yhat"),
        ({"answers": {"yhat": "1" * 41}}, "answers.yhat"),
        ({"answers": {"lower": "maybe"}}, "answers.lower"),
        ({"extra": 1}, "extra"),
        ([], "body"),
    ],
)
def test_check_names_each_bad_field(client, body, field):
    response = client.post("/api/practice/check", json=body)
    assert response.status_code == 400
    assert field in [e["field"] for e in response.get_json()["errors"]]


@pytest.mark.parametrize(("data", "status", "field"), [(b"{", 400, "body"), (b"", 400, "body"), (b"[1]", 400, "body")])
def test_check_refuses_bad_json(client, data, status, field):
    response = client.post("/api/practice/check", data=data, content_type="application/json")
    assert response.status_code == status
    assert response.get_json()["errors"][0]["field"] == field


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_check_requires_json(client, content_type):
    response = client.post("/api/practice/check", data=b'{"answers": {}}', content_type=content_type)
    assert response.status_code == 415
    assert response.get_json()["errors"][0]["field"] == "Content-Type"


def test_check_may_be_called_from_a_sandboxed_frame(client):
    headers = {
        "Origin": "null",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    preflight = client.options("/api/practice/check", headers=headers)
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]
    assert client.post("/api/practice/check", json={}).headers["Access-Control-Allow-Origin"] == "*"


# --- The page ----------------------------------------------------------------------------------


def _equations(page: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r"<span data-equation>(.*?)</span>", page)]


@pytest.mark.parametrize("variant", [0, 1, 5, 10, 17, 999_999])
def test_every_worked_equation_on_the_page_is_true(client, variant):
    page = client.get(f"/practice?variant={variant}&key=1").get_data(as_text=True)
    equations = _equations(page)
    assert len(equations) >= 20
    for equation in equations:
        assert check_equation(equation) == [], equation


def test_the_equation_check_catches_a_wrong_number(client):
    page = client.get("/practice").get_data(as_text=True)
    wrong = [e.replace("= −1.92", "= −1.93") for e in _equations(page) if e.endswith("= −1.92")]
    assert wrong and check_equation(wrong[0])


def test_the_page_shows_the_variants_numbers(client):
    n = variant_numbers(17)
    page = client.get("/practice?variant=17").get_data(as_text=True)
    assert f"x = {n['x']}, y = {n['y']}" in page
    assert f"w₁ = {n['w1']}".replace("-", "−") in page


@pytest.mark.parametrize("raw", ["abc", "-3", "99999999999999999999999", "1.5", "%00"])
def test_a_bad_variant_shows_a_message_and_the_worksheet(client, raw):
    response = client.get("/practice", query_string={"variant": raw})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="variant-message"' in page
    assert 'data-variant="0"' in page


def test_the_page_may_be_framed_by_a_course_site(client):
    policy = client.get("/practice").headers["Content-Security-Policy"]
    assert "frame-ancestors *" in policy
    assert "frame-ancestors 'self'" in client.get("/").headers["Content-Security-Policy"]


def test_the_answer_key_shows_every_answer_and_the_handout_none(client):
    key = client.get("/practice?variant=17&key=1").get_data(as_text=True)
    handout = client.get("/practice?variant=17").get_data(as_text=True)
    problems = exercise(17).problems
    assert key.count('<details class="solution" open>') == len(problems)
    assert '<details class="solution" open>' not in handout
    assert 'class="check-button' not in key


def test_the_front_page_links_to_practice(client):
    assert 'href="/practice"' in client.get("/").get_data(as_text=True)

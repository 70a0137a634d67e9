"""Practice: variants, problems generated for any network, every shown answer against an independent
reference and the one checker, worked equations true, worksheets as files, the check API and the page."""

import html
import json
import os
import re
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import mpmath
import pytest

from tests.equations import check_equation, comparison_count
from tests.reference import Ids, Spec, mp_run
from tests.worksheet import EPOCHS
from webapp import ROOT
from webapp.presentation.answers import check_number
from webapp.request import practice as sheets
from webapp.request.practice import parse_variant, splitmix64

WORKSHEETS = sheets.worksheet_names()  # every file, a teacher's new one included
# Networks as the main page's query, worksheets as their name: many shapes, activations and losses.
CASES = [
    *(f"worksheet={name}" for name in WORKSHEETS),
    "preset=two_hidden",
    "hidden=2&act=sigmoid&bias=1",
    "preset=xor",
    "hidden=2,2&act=tanh&act=linear&x=1 2&y=3&lr=0.05",
]
VARIANTS = [0, 1, 5, 10, 17]


def _page(client, query: str) -> tuple[str, dict]:
    response = client.get(f"/practice?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[-800:]
    page = response.get_data(as_text=True)
    data = json.loads(re.search(r'<script type="application/json" id="practice-data">(.*?)</script>', page, re.S)[1])
    return page, data


def _forms(page: str) -> dict[str, str]:
    return dict(re.findall(r'<form class="problem" data-problem-id="([^"]+)"(.*?)</form>', page, re.S))


def _shown_answers(page: str) -> dict[str, str]:
    """Each problem's answer as the answer key shows it (for a choice, the option it checks)."""
    answers = {}
    for pid, form in _forms(page).items():
        number = re.search(r'value="([^"]*)" readonly', form)
        answers[pid] = html.unescape(number[1] if number else re.search(r'value="([^"]+)" checked', form)[1])
    return answers


def _reference(data: dict) -> dict[str, object]:
    """Every number a practice set asks for, by problem id, from tests/reference.py's 50-digit model of the
    network given only its shape and its starting numbers (as the page states them)."""
    shape = data["check"]
    ids = Ids(shape["layers"], shape["bias"])
    values = data["epochs"][0]["values"]
    weights = [[[values[w] for w in row] for row in matrix] for matrix in ids.w]
    biases = [[values[b] for b in row] for row in ids.b]
    samples = len(values[ids.x[0]])
    x = [[values[i][s] for i in ids.x] for s in range(samples)]
    y = [[values[i][s] for i in ids.y] for s in range(samples)]
    spec = Spec(tuple(shape["layers"]), tuple(shape["activations"]), shape["loss"], shape["bias"])
    run = mp_run(spec, weights, biases, x, y, data["learningRate"], 1)
    epoch = run["epochs"][0]
    first = lambda v: v[0] if isinstance(v, list) else v  # noqa: E731
    nodes = [i for row in ids.z + ids.a for i in row]
    expected: dict[str, object] = {"functions": len(nodes) + 1, "weights": sum(len(r) for m in ids.w for r in m)}
    if ids.b:
        expected["biases"] = sum(len(r) for r in ids.b)
    expected |= {n: first(epoch["values"][n]) for n in [*nodes, "J"]}
    expected |= {f"local.{e}": first(v) for e, v in epoch["local"].items()}
    expected |= {f"grads.{n}": first(v) for n, v in epoch["grads"].items() if n not in ids.x + ids.y + ["J"]}
    flat = lambda nested: [v for part in nested for v in (flat(part) if isinstance(part, list) else [part])]  # noqa: E731
    for names, after in ((ids.w, epoch["weights_after"]), (ids.b, epoch["biases_after"])):
        expected |= {f"after.{p}": v for p, v in zip(flat(names), flat(after), strict=True)}
    expected["final_cost"] = run["final_cost"]
    expected["lower"] = "yes" if run["final_cost"] < epoch["cost"] else "no"
    return expected


# --- Variants ----------------------------------------------------------------------------------------


def test_splitmix64_matches_its_published_reference():
    # The first outputs for seed 0 from Vigna's reference implementation (prng.di.unimi.it/splitmix64.c).
    draws = splitmix64(0)
    assert [next(draws) for _ in range(2)] == [0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4]


# The worksheet's variants as its first version drew them (x, y, w1, w2, α): links handed out keep their numbers.
# 749 first draws ŷ = y and draws again; 5 and 10 have a dead ReLU.
FIRST_VERSION = {
    1: (2, 4, 0.4, 0.3, 0.2),
    2: (3, 3, 0.1, 0.4, 0.2),
    5: (3, 1, 0.9, -0.3, 0.2),
    10: (3, 3, -0.4, 0.5, 0.1),
    17: (4, 2, 0.9, 0.7, 0.1),
    749: (3, 1, 0.2, 0.9, 0.1),
    999_999: (2, 3, 0.6, 0.6, 0.2),
}


@pytest.mark.parametrize("variant", FIRST_VERSION)
def test_the_worksheets_variants_keep_their_numbers(client, variant):
    values = _page(client, f"worksheet=backprop&variant={variant}")[1]["epochs"][0]["values"]
    data = _page(client, f"variant={variant}")[1]  # the old link, without the worksheet's name
    shown = (values["x"][0], values["y"][0], values["w1"], values["w2"], data["learningRate"])
    assert shown == FIRST_VERSION[variant]
    assert data["epochs"][0]["values"] == values


def test_variants_are_the_same_in_another_process_with_another_hash_seed():
    code = (
        "from webapp.request.practice import variant_bodies as v; from webapp.request.resolve import resolve;"
        "c = resolve({'preset': 'two_hidden'}).config(); print([next(v(c, n)) for n in (1, 17, 999999)])"
    )
    outs = [
        subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True
        ).stdout
        for seed in ("1", "12345")
    ]
    assert outs[0] == outs[1] and b"weights" in outs[0]


@pytest.mark.parametrize("query", ["worksheet=backprop", "preset=two_hidden", "hidden=2,2&act=tanh&act=relu"])
def test_variants_differ_and_stay_doable_by_hand(client, query):
    seen = set()
    for variant in range(1, 31):
        _, data = _page(client, f"{query}&variant={variant}")
        values, graph = data["epochs"][0]["values"], data["graph"]
        inputs = [v for n in graph["nodes"] if n["kind"] == "input" for v in values[n["id"]]]
        params = [values[n["id"]] for n in graph["nodes"] if n["param"]]
        assert all(v in (1, 2, 3, 4) for v in inputs)
        assert all(Fraction(str(p)) * 10 == round(p * 10) and 1 <= abs(round(p * 10)) <= 9 for p in params)
        assert data["learningRate"] in (0.1, 0.2)
        seen.add(tuple(inputs + params))
    assert len(seen) > 25


@pytest.mark.parametrize("query", ["worksheet=backprop", "preset=two_hidden"])
def test_every_fifth_variant_has_a_dead_relu_and_the_layers_take_turns(client, query):
    dead = [_page(client, f"{query}&variant={v}")[1]["epochs"][0]["dead"] for v in range(5, 41, 5)]
    assert all(dead)
    assert len({tuple(d) for d in dead}) == 2
    live = [_page(client, f"{query}&variant={v}")[1]["epochs"][0]["dead"] for v in (1, 2, 3, 4, 6)]
    assert not any(live)


def test_a_relu_silenced_by_a_dead_one_before_it_is_not_called_dead(client):
    """x → a₁ = ReLU(w₁x) → ŷ = ReLU(w₂a₁), worked by hand from each variant's numbers: a ReLU whose own
    input is ≤ 0 is dead; ŷ with a₁ = 0 only gets nothing, and the page says which is which."""
    for variant in range(0, 41, 5):
        page, data = _page(client, f"worksheet=backprop&variant={variant}")
        values = data["epochs"][0]["values"]
        z1 = values["w1"] * values["x"][0]
        a1 = max(z1, 0.0)
        note = re.search(r'id="dead-note">([^<]*)<', page)
        if z1 > 0 and values["w2"] * a1 > 0:
            assert note is None, variant
            continue
        said = html.unescape(note[1])
        if z1 <= 0:
            assert said.startswith("In these numbers the ReLU at a₁ (z₁ at most −") and "(a dead ReLU)" in said
            assert "the ReLU at ŷ is not dead itself but gets nothing from the layer before" in said, said
        else:
            assert said.startswith("In these numbers the ReLU at ŷ (z₂ at most −") and "not dead itself" not in said


@pytest.mark.parametrize(
    ("raw", "variant", "refused"),
    [
        (None, 0, False),
        ("", 0, False),
        (" 17 ", 17, False),
        (str(sheets.MAX_VARIANT), sheets.MAX_VARIANT, False),
        (str(sheets.MAX_VARIANT + 1), 0, True),
        ("9" * 5000, 0, True),
        ("-1", 0, True),
        ("1.5", 0, True),
        ("1e3", 0, True),
        ("١٧", 0, True),  # digits, but not ASCII ones
    ],
)
def test_parse_variant(raw, variant, refused):
    got, message = parse_variant(raw)
    assert got == variant
    assert (message is not None) == refused


# --- Problems from the graph, for any network ---------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "layers"), [("preset=two_hidden", [1, 2, 1]), ("hidden=2&act=sigmoid&bias=1", [1, 2, 1])]
)
def test_every_node_edge_and_parameter_has_its_problems(client, query, layers):
    page, _ = _page(client, query)
    ids = Ids(layers, bias=True)
    nodes = [i for row in ids.z + ids.a for i in row]
    params = [w for m in ids.w for r in m for w in r] + [b for r in ids.b for b in r]
    edges = [e for e in ids.edges() if e.split("-")[0] not in ids.x + ids.y]
    expected = {*nodes, "J", *(f"local.{e}" for e in edges), *(f"grads.{n}" for n in nodes + params)}
    expected |= {f"after.{p}" for p in params} | {"functions", "weights", "biases", "final_cost", "lower"}
    assert set(_forms(page)) == expected


def test_the_seed_worksheet_keeps_its_17_problems_in_order(client):
    page, _ = _page(client, "worksheet=backprop")
    order = ["propagated", "functions", "weights", "yhat", "J", "local.yhat-J", "local.z2-yhat", "local.w2-z2"]
    order += ["local.a1-z2", "local.z1-a1", "local.w1-z1", "grads.w1", "grads.w2", "after.w1", "after.w2"]
    assert list(_forms(page)) == [*order, "final_cost", "lower"]


def test_the_seed_worksheet_expects_its_published_numbers(client):
    answers = _shown_answers(_page(client, "worksheet=backprop&key=1")[0])
    first, second = EPOCHS
    published = {
        "functions": 5,  # z1, a1, z2, ŷ, J (Solution 2)
        "weights": 2,
        "yhat": first["values"]["yhat"],
        "J": first["cost"],
        **{f"local.{edge}": value for edge, value in first["local"].items()},
        **{f"grads.{w}": first["grads"][w] for w in ("w1", "w2")},
        **{f"after.{w}": first["after"][w] for w in ("w1", "w2")},
        "final_cost": second["cost"],
    }
    for pid, value in published.items():
        assert check_number(answers[pid], value).right, pid
        assert float(answers[pid].replace("−", "-")) == pytest.approx(value, rel=1e-12), pid
    assert (answers["lower"], answers["propagated"]) == ("yes", "gradients")


def test_the_step_by_step_example_gives_its_published_numbers(client):
    answers = _shown_answers(_page(client, "worksheet=step_by_step&key=1")[0])
    # E_total after the forward pass, and w5 (output 1's weight from hidden 1) after the first update.
    for pid, published in (("J", "0.298371109"), ("after.w2_1_1", "0.35891648")):
        assert check_number(published, float(answers[pid])).right, pid
        assert abs(float(answers[pid]) - float(published)) <= 0.5 * 10 ** -len(published.split(".")[1])


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("query", CASES)
def test_every_shown_answer_is_the_references_and_the_checker_accepts_it(client, query, variant):
    page, data = _page(client, f"{query}&variant={variant}&key=1")
    shown = _shown_answers(page)
    reference = _reference(data)
    for pid, text in shown.items():
        if pid == "propagated":
            continue  # the worksheet's own question: checked through the API below
        if isinstance(reference[pid], str):
            assert text == reference[pid], pid
            continue
        with mpmath.workdps(50):
            value = reference[pid]
            assert check_number(text, float(value)).right, (pid, text, value)
            assert abs(mpmath.mpf(text.replace("−", "-").replace("×10", "e")) - value) <= 5e-10 * max(1, abs(value))
    body = client.post("/api/practice/check", json={**data["check"], "variant": variant, "answers": shown}).get_json()
    assert body["right"] == body["total"] == len(shown), body


@pytest.mark.parametrize("variant", [99, 121, 837, 2098])
def test_a_tiny_cost_is_shown_in_a_form_the_checker_reads(client, variant):
    """Final costs under 10⁻⁴ (the first version's key wrote 2.463134515e−06); the one checker reads what the key shows."""
    page, data = _page(client, f"worksheet=backprop&variant={variant}&key=1")
    shown = _shown_answers(page)
    assert float(shown["final_cost"]) < 1e-4
    body = client.post("/api/practice/check", json={**data["check"], "variant": variant, "answers": shown}).get_json()
    assert body["results"]["final_cost"]["status"] == "right", body["results"]["final_cost"]


def _steps(page: str) -> list[dict]:
    pattern = r'<span data-equation data-build="(\w+)" data-node="([^"]+)" data-epoch="(\d)">'
    return [{"build": b, "node": n, "epoch": e} for b, n, e in re.findall(pattern, page)]


def test_every_worked_equation_is_true(client):
    """The page's equations as its script writes them (node, the page's own modules), for many networks and
    variants, each checked by tests/equations.py: every number parsed back and the arithmetic redone."""
    pages = [_page(client, f"{q}&variant={v}") for q in CASES for v in VARIANTS]
    jobs = [{"data": data, "steps": _steps(page)} for page, data in pages]
    script = Path(ROOT) / "tests" / "practice_solutions.mjs"
    out = subprocess.run(["node", str(script)], input=json.dumps(jobs), capture_output=True, text=True, check=True)
    texts = json.loads(out.stdout)
    for job, written in zip(jobs, texts, strict=True):
        assert len(written) == len(job["steps"]) > 0
        problems = [p for text in written for p in check_equation(text)]
        assert not problems, problems
        assert sum(comparison_count(text) for text in written) >= len(job["steps"]) // 2
        kinds = {s["build"] for s, text in zip(job["steps"], written, strict=True) if comparison_count(text)}
        assert kinds == {"worked", "accumulation", "update"}, kinds


def test_the_equation_check_catches_a_wrong_number():
    assert check_equation("0.5 · 3 = 1.5") == []
    assert check_equation("0.5 · 3 = 1.6")


# --- Worksheets ---------------------------------------------------------------------------------------


def test_practice_lists_every_worksheet(client):
    page = client.get("/practice").get_data(as_text=True)
    assert {"backprop", "step_by_step", "xor"} <= set(WORKSHEETS)
    for name in WORKSHEETS:
        assert f'href="/practice?worksheet={name}"' in page
        assert html.escape(sheets.load_worksheet(name).title, quote=False) in page
    assert 'href="/practice?preset=two_hidden"' in page


def test_every_file_in_the_folder_is_a_valid_worksheet():
    files = sorted(sheets.WORKSHEETS.glob("*.toml"))
    assert len(files) == len(WORKSHEETS) + 1  # and the unlisted one for any network
    for path in files:
        assert sheets.load_worksheet(path.stem, unlisted=True).sections


@pytest.mark.parametrize("name", WORKSHEETS)
def test_each_worksheet_validates_and_opens_at_its_first_last_and_a_dead_variant(client, name):
    sheet = sheets.load_worksheet(name)
    for variant in (sheet.variants.first, sheet.variants.last, 5, 10):
        page, data = _page(client, f"worksheet={name}&variant={variant}")
        assert html.escape(sheet.title, quote=False) in page
        assert data["check"]["worksheet"] == name


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('title = "T"\n[[sections]]\ntitle = "S"\n[[sections.problems]]\nid = "J"\nevery = "value"\n', "sections[0].problems[0]"),
        ('title = "T"\n', "sections"),
        ('title = "T"\nsize = 3\n[[sections]]\ntitle = "S"\nproblems = [{every = "value"}]\n', "size"),
        ('title = "T"\n[[sections]]\ntitle = "S"\nproblems = [{id = "q", choices = {a = "A"}, answer = "b"}]\n', "sections[0].problems[0]"),
        ("title = ", "not valid TOML"),
    ],
)  # fmt: skip
def test_a_bad_worksheet_file_is_named_with_its_field(monkeypatch, tmp_path, text, field):
    (tmp_path / "bad.toml").write_text(text, encoding="utf-8")
    monkeypatch.setattr(sheets, "WORKSHEETS", tmp_path)
    with pytest.raises(sheets.WorksheetError, match=re.escape(f"bad.toml: {field}")):
        sheets.load_worksheet("bad")


def test_a_worksheets_network_reads_as_the_main_pages_query():
    network = {"preset": "two_hidden", "bias": False, "act": ["tanh", "linear"], "lr": 0.5, "w1_2_1": -0.25}
    sheet = sheets.Worksheet.model_validate({"title": "T", "network": network, "sections": [{"title": "S", "problems": [{"every": "value"}]}]})  # fmt: skip
    body = sheets.network_body(sheet.query())
    assert body == {"preset": "two_hidden", "bias": False, "activations": ["tanh", "linear"], "learning_rate": 0.5, "params": {"w1_2_1": -0.25}}  # fmt: skip


def test_a_worksheet_asking_for_a_problem_its_network_lacks_says_which(client, monkeypatch, tmp_path):
    text = 'title = "T"\n[[sections]]\ntitle = "S"\nproblems = [{id = "grads.w9"}]\n'
    (tmp_path / "odd.toml").write_text(text, encoding="utf-8")
    monkeypatch.setattr(sheets, "WORKSHEETS", tmp_path)
    response = client.get("/practice?worksheet=odd")
    assert response.status_code == 400
    assert "odd.toml: sections[0].problems[0].id" in html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize("query", ["worksheet=nope", "worksheet=../etc/passwd", "hidden=x", "preset=zzz", "lr=-1"])
def test_a_bad_worksheet_or_setting_says_so_beside_the_list(client, query):
    response = client.get(f"/practice?{query}")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'class="variant-message" role="alert"' in page and "worksheet=backprop" in page


# --- The check API ------------------------------------------------------------------------------------


def test_check_marks_right_and_wrong_and_scores_the_set(client):
    published = EPOCHS[0]
    answers = {"yhat": str(published["values"]["yhat"]), "grads.w1": "1.92", "propagated": "gradients", "J": ""}
    response = client.post("/api/practice/check", json={"variant": 0, "answers": answers})
    assert response.status_code == 200
    body = response.get_json()
    statuses = {pid: r["status"] for pid, r in body["results"].items()}
    assert statuses == {"yhat": "right", "grads.w1": "wrong_sign", "propagated": "right", "J": "unanswered"}
    assert (body["right"], body["answered"], body["total"]) == (2, 3, 17)
    assert response.headers["Cache-Control"] == "no-store"


def test_check_takes_the_training_fields_of_any_network(client):
    # two_hidden: x = 3, w1 = (0.5, −0.3), b1 = (0, 0.1), so z1_1 = 1.5 and z1_2 = −0.8; α = 0.1.
    fields = {"preset": "two_hidden", "learning_rate": 0.2}
    answers = {"z1_1": "1.5", "z1_2": "-0.8", "a1_2": "0", "after.w1_1_1": "0.5"}
    body = client.post("/api/practice/check", json={**fields, "answers": answers}).get_json()
    assert {pid: r["status"] for pid, r in body["results"].items()} == {
        "z1_1": "right",
        "z1_2": "right",
        "a1_2": "right",
        "after.w1_1_1": "wrong",  # w1_1_1 moves: its gradient is not 0
    }
    assert body["total"] > 17
    # The same ids on the worksheet's own network do not exist.
    response = client.post("/api/practice/check", json={"answers": {"z1_1": "1.5"}})
    assert response.status_code == 400 and response.get_json()["errors"][0]["field"] == "answers.z1_1"


def test_check_accepts_json_numbers_as_answers(client):
    body = client.post("/api/practice/check", json={"answers": {"grads.w1": EPOCHS[0]["grads"]["w1"]}}).get_json()
    assert body["results"]["grads.w1"]["right"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"variant": -1}, "variant"),
        ({"variant": True}, "variant"),
        ({"variant": "17"}, "variant"),
        ({"variant": sheets.MAX_VARIANT + 1}, "variant"),
        ({"answers": []}, "answers"),
        ({"answers": {"nope": "1"}}, "answers.nope"),
        ({"answers": {"yhat": ["1"]}}, "answers.yhat"),
        ({"answers": {"yhat": "1" * 41}}, "answers.yhat"),
        ({"answers": {"lower": "maybe"}}, "answers.lower"),
        ({"answers": {f"a{i}": "1" for i in range(201)}}, "answers"),
        ({"worksheet": "nope"}, "worksheet"),
        ({"worksheet": "../x"}, "worksheet"),
        ({"extra": 1}, "extra"),
        ({"layers": [1, 2, 1], "x": [[1, 2]]}, "x"),
        ({"layers": [1, 16, 16, 1]}, "layers"),
        ([], "body"),
    ],
)
def test_check_names_each_bad_field(client, body, field):
    response = client.post("/api/practice/check", json=body)
    assert response.status_code == 400
    assert field in [e["field"] for e in response.get_json()["errors"]]


@pytest.mark.parametrize(
    ("data", "status", "field"),
    [
        (b"{", 400, "body"),
        (b"", 400, "body"),
        (b"[1]", 400, "body"),
        (b'{"answers": {"yhat": "\\ud800"}}', 400, "answers"),
        (b'{"answers": {"\\udfff": "1"}}', 400, "answers"),
        (b'{"answers": {"yhat": NaN}}', 400, "body"),
        (b'{"answers": {"yhat": "' + b"1" * 300_000 + b'"}}', 413, "body"),
    ],
)
def test_check_refuses_bad_json(client, data, status, field):
    response = client.post("/api/practice/check", data=data, content_type="application/json")
    assert response.status_code == status
    named = response.get_json()["errors"][0]["field"]
    assert named.split(".")[0] == field, ascii(named)  # the field, or the key within it


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


# --- The page -----------------------------------------------------------------------------------------


def test_the_page_shows_the_variants_numbers(client):
    page, _ = _page(client, "worksheet=backprop&variant=17")
    assert "<li>x = 4, y = 2</li>" in page and "<li>w₁ = 0.9, w₂ = 0.7</li>" in page
    assert "<li>learning rate α = 0.1</li>" in page


@pytest.mark.parametrize("raw", ["abc", "-3", "99999999999999999999999", "1.5", "%00"])
def test_a_bad_variant_shows_a_message_and_variant_zero(client, raw):
    response = client.get("/practice", query_string={"worksheet": "backprop", "variant": raw})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="variant-message"' in page
    assert 'data-variant="0"' in page


def test_the_page_may_be_framed_by_a_course_site(client):
    policy = client.get("/practice?worksheet=backprop").headers["Content-Security-Policy"]
    assert "frame-ancestors *" in policy
    assert "frame-ancestors 'self'" in client.get("/").headers["Content-Security-Policy"]


def test_the_answer_key_shows_every_answer_and_the_handout_none(client):
    key = client.get("/practice?worksheet=xor&variant=17&key=1").get_data(as_text=True)
    handout = client.get("/practice?worksheet=xor&variant=17").get_data(as_text=True)
    assert key.count('<details class="solution" open>') == len(_forms(key)) > 20
    assert '<details class="solution" open>' not in handout
    assert 'class="check-button' not in key


def test_the_page_draws_the_main_pages_graph_not_its_own(client):
    page, data = _page(client, "worksheet=step_by_step")
    assert 'id="graph"' in page and 'svg class="chain"' not in page
    drawn = set(re.findall(r'<g class="node node-\w+" data-node-id="([^"]+)"', page))
    for pid, form in _forms(page).items():
        lit = re.search(r'data-hint-nodes="([^"]*)" data-hint-edges="([^"]*)"', form)
        edges = {e["id"] for e in data["graph"]["edges"]}
        assert set(lit[2].split()) <= edges, pid
        assert set(lit[1].split()) & drawn or lit[2], pid  # a weight drawn on its edge lights the edge


def test_a_hint_lights_the_edges_between_its_nodes_and_no_others(client):
    forms = _forms(_page(client, "worksheet=backprop")[0])
    lit = {
        pid: re.search(r'data-hint-nodes="([^"]*)" data-hint-edges="([^"]*)"', form).groups()
        for pid, form in forms.items()
    }
    assert lit["J"] == ("yhat y J", "yhat-J y-J")  # the worksheet's own choice of nodes
    assert lit["local.w2-z2"] == ("w2 z2 a1", "w2-z2 a1-z2")
    assert lit["after.w1"] == ("w1", "w1-z1 x-z1")  # its own edge, and the value edge it multiplies
    assert lit["propagated"] == ("J", "")


def test_the_front_page_links_to_practice(client):
    assert 'href="/practice"' in client.get("/").get_data(as_text=True)

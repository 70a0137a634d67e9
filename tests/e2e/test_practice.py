"""The practice page in a browser: answering, feedback, score, storage, hints on the main page's drawing, worked
equations true, framing by another origin, variants, worksheets, print."""

import json
import re
from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect
from werkzeug.wrappers import Request, Response

from tests.e2e import mentions_number_re, serving
from tests.e2e.test_accessibility import describe
from tests.equations import check_equation, comparison_count
from tests.worksheet import EPOCHS

FIRST, SECOND = EPOCHS
# The worksheet's published answers (NOTES.md), by problem id; the two choices by their option values.
WORKSHEET_ANSWERS = {
    "propagated": "gradients",
    "functions": "5",
    "weights": "2",
    "yhat": str(FIRST["values"]["yhat"]),
    "J": str(FIRST["cost"]),
    **{f"local.{edge}": str(value) for edge, value in FIRST["local"].items()},
    "grads.w1": str(FIRST["grads"]["w1"]),
    "grads.w2": str(FIRST["grads"]["w2"]),
    "after.w1": str(FIRST["after"]["w1"]),
    "after.w2": str(FIRST["after"]["w2"]),
    "final_cost": str(SECOND["cost"]),
    "lower": "yes",
}
WRONG_CHOICES = {"propagated": "error", "lower": "no"}


def problem(page, pid: str):
    return page.locator(f'form.problem[data-problem-id="{pid}"]')


def answer(form, pid: str, value: str) -> None:
    if pid in WRONG_CHOICES:
        form.locator(f'input[type="radio"][value="{value}"]').check()
    else:
        form.locator('input[name="answer"]').fill(value)
    form.locator(".check-button").click()


def open_practice(page: Page, base_url: str, query: str = "?worksheet=backprop") -> Page:
    page.goto(f"{base_url}/practice{query}")
    # The first check (of any answers restored from storage) has come back.
    expect(page.locator("#practice")).to_have_attribute("data-checks", re.compile(r"[1-9]"))
    return page


def test_every_worksheet_problem_right_then_wrong(page: Page, base_url: str):
    open_practice(page, base_url)
    ids = page.locator("form.problem").evaluate_all("(forms) => forms.map((f) => f.dataset.problemId)")
    assert sorted(ids) == sorted(WORKSHEET_ANSWERS)
    total = len(WORKSHEET_ANSWERS)
    expect(page.locator("#score-total")).to_have_text(str(total))
    for count, (pid, value) in enumerate(WORKSHEET_ANSWERS.items(), start=1):
        form = problem(page, pid)
        answer(form, pid, value)
        expect(form.locator(".feedback")).to_have_text(re.compile(r"^✓ Right"))
        expect(page.locator("#score-right")).to_have_text(str(count))
    expect(page.locator("#score-answered")).to_have_text(str(total))
    for count, (pid, value) in enumerate(WORKSHEET_ANSWERS.items(), start=1):
        form = problem(page, pid)
        wrong = WRONG_CHOICES.get(pid) or str(float(value) + 1)
        answer(form, pid, wrong)
        expect(form.locator(".feedback")).to_have_text(re.compile(r"^✗ Not quite"))
        expect(page.locator("#score-right")).to_have_text(str(total - count))
    expect(page.locator("#score-answered")).to_have_text(str(total))


def test_rounding_sign_and_digits_feedback(page: Page, base_url: str):
    open_practice(page, base_url)
    form = problem(page, "grads.w1")
    dj_dw1 = FIRST["grads"]["w1"]  # −1.92
    cases = [
        (f"{dj_dw1:.1f}".replace("-", "−"), r"^✓ Right \(rounded\)"),
        (f"{-dj_dw1}", r"^✗ .*sign"),
        (f"{dj_dw1:.0f}", r"^≈ .*significant digits"),
        ("about two", r"^\? Write a number"),
    ]
    for typed, feedback in cases:
        answer(form, "grads.w1", typed)
        expect(form.locator(".feedback")).to_have_text(re.compile(feedback))


def test_answers_and_score_survive_a_reload(page: Page, base_url: str):
    open_practice(page, base_url, "?variant=0")
    for pid in ("yhat", "J"):
        answer(problem(page, pid), pid, WORKSHEET_ANSWERS[pid])
    answer(problem(page, "grads.w2"), "grads.w2", "7")
    expect(page.locator("#score-answered")).to_have_text("3")
    page.reload()
    expect(page.locator("#practice")).to_have_attribute("data-checks", "1")
    expect(page.locator("#score-right")).to_have_text("2")
    expect(problem(page, "J").locator('input[name="answer"]')).to_have_value(WORKSHEET_ANSWERS["J"])
    expect(problem(page, "grads.w2").locator(".feedback")).to_have_text(re.compile("Not quite"))
    # Another variant keeps its own answers.
    open_practice(page, base_url, "?variant=3")
    expect(page.locator("#score-answered")).to_have_text("0")
    open_practice(page, base_url, "?variant=0")
    expect(page.locator("#score-right")).to_have_text("2")
    page.locator("#start-over").click()
    expect(page.locator("#score-answered")).to_have_text("0")
    page.reload()
    expect(page.locator("#practice")).to_have_attribute("data-checks", "1")
    expect(page.locator("#score-answered")).to_have_text("0")
    expect(problem(page, "J").locator('input[name="answer"]')).to_have_value("")


def test_hint_lights_up_the_nodes_and_the_solution_shows_the_numbers(page: Page, base_url: str):
    open_practice(page, base_url)
    form = problem(page, "J")
    form.locator(".hint-button").click()
    expect(form.locator(".hint-text")).to_be_visible()
    for node in ("yhat", "y", "J"):
        expect(page.locator(f'svg.graph [data-node-id="{node}"]')).to_have_class(re.compile("highlight"))
    expect(page.locator('svg.graph [data-node-id="x"]')).not_to_have_class(re.compile("highlight"))
    expect(page.locator('svg.graph [data-edge-id="yhat-J"]')).to_have_class(re.compile("highlight"))
    expect(page.locator('svg.graph [data-node-id="J"]')).to_be_in_viewport()
    # Another hint puts the first one away and lights its own nodes only.
    problem(page, "grads.w2").locator(".hint-button").click()
    expect(form.locator(".hint-text")).to_be_hidden()
    expect(page.locator('svg.graph [data-node-id="y"]')).not_to_have_class(re.compile("highlight"))
    expect(page.locator('svg.graph [data-node-id="w2"]')).to_have_class(re.compile("highlight"))
    chain = problem(page, "grads.w1")
    chain.locator("summary").click()
    last = chain.locator("[data-equation]").last
    expect(last).to_be_visible()
    for number in (str(FIRST["grads"]["z1"]), str(FIRST["local"]["w1-z1"]), str(FIRST["grads"]["w1"])):
        expect(last).to_have_text(mentions_number_re(number))


def test_a_hint_lights_a_weight_drawn_on_its_edge(page: Page, base_url: str):
    open_practice(page, base_url, "?worksheet=step_by_step")
    problem(page, "after.w2_1_1").locator(".hint-button").click()
    expect(page.locator('svg.graph [data-edge-id="a1_1-z2_1"]')).to_have_class(re.compile("highlight"))
    expect(page.locator("svg.graph .highlight")).to_have_count(1)


def test_on_a_narrow_screen_the_drawing_comes_to_the_hint(page: Page, base_url: str):
    page.set_viewport_size({"width": 390, "height": 844})
    open_practice(page, base_url)
    form = problem(page, "yhat")
    form.locator(".hint-button").click()
    expect(form.locator("svg.graph")).to_be_attached()
    expect(page.locator('svg.graph [data-node-id="x"]')).to_be_in_viewport()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


@pytest.mark.parametrize(
    "query", ["worksheet=backprop&variant=5", "worksheet=step_by_step", "worksheet=xor&variant=17", "preset=two_hidden"]
)
def test_every_worked_equation_in_the_page_is_true(page: Page, base_url: str, query: str):
    page.goto(f"{base_url}/practice?{query}&key=1")
    expect(page.locator("#practice")).to_have_attribute("data-ready", "true")
    texts = page.locator("[data-equation]").all_text_contents()
    assert len(texts) > 10 and all(texts)
    problems = [p for text in texts for p in check_equation(text)]
    assert not problems, problems
    assert sum(comparison_count(text) for text in texts) >= len(texts)


def test_practice_lists_the_worksheets_and_opens_each(page: Page, base_url: str):
    page.goto(f"{base_url}/practice")
    links = page.locator(".worksheet-list a")
    expect(links).to_have_count(3)
    for name in ("Step by step", "XOR", "backpropagation worksheet"):
        page.goto(f"{base_url}/practice")
        page.locator(".worksheet-list a", has_text=name).click()
        expect(page.locator("h1")).to_contain_text(name)
        expect(page.locator("#practice")).to_have_attribute("data-checks", "1")
        expect(page.locator("svg.graph .edge").first).to_be_attached()


PARENT_PAGE = """<!doctype html><title>Course</title>
<iframe id="practice-frame" src="{src}" {sandbox} style="width: 1000px; height: 700px"></iframe>
<pre id="log"></pre>
<script>
  window.addEventListener("message", (event) => {{
    document.getElementById("log").textContent += JSON.stringify({{origin: event.origin, data: event.data}}) + "\\n";
  }});
</script>"""


@pytest.fixture(scope="module")
def course_site(base_url: str) -> Iterator[str]:
    """A second server, so a second origin (another port), serving a course page that frames the practice set:
    `/course?sandbox=1` frames it sandboxed (scripts and forms allowed, same origin not)."""

    @Request.application
    def course(request: Request) -> Response:
        sandbox = 'sandbox="allow-scripts allow-forms"' if request.args.get("sandbox") else ""
        html = PARENT_PAGE.format(src=f"{base_url}/practice?variant=0", sandbox=sandbox)
        return Response(html, mimetype="text/html")

    with serving(course) as port:
        yield f"http://127.0.0.1:{port}"


@pytest.mark.parametrize("sandboxed", [False, True], ids=["framed", "sandboxed"])
def test_a_parent_page_on_another_origin_receives_the_score(page: Page, base_url: str, course_site: str, sandboxed):
    assert course_site != base_url
    page.goto(f"{course_site}/course" + ("?sandbox=1" if sandboxed else ""))
    frame = page.frame_locator("#practice-frame")
    form = frame.locator('form.problem[data-problem-id="yhat"]')
    form.locator('input[name="answer"]').fill(WORKSHEET_ANSWERS["yhat"])
    form.locator(".check-button").click()
    expect(form.locator(".feedback")).to_have_text(re.compile("Right"))
    log = page.locator("#log")
    expect(log).to_contain_text('"right":1')
    expect(log).to_contain_text("SPLICE.reportScoreAndState")
    messages = [json.loads(line) for line in log.text_content().splitlines()]
    total = len(WORKSHEET_ANSWERS)
    own = [m["data"] for m in messages if m["data"].get("type") == "backprop-visualizer:score"]
    splice = [m["data"] for m in messages if m["data"].get("subject") == "SPLICE.reportScoreAndState"]
    assert own[-1] == {"type": "backprop-visualizer:score", "score": 1 / total, "right": 1, "answered": 1,
                       "total": total, "variant": 0}  # fmt: skip
    assert splice[-1] == {
        "subject": "SPLICE.reportScoreAndState",
        "score": 1 / total,
        "state": {"variant": 0, "answers": {"yhat": WORKSHEET_ANSWERS["yhat"]}},
    }
    expected_origin = "null" if sandboxed else base_url
    assert {m["origin"] for m in messages} == {expected_origin}


def test_a_variant_shows_the_same_numbers_in_a_fresh_context(browser: Browser, base_url: str):
    shown = []
    for _ in range(2):
        context = browser.new_context()
        page = open_practice(context.new_page(), base_url, "?variant=17")
        numbers = page.locator("#numbers").text_content()
        equations = page.locator("[data-equation]").all_text_contents()
        shown.append((" ".join(numbers.split()), equations))
        context.close()
    assert shown[0] == shown[1]
    assert "x = 4, y = 2" in shown[0][0]  # variant 17's numbers since the first version
    assert "α = 0.1" in shown[0][0]


def test_a_bad_variant_shows_a_message_and_the_worksheet(page: Page, base_url: str):
    open_practice(page, base_url, "?variant=banana")
    expect(page.locator("#variant-message")).to_be_visible()
    expect(page.locator("#numbers")).to_contain_text(f"x = {FIRST['values']['x']}, y = {FIRST['values']['y']}")


def test_print_hides_the_buttons_and_the_key_shows_the_solutions(page: Page, base_url: str):
    open_practice(page, base_url, "?variant=17")
    page.emulate_media(media="print")
    for selector in (".check-button", ".hint-button", "#score", "#variant-input", ".solution"):
        expect(page.locator(selector).first).to_be_hidden()
    expect(page.locator('input[name="answer"][type="text"]').first).to_be_visible()
    page.goto(f"{base_url}/practice?variant=17&key=1")
    expect(page.locator("[data-equation]").first).to_be_visible()
    expect(page.locator(".hint-button").first).to_be_hidden()
    page.emulate_media(media="screen")
    expect(page.locator(".hint-button").first).to_be_visible()


def test_a_printout_after_answering_is_a_clean_handout_with_the_network(page: Page, base_url: str, tmp_path):
    """Answered, marked, a solution opened: the printout still has blank boxes and circles, no marks, no
    solutions, and the drawing of the network above the problems. The answer key prints its answers."""
    open_practice(page, base_url)
    answer(problem(page, "yhat"), "yhat", "1.2")
    answer(problem(page, "J"), "J", "0.5")
    answer(problem(page, "propagated"), "propagated", "error")
    expect(problem(page, "J")).to_have_attribute("data-status", "wrong")
    problem(page, "J").locator(".solution summary").click()
    page.emulate_media(media="print")
    page.screenshot(path=tmp_path / "print.png", full_page=True)
    expect(page.locator('.practice-graph svg.graph [data-node-id="x"]')).to_be_visible()
    graph, first = page.locator(".practice-graph").bounding_box(), page.locator("form.problem").first.bounding_box()
    assert graph["y"] + graph["height"] <= first["y"]
    for selector in (".feedback", ".solution", ".hint-text"):
        expect(page.locator(f"{selector}:visible")).to_have_count(0)
    style = "(el, p) => getComputedStyle(el)[p]"
    for pid in ("yhat", "J"):
        box = problem(page, pid).locator('input[name="answer"]')
        assert box.evaluate(style, "color") == "rgba(0, 0, 0, 0)"
    marks = {
        problem(page, pid).locator('input[name="answer"]').evaluate(style, "borderBottomColor")
        for pid in ("yhat", "J", "weights")
    }
    assert len(marks) == 1, marks  # right, wrong and unanswered underlined alike
    chosen = problem(page, "propagated").locator('input[value="error"]')
    assert chosen.is_checked() and chosen.evaluate(style, "appearance") == "none"
    page.goto(f"{base_url}/practice?worksheet=backprop&key=1")
    expect(page.locator("#practice")).to_have_attribute("data-ready", "true")
    assert problem(page, "J").locator('input[name="answer"]').evaluate(style, "color") != "rgba(0, 0, 0, 0)"
    expect(problem(page, "J").locator("[data-equation]").first).to_be_visible()


@pytest.mark.parametrize(("width", "height"), [(390, 844), (844, 390), (1100, 600)])
def test_the_drawing_never_covers_an_answer_box(page: Page, base_url: str, width: int, height: int):
    page.set_viewport_size({"width": width, "height": height})
    open_practice(page, base_url)
    problem(page, "yhat").locator(".hint-button").click()
    for pid in ("J", "local.yhat-J", "grads.w1", "lower"):
        box = problem(page, pid).locator(".answer-row")
        box.scroll_into_view_if_needed()
        covered = box.evaluate(
            """(row) => { const r = row.getBoundingClientRect(), g = document.querySelector('.practice-graph').getBoundingClientRect();
                return !(g.right <= r.left || r.right <= g.left || g.bottom <= r.top || r.bottom <= g.top); }"""
        )
        assert not covered, (pid, width, height)


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("query", ["", "?worksheet=backprop", "?worksheet=step_by_step&key=1"])
def test_no_serious_or_critical_axe_violations(page: Page, base_url: str, query: str, color_scheme: str):
    page.emulate_media(color_scheme=color_scheme)
    page.goto(f"{base_url}/practice{query}")
    if query:
        expect(page.locator("#practice")).to_have_attribute("data-ready", "true")
        page.locator(".hint-button").nth(2).click()
    violations = Axe().run(page).response["violations"]
    blocking = [violation for violation in violations if violation["impact"] in ("serious", "critical")]
    assert not blocking, describe(blocking)

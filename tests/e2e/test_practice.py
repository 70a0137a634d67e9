"""The practice page in a browser: answering, feedback, score, storage, framing by another origin, variants, print."""

import json
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from werkzeug.wrappers import Request, Response

from tests.e2e import mentions_number_re, serving
from tests.worksheet import EPOCHS
from webapp.presentation.practice import exercise, variant_numbers

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


def open_practice(page: Page, base_url: str, query: str = "") -> Page:
    page.goto(f"{base_url}/practice{query}")
    # The first check (of any answers restored from storage) has come back.
    expect(page.locator("#practice")).to_have_attribute("data-checks", re.compile(r"[1-9]"))
    return page


def test_every_worksheet_problem_right_then_wrong(page: Page, base_url: str):
    open_practice(page, base_url)
    assert set(WORKSHEET_ANSWERS) == set(exercise(0).problems)
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
    section = page.locator(".problem-section").filter(has=form)
    for node in ("yhat", "y", "J"):
        expect(section.locator(f'svg.chain [data-node-id="{node}"]')).to_have_class(re.compile("is-hinted"))
    expect(section.locator('svg.chain [data-node-id="x"]')).not_to_have_class(re.compile("is-hinted"))
    chain = problem(page, "grads.w1")
    chain.locator("summary").click()
    last = chain.locator("[data-equation]").last
    expect(last).to_be_visible()
    for number in (str(FIRST["grads"]["z1"]), str(FIRST["local"]["w1-z1"]), str(FIRST["grads"]["w1"])):
        expect(last).to_have_text(mentions_number_re(number))


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
    n = variant_numbers(17)
    assert f"x = {n['x']}, y = {n['y']}" in shown[0][0]
    assert f"α = {n['alpha']}" in shown[0][0]


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

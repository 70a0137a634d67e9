"""Every equation the page shows is true with the numbers it shows: tables and narration, through a whole epoch.

The checker and its contract (the `data-equation` attribute, `data-digits`, how numbers stand for
intervals) are in tests/equations.py.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e import open_app
from tests.equations import DEFAULT_DIGITS, check_equation, comparison_count

CASES = {
    **{f"preset-{name}": f"preset={name}" for name in ("worksheet", "diverging", "dead_relu", "two_hidden", "xor")},
    "one-sample": "x=3&y=2",
    "two-samples": "x=3,1&y=2,2",
    "three-samples": "x=3,1,-2&y=2,2,1",
    "one-sample-bias": "x=3&y=2&form=1&bias=on",
    "two-samples-bias": "x=3,1&y=2,2&form=1&bias=on",
    "three-samples-bias": "x=3,1,-2&y=2,2,1&form=1&bias=on",
    "two-samples-bias-adam": "x=3,1&y=2,2&form=1&bias=on&opt=adam",
    "mini-batch-momentum": "x=3,1,-2&y=2,2,1&batch=2&seed=4&opt=momentum&beta=0.5",
}
PHASES = (("Forward", "forward pass done"), ("Backward", "backward pass done"), ("Update", "weights updated"))
SIGN_AFTER_OPERATOR = re.compile(r"[+·/−-]\s*[−-]\s*\d")
# An epoch of the largest case (xor) is a few dozen steps; this only stops a page that never finishes one.
MAX_STEPS_PER_EPOCH = 400

# Every visible equation element: where it is (for the report), which table it is in, its text and precision.
READ_EQUATIONS = """() => [...document.querySelectorAll("[data-equation]")]
  .filter((el) => el.checkVisibility())
  .map((el) => {
    const row = el.closest("[data-chain], [data-update], li[data-node-id]");
    let where = el.id ? `#${el.id}` : el.className;
    if (row && row.dataset.chain) where = `chain rule for ${row.dataset.chain}`;
    else if (row && row.dataset.update) where = `update of ${row.dataset.update}`;
    else if (row) where = `step-by-step row for ${row.dataset.nodeId}`;
    const table = el.closest("#chain-rule, #update-equations");
    return { where, table: table ? table.id : null, text: el.textContent, digits: el.dataset.digits ?? null };
  })"""

# The cost chart has no equations; a stand-in for plotly.js (1.5 MB to parse on every page) keeps this file's
# eleven pages fast. The chart itself is tested in test_visualizer.py.
PLOTLY_STAND_IN = """window.Plotly = {
  newPlot: async (container) => { container.on = () => {}; },
  react: async (container) => { container.on = () => {}; },
};"""

READ_NARRATION = """() => ({
  text: document.getElementById("announcer").textContent,
  digits: document.getElementById("announcer").dataset.digits ?? null,
  phase: document.getElementById("phase-label").textContent,
})"""


class Problems:
    """False equations found in one case, each reported once: where and when it was first seen."""

    def __init__(self) -> None:
        self.first_seen: dict[tuple[str, str, str], str] = {}

    def check(self, where: str, text: str, digits: str | None, moment: str) -> None:
        shown = " ".join(text.split())
        for problem in check_equation(text, int(digits) if digits else DEFAULT_DIGITS):
            self.first_seen.setdefault((where, shown, problem), moment)

    def report(self) -> str:
        lines = [
            f"{moment} · {where} · {shown!r} · {problem}" for (where, shown, problem), moment in self.first_seen.items()
        ]
        return f"{len(lines)} false equations:\n" + "\n".join(lines)


@pytest.mark.parametrize("query", CASES.values(), ids=CASES.keys())
def test_every_equation_shown_is_true(page: Page, query: str):
    page.route(
        "**/vendor/plotly-*.js", lambda route: route.fulfill(body=PLOTLY_STAND_IN, content_type="text/javascript")
    )
    open_app(page, f"?{query}&animate=0")
    problems = Problems()

    for name, phase_done in PHASES:
        page.get_by_role("button", name=name, exact=True).click()
        expect(page.locator("#phase-label")).to_have_text(phase_done)
        elements = page.evaluate(READ_EQUATIONS)
        for element in elements:
            problems.check(element["where"], element["text"], element["digits"], f"after {name}")
            # A negative term of a sum is in parentheses: "+ (−1.08) · 0", never "+ −1.08 · 0".
            assert not SIGN_AFTER_OPERATOR.search(element["text"]), f"{element['where']}: {element['text']}"
        # Every row of the forward table writes out its arithmetic: sums, activations and the cost.
        bare = page.locator("#forward-table [data-worked]:empty")
        expect(bare).to_have_count(0)

    # After the update every row of the chain rule and of the update holds at least one checked equality.
    for table in ("chain-rule", "update-equations"):
        rows = [element for element in elements if element["table"] == table]
        assert rows, f"no equations in #{table} after Update"
        unchecked = [row["where"] for row in rows if comparison_count(row["text"]) == 0]
        assert not unchecked, f"rows of #{table} with no numeric equality to check after Update: {unchecked}"

    # The narration after every step of a whole epoch. Steps by the ArrowRight key, which acts only when
    # no control has the focus; a click's actionability checks would triple this test's time.
    page.get_by_role("button", name="Reset", exact=True).click()
    announcer = page.locator("#announcer")
    expect(announcer).to_have_text("Reset: epoch 1, nothing computed yet.")
    page.evaluate("document.activeElement.blur()")
    narration = page.evaluate(READ_NARRATION)
    narrated_comparisons = 0
    for _ in range(MAX_STEPS_PER_EPOCH):
        page.keyboard.press("ArrowRight")
        expect(announcer).not_to_have_text(narration["text"])
        narration = page.evaluate(READ_NARRATION)
        narrated_comparisons += comparison_count(narration["text"])
        problems.check("#announcer", narration["text"], narration["digits"], "after a Step")
        if narration["phase"] == "weights updated":
            break
    else:
        pytest.fail(f"{MAX_STEPS_PER_EPOCH} steps did not reach the update")
    assert narrated_comparisons > 0, "the narration showed no numeric equality to check"

    if problems.first_seen:
        pytest.fail(f"/?{query}: {problems.report()}", pytrace=False)


def test_activation_and_cost_rows_show_their_arithmetic(page: Page):
    """As the worksheet writes them: a₁ = ReLU(1.5) = 1.5 and J = (2 − 1.2)²/2 = 0.32."""
    open_app(page, "?animate=0")
    page.get_by_role("button", name="Forward", exact=True).click()
    expect(page.locator('#forward-table [data-worked="a1"]')).to_have_text("ReLU(1.5) = 1.5")
    expect(page.locator('#forward-table [data-worked="J"]')).to_have_text("(2 − 1.2)²/2 = 0.32")


def test_both_samples_are_named_as_such(page: Page):
    open_app(page, "?x=3,1&y=2,2&animate=0")
    expect(page.get_by_text("all 2 samples")).to_have_count(0)
    expect(page.get_by_text("both samples").first).to_be_attached()

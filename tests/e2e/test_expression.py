"""An expression on the page (`?expr=…`): the whole chain-rule story of CS231n's (x + y)·z, on a laptop
and on a phone, every equation shown read back by tests/equations.py."""

import json
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect

from tests.e2e import mentions_number_re, open_app
from tests.e2e.test_accessibility import assert_no_blocking_violations
from tests.equations import check_equation

CS231N = "?expr=(x%2By)*z&x=-2&y=5&z=-4&staged=1&animate=0"
READ_EQUATIONS = """() => [...document.querySelectorAll("[data-equation]")]
  .filter((el) => el.checkVisibility()).map((el) => [el.textContent, el.dataset.digits ?? "10"])"""


def _equations_hold(page: Page) -> int:
    shown = page.evaluate(READ_EQUATIONS)
    for text, digits in shown:
        assert check_equation(text, int(digits)) == [], text
    return len(shown)


def _node(page: Page, node_id: str):
    return page.locator(f'svg.graph [data-node-id="{node_id}"]').locator("visible=true").first


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (390, 844)])
def test_cs231n_add_multiply_forward_and_back(page: Page, width: int, height: int):
    page.set_viewport_size({"width": width, "height": height})
    open_app(page, CS231N)
    # No update, no training, no epochs, no cost chart: the graph says it has none.
    for action in ("update", "train"):
        expect(page.locator(f"[data-action={action}]")).to_be_hidden()
    expect(page.locator(".chart-panel")).to_be_hidden()
    announcer = page.locator("#announcer")

    page.click("[data-action=forward]")
    expect(page.locator("#phase-label")).to_have_text("forward pass done")
    expect(_node(page, "q").locator(".node-value")).to_have_text(mentions_number_re("3"))
    expect(_node(page, "f").locator(".node-value")).to_have_text(mentions_number_re("−12"))
    expect(announcer).to_contain_text("f = 3 · (−4) = −12")

    page.click("[data-action=backward]")
    expect(page.locator("#phase-label")).to_have_text("backward pass done")
    for node_id, gradient in (("x", "−4"), ("y", "−4"), ("z", "3"), ("q", "−4"), ("f", "1")):
        expect(_node(page, node_id).locator(".node-grad")).to_have_text(mentions_number_re(gradient))
    # The last step, x's: what the add gate did with the gradient, in words, then the chain rule's numbers.
    expect(announcer).to_contain_text("An add gate hands the gradient on unchanged to every input.")
    expect(announcer).to_contain_text("∂f/∂x = ∂f/∂q · ∂q/∂x = −4 · 1 = −4")
    table = page.locator("#chain-rule")
    expect(table).to_contain_text("from f back to the variables")
    assert _equations_hold(page) == 7  # two forward rows, four steps back from f, the narration
    assert_no_blocking_violations(page, "an expression after Backward")

    # The gradient check: each variable's gradient beside its central difference.
    page.click("#gradient-check-button")
    expect(page.locator("#gradient-check-table tbody tr")).to_have_count(3)
    expect(page.locator("#gradient-check-status")).to_contain_text("relative difference")

    # The pass as JSON: POST /api/expression's own answer.
    with page.expect_download() as download:
        page.click('[data-export="json"]')
    saved = json.loads(Path(download.value.path()).read_text())
    assert (saved["values"]["f"], saved["grads"]["x"], saved["grads"]["z"]) == (-12, -4, 3)

    # Back one step and forward again; past the end there is no next epoch, only Reset.
    page.click("[data-action=back]")
    expect(page.locator("#phase-label")).to_have_text("backward pass")
    expect(_node(page, "x").locator(".node-grad")).to_have_text("")
    page.click("[data-action=step]")
    page.click("[data-action=step]")
    expect(announcer).to_contain_text("The backward pass is done: every gradient of f is known")

    # A bad formula is refused beside its field, pointing at its character, before the page navigates.
    page.fill("#field-expr", "(x + y · z")
    page.locator("#settings button[type=submit]").click()
    expect(page.locator("#error-expr")).to_contain_text("never closed")
    expect(page.locator("#error-expr")).to_contain_text("character 1")
    # The page did not navigate; its address is a permalink to the step shown, which a reload restores.
    assert "step=7" in page.url
    page.reload()
    expect(page.locator("#phase-label")).to_have_text("backward pass done")
    expect(_node(page, "x").locator(".node-grad")).to_have_text(mentions_number_re("−4"))

    # Its practice set: the backward pass's ∂f/∂x, answered and checked by the server, with a worked
    # solution whose equations hold.
    page.click("#practice-link")
    expect(page.locator("#practice")).to_have_attribute("data-checks", re.compile(r"[1-9]"))  # its script is there
    problem = page.locator('form[data-problem-id="grads.x"]')
    problem.locator("input[name=answer]").fill("−4")
    problem.locator(".check-button").click()
    expect(problem.locator(".feedback")).to_have_attribute("data-status", "right")
    problem.locator("details.solution summary").click()
    assert _equations_hold(page) >= 2


def test_every_gate_writes_true_equations_forward_and_back(page: Page):
    """Every operation kind in one formula: each forward row, each chain-rule line and the narration,
    read back by tests/equations.py (powers, |a| and max included)."""
    formula = "max(x*y, z)/abs(z) + x^3 + y^0.5 + x^-1 + exp(-y/5) + log(y) + tanh(z) + sigmoid(x) + relu(z) - x/y"
    open_app(page, "?" + urlencode({"expr": formula, "x": -2, "y": 5, "z": -4, "animate": 0}))
    page.get_by_role("button", name="Forward", exact=True).click()
    expect(page.locator("#phase-label")).to_have_text("forward pass done")
    forward = _equations_hold(page)
    for text in ("|−4| = 4", "(−2)^3 = −8", "5^0.5 = 2.236067977", "(−2)^−1 = −0.5", "max(−10, −4) = −4"):
        expect(page.locator("#forward-table")).to_contain_text(text)
    page.get_by_role("button", name="Backward", exact=True).click()
    expect(page.locator("#phase-label")).to_have_text("backward pass done")
    assert _equations_hold(page) > forward >= 19

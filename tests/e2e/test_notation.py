"""What the page's scripts write names every derivative with ∂, as the server does: narration, hovers, pins."""

import re

from playwright.sync_api import Page, expect

from tests.e2e import open_app
from tests.test_notation import D_DERIVATIVE

SCRIPT_TEXT = """() => [document.body.innerText,
    ...[...document.querySelectorAll('[aria-label], title, text')].map((el) => el.getAttribute('aria-label') || el.textContent)
].join('\\n')"""


def test_the_backward_pass_is_written_with_partials(page: Page):
    open_app(page, "?animate=0")
    step = page.get_by_role("button", name="Step", exact=True)
    narration = page.locator("#announcer")
    for _ in range(5):  # the forward pass, node by node
        step.click()
    expect(narration).to_contain_text(re.compile(r"^J = .* = 0\.32$"))
    step.click()
    expect(narration).to_have_text("Backward starts at J: ∂J/∂J = 1")
    step.click()
    expect(narration).to_contain_text("∂J/∂ŷ = ∂J/∂J · ∂J/∂ŷ (from the loss) = ")
    page.get_by_role("button", name="Backward", exact=True).click()
    expect(page.locator('g.node[data-node-id="w1"]')).to_have_attribute(
        "aria-label", "w₁, value 0.5, gradient ∂J/∂w₁ −1.92"
    )
    text = page.evaluate(SCRIPT_TEXT)
    assert "∂z₁/∂w₁" in text and not D_DERIVATIVE.findall(text), D_DERIVATIVE.findall(text)[:5]


def test_practice_writes_every_derivative_with_partials(page: Page):
    """Prompts, hints and the worked solutions the page's scripts write, with the answer key open."""
    for worksheet in ("backprop", "step_by_step"):
        page.goto(f"/practice?worksheet={worksheet}&key=1")
        expect(page.locator("#practice")).to_have_attribute("data-ready", "true")
        for hint in page.locator(".hint-button").all():
            hint.click()
        text = page.evaluate(SCRIPT_TEXT)
        assert "∂J/∂" in text and not D_DERIVATIVE.findall(text), D_DERIVATIVE.findall(text)[:5]

"""Momentum and Adam on the page: the update phase writes each parameter's update with its numbers, every
equation true (tests/equations.py), on a laptop and a phone."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e import open_app
from tests.equations import DEFAULT_DIGITS, check_equation

VIEWPORTS = {"1440": {"width": 1440, "height": 900}, "390": {"width": 390, "height": 844}}
READ = """() => [...document.querySelectorAll("#update-equations [data-equation], #announcer")]
  .map((el) => ({ text: el.textContent, digits: el.dataset.digits ?? null }))"""


def button(page: Page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def all_true(page: Page) -> None:
    for element in page.evaluate(READ):
        digits = int(element["digits"]) if element["digits"] else DEFAULT_DIGITS
        assert not check_equation(element["text"], digits), element["text"]


@pytest.mark.parametrize("size", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_the_worksheet_with_momentum_and_with_adam(page: Page, size: dict):
    page.set_viewport_size(size)
    open_app(page, "?opt=momentum&beta=0.9&animate=0")
    expect(page.locator("#update-heading")).to_contain_text("momentum, β = 0.9")
    button(page, "Update").click()
    # The worksheet's epoch 1: ∂J/∂w₁ = −1.92, ∂J/∂w₂ = −1.2, α = 0.1, v starting at 0.
    w1 = page.locator('[data-update-numbers="w1"]')
    expect(w1).to_have_text("v₁ ≔ 0.9 · 0 + (−1.92) = −1.92; w₁ ≔ 0.5 − 0.1 · (−1.92) = 0.692")
    expect(page.locator('[data-update-numbers="w2"]')).to_have_text(
        "v₂ ≔ 0.9 · 0 + (−1.2) = −1.2; w₂ ≔ 0.8 − 0.1 · (−1.2) = 0.92"
    )
    all_true(page)
    # The parameter's node gives its velocity with its other numbers (on hover and to a screen reader).
    expect(page.locator('svg.graph [data-node-id="w1"]')).to_have_attribute("aria-label", re.compile(r"v₁ −1\.92$"))
    # Epoch 2 starts where plain descent's does (v = g at the first step); its gradient is the
    # worksheet's epoch 2 one, −0.2486208, and v keeps 0.9 of epoch 1's.
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#epoch-label")).to_have_text("Epoch 2")
    button(page, "Update").click()
    expect(w1).to_have_text(
        "v₁ ≔ 0.9 · (−1.92) + (−0.2486208) = −1.9766208; w₁ ≔ 0.692 − 0.1 · (−1.9766208) = 0.88966208"
    )
    all_true(page)

    # Predict mode asks for the optimizer's own number at the update: v₁ = 0.9 · 0 + (−1.92).
    open_app(page, "?opt=momentum&beta=0.9&animate=0&predict=1")
    button(page, "Backward").click()
    expect(page.locator("#phase-label")).to_have_text("backward pass done")
    form = page.locator("#predict")
    button(page, "Step").click()
    expect(form.locator("label")).to_have_text("Predict the new v₁ =")
    form.locator("input").fill("-1.92")
    form.get_by_role("button", name="Check").click()
    expect(form.locator(".predict-score")).to_have_text("Predictions right: 1 of 1")

    # Adam: m̂ = g and v̂ = g² at the first step, so each weight moves by α (less ε's share).
    open_app(page, "?opt=adam&animate=0")
    button(page, "Update").click()
    expect(w1).to_contain_text("m̂₁ = −0.192 / (1 − 0.9) = −1.92")
    expect(w1).to_contain_text("w₁ ≔ 0.5 − 0.1 · (−1.92) / (√(3.6864) + 1×10⁻⁸) = 0.5999999995")
    all_true(page)

    # Mini-batches of 2 of 5 samples, shuffled by seed 3: epoch 1's batches are samples [1, 4], [0, 2], [3]
    # (0-based; tests/test_optimizers.py pins them), shown counted from 1. The page steps through them.
    minibatch = "?x=3,1,-2,0.5,2&y=2,2,1,0,1&batch=2&seed=3&opt=momentum&beta=0.9&animate=0"
    for _ in range(2):  # and again from the same address: the same batches
        open_app(page, minibatch)
        note = page.locator("#batch-note")
        expect(note).to_contain_text("Step 1 (1 of 3 in epoch 1): samples 2 and 5")
        assert page.evaluate("document.documentElement.scrollWidth") <= size["width"], "the step picker widens the page"
        button(page, "Update").click()
        expect(w1).to_contain_text("v₁ ≔ 0.9 · 0 + ")
        all_true(page)
        page.evaluate("document.activeElement.blur()")
        page.keyboard.press("ArrowRight")
        expect(note).to_contain_text("Step 2 (2 of 3 in epoch 1): samples 1 and 3")
        expect(page.locator("#epoch-label")).to_have_text("Epoch 1")
        button(page, "Update").click()
        expect(w1).not_to_contain_text("v₁ ≔ 0.9 · 0 + ")  # v carries over from step 1
        all_true(page)

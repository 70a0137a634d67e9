"""Predict, then reveal: a Step asks first, a wrong answer is refused, a right one reveals and is counted."""

import re

from playwright.sync_api import Page, expect

from tests.e2e import ON_SCREEN, open_app


def open_predicting(page: Page):
    """The worksheet in predict mode, instant: its question form and its Step button."""
    open_app(page, "?animate=0&predict=1")
    return page.locator("#predict"), page.get_by_role("button", name="Step", exact=True)


def test_each_step_asks_first_and_counts_right_answers(page: Page):
    form, step = open_predicting(page)
    step.click()
    expect(form.locator("label")).to_have_text("Predict z₁ =")
    expect(page.locator("#phase-label")).to_have_text("nothing computed yet")
    form.locator("input").fill("2")
    form.get_by_role("button", name="Check").click()
    expect(form.locator(".predict-feedback")).to_have_text("Close. Give at least 2 significant digits.")
    expect(page.locator("#phase-label")).to_have_text("nothing computed yet")
    expect(form.locator(".predict-score")).to_have_text("Predictions right: 0 of 1")
    form.locator("input").fill("1.5")
    form.get_by_role("button", name="Check").click()
    expect(page.locator("#phase-label")).to_have_text("forward pass")
    expect(page.locator('#forward-table [data-fill="values.z1"]')).to_have_text("1.5")
    # The next step asks again: a right first answer counts.
    step.click()
    expect(form.locator("label")).to_have_text("Predict a₁ =")
    form.locator("input").fill("1.50")
    form.get_by_role("button", name="Check").click()
    expect(form.locator(".predict-score")).to_have_text("Predictions right: 1 of 2")
    step.click()
    form.get_by_role("button", name="Show me").click()
    expect(form.locator(".predict-score")).to_have_text("Predictions right: 1 of 3")
    expect(page.locator('#forward-table [data-fill="values.z2"]')).to_have_text("1.2")


def test_without_predict_mode_nothing_is_asked(page: Page):
    open_app(page, "?animate=0")
    page.get_by_role("button", name="Step", exact=True).click()
    expect(page.locator("#phase-label")).to_have_text("forward pass")
    expect(page.locator("#predict")).to_be_hidden()


def check(form, answer: str, feedback: str | re.Pattern):
    form.locator("input").fill(answer)
    form.get_by_role("button", name="Check").click()
    expect(form.locator(".predict-feedback")).to_have_text(feedback)


def test_the_server_judges_each_answer_and_says_why(page: Page):
    form, step = open_predicting(page)
    step.click()
    expect(form.locator("label")).to_have_text("Predict z₁ =")
    # z₁ = 1.5: plain wrong answers are wrong, not "too few digits".
    for wrong in ("7", "-2", "0"):
        check(form, wrong, "Not quite.")
    check(form, "2", "Close. Give at least 2 significant digits.")
    check(form, "1.5 e", re.compile("^Write a number"))
    expect(form.locator(".predict-score")).to_have_text("Predictions right: 0 of 1")
    check(form, "1.5e0", "Right!")
    expect(page.locator("#phase-label")).to_have_text("forward pass")
    # Through the forward pass to the first gradient that is not 1: ∂J/∂ŷ = −0.8.
    for name in ("a₁", "z₂", "ŷ", "J", "∂J/∂J"):
        step.click()
        expect(form.locator("label")).to_have_text(f"Predict {name} =")
        form.get_by_role("button", name="Show me").click()
    step.click()
    expect(form.locator("label")).to_have_text("Predict ∂J/∂ŷ =")
    check(form, "0.8", "Not quite: the size is right, check the sign.")
    check(form, "−0,80", "Right!")
    # Counted once each, at the first readable answer: both first answers were wrong.
    expect(form.locator(".predict-score")).to_have_text("Predictions right: 0 of 7")


def test_a_question_is_withdrawn_when_the_page_shows_its_number(page: Page):
    form, step = open_predicting(page)
    for action in ("Forward", "Play", "Train"):
        step.click()
        expect(form.locator("label")).to_be_visible()
        page.get_by_role("button", name=action, exact=True).click()
        # The number asked for is on the page now: no question, nothing to type, nothing scored.
        expect(form.locator("label")).to_be_hidden()
        expect(form.locator("input")).to_be_hidden()
        expect(form.locator(".predict-score")).to_have_text("Predictions right: 0 of 0")
    expect(page.locator("#epoch-label")).not_to_have_text("Epoch 1")


def test_after_reset_every_step_is_asked_again(page: Page):
    form, step = open_predicting(page)
    step.click()
    check(form, "1.5", "Right!")
    expect(page.locator("#phase-label")).to_have_text("forward pass")
    step.click()
    expect(form.locator("label")).to_have_text("Predict a₁ =")
    page.get_by_role("button", name="Reset", exact=True).click()
    expect(form.locator("label")).to_be_hidden()
    step.click()
    expect(form.locator("label")).to_have_text("Predict z₁ =")
    expect(page.locator("#phase-label")).to_have_text("nothing computed yet")


def test_on_a_phone_the_step_asked_about_and_the_answer_box_stay_in_view(page: Page):
    page.set_viewport_size({"width": 390, "height": 844})
    form, step = open_predicting(page)
    step.click()
    check(form, "1.5", "Right!")
    for asked in ("a1", "z2"):
        step.click()
        expect(form.locator("input")).to_be_focused()
        # The node asked about, above the sticky bar, and the box the student types in.
        page.wait_for_function(ON_SCREEN, arg=[f'svg.graph [data-node-id="{asked}"]', True])
        page.wait_for_function(ON_SCREEN, arg=["#predict-answer", False])
        form.get_by_role("button", name="Show me").click()

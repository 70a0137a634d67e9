"""axe-core finds no serious or critical accessibility violations before, during or after a pass, on
every page, in both colour schemes, and in each theme a course page may force on the embed."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.e2e import CHART_TIMEOUT_MS, number_re, open_app

BLOCKING_IMPACTS = {"serious", "critical"}


def forward(page: Page) -> None:
    page.get_by_role("button", name="Forward", exact=True).click()
    expect(page.locator('#graph [data-node-id="J"] .node-value')).to_have_text(number_re("0.32"))


def backward(page: Page) -> None:
    page.get_by_role("button", name="Backward", exact=True).click()
    expect(page.locator('#graph [data-node-id="w1"] .node-grad')).to_have_text(number_re("-1.92"))


def describe(violations: list[dict]) -> str:
    """One paragraph per violation: id, impact, help text and the offending elements."""
    paragraphs = []
    for violation in violations:
        targets = "\n".join(
            f"    {', '.join(map(str, node['target']))}: {node.get('failureSummary', '').strip()}"
            for node in violation["nodes"]
        )
        paragraphs.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>\n{targets}"
        )
    return "\n\n".join(paragraphs)


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_no_serious_or_critical_axe_violations(page: Page, color_scheme: str):
    """With the chart drawn, axe-core reports nothing serious or critical in this colour scheme before a
    pass, after Forward and after Backward: one page walked through the three states."""
    page.emulate_media(color_scheme=color_scheme)
    open_app(page, "?animate=0")
    expect(page.locator("#cost-chart .main-svg").first).to_be_visible(timeout=CHART_TIMEOUT_MS)
    assert_no_blocking_violations(page, "initial")
    forward(page)
    assert_no_blocking_violations(page, "after Forward")
    backward(page)
    assert_no_blocking_violations(page, "after Backward")


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_the_embed_in_each_theme_on_either_system(page: Page, color_scheme: str):
    """A theme the course page forces holds whatever the reader's system prefers: every colour, the local
    derivatives' and the weights' included, comes from the same palette as the system's scheme. In one
    page: the other scheme's theme forced (the case a forced theme exists for), then none; a theme equal
    to the system's is the unforced page again."""
    page.emulate_media(color_scheme=color_scheme)
    for theme in ("dark" if color_scheme == "light" else "light", None):
        open_app(page, "embed?animate=0&view=graph,tables,chart,settings" + (f"&theme={theme}" if theme else ""))
        expect(page.locator("#cost-chart .main-svg").first).to_be_visible(timeout=CHART_TIMEOUT_MS)
        forward(page)
        backward(page)
        expect(page.locator("#local-table .num").last).not_to_have_text("?")
        assert_no_blocking_violations(page, f"theme {theme}")


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_predict_mode_asking_and_answering(page: Page, color_scheme: str):
    page.emulate_media(color_scheme=color_scheme)
    open_app(page, "?animate=0&predict=1")
    page.get_by_role("button", name="Step", exact=True).click()
    form = page.locator("#predict")
    form.locator("input").fill("7")
    form.get_by_role("button", name="Check").click()
    expect(form.locator(".predict-feedback")).not_to_be_empty()
    assert_no_blocking_violations(page)


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_practice_with_answers_checked(page: Page, color_scheme: str):
    page.emulate_media(color_scheme=color_scheme)
    page.goto("/practice?worksheet=backprop")
    expect(page.locator("#practice")).to_have_attribute("data-checks", re.compile(r"[1-9]"))
    problem = page.locator('.problem:has(input[type="text"][name="answer"])').first
    problem.locator("input").fill("7")
    problem.locator(".check-button").click()
    expect(problem.locator(".feedback")).not_to_be_empty()
    assert_no_blocking_violations(page)


def assert_no_blocking_violations(page: Page, where: str = "") -> None:
    violations = Axe().run(page).response["violations"]
    blocking = [violation for violation in violations if violation["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"{where}: {len(blocking)} serious/critical axe violations:\n{describe(blocking)}"

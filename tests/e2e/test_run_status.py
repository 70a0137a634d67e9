"""The page says what happened to a run beyond dying or diverging: a gradient that underflowed to 0, a cost
that oscillates (the API's statuses `stuck` and `oscillating`, in tests/test_run_status.py)."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e import open_app


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("?hidden=&act=sigmoid&x=1&y=0.5&w1=800", "the sigmoid at ŷ (|z₁| ≥ 800) is saturated"),
        ("?hidden=16,16,16,16&lr=0.1&seed=0", "The cost is not settling"),
    ],
)
def test_the_page_says_why_training_gets_nowhere(page: Page, query: str, words: str):
    open_app(page, query + "&animate=0")
    expect(page.locator("#run-status")).to_be_hidden()
    page.get_by_role("button", name=re.compile("^Train")).first.click()
    expect(page.locator("#run-status")).to_be_visible()
    expect(page.locator("#run-status")).to_contain_text(words)

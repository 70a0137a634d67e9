"""The page under its Content-Security-Policy in Chromium: everything works, nothing is refused, stray scripts are."""

from playwright.sync_api import Browser, Page, expect

from tests.e2e import open_app

RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.effectiveDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


def violations(page: Page) -> list[str]:
    return page.evaluate("window.cspViolations")


def test_the_page_draws_trains_and_charts_with_no_csp_violation(page: Page):
    page.add_init_script(RECORD_VIOLATIONS)
    open_app(page, "?animate=0")
    page.get_by_label("Epochs to train", exact=True).fill("50")
    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_function("() => (document.getElementById('cost-chart')?.data?.[0]?.y?.length ?? 0) >= 50")
    expect(page.locator("#cost-chart .main-svg .scatterlayer .trace").first).to_be_visible()
    page.get_by_label("Log scale").check()  # a relayout: plotly restyles inline
    page.wait_for_function("() => document.getElementById('cost-chart').layout?.yaxis?.type === 'log'")
    assert violations(page) == []


def test_a_script_without_the_nonce_is_refused(browser: Browser, base_url: str):
    """The control for the test above: the policy is enforced and the listener hears it (own page, errors expected)."""
    context = browser.new_context(base_url=base_url)
    try:
        page = context.new_page()
        page.add_init_script(RECORD_VIOLATIONS)
        response = page.goto("/")
        assert "'nonce-" in response.headers["content-security-policy"]
        page.evaluate(
            """() => {
                const script = document.createElement("script");
                script.textContent = "window.strayScriptRan = true;";
                document.head.append(script);
            }"""
        )
        page.wait_for_function("() => window.cspViolations.length > 0")
        assert page.evaluate("window.strayScriptRan === undefined")
        assert any(v.startswith("script-src") and " inline " in v for v in violations(page))
    finally:
        context.close()

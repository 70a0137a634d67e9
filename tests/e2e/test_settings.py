"""The settings form in a browser: one round of errors, the loss choosing its output, kept weights, presets."""

import re

from playwright.sync_api import Page, expect

from tests.e2e import open_app

# Apply checks the form with the server, then loads the new page: on a busy machine that takes a while.
NAVIGATION_MS = 20_000


def field(page: Page, label: str):
    return page.locator("#settings").get_by_label(label, exact=True)


def apply(page: Page) -> None:
    page.locator("#settings").get_by_role("button", name="Apply").click()


def test_every_error_shows_at_once_under_its_own_field(page: Page):
    open_app(page, "?animate=0")
    field(page, "y").fill("2")
    field(page, "Loss").select_option("bce")
    field(page, "Learning rate α").fill("abc")
    apply(page)
    expect(page.locator("#error-y")).to_contain_text("between 0 and 1", timeout=NAVIGATION_MS)
    expect(page.locator("#error-lr")).to_be_visible()
    expect(page.locator("#error-y")).to_be_visible()
    # Nothing lands under the activation: the bce loss picks its own output.
    expect(page.locator("#error-act-1")).to_be_hidden()
    expect(page).to_have_url(re.compile(r"/\?animate=0$"))


def test_choosing_bce_switches_the_output_to_sigmoid_and_says_so(page: Page):
    open_app(page, "?animate=0")
    field(page, "y").fill("1")
    field(page, "Loss").select_option("bce")
    apply(page)
    expect(page).to_have_url(re.compile(r"loss=bce"), timeout=NAVIGATION_MS)
    output = page.locator("#field-act-1")
    expect(output).to_have_value("sigmoid")
    expect(page.locator("#hint-act-1")).to_contain_text("Switched to sigmoid")
    expect(page.locator(".field-error:visible")).to_have_count(0)


def test_widening_a_layer_keeps_the_students_weights(page: Page):
    open_app(page, "?animate=0")
    page.locator("#param-w1").fill("0.3")
    page.locator("#param-w2").fill("-0.7")
    field(page, "Hidden layers").fill("2")
    apply(page)
    expect(page).to_have_url(re.compile(r"hidden=2"), timeout=NAVIGATION_MS)
    expect(page.locator("#param-w1_1_1")).to_have_value("0.3")
    expect(page.locator("#param-w2_1_1")).to_have_value("-0.7")
    # A field for every parameter of the new network, and no other.
    expect(page.locator("#settings .field-param input")).to_have_count(4)


def test_an_unreachable_target_is_named_beside_the_output(page: Page):
    open_app(page, "?animate=0")
    field(page, "Activation of layer 2 (output)").select_option("tanh")
    apply(page)
    expect(page).to_have_url(re.compile(r"act=tanh"), timeout=NAVIGATION_MS)
    expect(page.locator("#hint-act-1")).to_contain_text("never reaches y = 2")


def test_the_preset_picker_describes_presets_and_reads_custom_once_edited(page: Page):
    open_app(page, "?preset=xor&animate=0")
    picker = page.locator("#preset-select")
    description = page.locator("#preset-description")
    expect(picker).to_have_value("xor")
    expect(description).to_contain_text("no straight line separates")
    field(page, "Learning rate α").fill("0.5")
    expect(picker.locator("option:checked")).to_have_text("Custom")
    expect(description).to_contain_text("Your own settings")
    picker.select_option("dead_relu")
    expect(description).to_contain_text("the ReLU at a₁ dies")


def test_editing_a_setting_moves_nothing_in_the_header(page: Page):
    page.set_viewport_size({"width": 1440, "height": 900})
    open_app(page, "?animate=0")
    embed = page.get_by_role("button", name="Embed", exact=True)
    expect(embed).to_be_visible()
    before = (embed.bounding_box(), page.locator(".graph-panel").bounding_box())
    field(page, "Learning rate α").fill("0.2")
    expect(page.locator("#preset-description")).to_have_text(
        "Your own settings: a preset edited, or the settings form."
    )
    page.evaluate("scrollTo(0, 0)")
    assert (embed.bounding_box(), page.locator(".graph-panel").bounding_box()) == before

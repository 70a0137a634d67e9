"""The page's client with runs beyond the worksheet: saturated numbers, a run with no epochs, an action
cancelled while its request is in flight, and a sample picker built from what the server returned."""

import contextlib
import csv
import json
import re

import pytest
from playwright.sync_api import Page, Route, expect

from tests.e2e import CHART_TIMEOUT_MS, open_app

INSTANT = "animate=0"


def test_a_saturated_sigmoid_page_loads_and_shows_what_is_too_large(page: Page):
    open_app(page, f"?loss=bce&act=relu&act=sigmoid&y=0.5&x=1&w1=1000&w2=-1000&{INSTANT}")
    page.get_by_role("button", name="Backward", exact=True).click()
    expect(page.locator("#phase-label")).to_have_text("backward pass done")
    cell = page.locator('#local-table [data-fill="local.yhat-J"]')
    expect(cell).to_have_text("too large")
    expect(cell).to_have_attribute("title", re.compile("64-bit float"))
    expect(page.locator('#graph [data-node-id="z2"] .node-grad')).to_have_text(re.compile(r"← −0\.5$"))
    expect(page.locator("#announcer")).not_to_contain_text("went wrong")


def test_a_run_with_no_epochs_says_why_and_every_button_answers(page: Page):
    def no_epochs(route: Route) -> None:
        response = route.fetch()
        html = response.text()
        marker = '<script type="application/json" id="initial-state">'
        head, rest = html.split(marker, 1)
        state_text, tail = rest.split("</script>", 1)
        state = json.loads(state_text)
        state["run"].update(
            epochs=[], status="diverged", diverged_at=1, detail_epochs=[], final_cost=None,
            message="The starting numbers are too large: the cost of epoch 1 does not fit a 64-bit float.",
        )  # fmt: skip
        route.fulfill(response=response, body=head + marker + json.dumps(state) + "</script>" + tail)

    page.route(re.compile(r".*/\?animate=0$"), no_epochs)
    open_app(page, f"?{INSTANT}")
    expect(page.locator("#run-status")).to_contain_text("starting numbers are too large")
    expect(page.locator("#phase-label")).to_have_text("no epoch could be computed")
    for name in ("Forward", "Backward", "Update", "Step", "Train"):
        page.get_by_role("button", name=name, exact=True).click()
        expect(page.locator("#announcer")).to_contain_text("starting numbers are too large")


def test_reset_while_training_drops_the_late_answer(page: Page):
    held: list[Route] = []
    open_app(page, f"?{INSTANT}")
    page.route("**/api/train", lambda route: held.append(route))
    page.get_by_label("Epochs to train", exact=True).fill("20")
    with page.expect_request("**/api/train"):
        page.get_by_role("button", name="Train", exact=True).click()
    expect(page.locator("#announcer")).to_have_text(re.compile("^Training 20 epochs"))
    page.get_by_role("button", name="Reset", exact=True).click()
    expect(page.locator("#announcer")).to_have_text(re.compile("^Reset"))
    assert len(held) == 1, "the Train request was held"
    with contextlib.suppress(Exception):  # the page aborted it: nothing left to continue
        held[0].continue_()
    page.wait_for_load_state("networkidle")
    # The answer, had it landed, would have moved the page to epoch 20, weights updated.
    expect(page.locator("#epoch-label")).to_have_text("Epoch 1")
    expect(page.locator("#phase-label")).to_have_text("nothing computed yet")
    page.get_by_role("button", name="Step", exact=True).click()
    expect(page.locator("#epoch-label")).to_have_text("Epoch 1")
    expect(page.locator("#phase-label")).to_have_text("forward pass")


def test_the_sample_picker_offers_every_sample_and_shows_one_the_detail_lacked(page: Page):
    samples = ", ".join(str(i) for i in range(12))
    targets = ", ".join("1" for _ in range(12))
    open_app(page, f"?hidden=16,16,16,16&x={samples}&y={targets}&{INSTANT}")
    held = page.evaluate("() => JSON.parse(document.getElementById('initial-state').textContent).run.detail_samples")
    assert 1 <= len(held) < 12
    options = page.locator("#sample-select option")
    expect(options).to_have_count(12)
    page.locator("#sample-select").select_option("11")  # sample 12, x = 11: not in the detail the page started with
    expect(page.locator('#graph [data-node-id="x"] .node-value')).to_have_text("= 11")
    page.get_by_role("button", name="Forward", exact=True).click()
    expect(page.locator('#graph [data-node-id="J"] .node-value')).to_have_text(re.compile(r"^= \d"))
    expect(page.locator('#forward-table [data-fill="values.z1_1"]')).not_to_have_text("?")
    expect(page.locator('#graph [data-node-id="x"] .node-value')).to_have_text("= 11")
    expect(page.locator("#sample-select")).to_have_value("11")


def test_each_action_sends_at_most_one_request_detailing_only_the_epoch_it_shows(page: Page):
    """The page asks for an epoch's detail only when it is about to show that epoch, and continues the
    run from parameters it was given (from_epoch) instead of having the server train from the start."""
    open_app(page, f"?{INSTANT}")
    expect(page.locator("#landscape-chart.drawn")).to_be_visible(timeout=CHART_TIMEOUT_MS)
    bodies: list[dict] = []
    surfaces: list[dict] = []
    page.on("request", lambda r: bodies.append(json.loads(r.post_data)) if r.url.endswith("/api/train") else None)
    page.on("request", lambda r: surfaces.append(json.loads(r.post_data)) if r.url.endswith("/api/landscape") else None)

    def act(name: str, epoch: int, phase: str) -> list[dict]:
        bodies.clear()
        page.get_by_role("button", name=name, exact=True).click()
        expect(page.locator("#epoch-label")).to_have_text(f"Epoch {epoch}")
        expect(page.locator("#phase-label")).to_have_text(phase)
        return list(bodies)

    page.get_by_label("Epochs to train", exact=True).fill("100")
    sent = act("Train", 100, "weights updated")
    assert len(sent) == 1
    assert sent[0]["detail_epochs"] == [100] and sent[0]["epochs"] >= 101
    for epoch in (101, 102, 103):
        sent = act("Forward", epoch, "forward pass done")
        sent += act("Update", epoch, "weights updated")
        # At most one request per epoch, and none for costs already known.
        assert len(sent) <= 1, sent
        assert all(body["detail_epochs"] == [epoch] for body in sent)
        assert all(epoch - 2 <= body["from_epoch"] < epoch and body["epochs"] == epoch for body in sent), sent
    # The cost surface is fetched again only when the epochs known pass a power of two (128 here).
    assert [body["epochs"] for body in surfaces] == [128], surfaces
    with page.expect_response("**/api/train") as answer:
        sent = act("Train", 203, "weights updated")
    assert len(sent) == 1 and sent[0]["detail_epochs"] == [203]
    assert sent[0]["epochs"] == 204 and 100 <= sent[0]["from_epoch"] < 103, "only the new epochs are trained"
    assert set(sent[0]["params"]) == {"w1", "w2"}
    # What the continuation answered is, number for number, the whole run trained from the start.
    whole = {k: v for k, v in sent[0].items() if k not in ("from_epoch", "params")}
    from_start = page.request.post("/api/train", data=whole).json()
    assert answer.value.json()["epochs"] == from_start["epochs"][sent[0]["from_epoch"] :]


def exported_csv(page: Page) -> list[dict]:
    with page.expect_download() as download:
        page.get_by_role("button", name="Every epoch as CSV", exact=True).click()
    return list(csv.DictReader(download.value.path().read_text(encoding="utf-8").splitlines()))


def test_the_exports_hold_the_epochs_the_page_has_shown(page: Page):
    open_app(page, "?animate=0")
    page.get_by_role("button", name="Forward", exact=True).click()
    expect(page.locator("#phase-label")).to_have_text("forward pass done")
    # Epoch 1's cost is shown (J = 0.32, the worksheet's), epoch 2's is not: one row.
    rows = exported_csv(page)
    assert [row["epoch"] for row in rows] == ["1"] and float(rows[0]["J"]) == pytest.approx(0.32, rel=1e-12)
    page.get_by_role("button", name="Update", exact=True).click()
    page.get_by_role("button", name="Forward", exact=True).click()
    expect(page.locator("#epoch-label")).to_have_text("Epoch 2")
    expect(page.locator("#phase-label")).to_have_text("forward pass done")
    assert [row["epoch"] for row in exported_csv(page)] == ["1", "2"]

"""The graph exported as SVG looks as it does on the page when opened on its own: arrowheads on the
edges, edge labels with their halo (not white smudges), in a document with none of the page's CSS."""

from playwright.sync_api import Page, expect

from tests.e2e import open_app


def test_exported_graph_keeps_its_arrowheads_and_label_halos(page: Page, tmp_path):
    open_app(page, "?animate=0")
    page.get_by_role("button", name="Backward", exact=True).click()
    expect(page.locator("svg.graph .edge-local").first).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Graph as SVG", exact=True).click()
    path = tmp_path / "graph.svg"
    download.value.save_as(path)
    # Alone in a page of its own: only what the file carries styles it.
    alone = page.context.new_page()
    alone.set_content(path.read_text())
    found = alone.evaluate(
        """() => {
        const svg = document.querySelector("svg");
        const lines = [...svg.querySelectorAll(".edge-line")].map((line) => {
          const marker = getComputedStyle(line).getPropertyValue("marker-end");
          const id = (marker.match(/#([^")]+)/) || [])[1];
          return { marker, resolved: Boolean(id && svg.querySelector(`marker[id="${id}"] *`)) };
        });
        const labels = [...svg.querySelectorAll(".edge-local, .edge-symbol")].map((text) => {
          const style = getComputedStyle(text);
          return { order: style.getPropertyValue("paint-order"), fill: style.fill, stroke: style.stroke };
        });
        return { lines, labels };
      }"""
    )
    assert found["lines"], "the file has the graph's edges"
    assert all(line["resolved"] for line in found["lines"]), found["lines"][:3]
    assert found["labels"], "the file has the edge labels"
    for label in found["labels"]:
        # The halo (a stroke in the background colour) is painted under the text, not over it.
        assert label["order"].startswith("stroke"), label
        assert label["fill"] != label["stroke"], label

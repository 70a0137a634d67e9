"""One number format and one notation: notation.py against the table format.js is tested against too, and
no surface names a derivative with d where the rest write ∂."""

import json
import re

import pytest

from webapp import ROOT
from webapp.presentation import notation
from webapp.request.presets import PRESETS

TABLE = json.loads((ROOT / "tests" / "data" / "number_format.json").read_text(encoding="utf-8"))
# dJ/dz₁, dz₂/da₁, d(target)/d(source): a d-derivative in text; \frac{dJ}{dw} in TeX; d as a MathML identifier.
D_DERIVATIVE = re.compile(r"(?<![A-Za-z\\])d[A-Za-zθŷ(][^\s/<>\"]{0,16}/d[A-Za-zθŷ(]|frac\{d|<mi>d</mi>")


@pytest.mark.parametrize(("value", "full", "compact"), TABLE["numbers"])
def test_every_number_of_the_shared_table(value, full, compact):
    assert notation.number(value) == full
    assert notation.number(value, compact=True) == compact


@pytest.mark.parametrize(("value", "text"), TABLE["factors"])
def test_a_negative_factor_is_put_in_parentheses(value, text):
    assert notation.factor(value) == text


def test_the_pattern_finds_a_d_derivative():
    for text in ("dJ/dz₁ = 1", "dz₂/da₁", r"\frac{dJ}{dw_{1}}", "<mi>d</mi><mi>J</mi>", "d(target)/d(source)"):
        assert D_DERIVATIVE.search(text), text
    assert not D_DERIVATIVE.search("∂J/∂z₁ = 1, ∂z₂/∂a₁, /static/js/app.js, data-node-id")


@pytest.mark.parametrize("query", ["", "?form=1&hidden=2,2&bias=1", *(f"?preset={name}" for name in PRESETS)])
def test_no_page_names_a_derivative_with_d(client, query):
    for page in ("/", "/embed"):
        html = client.get(page + query).get_data(as_text=True)
        assert "∂J/∂" in html
        assert not D_DERIVATIVE.findall(html), (page + query, D_DERIVATIVE.findall(html)[:5])


@pytest.mark.parametrize("preset", PRESETS)
def test_the_api_graph_names_every_derivative_with_partial(client, preset):
    graph = client.post("/api/train", json={"preset": preset}).get_json()["graph"]
    text = json.dumps(graph, ensure_ascii=False)
    assert not D_DERIVATIVE.findall(text), D_DERIVATIVE.findall(text)[:5]
    assert all(e["symbol"].startswith("∂") and e["tex"].startswith(r"\frac{\partial ") for e in graph["edges"])

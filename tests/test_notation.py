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


@pytest.mark.parametrize(
    ("value", "tex"),
    [(None, "?"), (-0.8, "-0.8"), (-1.2e-7, r"-1.2 \times 10^{-7}"), (6.02214076e23, r"6.02214076 \times 10^{23}")],
)
def test_latex_gets_the_same_number_without_unicode(value, tex):
    assert notation.number_tex(value) == tex


def test_messages_write_numbers_as_the_page_does(client):
    dead = client.post("/api/train", json={"params": {"w1": -300000}}).get_json()
    assert "a₁ (z₁ at most −9×10⁵)" in dead["message"]
    diverged = client.post("/api/train", json={"preset": "diverging"}).get_json()
    assert "(about 1.798×10³⁰⁸)" in diverged["message"]
    for message in (dead["message"], diverged["message"]):
        assert not re.search(r"\de[+-]?\d|·10", message), message


def test_the_graph_drawn_by_the_server_writes_numbers_as_the_script_does(client):
    # Compact, as view.js writes a node's value: the drawing must not change when the script starts.
    html = client.get("/?form=1&w1=0.123456789&lr=1e-7").get_data(as_text=True)
    assert re.search(r'data-node-id="w1".*?class="node-value"[^>]*>= 0\.1235<', html, re.S)
    assert '<span data-fill="lr">1×10⁻⁷</span>' in html


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


PRACTICE = [f"worksheet={f.stem}" for f in sorted((ROOT / "webapp" / "worksheets").glob("[!_]*.toml"))]


@pytest.mark.parametrize("query", [*PRACTICE, "preset=two_hidden&hidden=2,2&bias=1"])
def test_no_practice_set_names_a_derivative_with_d(client, query):
    """Prompts, hints, solutions and the answer key of every worksheet write ∂, as the graph does."""
    for variant in ("0", "5"):
        html = client.get(f"/practice?{query}&variant={variant}&key=1").get_data(as_text=True)
        assert "∂J/∂" in html, query
        assert not D_DERIVATIVE.findall(html), (query, variant, D_DERIVATIVE.findall(html)[:5])


@pytest.mark.parametrize("preset", PRESETS)
def test_the_api_graph_names_every_derivative_with_partial(client, preset):
    graph = client.post("/api/train", json={"preset": preset}).get_json()["graph"]
    text = json.dumps(graph, ensure_ascii=False)
    assert not D_DERIVATIVE.findall(text), D_DERIVATIVE.findall(text)[:5]
    assert all(e["symbol"].startswith("∂") and e["tex"].startswith(r"\frac{\partial ") for e in graph["edges"])

"""The visualizer page as the server renders it: graph, tables, embedded run, assets, form checks."""

import gzip
import json
import re
from pathlib import Path
from urllib.parse import urlencode

import plotly
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.worksheet import EPOCHS, TOLERANCE
from webapp import ROOT
from webapp.request.resolve import resolve

WORKSHEET_NODES = ["x", "y", "w1", "w2", "z1", "a1", "z2", "yhat", "J"]
WORKSHEET_EDGES = ["x-z1", "w1-z1", "z1-a1", "a1-z2", "w2-z2", "z2-yhat", "yhat-J", "y-J"]


def initial_state(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="initial-state">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_index_draws_the_worksheet_graph(client):
    html = client.get("/").get_data(as_text=True)
    assert '<svg id="graph"' in html
    for node in WORKSHEET_NODES:
        assert f'data-node-id="{node}"' in html, node
    # The edges come as data, drawn by the page's script between the boxes.
    assert sorted(edge_ids(initial_state(html)["graph"])) == sorted(WORKSHEET_EDGES)


def rows(graph: dict, key: str) -> list[dict]:
    """The page's compact graph's nodes or edges as objects, by the field names it declares: a kind comes
    as its place in `kinds`, an edge's source and target as places in the nodes, its partner in the edges."""
    kinds = [name for _, name in graph["kinds"]]
    found = [dict(zip(graph[key.removesuffix("s") + "Fields"], row, strict=True)) for row in graph[key]]
    for item in found:
        item["kind"] = kinds[item["kind"]]
    if key == "edges":
        nodes, edges = [n["id"] for n in rows(graph, "nodes")], [e["id"] for e in found]
        for e in found:
            e.update(source=nodes[e["source"]], target=nodes[e["target"]])
            e["partner"] = None if e["partner"] is None else edges[e["partner"]]
    return found


def edge_ids(graph: dict) -> list[str]:
    return [edge["id"] for edge in rows(graph, "edges")]


WORKSHEET_PLACES = {
    "x": ("input", 0),
    "w1": ("weight", 1),
    "z1": ("sum", 1),
    "a1": ("activation", 1),
    "w2": ("weight", 2),
    "z2": ("sum", 2),
    "yhat": ("activation", 2),
    "y": ("target", 3),
    "J": ("cost", 3),
}


def test_the_pages_graph_gives_every_node_its_kind_layer_and_row(client):
    graph = initial_state(client.get("/").get_data(as_text=True))["graph"]
    nodes = {n["id"]: n for n in rows(graph, "nodes")}
    assert {i: (n["kind"], n["layer"]) for i, n in nodes.items()} == WORKSHEET_PLACES
    assert all(n["row"] == 0 for n in nodes.values())
    assert nodes["yhat"]["label"] == "ŷ" and nodes["w2"]["param"] and not nodes["a1"]["param"]
    # The kinds are declared beside the graph, and every kind it uses is one of them.
    used = {n["kind"] for n in nodes.values()} | {e["kind"] for e in rows(graph, "edges")}
    assert used <= {name for _, name in graph["kinds"]}
    wide = initial_state(client.get("/?form=1&hidden=3").get_data(as_text=True))["graph"]
    assert [n["row"] for n in rows(wide, "nodes") if n["kind"] == "sum"] == [0, 1, 2, 0]


def test_the_pages_graph_gives_every_value_edge_the_weight_it_is_multiplied_by(client):
    assert {e["id"]: e["partner"] for e in rows(initial_state(client.get("/").get_data(as_text=True))["graph"], "edges")} == {
        "x-z1": "w1-z1", "w1-z1": "x-z1", "a1-z2": "w2-z2", "w2-z2": "a1-z2",
        "z1-a1": None, "z2-yhat": None, "yhat-J": None, "y-J": None,
    }  # fmt: skip
    # A wider network: dz/da along a value edge is the weight its partner brings, number for number.
    state = initial_state(client.get("/?form=1&hidden=3,2&bias=on&seed=4").get_data(as_text=True))
    epoch = state["run"]["epochs"][0]
    edges = {e["id"]: e for e in rows(state["graph"], "edges")}
    values = [e for e in edges.values() if e["kind"] == "value"]
    assert len(values) == 1 * 3 + 3 * 2 + 2 * 1  # x, then a₁ (3 wide) and a₂ (2 wide), into each z
    for edge in values:
        weight = edges[edge["partner"]]
        assert weight["kind"] == "weight" and weight["target"] == edge["target"] and weight["partner"] == edge["id"]
        assert epoch["local"][edge["id"]] == [epoch["values"][weight["source"]]]


def test_wide_pages_stay_light_and_draw_the_graph_once(client):
    html = client.get("/?form=1&hidden=16,16,16,16").get_data(as_text=True)
    # Half a mebibyte: the largest network's page, every number of its first epoch included.
    assert len(html.encode()) < 2**19
    assert len(re.findall(r'<svg[^>]*class="graph\b', html)) == 1
    state = initial_state(html)
    graph = resolve({"layers": [1, 16, 16, 16, 16, 1]}).graph
    assert edge_ids(state["graph"]) == [e.id for e in graph.edges]
    # Epoch 2's numbers are fetched when the page gets there.
    assert [e.get("detail", False) for e in state["run"]["epochs"]] == [True, False]
    geometry = state["geometry"]
    drawn = set(re.findall(r'<g class="node [^"]*" data-node-id="([^"]+)"', html))
    assert set(geometry["wide"]["nodes"]) == set(geometry["tall"]["nodes"]) == drawn


def test_index_counts_the_worksheets_functions_and_weights(client):
    html = client.get("/").get_data(as_text=True)
    summary = " ".join(re.search(r'id="graph-summary">(.*?)</p>', html, re.S).group(1).split())
    assert re.search(r"5 functions \(z₁, a₁, z₂, ŷ, J\)", summary)
    assert re.search(r"2 parameters \(w₁, w₂\)", summary)


def test_index_embeds_the_worksheet_run(client):
    state = initial_state(client.get("/").get_data(as_text=True))
    first, second = state["run"]["epochs"][:2]
    assert first["cost"] == pytest.approx(EPOCHS[0]["cost"], abs=TOLERANCE)
    assert second["cost"] == pytest.approx(EPOCHS[1]["cost"], abs=TOLERANCE)
    nodes = [n["id"] for n in rows(state["graph"], "nodes")]
    assert [nodes[i] for i in state["graph"]["forward"]] == ["z1", "a1", "z2", "yhat", "J"]
    assert [nodes[i] for i in state["graph"]["backward"]] == ["J", "yhat", "z2", "w2", "a1", "z1", "w1"]
    assert state["config"]["weights"] == [[[0.5]], [[0.8]]]


def test_tables_are_mathml_with_a_cell_for_every_worksheet_number(client):
    html = client.get("/").get_data(as_text=True)
    assert html.count("<math") > 20
    for node in ["z1", "a1", "z2", "yhat", "J"]:
        assert f'data-fill="values.{node}"' in html
    for edge in ["yhat-J", "z2-yhat", "a1-z2", "w2-z2", "z1-a1", "w1-z1"]:
        assert f'data-fill="local.{edge}"' in html
    assert 'data-chain="w1"' in html and 'data-update="w2"' in html


def test_plotly_is_served_from_the_vendored_partial_bundle_compressed_and_cached(client):
    html = client.get("/").get_data(as_text=True)
    src = re.search(r'data-plotly-src="([^"]+)"', html).group(1)
    assert src.startswith("/vendor/plotly-")
    assert "cdn" not in html.lower()
    response = client.get(src, headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "immutable" in response.headers["Cache-Control"]
    package_js = next((ROOT / "static" / "vendor").glob("plotly-cartesian-*.min.js")).read_bytes()
    # The partial bundle, of the plotly.js the Python package (which builds the figure) is made for.
    version = re.search(rb"plotly\.js \(cartesian - minified\) v([\d.]+)", package_js[:300]).group(1).decode()
    python_js = (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_bytes()[:300]
    assert f"plotly.js v{version}".encode() in python_js
    assert src.endswith(f"/vendor/plotly-cartesian-{version}.min.js")
    assert gzip.decompress(response.data) == package_js
    assert len(response.data) < len(package_js) / 2
    plain = client.get(src)
    assert "Content-Encoding" not in plain.headers and plain.data == package_js


def test_static_assets_are_versioned_and_cacheable(client):
    html = client.get("/").get_data(as_text=True)
    script = re.search(r'src="(/static/js/app\.js\?v=[0-9a-f]{12})"', html).group(1)
    response = client.get(script)
    assert response.status_code == 200
    assert "max-age=31536000" in response.headers["Cache-Control"]
    import_map = json.loads(re.search(r'<script type="importmap"[^>]*>(.*?)</script>', html, re.S).group(1))
    for plain, versioned in import_map["imports"].items():
        assert versioned.startswith(plain + "?v=")
        assert client.get(plain).headers["Cache-Control"] == "no-cache"


def test_html_is_sent_compressed(client):
    response = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert b"Backprop Visualizer" in gzip.decompress(response.data)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("x=abc", "x"),
        ("y=", None),
        ("lr=-1", "lr"),
        ("lr=ten", "lr"),
        ("hidden=two", "hidden"),
        ("hidden=99", "hidden"),
        ("w1=abc&w2=0.8", "param-w1"),
        ("seed=1.5", "seed"),
        ("loss=bce", "y"),
        ("preset=nope", "preset"),
        ("train=many", "train"),
    ],
)
def test_check_names_the_form_field(client, query, field):
    errors = client.get(f"/check?{query}").get_json()["errors"]
    if field is None:
        assert errors == {}
    else:
        assert field in errors, errors
        assert errors[field]


def test_invalid_query_renders_inline_errors_beside_the_worksheet(client):
    response = client.get("/?x=abc&lr=0.2")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="error-x"' in html and "write numbers" in html
    assert re.search(r'id="field-x"[^>]*value="abc"[^>]*aria-invalid="true"', html)
    assert 'data-node-id="z1"' in html


def test_query_sets_the_run(client):
    state = initial_state(client.get("/?x=4&y=2&w1=0.5&w2=0.8&lr=0.2").get_data(as_text=True))
    assert state["run"]["epochs"][0]["values"]["z1"] == [2.0]
    assert state["config"]["learning_rate"] == 0.2


def test_wider_network_from_the_form(client):
    html = client.get("/?form=1&hidden=2&act=relu&act=relu&bias=on&seed=3").get_data(as_text=True)
    for node in ["z1_1", "z1_2", "a1_2", "b2"]:
        assert f'data-node-id="{node}"' in html
    state = initial_state(html)
    assert state["config"]["layers"] == [1, 2, 1]
    assert state["config"]["bias"] is True


@pytest.mark.parametrize("preset", ["worksheet", "diverging", "dead_relu", "two_hidden", "xor"])
def test_every_preset_renders(client, preset):
    response = client.get(f"/?preset={preset}")
    assert response.status_code == 200
    assert initial_state(response.get_data(as_text=True))["run"]["epochs"]


QUERY_FIELDS = ["x", "y", "hidden", "act", "bias", "loss", "lr", "seed", "w1", "w2", "b1", "train", "preset", "form"]
query_texts = st.one_of(
    st.text(alphabet="0123456789-+.,e ;abnNIfi", max_size=12),
    st.sampled_from(["nan", "inf", "-inf", "1e400", "0", "-1", "1, 1", "2 2", "relu", "bce", "xor", ""]),
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(QUERY_FIELDS), st.lists(query_texts, min_size=1, max_size=3), max_size=6))
def test_any_query_renders_the_page_and_checks_cleanly(client, fields):
    query = urlencode([(k, v) for k, values in fields.items() for v in values])
    page = client.get(f"/?{query}")
    assert page.status_code == 200
    assert initial_state(page.get_data(as_text=True))["run"]["epochs"]
    checked = client.get(f"/check?{query}")
    assert checked.status_code == 200
    assert all(isinstance(message, str) and message for message in checked.get_json()["errors"].values())


@pytest.mark.parametrize(
    "query",
    [
        "/?hidden=97387315",
        "/check?hidden=3000000",
        "/?hidden=16,16,16,16,16,16,16",
        "/?x=" + "1," * 5000,
        "/?w1=" + "9" * 50_000,
    ],
)
def test_hostile_page_queries_are_answered_at_once_naming_their_field(client, query):
    import tracemalloc

    client.get("/")  # templates and formulas compiled: what is left is the query's own cost
    tracemalloc.start()
    response = client.get(query)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert response.status_code == 200
    if query.startswith("/check"):
        assert response.get_json()["errors"]
    else:
        assert 'role="alert"' in response.get_data(as_text=True)
    assert peak < 50_000_000, f"{peak / 1e6:.0f} MB"


def errors_in(html: str) -> dict[str, str]:
    return dict(re.findall(r'class="field-error" id="error-([\w-]+)" >([^<]+)<', html))


def test_every_error_of_a_form_appears_at_once_under_its_own_field(client):
    html = client.get("/?form=1&loss=bce&act=relu&act=relu&x=3&y=2&lr=abc").get_data(as_text=True)
    errors = errors_in(html)
    assert set(errors) == {"y", "lr"}, errors
    assert "between 0 and 1" in errors["y"]
    assert client.get("/check?form=1&loss=bce&act=relu&act=relu&y=2&lr=abc").get_json()["errors"].keys() == {"y", "lr"}


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("act=relu&act=sigmoid&y=2", "strictly between 0 and 1"),
        ("act=relu&act=tanh&y=-1", "strictly between −1 and 1"),
        ("act=relu&act=relu&y=-0.5", "no negative values"),
    ],
)
def test_an_output_that_cannot_reach_its_target_is_named_in_words(client, query, words):
    html = client.get(f"/?form=1&{query}").get_data(as_text=True)
    hint = re.search(r'id="hint-act-1">([^<]*)<', html).group(1)
    assert words in hint and "never reaches" in hint
    assert errors_in(html) == {}
    reachable = client.get("/?form=1&act=relu&act=relu&y=2").get_data(as_text=True)
    assert re.search(r'id="hint-act-1">([^<]*)<', reachable).group(1) == ""


def picked_preset(html: str) -> str:
    select = re.search(r'<select id="preset-select".*?</select>', html, re.S).group(0)
    return re.search(r'<option value="(\w*)"[^>]*selected', select).group(1)


def test_the_preset_picker_describes_the_preset_and_reads_custom_once_edited(client):
    from webapp.request.presets import PRESETS

    html = client.get("/?preset=xor").get_data(as_text=True)
    assert picked_preset(html) == "xor"
    assert PRESETS["xor"]["description"].replace("'", "&#39;") in html
    assert picked_preset(client.get("/?preset=xor&lr=0.5").get_data(as_text=True)) == ""
    assert picked_preset(client.get("/").get_data(as_text=True)) == "worksheet"

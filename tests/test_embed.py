"""/embed and what goes with it: options from the URL, framing per route, CORS, the URL prefix, oEmbed."""

import json
import re
from urllib.parse import quote

import pytest

from tests.test_security import csp_directives
from webapp import create_app
from webapp.request.embed import CONTROLS, embed_options
from webapp.web.mounting import url_prefix
from webapp.web.security import embed_origins
from webapp.web.server import app_config, parse_args


def sections(html: str) -> dict[str, bool]:
    """Each panel's name mapped to whether it is shown."""
    found = dict(re.findall(r'<section class="panel (\w+)-panel"[^>]*?( hidden)?>', html))
    # The cost surface goes with the chart.
    assert ("landscape" in found) and (found.pop("landscape") == "") == (found["chart"] == "")
    return {name: not hidden for name, hidden in found.items()}


def test_embed_shows_the_graph_and_its_controls_by_default(client):
    html = client.get("/embed").get_data(as_text=True)
    assert sections(html) == {"graph": True, "tables": False, "chart": False, "settings": False}
    assert 'data-action="forward"' in html and "hidden" not in re.findall(r'data-control="\w+"( hidden)?', html)
    assert "site-header" not in html


@pytest.mark.parametrize(
    ("view", "shown"),
    [
        ("graph,chart", {"graph", "chart"}),
        ("tables", {"graph", "tables"}),  # the graph's panel keeps the controls, not the drawing
        (" settings , GRAPH ", {"graph", "settings"}),
        ("graph,tables,chart,settings", {"graph", "tables", "chart", "settings"}),
    ],
)
def test_view_chooses_the_panels(client, view, shown):
    html = client.get(f"/embed?view={quote(view)}").get_data(as_text=True)
    assert {name for name, visible in sections(html).items() if visible} == shown
    assert ('data-graph="controls-only"' in html) == ("graph" not in view.lower())


def test_the_run_query_passes_through_to_the_visualizer(client):
    html = client.get("/embed?x=4&y=2&w1=0.5&w2=0.8&lr=0.2&view=graph").get_data(as_text=True)
    state = json.loads(re.search(r'id="initial-state">(.*?)</script>', html, re.S).group(1))
    assert state["run"]["epochs"][0]["values"]["z1"] == [2.0]
    assert state["config"]["learning_rate"] == 0.2


@pytest.mark.parametrize(
    ("controls", "hidden"),
    [
        ("-train,-speed", {"train", "speed"}),
        ("forward,backward", set(CONTROLS) - {"forward", "backward"}),
        ("none", set(CONTROLS)),
        ("all", set()),
    ],
)
def test_controls_hide_or_list_the_controls(controls, hidden):
    options, errors = embed_options({"controls": [controls]})
    assert errors == {}
    assert options.hidden_controls == hidden


def named_controls(html: str) -> dict[str, bool]:
    """Each control the page marks, by its name, mapped to whether it is shown."""
    return {name: not hidden for name, hidden in re.findall(r'data-control="(\w+)"( hidden)?', html)}


@pytest.mark.parametrize(
    ("controls", "shown"), [("forward,backward,update", {"forward", "backward", "update"}), ("none", set())]
)
def test_every_control_of_the_page_has_a_name_and_the_hidden_ones_are_left_out(client, controls, shown):
    html = client.get(f"/embed?view=graph,chart&preset=xor&controls={controls}").get_data(as_text=True)
    marked = named_controls(html)
    assert set(marked) == set(CONTROLS)
    assert {name for name, visible in marked.items() if visible} == shown


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("view=nope", "view"),
        ("view=,", "view"),
        ("controls=-train,step", "controls"),
        ("controls=-warp", "controls"),
        ("theme=blue", "theme"),
        ("lock=maybe", "lock"),
        ("view=" + "graph," * 100, "view"),
    ],
)
def test_a_bad_embed_option_is_named_inline_and_the_rest_still_shows(client, query, field):
    response = client.get(f"/embed?{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert re.search(rf"<li><code>{field}</code>: [^<]+</li>", html)
    assert 'data-node-id="z1"' in html
    # The bad value is not carried into the settings form's next address.
    assert f'name="{field}"' not in html


def test_theme_and_lock(client):
    html = client.get("/embed?theme=dark&lock=1&view=settings").get_data(as_text=True)
    assert '<html lang="en" data-theme="dark">' in html
    assert re.search(
        r'<fieldset class="locked-settings" disabled[^>]*>((?!</fieldset>).)*<form id="settings"', html, re.S
    )
    assert re.search(r'<form id="settings" method="get" action="/embed"', html)
    for key, value in (("theme", "dark"), ("lock", "1"), ("view", "settings")):
        assert f'<input type="hidden" name="{key}" value="{value}" form="settings">' in html
    auto = client.get("/embed?theme=auto").get_data(as_text=True)
    assert "data-theme" not in auto.split("<head>")[0]
    assert "locked-settings" not in auto


def test_without_scripts_the_graph_shows_the_data_and_starting_weights(client):
    html = client.get("/embed?x=4&y=2&w1=-0.5&w2=0.8").get_data(as_text=True)
    values = dict(re.findall(r'data-node-id="(\w+)".*?class="node-value"[^>]*>([^<]*)<', html, re.S))
    assert values["x"] == "= 4" and values["y"] == "= 2"
    assert values["w1"] == "= −0.5" and values["w2"] == "= 0.8"
    assert values["z1"] == "" and values["J"] == ""
    assert "<noscript>" in html


def test_only_the_embed_may_be_framed_by_other_sites(client):
    embed = client.get("/embed")
    assert csp_directives(embed.headers["Content-Security-Policy"])["frame-ancestors"] == ["*"]
    assert "X-Frame-Options" not in embed.headers
    for path in ("/", "/nowhere", "/oembed?url=x"):
        response = client.get(path)
        assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
        if response.mimetype == "text/html":
            assert csp_directives(response.headers["Content-Security-Policy"])["frame-ancestors"] == ["'self'"]


def test_embed_origins_setting_restricts_framing():
    app = create_app({"TESTING": True, "EMBED_ORIGINS": "https://canvas.example.edu, http://localhost:8123"})
    header = app.test_client().get("/embed").headers["Content-Security-Policy"]
    assert csp_directives(header)["frame-ancestors"] == [
        "'self'",
        "https://canvas.example.edu",
        "http://localhost:8123",
    ]


@pytest.mark.parametrize(
    "setting", ["canvas.example.edu", "https://a.edu/course", "javascript:alert(1)", "https://a b"]
)
def test_a_bad_embed_origin_stops_the_app_naming_the_setting(setting):
    with pytest.raises(ValueError, match="BACKPROP_EMBED_ORIGINS"):
        embed_origins(setting)


def test_embed_origins_default_to_any_site():
    assert embed_origins(None) == "*"
    assert embed_origins(["https://*.example.org"]) == "'self' https://*.example.org"


@pytest.mark.parametrize(
    "path",
    ["/api/presets", "/check?x=3", "/static/js/app.js", "/embed.js", "/oembed?url=http://localhost/"],
)
def test_public_resources_answer_any_origin(client, path):
    response = client.get(path, headers={"Origin": "null"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_pages_do_not_answer_other_origins(client):
    assert "Access-Control-Allow-Origin" not in client.get("/", headers={"Origin": "null"}).headers
    assert "Access-Control-Allow-Origin" not in client.get("/embed", headers={"Origin": "null"}).headers


def test_a_json_post_from_a_sandboxed_frame_is_preflighted_and_answered(client):
    preflight = client.options(
        "/api/train",
        headers={
            "Origin": "null",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert preflight.headers["Access-Control-Allow-Headers"].lower() == "content-type"
    response = client.post("/api/train", json={"epochs": 1}, headers={"Origin": "null"})
    assert response.status_code == 200 and response.headers["Access-Control-Allow-Origin"] == "*"
    refused = client.post("/api/train", data="{}", content_type="text/plain", headers={"Origin": "null"})
    assert refused.status_code == 415


def test_the_host_script_is_served_as_javascript(client):
    response = client.get("/embed.js")
    assert response.mimetype == "text/javascript"
    assert b"backprop-visualizer:resize" in response.data
    assert "max-age" in response.headers["Cache-Control"]


def test_url_prefix_serves_everything_under_it():
    client = create_app({"TESTING": True, "URL_PREFIX": "/backprop/"}).test_client()
    html = client.get("/backprop/embed").get_data(as_text=True)
    urls = json.loads(re.search(r'id="app-urls">(.*?)</script>', html).group(1))
    assert urls["train"] == "/backprop/api/train" and urls["check"] == "/backprop/check"
    assert all(url.startswith("/backprop/") for url in urls.values()), urls
    assert 'data-plotly-src="/backprop/vendor/plotly-' in html
    assert re.search(r'src="/backprop/static/js/app\.js\?v=', html)
    assert client.post(urls["train"], json={}).status_code == 200
    assert client.get("/backprop/").status_code == 200
    assert client.get("/embed").status_code == 404
    assert client.get("/api/presets").status_code == 404


def test_forwarded_prefix_is_honoured_only_when_proxies_are_trusted():
    headers = {"X-Forwarded-Prefix": "/course/nn", "X-Forwarded-Host": "school.example", "X-Forwarded-Proto": "https"}
    trusting = create_app({"TESTING": True, "TRUST_PROXY": 1}).test_client()
    html = trusting.get("/", headers=headers).get_data(as_text=True)
    assert '"train":"/course/nn/api/train"' in html
    assert "https://school.example/course/nn/oembed?url=https%3A%2F%2Fschool.example%2Fcourse%2Fnn%2F" in html
    plain = create_app({"TESTING": True}).test_client().get("/", headers=headers).get_data(as_text=True)
    assert '"train":"/api/train"' in plain and "school.example" not in plain


@pytest.mark.parametrize("prefix", ["backprop", "/a b", "/../x", "/x?y"])
def test_a_bad_url_prefix_is_refused(prefix):
    with pytest.raises(ValueError, match="--url-prefix"):
        url_prefix(prefix)


def test_the_command_line_sets_the_prefix_and_proxies():
    settings = parse_args(["--url-prefix", "/backprop/", "--trust-proxy", "1"])
    assert app_config(settings) == {"URL_PREFIX": "/backprop", "TRUST_PROXY": 1}
    assert app_config(parse_args([])) == {}


def test_oembed_answers_a_rich_iframe_for_its_own_pages(client):
    page = "http://localhost/?x=4&y=2"
    response = client.get(f"/oembed?url={quote(page)}&format=json&maxwidth=600")
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["type"] == "rich" and answer["version"] == "1.0"
    assert answer["title"] and answer["provider_name"] == "Backprop Visualizer"
    assert answer["width"] == 600 and answer["height"] > 0
    src = re.search(r'<iframe src="([^"]+)"', answer["html"]).group(1)
    assert src.replace("&amp;", "&") == "http://localhost/embed?x=4&y=2"
    assert f'width="{answer["width"]}"' in answer["html"]


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("url=https://example.com/&format=json", 404, "url"),
        ("url=http://localhost/api/presets", 404, "url"),
        ("url=javascript:alert(1)", 404, "url"),
        ("url=http://localhost/&format=xml", 501, "format"),
        ("format=json", 400, "url"),
        ("url=http://localhost/&maxwidth=wide", 400, "maxwidth"),
        ("url=http://localhost/&maxheight=-5", 400, "maxheight"),
    ],
)
def test_oembed_refuses_what_it_cannot_answer_naming_the_field(client, query, status, field):
    response = client.get(f"/oembed?{query}")
    assert response.status_code == status
    assert response.get_json()["errors"][0]["field"] == field


def test_pages_link_their_oembed(client):
    for path in ("/?x=4", "/embed?x=4"):
        html = client.get(path).get_data(as_text=True)
        href = re.search(r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', html).group(1)
        answer = client.get(href.replace("&amp;", "&").removeprefix("http://localhost"))
        assert answer.status_code == 200 and "x=4" in answer.get_json()["html"]


def test_the_embed_dialog_lists_every_panel_and_control_name(client):
    html = client.get("/").get_data(as_text=True)
    dialog = html[html.index('<dialog id="embed-dialog"') : html.index("</dialog>")]
    for name in CONTROLS:
        assert re.search(rf"\b{name}\b", dialog), name
    assert "README" not in dialog

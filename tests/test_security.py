"""Security headers on every response, the page's Content-Security-Policy, and what /api/train accepts."""

import json
import re

import pytest

from webapp import create_app
from webapp.request.limits import MAX_PARAMS, MAX_QUERY_BYTES

SECURE_EVERYWHERE = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "SAMEORIGIN",
}


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def import_map_nonce(html: str) -> str:
    return re.search(r'<script type="importmap" nonce="([^"]+)">', html).group(1)


def test_the_page_allows_only_its_own_scripts_and_the_nonced_import_map(client):
    response = client.get("/")
    csp = csp_directives(response.headers["Content-Security-Policy"])
    nonce = import_map_nonce(response.get_data(as_text=True))
    assert len(nonce) >= 16
    assert csp["script-src"] == ["'self'", f"'nonce-{nonce}'"]
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'self'"]
    assert "'unsafe-inline'" not in csp.get("script-src", []) + csp["default-src"]
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]


def test_every_inline_script_is_data_or_carries_the_nonce(client):
    html = client.get("/?preset=xor").get_data(as_text=True)
    nonce = import_map_nonce(html)
    for attributes in re.findall(r"<script([^>]*)>(?=.)", html):
        if "src=" in attributes or 'type="application/json"' in attributes:
            continue
        assert f'nonce="{nonce}"' in attributes


def test_each_page_gets_a_fresh_nonce(client):
    first = import_map_nonce(client.get("/").get_data(as_text=True))
    second = client.get("/")
    assert import_map_nonce(second.get_data(as_text=True)) != first
    assert f"'nonce-{first}'" not in second.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    "path",
    ["/", "/healthz", "/api/presets", "/api/openapi.json", "/api/nowhere", "/nowhere", "/static/css/app.css"],
)
def test_every_response_forbids_sniffing_framing_referrers_and_powerful_features(client, path):
    response = client.get(path)
    for name, value in SECURE_EVERYWHERE.items():
        assert response.headers[name] == value
    policy = response.headers["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy


def test_html_error_pages_have_a_csp_too(client):
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("method", "path"),
    [("post", "/api/train"), ("get", "/api/presets"), ("get", "/api/openapi.json"), ("get", "/api/nowhere")],
)
def test_api_responses_are_never_stored(client, method, path):
    response = getattr(client, method)(path, json={} if method == "post" else None)
    assert response.headers["Cache-Control"] == "no-store"


def test_pages_and_static_files_keep_their_own_caching(client):
    assert "no-store" not in client.get("/static/css/app.css").headers.get("Cache-Control", "")
    assert "immutable" in client.get("/static/css/app.css?v=1").headers["Cache-Control"]


def test_a_405_under_the_api_keeps_its_allow_header(client):
    response = client.get("/api/train")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    assert response.get_json()["errors"][0]["field"] == "request"
    assert "GET" in client.delete("/api/presets").headers["Allow"]


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/plain", '{"epochs": 2}'),
        ("text/plain;charset=UTF-8", '{"epochs": 2}'),
        ("application/x-www-form-urlencoded", '{"epochs": 2}'),
        ("multipart/form-data; boundary=x", '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n'),
        ("application/xml", "<epochs>2</epochs>"),
    ],
)
def test_train_refuses_bodies_not_declared_json(client, content_type, body):
    response = client.post("/api/train", data=body, content_type=content_type)
    assert response.status_code == 415
    data = response.get_json()
    assert data["errors"][0]["field"] == "Content-Type"
    assert content_type.split(";")[0] in data["errors"][0]["message"]


def test_train_refuses_a_body_without_a_content_type(client):
    response = client.post("/api/train", data=b'{"epochs": 2}', headers={"Content-Type": ""})
    assert response.status_code == 415
    assert response.get_json()["errors"][0]["field"] == "Content-Type"


@pytest.mark.parametrize(
    "content_type", ["application/json", "application/json; charset=utf-8", "application/vnd.run+json"]
)
def test_train_accepts_json_content_types(client, content_type):
    response = client.post("/api/train", data='{"epochs": 2}', content_type=content_type)
    assert response.status_code == 200
    assert response.get_json()["config"]["epochs"] == 2


def test_an_empty_request_without_a_content_type_still_means_the_worksheet(client):
    response = client.post("/api/train")
    assert response.status_code == 200
    assert response.get_json()["config"]["x"] == [[3.0]]


def test_a_redirect_says_only_its_path_when_the_address_is_not_configured():
    client = create_app({"TESTING": True, "URL_PREFIX": "/bp"}).test_client()
    response = client.get("/bp", headers={"Host": "evil.example"})
    assert response.status_code == 308
    assert response.headers["Location"] == "/bp/"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_configured_public_url_gives_the_addresses_whatever_the_host_header():
    client = create_app({"TESTING": True, "PUBLIC_URL": "https://school.example"}).test_client()
    page = client.get("/?x=4", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert "evil.example" not in page
    assert "https://school.example/oembed?url=https%3A%2F%2Fschool.example%2F%3Fx%3D4" in page


def test_the_oembed_discovery_link_is_relative_and_answers_without_a_configured_address(client):
    page = client.get("/?x=4", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert "evil.example" not in page
    link = re.search(r'href="(/oembed\?[^"]+)"', page).group(1).replace("&amp;", "&")
    answer = client.get(link, headers={"Host": "evil.example"}).get_json()
    assert "evil.example" not in json.dumps(answer)
    assert 'src="/embed?x=4"' in answer["html"]


def test_a_public_url_that_is_no_address_stops_the_app():
    with pytest.raises(ValueError, match="--public-url"):
        create_app({"TESTING": True, "PUBLIC_URL": "school.example"})


def test_a_query_longer_than_the_limit_is_refused_before_any_work(client):
    response = client.get("/?x=" + "1" * MAX_QUERY_BYTES)
    assert response.status_code == 414
    assert "query" in response.get_data(as_text=True)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in response.headers


def test_more_parameter_ids_than_any_network_has_are_refused_naming_the_first_extra_one(client):
    ids = [f"w{i}_1_1" for i in range(1, MAX_PARAMS + 3)]
    response = client.get("/?" + "&".join(f"{pid}=1" for pid in ids))
    assert response.status_code == 400
    assert ids[MAX_PARAMS] in response.get_data(as_text=True)
    assert len(response.get_data()) < 4096

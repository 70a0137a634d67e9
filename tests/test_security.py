"""Security headers on every response, the page's Content-Security-Policy, and what /api/train accepts."""

import re

import pytest

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

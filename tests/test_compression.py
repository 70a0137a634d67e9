"""gzip never mixes with byte ranges: compressed answers are whole, ranges are of the file itself."""

import gzip

import pytest

from webapp import ROOT
from webapp.views.pages import PLOTLY_JS
from webapp.web import compression

APP_JS = "/static/js/app.js"
GZIP = {"Accept-Encoding": "gzip, deflate, br"}


@pytest.fixture
def app_js() -> bytes:
    return (ROOT / "static" / "js" / "app.js").read_bytes()


def test_a_compressed_file_refuses_ranges_and_has_a_weak_etag(client, app_js):
    response = client.get(APP_JS, headers=GZIP)
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Accept-Ranges"] == "none"
    assert response.headers["ETag"].startswith('W/"')
    assert gzip.decompress(response.get_data()) == app_js
    assert int(response.headers["Content-Length"]) == len(response.get_data())


def test_a_range_request_gets_the_files_own_bytes_uncompressed(client, app_js):
    response = client.get(APP_JS, headers={**GZIP, "Range": "bytes=100-199"})
    assert response.status_code == 206
    assert "Content-Encoding" not in response.headers
    assert response.headers["Content-Range"] == f"bytes 100-199/{len(app_js)}"
    assert response.get_data() == app_js[100:200]


def test_a_compressed_files_etag_still_revalidates(client):
    etag = client.get(APP_JS, headers=GZIP).headers["ETag"]
    assert client.get(APP_JS, headers={**GZIP, "If-None-Match": etag}).status_code == 304


def test_plotly_is_always_sent_whole(client):
    url = f"/vendor/{PLOTLY_JS.name}"
    response = client.get(url, headers={**GZIP, "Range": "bytes=0-9"})
    assert response.status_code == 200
    assert response.headers["Accept-Ranges"] == "none"
    assert gzip.decompress(response.get_data()) == PLOTLY_JS.read_bytes()
    plain = client.get(url, headers={"Range": "bytes=0-9"})
    assert plain.status_code == 200
    assert plain.get_data() == PLOTLY_JS.read_bytes()


def test_a_static_file_is_compressed_once_per_version(client, app_js, monkeypatch):
    calls = []
    real_compress = gzip.compress
    monkeypatch.setattr(gzip, "compress", lambda data, **kw: calls.append(len(data)) or real_compress(data, **kw))
    compression._compressed_files.clear()
    first = client.get(APP_JS, headers=GZIP).get_data()
    second = client.get(APP_JS, headers=GZIP).get_data()
    assert first == second
    assert gzip.decompress(second) == app_js
    assert calls == [len(app_js)]

"""gzip for text responses: the page's HTML, JSON, scripts and styles travel compressed.

A compressed response is a different representation from the file on disk, so byte ranges of it
would not be byte ranges of the file: compressed responses say `Accept-Ranges: none` and carry a
weak ETag (If-Range needs a strong one, so no later Range request can be matched against them).
A Range request that the file server answers with 206 keeps its exact bytes, uncompressed.
"""

import gzip

from flask import Flask, Response, request

COMPRESSIBLE = ("text/", "application/json", "application/javascript", "image/svg+xml")
MIN_SIZE = 1024


MAX_CACHED_FILES = 64
_compressed_files: dict[str, bytes] = {}


def _compressed_file(etag: str, data: bytes) -> bytes:
    """A static file's gzip, made once per version of the file (its ETag) instead of once per request."""
    compressed = _compressed_files.get(etag)
    if compressed is None:
        if len(_compressed_files) >= MAX_CACHED_FILES:
            _compressed_files.clear()
        compressed = _compressed_files[etag] = gzip.compress(data, compresslevel=6)
    return compressed


def accepted() -> bool:
    return "gzip" in request.headers.get("Accept-Encoding", "")


def gzipped(function, *args):
    """function(*args) with its text (or the text first in its tuple) gzipped, where it is computed: in a
    heavy run's process, at its low priority, so the server's own process only passes the bytes on."""
    result = function(*args)
    text, rest = (result[0], result[1:]) if isinstance(result, tuple) else (result, ())
    data = gzip.compress(text.encode(), compresslevel=1)  # a fifth of level 6's time, a little larger
    return (data, *rest) if rest else data


def gzipped_response(data: bytes, mimetype: str) -> Response:
    response = Response(data, mimetype=mimetype)
    _mark(response)
    return response


def _mark(response) -> None:
    response.headers["Content-Encoding"] = "gzip"
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["Accept-Ranges"] = "none"


def init_app(app: Flask) -> None:
    @app.after_request
    def compress(response):
        if (
            response.status_code != 200
            or "Content-Encoding" in response.headers
            or not response.mimetype.startswith(COMPRESSIBLE)
            or not accepted()
        ):
            return response
        response.direct_passthrough = False
        data = response.get_data()
        if len(data) < MIN_SIZE:
            return response
        etag, weak = response.get_etag()
        if request.endpoint == "static" and etag and not weak:
            response.set_data(_compressed_file(etag, data))
        else:
            response.set_data(gzip.compress(data, compresslevel=6))
        _mark(response)
        if etag and not weak:
            response.set_etag(etag, weak=True)
        return response

"""gzip for text responses: the page's HTML, JSON, scripts and styles travel compressed."""

import gzip

from flask import Flask, request

COMPRESSIBLE = ("text/", "application/json", "application/javascript", "image/svg+xml")
MIN_SIZE = 1024


def init_app(app: Flask) -> None:
    @app.after_request
    def compress(response):
        if (
            response.status_code < 200
            or response.status_code >= 300
            or "Content-Encoding" in response.headers
            or not response.mimetype.startswith(COMPRESSIBLE)
            or "gzip" not in request.headers.get("Accept-Encoding", "")
        ):
            return response
        response.direct_passthrough = False
        data = response.get_data()
        if len(data) < MIN_SIZE:
            return response
        response.set_data(gzip.compress(data, compresslevel=6))
        response.headers["Content-Encoding"] = "gzip"
        response.headers["Vary"] = "Accept-Encoding"
        return response

"""Response headers that keep the page and the API from being misused by other sites.

The page's only inline script is its import map, which carries a fresh nonce on every response, so
the Content-Security-Policy allows no other inline script. Styles may be inline: plotly.js sets
style attributes and adds <style> elements as it draws. Nothing but `/embed` and `/practice` is framed by
other sites (and they only by the origins in EMBED_ORIGINS), nothing is sniffed as another type, no Referer
leaves the site (the page's URL holds its settings), and API responses are never stored by a cache:
each answer belongs to one request.

The API, `/check`, `/oembed` and the static files answer any origin (`Access-Control-Allow-Origin: *`):
they are public, stateless and use no credentials, and `/embed` in an iframe sandboxed without
`allow-same-origin` has the origin `null`, so even its own scripts and requests are cross-origin.
"""

import re
import secrets
from urllib.parse import urlsplit

from flask import Flask, abort, g, request

from webapp.engine.graph import is_param_id
from webapp.request.limits import MAX_PARAMS, MAX_QUERY_BYTES

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)

EVERY_RESPONSE = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "X-Frame-Options": "SAMEORIGIN",  # frame-ancestors' counterpart for browsers without CSP level 2
}


def csp_nonce() -> str:
    """This response's nonce for inline scripts, the same for every use within one request."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


# Endpoints that another site's page may frame, with the origins of EMBED_ORIGINS: the embeddable
# visualizer and the practice set (which reports its score to the page framing it).
FRAMEABLE_ENDPOINTS = frozenset({"embed.visualizer", "practice.practice_page"})
# Endpoints any origin may read: everything a sandboxed /embed fetches, and what course pages fetch.
CORS_ENDPOINTS = frozenset({"static", "pages.plotly_js", "pages.check", "embed.oembed", "embed.host_script"})
PREFLIGHT_MAX_AGE = 24 * 3600
HOST_SOURCE = re.compile(r"^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:(\d{1,5}|\*))?$")


def embed_origins(setting: str | list[str] | None) -> str:
    """The `frame-ancestors` sources for /embed from the EMBED_ORIGINS setting: `*` (any site, the
    default) or origins separated by spaces or commas, e.g. "https://canvas.example.edu https://*.example.org".

    Raises ValueError naming the setting for anything that is not an origin, so a typo stops the
    server at startup instead of quietly refusing every course page.
    """
    items = (
        setting if isinstance(setting, list) else str(setting if setting is not None else "*").replace(",", " ").split()
    )
    if items == ["*"] or not items:
        return "*"
    sources = ["'self'"]
    for item in items:
        parts = urlsplit(item.rstrip("/"))
        if parts.scheme not in ("http", "https") or not HOST_SOURCE.match(parts.netloc.lower()) or parts.path:
            raise ValueError(
                f"BACKPROP_EMBED_ORIGINS: {item!r} is not an origin such as https://courses.example.edu"
                " (scheme and host, an optional port, no path), nor *"
            )
        sources.append(f"{parts.scheme}://{parts.netloc.lower()}")
    return " ".join(sources)


def content_security_policy(nonce: str | None, frame_ancestors: str = "'self'") -> str:
    script_src = f"'self' 'nonce-{nonce}'" if nonce else "'self'"
    directives = {
        "default-src": "'self'",
        "script-src": script_src,
        "style-src": "'self' 'unsafe-inline'",
        # The page's empty favicon is a data: URL; plotly.js draws the chart's PNG download from a blob: image.
        "img-src": "'self' data: blob:",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": frame_ancestors,
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def init_app(app: Flask) -> None:
    app.add_template_global(csp_nonce)
    frame_ancestors = embed_origins(app.config.get("EMBED_ORIGINS"))
    # Where the public address is not known, a redirect says only the path: Host is the client's word.
    relative_redirects = not (app.config.get("PUBLIC_URL") or app.config.get("TRUST_PROXY"))

    @app.before_request
    def bounded_query():
        """A query's work is bounded before any: its length, and no more parameter ids than a network has."""
        if len(request.query_string) > MAX_QUERY_BYTES:
            abort(414, f"query: longer than {MAX_QUERY_BYTES} bytes")
        ids = [name for name in request.args if is_param_id(name)]
        if len(ids) > MAX_PARAMS:
            abort(400, f"{ids[MAX_PARAMS]}: no network has more than {MAX_PARAMS} parameters")

    @app.after_request
    def secure_headers(response):
        frameable = request.endpoint in FRAMEABLE_ENDPOINTS
        for name, value in EVERY_RESPONSE.items():
            # X-Frame-Options cannot name other sites; browsers that know CSP follow frame-ancestors.
            if not (frameable and name == "X-Frame-Options"):
                response.headers.setdefault(name, value)
        if response.mimetype == "text/html":
            ancestors = frame_ancestors if frameable else "'self'"
            response.headers.setdefault(
                "Content-Security-Policy", content_security_policy(g.get("csp_nonce"), ancestors)
            )
        location = response.headers.get("Location")
        if location and relative_redirects:
            parts = urlsplit(location)
            response.headers["Location"] = parts.path + (f"?{parts.query}" if parts.query else "")
        api = request.path.startswith("/api/")
        if api:
            response.headers["Cache-Control"] = "no-store"
        if api or request.endpoint in CORS_ENDPOINTS:
            allow_any_origin(response)
        return response


def allow_any_origin(response) -> None:
    """CORS for a public, credential-free resource, preflights included (a JSON POST needs one)."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type"
        response.headers["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)

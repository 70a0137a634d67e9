"""Response headers that keep the page and the API from being misused by other sites.

The page's only inline script is its import map, which carries a fresh nonce on every response, so
the Content-Security-Policy allows no other inline script. Styles may be inline: plotly.js sets
style attributes and adds <style> elements as it draws. Nothing is framed by other sites, nothing
is sniffed as another type, no Referer leaves the site (the page's URL holds its settings), and API
responses are never stored by a cache: each answer belongs to one request.
"""

import secrets

from flask import Flask, g, request

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


def content_security_policy(nonce: str | None) -> str:
    script_src = f"'self' 'nonce-{nonce}'" if nonce else "'self'"
    directives = {
        "default-src": "'self'",
        "script-src": script_src,
        "style-src": "'self' 'unsafe-inline'",
        "img-src": "'self' data:",  # the page's empty favicon is a data: URL
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'self'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def init_app(app: Flask) -> None:
    app.add_template_global(csp_nonce)

    @app.after_request
    def secure_headers(response):
        for name, value in EVERY_RESPONSE.items():
            response.headers.setdefault(name, value)
        if response.mimetype == "text/html":
            response.headers.setdefault("Content-Security-Policy", content_security_policy(g.get("csp_nonce")))
        if request.path.startswith("/api/"):
            response.headers["Cache-Control"] = "no-store"
        return response

"""Where the app sits in a site's URL space: under a fixed prefix (`--url-prefix /backprop`), and
behind reverse proxies whose X-Forwarded-* headers (X-Forwarded-Prefix included) are trusted.

Both only change the request's SCRIPT_NAME, host and scheme, so every URL the app builds with
`url_for` (pages, scripts, the API, the scripts' own fetches) follows.
"""

import re

from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

PREFIX = re.compile(r"^(/[A-Za-z0-9._~-]+)+$")


def url_prefix(setting: str | None) -> str:
    """The prefix as SCRIPT_NAME wants it ("/backprop"), "" for none; ValueError naming the option otherwise."""
    prefix = (setting or "").strip().rstrip("/")
    if prefix and (not PREFIX.match(prefix) or {".", ".."} & set(prefix.split("/"))):
        raise ValueError(f"--url-prefix: {setting!r} is not a path such as /backprop (letters, digits, . _ ~ -)")
    return prefix


def outside_prefix(environ, start_response):
    """Anything outside the prefix: a plain 404 that says where the app is."""
    response = Response("Not found: Backprop Visualizer is served under its URL prefix.\n", 404, mimetype="text/plain")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response(environ, start_response)


def mount(wsgi_app, prefix: str = "", trusted_proxies: int = 0):
    """`wsgi_app` served under `prefix`, trusting `trusted_proxies` proxies' X-Forwarded-For/Proto/Host/Prefix."""
    if prefix:
        wsgi_app = DispatcherMiddleware(outside_prefix, {prefix: wsgi_app})
    if trusted_proxies:
        n = trusted_proxies
        wsgi_app = ProxyFix(wsgi_app, x_for=n, x_proto=n, x_host=n, x_prefix=n)
    return wsgi_app

"""Where the app sits in a site's URL space: under a fixed prefix (`--url-prefix /backprop`), and
behind reverse proxies whose X-Forwarded-* headers (X-Forwarded-Prefix included) are trusted.

Both only change the request's SCRIPT_NAME, host and scheme, so every URL the app builds with
`url_for` (pages, scripts, the API, the scripts' own fetches) follows.
"""

import re
from urllib.parse import urlsplit

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


def public_origin(setting: str | None) -> tuple[str, str] | None:
    """(scheme, host) of the PUBLIC_URL setting (--public-url), None for none; ValueError naming it otherwise."""
    if not setting:
        return None
    parts = urlsplit(setting)
    if parts.scheme not in ("http", "https") or not parts.netloc or "@" in parts.netloc:
        raise ValueError(f"--public-url: {setting!r} is not an address such as https://school.example")
    return parts.scheme, parts.netloc


def mount(wsgi_app, prefix: str = "", trusted_proxies: int = 0, origin: tuple[str, str] | None = None):
    """`wsgi_app` served under `prefix`, trusting `trusted_proxies` proxies' X-Forwarded-For/Proto/Host/Prefix,
    or at `origin` (scheme, host) whatever a request's Host header says."""
    if prefix:
        wsgi_app = DispatcherMiddleware(outside_prefix, {prefix: wsgi_app})
    if trusted_proxies:
        n = trusted_proxies
        wsgi_app = ProxyFix(wsgi_app, x_for=n, x_proto=n, x_host=n, x_prefix=n)
    elif origin:
        inner = wsgi_app

        def wsgi_app(environ, start_response):
            environ["wsgi.url_scheme"], environ["HTTP_HOST"] = origin
            return inner(environ, start_response)

    return wsgi_app

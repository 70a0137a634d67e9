"""The visualizer for course pages: `/embed` (minimal chrome, framable), `/embed.js` (the host page's
resizer) and `/oembed` (the snippet for platforms that discover embeds by themselves)."""

from pathlib import Path
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for

from webapp.request.embed import CONTROLS, PANELS, embed_options, embed_query
from webapp.views.pages import expression_page_state, page_state

bp = Blueprint("embed", __name__)

TITLE = "Backprop Visualizer"
# The oEmbed answer's size when the consumer asks for none: the 5:3 box course pages give iframes.
OEMBED_WIDTH, OEMBED_HEIGHT = 800, 480
MIN_OEMBED_SIZE = 200


@bp.get("/embed")
def visualizer():
    query = request.args.to_dict(flat=False)
    options, errors = embed_options(query)
    state = expression_page_state(query) if "expr" in query else page_state(query)
    keep = [(key, value) for key, value in embed_query(query) if key not in errors]
    return render_template(
        "embed.html",
        **{k: v for k, v in state.items() if k not in ("hidden_panels", "hidden_controls")},
        embed=options,
        embed_errors=errors,
        embed_keep=keep,
        # What the embed leaves out, and what the graph has none of (an expression's update, its chart).
        hidden_panels=(*options.hidden_panels, *state.get("hidden_panels", ())),
        hidden_controls=options.hidden_controls | state.get("hidden_controls", frozenset()),
        locked=options.locked,
        settings_action=url_for("embed.visualizer"),
    )


@bp.get("/embed.js")
def host_script():
    """The host page's script: its URL is the one course pages copy, so it is revalidated, not versioned."""
    path = Path(current_app.static_folder) / "embed.js"
    response = Response(path.read_bytes(), mimetype="text/javascript")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def _oembed_error(status: int, field: str, message: str):
    response = jsonify(error=message, errors=[{"field": field, "message": message}])
    response.status_code = status
    return response


def _size(name: str, default: int) -> tuple[int | None, str | None]:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default, None
    if not raw.isdigit() or len(raw) > 6 or int(raw) < MIN_OEMBED_SIZE:
        return None, f"{name} must be a whole number of pixels, at least {MIN_OEMBED_SIZE}"
    return min(int(raw), default), None


def _own_path(url: str) -> tuple[str, str] | None:
    """The path and query of `url` if it is one of this app's visualizer pages (absolute, or a path as the
    discovery link gives without a public address), else None."""
    parts = urlsplit(url)
    if (parts.scheme or parts.netloc) and (
        parts.scheme not in ("http", "https") or parts.netloc.lower() != request.host.lower()
    ):
        return None
    if parts.path.rstrip("/") not in (url_for("pages.index").rstrip("/"), url_for("embed.visualizer")):
        return None
    return parts.path, parts.query


@bp.get("/oembed")
def oembed():
    """oEmbed 1.0 for this app's pages: a `rich` answer whose html is the embed's iframe."""
    response_format = request.args.get("format", "json")
    if response_format != "json":
        return _oembed_error(501, "format", f"only format=json is served, not {response_format[:40]!r}")
    url = request.args.get("url", "")
    if not url:
        return _oembed_error(400, "url", "url is required: the address of a Backprop Visualizer page")
    if len(url) > 8192:
        return _oembed_error(400, "url", "url is longer than 8192 characters")
    own = _own_path(url)
    if own is None:
        return _oembed_error(404, "url", f"url must be a page of this app ({request.host_url}), such as its main page")
    width, width_error = _size("maxwidth", OEMBED_WIDTH)
    height, height_error = _size("maxheight", OEMBED_HEIGHT)
    if width_error or height_error:
        field = "maxwidth" if width_error else "maxheight"
        return _oembed_error(400, field, width_error or height_error)
    # Addresses as the consumer asked, relative if it asked with a path: never from this request's Host.
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(url)) if urlsplit(url).netloc else ""
    src = origin + url_for("embed.visualizer") + (f"?{own[1]}" if own[1] else "")
    html = render_template("_embed_iframe.html", src=src, width=width, height=height, title=TITLE)
    return jsonify(
        type="rich",
        version="1.0",
        title=TITLE,
        provider_name=TITLE,
        provider_url=origin + url_for("pages.index"),
        html=html.strip(),
        width=width,
        height=height,
    )


@bp.app_template_global()
def oembed_url() -> str:
    """This page's oEmbed discovery URL: absolute only where the address is known (--public-url, a trusted
    proxy), else relative, as Host is whatever a client sent."""
    known = bool(current_app.config.get("PUBLIC_URL") or current_app.config.get("TRUST_PROXY"))
    url = request.url if known else request.full_path.rstrip("?")
    return url_for("embed.oembed", _external=known) + "?" + urlencode({"url": url, "format": "json"})


@bp.app_template_global()
def embed_names() -> dict:
    """The names an embed's `view` and `controls` take, for the Embed dialog to list."""
    return {"view": PANELS, "controls": CONTROLS}

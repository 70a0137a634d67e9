"""The pages: thin views that hand `webapp.presentation.page`'s plain data to the templates."""

import gzip
import hashlib
from functools import cache, lru_cache
from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for

from webapp import FILES, service
from webapp.presentation import expression_page, page
from webapp.request import expression as expression_request
from webapp.request.page import page_request, resolve_query

bp = Blueprint("pages", __name__)

# plotly.js's partial bundle with the trace types the page draws (static/vendor/README.md says whence).
(PLOTLY_JS,) = (FILES / "static" / "vendor").glob("plotly-cartesian-*.min.js")
YEAR = 365 * 24 * 3600


@bp.get("/")
def index():
    query = request.args.to_dict(flat=False)
    if "expr" in query:
        return render_template("index.html", **expression_page_state(query))
    return render_template("index.html", **page_state(query))


def expression_page_state(query: dict[str, list[str]]) -> dict:
    """The page for an expression (`?expr=…`): its graph and passes, or CS231n's first example beside inline errors."""
    resolved, form, errors = expression_request.page_request(query)
    numbers = None
    if resolved is not None:
        try:
            graph, numbers = service.expression_run(resolved)
        except service.RequestError as exc:
            (error,) = exc.errors
            errors["expr"] = expression_request.pointed(form["expr"], error)
            form["caret"] = error.get("position")
    if numbers is None:
        resolved, _, _ = expression_request.page_request(expression_request.DEFAULT_QUERY)
        graph, numbers = service.expression_run(resolved)
    options = {"animate": (query.get("animate") or ["1"])[0] != "0"}
    shown = resolved.request.model_dump()
    state = expression_page.expression_page_state(graph, numbers, shown, form, errors, options)
    if not errors:  # the same expression as a practice set
        practice = {"expr": form["expr"], **{name: form["values"][name] for name in form["names"]}}
        state["practice_url"] = f"{url_for('practice.practice_page')}?{urlencode(practice)}"
    return state


def page_state(query: dict[str, list[str]]) -> dict:
    """The visualizer page for a settings query (`/`, `/embed`): its run, or the worksheet's beside inline errors."""
    resolved, options, errors = page_request(query)
    return page.page_state(query, resolved, service.run(resolved), options, errors)


@bp.get("/healthz")
def healthz():
    """For load balancers and monitors: the process answers. Does no work, so it is also a baseline for load figures."""
    return Response("ok\n", mimetype="text/plain", headers={"Cache-Control": "no-store"})


@bp.get("/check")
def check():
    """Inline errors for the settings form, before the page navigates to them."""
    query = request.args.to_dict(flat=False)
    if "expr" in query:
        return jsonify(errors=expression_request.page_request(query, check_only=True)[2])
    return jsonify(errors=resolve_query(query)[2])


@cache
def _plotly_gzip() -> bytes:
    return gzip.compress(PLOTLY_JS.read_bytes(), compresslevel=6, mtime=0)


@bp.get(f"/vendor/{PLOTLY_JS.name}")
def plotly_js():
    """plotly.js, vendored: no CDN, works offline; versioned by its name, so cached for good."""
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response = Response(_plotly_gzip(), mimetype="text/javascript")
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = Response(PLOTLY_JS.read_bytes(), mimetype="text/javascript")
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    response.headers["Accept-Ranges"] = "none"  # always the whole file, which is what a Range request gets
    return response


@cache
def _file_hash(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


@bp.app_template_global()
def static_url(filename: str) -> str:
    """A static file's URL carrying its content hash, so browsers may cache it for good."""
    version = _file_hash(str(Path(current_app.static_folder) / filename))
    return url_for("static", filename=filename, v=version)


@bp.app_template_global()
def module_urls() -> dict[str, str]:
    """Each script module's plain URL mapped to its versioned one, for the page's import map."""
    return _module_urls(current_app.static_folder, request.script_root)


@lru_cache(maxsize=16)
def _module_urls(static_folder: str, script_root: str) -> dict[str, str]:
    # Per URL prefix, as url_for's paths start with it; the files' versions are cached for good already.
    names = sorted(p.name for p in (Path(static_folder) / "js").glob("*.js"))
    return {url_for("static", filename=f"js/{name}"): static_url(f"js/{name}") for name in names}


@bp.after_app_request
def cache_static(response):
    """Versioned static URLs never change, so they are cached for good; plain ones are revalidated."""
    if request.endpoint == "static":
        versioned = "v" in request.args
        response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable" if versioned else "no-cache"
    return response


@bp.app_template_global()
def app_urls() -> dict[str, str]:
    """The URLs the page's scripts fetch, built from the app's root so they follow any URL prefix."""
    expression = "expr" in request.args  # an expression's page: its run is its one pass
    return {
        "train": url_for("api.expression" if expression else "api.train"),
        "landscape": url_for("api.landscape"),
        "inputSpace": url_for("api.input_space"),
        # An expression's page checks its gradients against its own forward pass.
        "gradientCheck": url_for("api.expression_gradient_check" if expression else "api.gradient_check"),
        "export": url_for("api.export"),
        "check": url_for("pages.check"),
        "checkAnswer": url_for("answers.check"),
    }


@bp.app_template_global()
def expression_examples() -> list[dict]:
    """The example expressions (webapp/presets/expressions/), each with its title, description and page URL."""
    return [
        {"name": name, "title": p["title"], "description": p["description"],
         "url": url_for("pages.index", **expression_request.preset_query(p))}
        for name, p in expression_request.EXPRESSION_PRESETS.items()
    ]  # fmt: skip


@bp.app_template_global()
def plotly_url() -> str:
    return url_for("pages.plotly_js")


@bp.app_template_filter()
def mathml(tex: str):
    from webapp.presentation.mathml import mathml as convert

    return convert(tex)

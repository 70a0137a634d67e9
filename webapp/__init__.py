"""Backprop Visualizer: watch a network compute forward and its cost's gradient flow backward.

A request passes through the folders one way: `views` (Flask) → `request` (schema, presets,
limits, resolve) → `engine` (graph, training) → `presentation` (report, tables, layout, page) →
templates and static scripts; `service` runs one training request through them, and `web` holds
HTTP's concerns (server, headers, compression, admission of heavy runs). `create_app` builds the
Flask app; nothing but `views` and `web` imports Flask.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# templates/ and static/: beside the package in the repository, inside it once installed (pyproject.toml).
FILES = ROOT if (ROOT / "templates" / "index.html").is_file() else Path(__file__).resolve().parent


def create_app(test_config: dict | None = None):
    """The Flask application: the JSON API and the pages."""
    from flask import Flask

    from webapp.request.limits import MAX_BODY_BYTES
    from webapp.views import answers, api, embed, pages, practice
    from webapp.web import admission, compression, mounting, security
    from webapp.web.strict_json import StrictJSONProvider

    app = Flask(
        __name__,
        static_folder=str(FILES / "static"),
        template_folder=str(FILES / "templates"),
    )
    app.json = StrictJSONProvider(app)
    # A body streamed without Content-Length (chunked) is cut one byte past the limit, so that the API,
    # which refuses anything longer than MAX_BODY_BYTES (413), sees that it was longer.
    app.config.from_mapping(MAX_CONTENT_LENGTH=MAX_BODY_BYTES + 1)
    # Deployment settings from the environment, e.g. BACKPROP_HEAVY_SLOTS=1 (see webapp.web.admission).
    app.config.from_prefixed_env("BACKPROP")
    if test_config:
        app.config.from_mapping(test_config)
    app.register_blueprint(api.bp)
    app.register_blueprint(answers.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(practice.bp)
    app.register_blueprint(embed.bp)
    compression.init_app(app)
    security.init_app(app)
    admission.init_app(app)
    # URL_PREFIX (--url-prefix, BACKPROP_URL_PREFIX) serves everything under a path; TRUST_PROXY, the
    # number of reverse proxies in front (BACKPROP_TRUST_PROXY=1), honours their X-Forwarded-* headers.
    # PUBLIC_URL (--public-url) is the address students use: links are built from it, not from Host.
    app.wsgi_app = mounting.mount(
        app.wsgi_app,
        mounting.url_prefix(app.config.get("URL_PREFIX")),
        int(app.config.get("TRUST_PROXY", 0)),
        mounting.public_origin(app.config.get("PUBLIC_URL")),
    )
    return app

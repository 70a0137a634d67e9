"""Backprop Visualizer: watch a network compute forward and its cost's gradient flow backward.

`create_app` builds the Flask app; the engine (`webapp.engine`) and the request handling
(`webapp.service`) import nothing from Flask.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None):
    """The Flask application: the JSON API and the pages."""
    from flask import Flask

    from webapp import admission, api, compression, pages, security
    from webapp.limits import MAX_BODY_BYTES
    from webapp.strict_json import StrictJSONProvider

    app = Flask(
        __name__,
        static_folder=str(ROOT / "static"),
        template_folder=str(ROOT / "templates"),
    )
    app.json = StrictJSONProvider(app)
    app.config.from_mapping(MAX_CONTENT_LENGTH=MAX_BODY_BYTES)
    # Deployment settings from the environment, e.g. BACKPROP_HEAVY_SLOTS=1 (see webapp.admission).
    app.config.from_prefixed_env("BACKPROP")
    if test_config:
        app.config.from_mapping(test_config)
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    compression.init_app(app)
    security.init_app(app)
    admission.init_app(app)
    return app

"""The pages: thin views that hand plain data to the templates."""

from flask import Blueprint

bp = Blueprint("pages", __name__)


@bp.get("/")
def index():
    return "Backprop Visualizer"

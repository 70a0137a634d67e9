"""The practice page: the worksheet's problems answered in the page and checked here."""

from flask import Blueprint, jsonify, render_template, request
from werkzeug.exceptions import UnsupportedMediaType

from webapp.presentation import answers, practice
from webapp.request.resolve import RequestError, parse_body

bp = Blueprint("practice", __name__)


@bp.get("/practice")
def practice_page():
    variant, message = practice.parse_variant(request.args.get("variant"))
    answer_key = request.args.get("key") in ("1", "on", "true")
    # A course page may frame the practice set like /embed (webapp.web.security); the check it calls is
    # under /api, which any origin may call, a sandboxed frame's included.
    return render_template(
        "practice.html",
        exercise=practice.exercise(variant),
        variant_message=message,
        answer_key=answer_key,
        max_variant=practice.MAX_VARIANT,
        rounding_digits=answers.MIN_SIGNIFICANT_DIGITS,
    )


@bp.post("/api/practice/check")
def check():
    """Feedback on each answer sent and the set's score. JSON only, like /api/train."""
    mimetype = request.mimetype
    if mimetype != "application/json" and not (mimetype.startswith("application/") and mimetype.endswith("+json")):
        raise UnsupportedMediaType(f"Content-Type must be application/json, not {mimetype or 'none'}")
    body = request.get_data(cache=False)
    try:
        # An empty body is not an object here: a check always names its answers.
        variant, answers = practice.parse_check(parse_body(body) if body.strip() else None)
    except RequestError as exc:
        return jsonify(error="Invalid request", errors=exc.errors), exc.status
    except practice.AnswerError as exc:
        return jsonify(error="Invalid request", errors=exc.errors), 400
    return jsonify(practice.check_answers(variant, answers))

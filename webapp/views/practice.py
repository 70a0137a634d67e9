"""The practice page: the worksheet's problems answered in the page and checked here."""

from flask import Blueprint, jsonify, make_response, render_template, request
from werkzeug.exceptions import UnsupportedMediaType

from webapp.presentation import practice
from webapp.request.resolve import RequestError, parse_body
from webapp.web.security import content_security_policy, csp_nonce

bp = Blueprint("practice", __name__)


@bp.get("/practice")
def practice_page():
    variant, message = practice.parse_variant(request.args.get("variant"))
    answer_key = request.args.get("key") in ("1", "on", "true")
    response = make_response(
        render_template(
            "practice.html",
            exercise=practice.exercise(variant),
            variant_message=message,
            answer_key=answer_key,
            max_variant=practice.MAX_VARIANT,
            rounding_digits=practice.MIN_SIGNIFICANT_DIGITS,
        )
    )
    # A course page or a learning tool may frame the practice set (it reports the score to its parent);
    # the page changes nothing on the server, so being framed by another site cannot be abused.
    policy = content_security_policy(csp_nonce()).replace("frame-ancestors 'self'", "frame-ancestors *")
    response.headers["Content-Security-Policy"] = policy
    return response


@bp.after_request
def open_to_frames(response):
    """A sandboxed frame (an opaque origin) or a course site may check answers: the check reads no
    cookie, keeps nothing and costs little, so any origin may call it, preflight included."""
    if request.endpoint == "practice.check":
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Allow-Methods"] = "POST"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type"
        response.headers["Access-Control-Max-Age"] = "600"
    return response


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

"""`POST /api/answers/check`: the one answer checker, for predict mode and any other page that asks."""

from flask import Blueprint, jsonify

from webapp.presentation.answers import check_number
from webapp.request.checks import AnswerCheck, Verdict, parse_check
from webapp.request.resolve import RequestError
from webapp.request.schema import documented
from webapp.views.api import _json_body, refused

bp = Blueprint("answers", __name__, url_prefix="/api/answers")
bp.register_error_handler(RequestError, refused)


@bp.post("/check")
@documented(AnswerCheck, Verdict)
def check():
    """The verdict on one typed answer: {"status", "message"}. JSON only, like /api/train."""
    body = parse_check(_json_body())
    feedback = check_number(body.answer, body.expected)
    return jsonify(status=feedback.status, message=feedback.message)

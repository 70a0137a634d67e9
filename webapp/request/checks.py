"""The body of `POST /api/answers/check`: a typed answer and the number it should be."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from webapp.request import limits
from webapp.request.resolve import RequestError, _error_list, parse_body


class AnswerCheck(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    answer: str = Field(max_length=limits.MAX_ANSWER_CHARS, description="The answer as the student typed it.")
    expected: float = Field(allow_inf_nan=False, description="The number it should be.")


class Verdict(BaseModel):
    status: Literal["right", "more_digits", "wrong_sign", "wrong", "unreadable", "unanswered"]
    message: str = Field(description="What the student reads: docs/answers.md lists every verdict.")


def parse_check(body: bytes) -> AnswerCheck:
    """The body as an AnswerCheck, or a RequestError naming each bad field."""
    try:
        return AnswerCheck.model_validate(parse_body(body))
    except ValidationError as exc:
        raise RequestError(_error_list(exc)) from None

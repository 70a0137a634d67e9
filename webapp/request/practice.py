"""Practice as requests: a worksheet file and its schema, the numbered variants of a network's numbers,
and the body of an answer check.

Variants. Variant 0 is the network as given. Variant n > 0 draws its numbers from SplitMix64 seeded
with n (written out below, so every machine and every Python draws the same): per sample, each input
a whole number from 1 to 4 and each target too (an output that cannot reach 1 to 4 keeps its
targets); then each parameter in θ's order a tenth from 0.1 to 0.9; then α 0.1 or 0.2. So a
student can do every step by hand. Every fifth variant of a network with ReLUs has a dead one: all
of one ReLU layer's weights and biases negative, the layers taking turns. A variant whose cost is 0
(nothing to learn) draws again from the same stream. On the worksheet's 1-1-1 network this is
exactly the scheme of its first version: its variants keep their numbers.
"""

import re
import tomllib
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from webapp.request import form
from webapp.request.resolve import RequestError, _error_list

WORKSHEETS = Path(__file__).resolve().parent.parent / "worksheets"
DEFAULT_WORKSHEET = "backprop"  # a check or a page that names neither a worksheet nor a network
NAME = r"[a-z0-9][a-z0-9_-]{0,63}"
MAX_VARIANT = 999_999
DEAD_EVERY = 5
MAX_ANSWER_CHARS = 40
# A problem per node, edge and parameter: a larger network makes no practice set a person would do.
MAX_PRACTICE_PARAMS = 64
VARIED = ("inputs", "targets", "params", "learning_rate")
UNBOUNDED_OUTPUTS = ("relu", "linear", "leaky_relu")
_MASK = (1 << 64) - 1


def splitmix64(seed: int) -> Iterator[int]:
    """An endless stream of 64-bit integers from `seed` (Vigna's SplitMix64): fixed, small, portable."""
    state = seed & _MASK
    while True:
        state = (state + 0x9E3779B97F4A7C15) & _MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
        yield z ^ (z >> 31)


def variant_bodies(config: dict, variant: int, vary=VARIED) -> Iterator[dict]:
    """Training bodies for a variant of a resolved request's `config`: the first, then redraws (for a cost of 0)."""
    body = {k: config[k] for k in ("layers", "activations", "loss", "bias", "x", "y", "weights", "learning_rate")}
    body["biases"] = config["biases"] if config["bias"] else None
    if config.get("optimizer", {"name": "sgd"})["name"] != "sgd":
        body["optimizer"] = config["optimizer"]  # momentum or Adam: practice asks for its numbers too
    if variant == 0:
        yield body
        return
    draws = splitmix64(variant)

    def pick(low: int, high: int) -> float:
        return float(low + next(draws) % (high - low + 1))

    relu_layers = [k for k, name in enumerate(config["activations"]) if name == "relu"]
    dead = relu_layers[(variant // DEAD_EVERY) % len(relu_layers)] if relu_layers and not variant % DEAD_EVERY else None
    targets = "targets" in vary and config["activations"][-1] in UNBOUNDED_OUTPUTS
    while True:
        x, y = [], []
        for xs, ys in zip(config["x"], config["y"], strict=True):
            x.append([pick(1, 4) for _ in xs] if "inputs" in vary else xs)
            y.append([pick(1, 4) for _ in ys] if targets else ys)
        tenths = lambda values: [pick(1, 9) / 10 if "params" in vary else v for v in values]  # noqa: E731
        weights = [[tenths(row) for row in matrix] for matrix in config["weights"]]
        biases = [tenths(vector) for vector in body["biases"]] if body["biases"] else None
        rate = pick(1, 2) / 10 if "learning_rate" in vary else config["learning_rate"]
        if dead is not None:
            weights[dead] = [[-abs(v) for v in row] for row in weights[dead]]
            if biases:
                biases[dead] = [-abs(v) for v in biases[dead]]
        yield {**body, "x": x, "y": y, "weights": weights, "biases": biases, "learning_rate": rate}


def parse_variant(raw: str | None, first: int = 0, last: int = MAX_VARIANT) -> tuple[int, str | None]:
    """The variant a URL asks for, and a message when it asks for one that does not exist (then `first`)."""
    text = (raw or "").strip()
    if not text:
        return first, None
    if text.isascii() and text.isdigit() and len(text) <= len(str(last)) and first <= int(text) <= last:
        return int(text), None
    shown = text if len(text) <= 20 else text[:20] + "…"
    return (
        first,
        f"There is no variant “{shown}”: a variant is a whole number from {first} to {last}. Here is variant {first}.",
    )


# --- Worksheets ----------------------------------------------------------------------------------


class Problem(BaseModel):
    """A problem of a worksheet: a generated one by `id` (`yhat`, `grads.w1`), every one of a kind
    (`every = "value"`), or a multiple-choice question of the sheet's own (`id`, `choices`, `answer`)."""

    model_config = ConfigDict(extra="forbid")
    id: str | None = None
    every: Literal["count", "value", "local", "grad", "update", "optimizer"] | None = None
    prompt: str | None = None
    hint: str | None = None
    light: list[str] | None = None  # node ids a hint lights, instead of the generated ones
    choices: dict[str, str] | None = None
    answer: str | None = None
    solution: str | None = None

    @model_validator(mode="after")
    def _one_kind(self):
        if (self.id is None) == (self.every is None):
            raise ValueError("give either id (one problem) or every (one per node, edge or parameter)")
        if (self.choices is None) != (self.answer is None) or (self.choices and self.answer not in self.choices):
            raise ValueError("a multiple-choice problem gives choices and its answer, one of the choices' keys")
        return self


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str
    intro: str = ""
    problems: list[Problem] = Field(min_length=1)


class Variants(BaseModel):
    model_config = ConfigDict(extra="forbid")
    first: int = Field(0, ge=0, le=MAX_VARIANT)
    last: int = Field(MAX_VARIANT, ge=0, le=MAX_VARIANT)
    vary: list[Literal[VARIED]] = list(VARIED)  # type: ignore[valid-type]


class Worksheet(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str
    introduction: str = ""
    network: dict[str, str | int | float | bool | list[str | int | float]] = {}  # the main page's query: x, lr, w1 …
    variants: Variants = Variants()
    sections: list[Section] = Field(min_length=1)

    def query(self) -> dict[str, list[str]]:
        """The network as the main page's query."""
        values = lambda v: [str(i) for i in v] if isinstance(v, list) else ["on" if v is True else str(v)]  # noqa: E731
        query = {k: values(v) for k, v in self.network.items() if v is not False}
        return query | ({"form": ["1"]} if self.network.get("bias") is False else {})  # the form's "no bias"


class WorksheetError(ValueError):
    """A worksheet file that cannot be used: the message names the file and the field."""


def worksheet_names() -> list[str]:
    return sorted(p.stem for p in WORKSHEETS.glob("*.toml") if re.fullmatch(NAME, p.stem))


def load_worksheet(name: str, unlisted: bool = False) -> Worksheet:
    path = WORKSHEETS / f"{name}.toml"
    if not (unlisted or re.fullmatch(NAME, name)) or not path.is_file():
        raise WorksheetError(f"there is no worksheet “{name[:40]}”; there are {', '.join(worksheet_names())}")
    try:
        return Worksheet.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except tomllib.TOMLDecodeError as exc:
        raise WorksheetError(f"{path.name}: not valid TOML: {exc}") from None
    except ValidationError as exc:
        raise WorksheetError(
            "; ".join(f"{path.name}: {e['field']}: {e['message']}" for e in _error_list(exc))
        ) from None


# Any network without a worksheet: every problem its graph gives (a file, but not a worksheet of the list).
ANY_NETWORK = load_worksheet("_any_network", unlisted=True)


def network_body(query: dict[str, list[str]]) -> dict:
    """The training body a page query (or a worksheet's network) describes, or a RequestError naming each field."""
    body, _, errors = form.to_request(query)
    if errors:
        raise RequestError([{"field": field, "message": message} for field, message in errors.items()])
    return body


# --- The answer check -------------------------------------------------------------------------------


def _as_text(value):
    """A JSON number answer as the decimal it is: 0.1, not 0.1000000000000000055511151231257827."""
    return (
        format(Decimal(repr(value)), "f") if isinstance(value, int | float) and not isinstance(value, bool) else value
    )


Answer = Annotated[str, Field(max_length=MAX_ANSWER_CHARS), BeforeValidator(_as_text)]


class CheckRequest(BaseModel):
    """Answers to check: the network as /api/train's fields (or a worksheet's), a variant, answers by problem id."""

    model_config = ConfigDict(extra="allow")  # the training fields, validated as /api/train validates them
    variant: int = Field(0, strict=True, ge=0, le=MAX_VARIANT)
    worksheet: str | None = Field(None, pattern=f"^{NAME}$")
    answers: dict[Annotated[str, Field(max_length=64)], Answer] = Field({}, max_length=200)

    @model_validator(mode="before")
    @classmethod
    def _text(cls, data):
        answers = data.get("answers") if isinstance(data, dict) else None
        texts = [t for pair in answers.items() for t in pair if isinstance(t, str)] if isinstance(answers, dict) else []
        if any(0xD800 <= ord(ch) <= 0xDFFF for text in texts for ch in text):
            raise ValueError("answers: holds text that is not valid Unicode")
        return data

    def training(self) -> dict:
        return dict(self.model_extra or {})


def check_request(data: dict) -> CheckRequest:
    try:
        return CheckRequest.model_validate(data)
    except ValidationError as exc:
        raise RequestError(_error_list(exc)) from None

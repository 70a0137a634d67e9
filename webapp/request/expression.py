"""An expression's request: the formula in ordinary notation parsed into `engine.expression.Term`s.

Never `eval`: the text is normalised (`·` and `×` to `*`, `−` to `-`, `^` to `**`) keeping where each
character came from, checked against the limits (length, characters, operations, nesting, names)
BEFORE it is parsed, then parsed by Python's `ast` in "eval" mode and walked with a whitelist of node
types. Every refusal names the field and the character of the user's own text it is about
(`position`, 0-based), which the page marks with a caret.
"""

import ast
import dataclasses
import math
import re
import tomllib
from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from webapp.engine.expression import FUNCTIONS, OUTPUT, Term
from webapp.request import limits
from webapp.request.embed import EMBED_KEYS
from webapp.request.presets import PRESET_FILES
from webapp.request.resolve import RequestError, _error_list
from webapp.request.schema import Edge, Node, Number

# The user's spellings of an operator, and ours.
SPELLINGS = {"·": "*", "×": "*", "⋅": "*", "−": "-", "^": "**"}
ALLOWED = re.compile(r"[A-Za-z0-9_.+\-*/(), =;]")
NAME = re.compile(rf"[A-Za-z][A-Za-z0-9_]{{0,{limits.MAX_EXPRESSION_NAME_CHARS - 1}}}")
OPERATION = re.compile(r"\*\*|[-+*/]|\b(?:" + "|".join(FUNCTIONS) + r")\s*\(")
IDENTIFIER = re.compile(r"(?<![\w.])[A-Za-z_]\w*")
RESULT = re.compile(r"\s*([A-Za-z]\w*)\s*=")  # "L = (a*b + c)*f" names the result L
BINARY = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div"}
# Words the page's address uses for itself (state.js LOCATION_KEYS, the page's options, an embed's and a
# practice set's keys): a variable's value travels in the address under its name, so none is a name.
PAGE_KEYS = frozenset(
    {"expr", "staged", "form", "animate", "predict", "preset", "epoch", "step", "sample", "log", "text"}
    | {*EMBED_KEYS, "worksheet", "variant", "key"}
)


class ExpressionRequest(BaseModel):
    """A formula in ordinary notation and a value for each of its names."""

    model_config = ConfigDict(extra="forbid")

    expression: str = Field(
        max_length=limits.MAX_EXPRESSION_CHARS,
        description=(
            "The formula: + − · / (also *, ×), powers with a constant exponent (^ or **), unary minus, "
            f"{', '.join(FUNCTIONS)}, numbers and names. Its value is f."
        ),
        examples=["(x + y) * z"],
    )
    values: dict[str, Number] = Field(
        default_factory=dict, max_length=limits.MAX_EXPRESSION_NAMES, description="A number for every name."
    )
    staged: bool = Field(
        False,
        strict=True,
        description="Name every operation as courses do (q = x + y, f = q·z); otherwise each is its own expression.",
    )
    epochs: int = Field(
        1, strict=True, ge=1, le=1, description="Always 1: an expression has one pass (as a run has epochs)."
    )


def _error(message: str, position: int | None = None, field: str = "expression") -> RequestError:
    error = {"field": field, "message": message}
    if position is not None:
        error["position"] = position
    return RequestError([error])


class Places(list):
    """For each character of the normalised text (and its end) its position in the user's text."""

    text = ""


def normalise(text: str) -> tuple[str, Places]:
    """The text with our spellings, and for each of its characters (and its end) the user's position."""
    out, where = [], Places()
    for i, char in enumerate(text):
        spelt = SPELLINGS.get(char, char)
        out.append(spelt)
        where.extend([i] * len(spelt))
    where.append(len(text))
    where.text = "".join(out)
    return where.text, where


def check_size(text: str, where: list[int]) -> None:
    """The limits, on the text alone: characters, operations, nesting and names."""
    if not text.strip():
        raise _error("write a formula, such as (x + y) * z")
    for i, char in enumerate(text):
        if not ALLOWED.fullmatch(char):
            raise _error(f"“{char}” cannot be part of a formula", where[i])
    operations = list(OPERATION.finditer(text))
    if len(operations) > limits.MAX_EXPRESSION_OPERATIONS:
        extra = operations[limits.MAX_EXPRESSION_OPERATIONS]
        raise _error(f"at most {limits.MAX_EXPRESSION_OPERATIONS} operations in a formula", where[extra.start()])
    depth = 0
    for i, char in enumerate(text):
        depth += (char == "(") - (char == ")")
        if depth > limits.MAX_EXPRESSION_DEPTH:
            raise _error(f"at most {limits.MAX_EXPRESSION_DEPTH} parentheses inside each other", where[i])
    names: dict[str, int] = {}
    for match in IDENTIFIER.finditer(text):
        if match[0] not in FUNCTIONS:
            names.setdefault(match[0], match.start())
    if len(names) > limits.MAX_EXPRESSION_NAMES:
        at = list(names.values())[limits.MAX_EXPRESSION_NAMES]
        raise _error(f"at most {limits.MAX_EXPRESSION_NAMES} names in a formula", where[at])


def parse(expression: str) -> Term:
    """The formula as a tree of terms, or a RequestError pointing at the offending character.

    Steps may be named as courses write them, separated by `;`: `q = x + y; f = q * z`. A name given
    to a step stands for that step wherever it is used after (one node, however often); the last step is
    the result, `f` unless it is named (`L = …`)."""
    if len(expression) > limits.MAX_EXPRESSION_CHARS:
        raise _error(f"at most {limits.MAX_EXPRESSION_CHARS} characters", limits.MAX_EXPRESSION_CHARS)
    text, where = normalise(expression)
    check_size(text, where)
    spans, start = [], 0
    for i, char in enumerate(text + ";"):
        if char == ";":
            if text[start:i].strip():
                spans.append((start, i))
            start = i + 1
    if not spans:
        raise _error("write a formula, such as (x + y) * z")
    names: dict[str, int] = {}
    for begin, end in spans:
        if (named := RESULT.match(text, begin)) and named.end() <= end:
            if named[1] in names:
                raise _error(f"{named[1]} is named twice", where[named.start(1)])
            names[named[1]] = begin
    last = RESULT.match(text, spans[-1][0])
    output = last[1] if last and last.end() <= spans[-1][1] else OUTPUT
    steps: dict[str, Term] = {}
    term = None
    for begin, end in spans:
        name, term = _step(text[begin:end], Places(where[begin : end + 1]), output)
        term = _using(term, steps)
        if name is None:
            continue
        if term.op in ("variable", "constant"):
            raise _error(f"{name} names no operation: write it where it is used", where[begin])
        steps[name] = term = dataclasses.replace(term, name=name)
    if term.op in ("variable", "constant"):
        raise _error("a formula needs at least one operation, such as x * y", where[spans[-1][0]])
    return dataclasses.replace(term, name=output)


def _step(text: str, where: Places, output: str) -> tuple[str | None, Term]:
    """One step, `name = formula` or a formula alone: its name and its terms."""
    name = None
    if named := RESULT.match(text):
        name, start = named[1], named.end()
        if not NAME.fullmatch(name) or name in FUNCTIONS or name in PAGE_KEYS:
            raise _error("a step's name is a letter then letters, digits or _", where[0])
        start += len(text[start:]) - len(text[start:].lstrip())
        where = Places(where[start:])
        text = text[start:]
    where.text = text
    leading = len(text) - len(text.lstrip())
    if leading:  # ast wants no indent: the columns shift, the places with them
        where = Places(where[leading:])
        text = where.text = text.lstrip()
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise _syntax_error(exc, text, where) from None
    return name, _term(tree.body, where, output)


def _using(term: Term, steps: dict[str, Term]) -> Term:
    """`term` with each name of an earlier step standing for that step."""
    if term.op == "variable":
        return steps.get(term.name, term)
    if not term.args:
        return term
    return dataclasses.replace(term, args=tuple(_using(arg, steps) for arg in term.args))


def _syntax_error(exc: SyntaxError, text: str, where: Places) -> RequestError:
    """Python's complaint about the formula in a lecturer's words, at its character."""
    offset = min(max((exc.offset or 1) - 1, 0), len(text))
    if not exc.offset or offset >= len(text.rstrip()):
        return _error("the formula ends too soon: something is missing at the end", where[len(text)])
    if "never closed" in exc.msg:
        return _error("this parenthesis is never closed", where[offset])
    if "unmatched" in exc.msg:
        return _error("this parenthesis closes nothing", where[offset])
    if "decimal literal" in exc.msg:
        return _error("write a product with a sign: 3 * x, not 3x", where[offset])
    return _error("unexpected here", where[offset])


def _at(node: ast.AST, where: list[int]) -> int:
    return where[min(node.col_offset, len(where) - 1)]


def _operator_at(node: ast.BinOp, where: Places) -> int:
    """Where a binary operation's operator is in the user's text: after the left operand and its parentheses."""
    at = node.left.end_col_offset or node.col_offset
    while at < len(where.text) and where.text[at] in " )":
        at += 1
    return where[min(at, len(where) - 1)]


def _constant(node: ast.AST) -> float | None:
    """A number, or minus a number, written in the formula."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        value = _constant(node.operand)
        return None if value is None else (-value if isinstance(node.op, ast.USub) else value)
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return float(node.value)
    return None


def _term(node: ast.AST, where: Places, output: str) -> Term:
    position = _at(node, where)
    if isinstance(node, ast.Name):
        if not NAME.fullmatch(node.id):
            raise _error(
                f"a name is a letter then letters, digits or _, at most {limits.MAX_EXPRESSION_NAME_CHARS}", position
            )
        if node.id == output:
            raise _error(
                f"{output} is the formula's own value: rename the variable, or name the result (L = …)", position
            )
        if node.id in FUNCTIONS:
            raise _error(f"{node.id} is a function: write {node.id}(…)", position)
        if node.id in PAGE_KEYS:
            raise _error(
                f"“{node.id}” is a word the page's address keeps for itself: call the variable otherwise", position
            )
        return Term("variable", name=node.id, position=position)
    if isinstance(node, ast.Constant):
        if type(node.value) not in (int, float):
            raise _error("only numbers and names can stand here", position)
        value = float(node.value)
        if abs(value) > limits.MAX_ABS_NUMBER:
            raise _error(f"a number in a formula is at most {limits.MAX_ABS_NUMBER:,.0f} in size", position)
        return Term("constant", value=value, position=position)
    if isinstance(node, ast.UnaryOp):
        if isinstance(node.op, ast.UAdd):
            return _term(node.operand, where, output)
        if not isinstance(node.op, ast.USub):
            raise _error("this operator is not one of + − · / ^", position)
        operand = _term(node.operand, where, output)
        if operand.op == "constant":  # −3 is a number, not an operation on 3
            return Term("constant", value=-operand.value, position=position)
        return Term("neg", (operand,), position=position)
    if isinstance(node, ast.BinOp):
        at = _operator_at(node, where)
        if isinstance(node.op, ast.Pow):
            exponent = _constant(node.right)
            if exponent is None:
                raise _error("an exponent must be a number, such as x^2", _at(node.right, where))
            if abs(exponent) > limits.MAX_EXPONENT:
                raise _error(f"an exponent is at most {limits.MAX_EXPONENT} in size", _at(node.right, where))
            return Term("pow", (_term(node.left, where, output),), value=exponent, position=at)
        if type(node.op) not in BINARY:
            raise _error("this operator is not one of + − · / ^", at)
        return Term(
            BINARY[type(node.op)], (_term(node.left, where, output), _term(node.right, where, output)), position=at
        )
    if isinstance(node, ast.Call):
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name not in FUNCTIONS:
            raise _error(f"the functions are {', '.join(FUNCTIONS)}", position)
        if node.keywords or any(isinstance(arg, ast.Starred) for arg in node.args):
            raise _error(f"{name} takes its inputs in order, separated by commas", position)
        args = [_term(arg, where, output) for arg in node.args]
        if name == "max":
            if len(args) < 2:
                raise _error("max takes two or more inputs: max(a, b)", position)
            term = args[0]
            for arg in args[1:]:  # max(a, b, c) = max(max(a, b), c)
                term = Term("max", (term, arg), position=position)
            return term
        if len(args) != 1:
            raise _error(f"{name} takes one input: {name}(x)", position)
        return Term(name, tuple(args), position=position)
    raise _error("only numbers, names, + − · / ^ and the functions can be used", position)


def variables(term: Term) -> list[str]:
    """The names in a formula, each once, in the order they first appear."""
    seen: dict[str, None] = {}
    stack = [term]
    while stack:
        t = stack.pop()
        if t.op == "variable":
            seen.setdefault(t.name)
        stack.extend(reversed(t.args))
    return list(seen)


def check_values(term: Term, values: dict[str, float]) -> None:
    """Every name has a value, and every value a name."""
    names = variables(term)
    errors = [
        {"field": f"values.{name}", "message": f"{name} needs a value", "position": term_position(term, name)}
        for name in names
        if name not in values
    ]
    errors += [
        {"field": f"values.{name}", "message": f"the formula has no {name}"} for name in values if name not in names
    ]
    if errors:
        raise RequestError(errors)


def term_position(term: Term, name: str) -> int:
    stack = [term]
    while stack:
        t = stack.pop()
        if t.op == "variable" and t.name == name:
            return t.position
        stack.extend(t.args)
    return 0


class ExpressionCheckRequest(ExpressionRequest):
    """An expression whose gradients to check against finite differences (its one pass: epoch 1)."""

    epoch: int = Field(1, strict=True, ge=1, le=1, description="Always 1: an expression has one pass.")


def resolve_check(body: dict) -> "ResolvedExpression":
    return resolve_expression(body, ExpressionCheckRequest)


class ExpressionNode(Node):
    kind: Literal["input", "constant", "operation"]
    op: str | None = Field(description="An operation node's kind: add, sub, mul, div, pow, neg, or a function.")
    gate: str | None = Field(description="What the node does with the gradient, in words (the gate patterns).")


class ExpressionGraphModel(BaseModel):
    nodes: list[ExpressionNode]
    edges: list[Edge]


class ExpressionAnswer(BaseModel):
    """The expression's graph and every number of its forward and backward pass."""

    graph: ExpressionGraphModel
    output: str = Field(description="The result's id: f, or the name given (L = …).")
    values: dict[str, float] = Field(description="Each node's value.")
    grads: dict[str, float] = Field(description="∂f/∂(node) for every node but the numbers; ∂f/∂f = 1.")
    local: dict[str, float] = Field(description="Each edge's local derivative ∂(target)/∂(source).")


@dataclasses.dataclass
class ResolvedExpression:
    request: ExpressionRequest
    term: Term


def resolve_expression(body: dict, model: type[ExpressionRequest] = ExpressionRequest) -> ResolvedExpression:
    """The body validated (as `model`) and its formula parsed, every name given a value: nothing built yet."""
    try:
        req = model.model_validate(body)
    except ValidationError as exc:
        raise RequestError(_error_list(exc)) from None
    term = parse(req.expression)
    check_values(term, req.values)
    return ResolvedExpression(req, term)


# --- The page's query: ?expr=(x+y)*z&x=-2&y=5&z=-4&staged=1 -------------------------------------------

# What the page shows when the query's formula cannot be shown: CS231n's first example.
DEFAULT_QUERY = {"expr": ["(x + y) * z"], "x": ["-2"], "y": ["5"], "z": ["-4"]}


def pointed(expression: str, error: dict) -> str:
    """An error's message with the character it is about, for a form field: “unexpected here (at “*”, character 5)”."""
    position = error.get("position")
    if position is None or error["field"] != "expression":
        return error["message"]
    if position >= len(expression):
        return f"{error['message']} (at the end)"
    return f"{error['message']} (at “{expression[position]}”, character {position + 1})"


def query_values(query: Mapping[str, list[str]]) -> tuple[dict[str, float], dict[str, str]]:
    """The variables' values in a page's query, and errors keyed by form field (`value-x`)."""
    values, errors = {}, {}
    for key, raw in query.items():
        if key in PAGE_KEYS or not NAME.fullmatch(key) or not raw:
            continue
        text = raw[0].strip().replace("−", "-")
        try:
            value = float(text)
        except ValueError:
            errors[f"value-{key}"] = "a number, such as -2 or 0.5"
            continue
        if not math.isfinite(value) or abs(value) > limits.MAX_ABS_NUMBER:
            errors[f"value-{key}"] = f"a number within ±{limits.MAX_ABS_NUMBER:,.0f}"
        else:
            values[key] = value
    return values, errors


def page_request(query: Mapping[str, list[str]], check_only: bool = False):
    """The expression a page's query asks for: (resolved or None, the form's values, errors by form field).

    A formula's names are its value fields: a value for a name the formula no longer has is dropped, and a
    name without one is an error beside its (empty) field. `check_only`, for the form's check before it
    navigates: only the formula's errors and badly written values, since a new name gets its field there.
    """
    text = (query.get("expr") or [""])[0]
    staged = (query.get("staged") or [""])[0] == "1"
    values, errors = query_values(query)
    form = {"expr": text, "staged": staged, "names": [], "values": {k: v[0] for k, v in query.items() if v}}
    try:
        term = parse(text)
    except RequestError as exc:
        (error,) = exc.errors
        errors["expr"] = pointed(text, error)
        form["caret"] = error.get("position")
        return None, form, errors
    names = variables(term)
    form["names"] = names
    if not check_only:
        for name in names:
            if name not in values and f"value-{name}" not in errors:
                errors[f"value-{name}"] = f"{name} needs a value"
    if errors:
        return None, form, errors
    request = ExpressionRequest(expression=text, values={n: values[n] for n in names}, staged=staged)
    return ResolvedExpression(request, term), form, errors


# --- Examples: webapp/presets/expressions/<name>.toml, a file a teacher can read and write -------------

EXPRESSION_PRESET_FILES = PRESET_FILES / "expressions"


class ExpressionPreset(BaseModel):
    """An example expression: `title`, `description`, an `order` in the list, the `expression`, its `values`
    and whether it is `staged`. Every one is parsed, given its values and computed by the tests."""

    model_config = ConfigDict(extra="forbid")
    order: int
    title: str = Field(min_length=1, max_length=80)
    description: str = Field(pattern=r"\.$", max_length=600)
    expression: str = Field(max_length=limits.MAX_EXPRESSION_CHARS)
    values: dict[str, float]
    staged: bool = False


def _load_presets() -> dict[str, dict]:
    presets = {}
    for path in EXPRESSION_PRESET_FILES.glob("*.toml"):
        try:
            preset = ExpressionPreset.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
            check_values(parse(preset.expression), preset.values)
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"{path.name}: not valid TOML: {exc}") from None
        except ValidationError as exc:
            errors = (f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            raise ValueError(f"{path.name}: {'; '.join(errors)}") from None
        except RequestError as exc:
            raise ValueError(
                f"{path.name}: " + "; ".join(f"{e['field']}: {e['message']}" for e in exc.errors)
            ) from None
        presets[path.stem] = preset
    ordered = sorted(presets.items(), key=lambda item: (item[1].order, item[0]))
    return {name: preset.model_dump(exclude={"order"}) for name, preset in ordered}


def preset_query(preset: dict) -> dict[str, str]:
    """A preset as the page's query: ?expr=…&x=…, and staged=1 when it is."""
    values = {name: repr(value).removesuffix(".0") for name, value in preset["values"].items()}
    return {"expr": preset["expression"], **values, **({"staged": "1"} if preset["staged"] else {})}


EXPRESSION_PRESETS: dict[str, dict] = _load_presets()

"""The worksheet as checked exercises: its problems in its order, numbered variants of its numbers,
and the rule that decides whether an answer is right. Plain data, no Flask.

Every expected number is read from a run of the engine (`service.run`) on the variant's request,
by id: `values`, `grads`, `local` and `after` of epoch 1, and `final_cost`. Nothing is typed in.

Variants. Variant 0 is the worksheet (x = 3, y = 2, w1 = 0.5, w2 = 0.8, α = 0.1). Variant n > 0
draws its numbers from SplitMix64 seeded with n (a generator written out below, so every machine
and every Python gets the same numbers): x and y whole numbers from 1 to 4, w1 and w2 tenths from
0.1 to 0.9, α 0.1 or 0.2. So z1 has one decimal, z2 two, and every step is a short product a
student can do by hand. Every fifth variant (n divisible by 5) has a dead ReLU: w1 negative (z1 < 0,
so nothing reaches the output and every gradient is 0) or w2 negative (z2 < 0, so ŷ = 0 and the
gradient stops at ŷ), alternately. A live variant never has ŷ = y, which would make every gradient 0.

Checking a number. An answer is right when it equals the expected value (up to floating-point
noise), or when it is the expected value rounded: within half a unit of its last digit ("0.69" for
0.692, "−1.9" for −1.92) and carrying at least 2 significant digits (so "0" does not pass for 0.3).
"−" and "-" are both a minus sign; a comma is read as the decimal point when there is no point.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from webapp import service
from webapp.presentation.answers import Feedback, check_number
from webapp.presentation.notation import factor
from webapp.presentation.notation import number as shown

MAX_VARIANT = 999_999
DEAD_EVERY = 5
MAX_ANSWER_CHARS = 40
WORKSHEET = {"x": 3, "y": 2, "w1": 0.5, "w2": 0.8, "alpha": 0.1}
_MASK = (1 << 64) - 1


def splitmix64(seed: int):
    """An endless stream of 64-bit integers from `seed` (Vigna's SplitMix64): fixed, small, portable."""
    state = seed & _MASK
    while True:
        state = (state + 0x9E3779B97F4A7C15) & _MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
        yield z ^ (z >> 31)


def variant_numbers(variant: int) -> dict:
    """x, y, w1, w2 and α of a variant (0 is the worksheet); see the module's docstring for how."""
    if variant == 0:
        return dict(WORKSHEET)
    draws = splitmix64(variant)

    def pick(low: int, high: int) -> int:
        return low + next(draws) % (high - low + 1)

    dead = variant % DEAD_EVERY == 0
    dead_at = ("z1", "z2")[(variant // DEAD_EVERY) % 2] if dead else None
    while True:
        x, y = pick(1, 4), pick(1, 4)
        w1_tenths, w2_tenths = pick(1, 9), pick(1, 9)
        alpha_tenths = pick(1, 2)
        if dead_at == "z1":
            w1_tenths = -w1_tenths
        elif dead_at == "z2":
            w2_tenths = -w2_tenths
        elif w1_tenths * w2_tenths * x == 100 * y:
            continue  # ŷ = y: nothing to learn
        return {"x": x, "y": y, "w1": w1_tenths / 10, "w2": w2_tenths / 10, "alpha": alpha_tenths / 10}


def variant_request(numbers: dict, epochs: int = 1) -> dict:
    """The API request that trains the worksheet's network on a variant's numbers."""
    return {
        "preset": "worksheet",
        "x": [[numbers["x"]]],
        "y": [[numbers["y"]]],
        "weights": [[[numbers["w1"]]], [[numbers["w2"]]]],
        "learning_rate": numbers["alpha"],
        "epochs": epochs,
    }


def parse_variant(raw: str | None) -> tuple[int, str | None]:
    """The variant a URL asks for, and a message when it asks for one that does not exist (then the worksheet)."""
    if raw is None or raw.strip() == "":
        return 0, None
    text = raw.strip()
    if text.isascii() and text.isdigit() and len(text) <= len(str(MAX_VARIANT)) and int(text) <= MAX_VARIANT:
        return int(text), None
    shown = text if len(text) <= 20 else text[:20] + "…"
    return (
        0,
        f"There is no variant “{shown}”: a variant is a whole number from 0 to {MAX_VARIANT}. Here is the worksheet.",
    )


# --- Showing numbers ---------------------------------------------------------------------------


def check_choice(answer: str, problem: "Problem") -> Feedback:
    if not answer:
        return Feedback("unanswered", "")
    if answer == problem.correct:
        return Feedback("right", "Right.")
    return Feedback("wrong", "Not quite.")


# --- The problems ------------------------------------------------------------------------------


@dataclass
class Step:
    """One line of a worked solution: an equation (checked arithmetic when it holds numbers) and a note."""

    equation: str
    note: str = ""


@dataclass
class Problem:
    id: str
    prompt: str
    kind: str  # number or choice
    hint: str
    hint_nodes: list[str]
    solution: list[Step]
    expected: float | None = None
    choices: list[tuple[str, str]] = field(default_factory=list)  # (value, text)
    correct: str | None = None
    unit_text: str = ""

    def answer_text(self) -> str:
        if self.kind == "number":
            return shown(self.expected)
        return dict(self.choices)[self.correct]

    def check(self, answer: str) -> Feedback:
        return check_number(answer, self.expected) if self.kind == "number" else check_choice(answer, self)


@dataclass
class Section:
    title: str
    intro: str
    problems: list[Problem]


@dataclass
class Exercise:
    variant: int
    numbers: dict
    sections: list[Section]
    dead: list[str]

    @property
    def problems(self) -> dict[str, Problem]:
        return {p.id: p for s in self.sections for p in s.problems}


PROPAGATED_CHOICES = [
    ("error", "The error y − ŷ, passed back to every node unchanged"),
    ("gradients", "The derivative of the cost J with respect to each node, and finally to each weight"),
    ("inputs", "The input x, run through the network in reverse"),
    ("weights", "The new weights, computed from the output back to the first layer"),
]
LOWER_CHOICES = [("yes", "Yes, lower"), ("no", "No, not lower")]


def _relu_step(name: str, z_name: str, z: float, derivative: bool) -> Step:
    if derivative:
        return Step(
            f"d{name}/d{z_name} = ReLU′({shown(z)}) = {shown(1.0 if z > 0 else 0.0)}",
            f"ReLU′ is 1 where {z_name} > 0 and 0 where {z_name} ≤ 0 (at exactly 0 this app takes 0).",
        )
    a = max(z, 0.0)
    note = f"{z_name} ≤ 0, so the ReLU outputs 0: it is dead." if z <= 0 else ""
    return Step(f"{name} = ReLU({z_name}) = ReLU({shown(z)}) = {shown(a)}", note)


def _forward_steps(n: dict, values: dict) -> list[Step]:
    return [
        Step(f"z₁ = w₁ · x = {shown(n['w1'])} · {factor(n['x'])} = {shown(values['z1'][0])}"),
        _relu_step("a₁", "z₁", values["z1"][0], derivative=False),
        Step(f"z₂ = w₂ · a₁ = {shown(n['w2'])} · {factor(values['a1'][0])} = {shown(values['z2'][0])}"),
        _relu_step("ŷ", "z₂", values["z2"][0], derivative=False),
    ]


def _cost_step(y: float, yhat: float, cost: float) -> Step:
    difference = f"({shown(y)} − {factor(yhat)})"
    return Step(f"J = (y − ŷ)² / (2N) = {difference} · {difference} / 2 = {shown(cost)}", "N = 1 training sample.")


@lru_cache(maxsize=256)
def exercise(variant: int) -> Exercise:
    """Every problem of a variant, its expected answers and worked solutions read from the engine."""
    numbers = variant_numbers(variant)
    run = service.run(service.validate(variant_request(numbers)))
    again = service.run(service.validate(variant_request(numbers, epochs=2)))["epochs"][1]
    graph = service.validate(variant_request(numbers)).graph
    epoch = run["epochs"][0]
    values, grads, local, after = epoch["values"], epoch["grads"], epoch["local"], epoch["after"]
    final_cost = run["final_cost"]
    cost = values["J"]
    functions = graph.forward_order()
    weights = graph.params
    n = numbers
    g = {key: (value[0] if isinstance(value, list) else value) for key, value in grads.items()}
    loc = {key: value[0] for key, value in local.items()}

    sections = [
        Section(
            "1. Back propagation",
            "",
            [
                Problem(
                    "propagated",
                    "What is being back-propagated?",
                    "choice",
                    "Start at the cost J and follow the arrows backward: what does each node hand to the one before it?",
                    ["J"],
                    [Step("dJ/dŷ, then dJ/dz₂, dJ/da₁, dJ/dz₁, and finally dJ/dw₂ and dJ/dw₁.")],
                    choices=PROPAGATED_CHOICES,
                    correct="gradients",
                )
            ],
        ),
        Section(
            "2. The forward pass",
            "x → z₁ = w₁·x → a₁ = ReLU(z₁) → z₂ = w₂·a₁ → ŷ = ReLU(z₂) → J = (y − ŷ)²/(2N), with one training sample.",
            [
                Problem(
                    "functions",
                    "How many functions are involved?",
                    "number",
                    "Count the nodes computed from other nodes; x, y and the weights are given.",
                    list(functions),
                    [Step(", ".join(graph.node[f].label for f in functions) + f": {len(functions)} functions.")],
                    expected=float(len(functions)),
                ),
                Problem(
                    "weights",
                    "How many weights are involved?",
                    "number",
                    "Count the parameters that training changes.",
                    list(weights),
                    [Step(", ".join(graph.node[w].label for w in weights) + f": {len(weights)} weights.")],
                    expected=float(len(weights)),
                ),
                Problem(
                    "yhat",
                    "What is ŷ?",
                    "number",
                    "Go forward from x: multiply by w₁, apply ReLU, multiply by w₂, apply ReLU.",
                    ["x", "w1", "z1", "a1", "w2", "z2", "yhat"],
                    _forward_steps(n, values),
                    expected=values["yhat"][0],
                ),
                Problem(
                    "J",
                    "What is the cost J (half the mean squared error)?",
                    "number",
                    "Compare ŷ with the target y.",
                    ["yhat", "y", "J"],
                    [_cost_step(n["y"], values["yhat"][0], cost)],
                    expected=cost,
                ),
            ],
        ),
        Section(
            "3. The local derivatives",
            "Each function's derivative with respect to its input, at these numbers.",
            [
                Problem(
                    "local.yhat-J",
                    "dJ/dŷ",
                    "number",
                    "Differentiate J = (y − ŷ)²/2 with respect to ŷ.",
                    ["yhat", "J"],
                    [
                        Step(
                            f"dJ/dŷ = −(y − ŷ) / N = −({shown(n['y'])} − {factor(values['yhat'][0])}) / 1 = {shown(loc['yhat-J'])}"
                        )
                    ],
                    expected=loc["yhat-J"],
                ),
                Problem(
                    "local.z2-yhat",
                    "dŷ/dz₂",
                    "number",
                    "ŷ = ReLU(z₂): is z₂ positive?",
                    ["z2", "yhat"],
                    [_relu_step("ŷ", "z₂", values["z2"][0], derivative=True)],
                    expected=loc["z2-yhat"],
                ),
                Problem(
                    "local.w2-z2",
                    "dz₂/dw₂",
                    "number",
                    "z₂ = w₂ · a₁: what multiplies w₂?",
                    ["w2", "z2"],
                    [Step(f"dz₂/dw₂ = a₁ = {shown(loc['w2-z2'])}")],
                    expected=loc["w2-z2"],
                ),
                Problem(
                    "local.a1-z2",
                    "dz₂/da₁",
                    "number",
                    "z₂ = w₂ · a₁: what multiplies a₁?",
                    ["a1", "z2"],
                    [Step(f"dz₂/da₁ = w₂ = {shown(loc['a1-z2'])}")],
                    expected=loc["a1-z2"],
                ),
                Problem(
                    "local.z1-a1",
                    "da₁/dz₁",
                    "number",
                    "a₁ = ReLU(z₁): is z₁ positive?",
                    ["z1", "a1"],
                    [_relu_step("a₁", "z₁", values["z1"][0], derivative=True)],
                    expected=loc["z1-a1"],
                ),
                Problem(
                    "local.w1-z1",
                    "dz₁/dw₁",
                    "number",
                    "z₁ = w₁ · x: what multiplies w₁?",
                    ["w1", "z1"],
                    [Step(f"dz₁/dw₁ = x = {shown(loc['w1-z1'])}")],
                    expected=loc["w1-z1"],
                ),
            ],
        ),
        Section(
            "4. The chain rule: how the cost changes with each weight",
            "Multiply the local derivatives of problem 3 along the path from J back to the weight.",
            [
                Problem(
                    "grads.w1",
                    "a) dJ/dw₁",
                    "number",
                    "The path from J to w₁ passes ŷ, z₂, a₁ and z₁.",
                    ["J", "yhat", "z2", "a1", "z1", "w1"],
                    [
                        Step(f"dJ/dŷ = {shown(g['yhat'])}"),
                        Step(
                            f"dJ/dz₂ = dJ/dŷ · dŷ/dz₂ = {shown(g['yhat'])} · {factor(loc['z2-yhat'])} = {shown(g['z2'])}"
                        ),
                        Step(
                            f"dJ/da₁ = dJ/dz₂ · dz₂/da₁ = {shown(g['z2'])} · {factor(loc['a1-z2'])} = {shown(g['a1'])}"
                        ),
                        Step(
                            f"dJ/dz₁ = dJ/da₁ · da₁/dz₁ = {shown(g['a1'])} · {factor(loc['z1-a1'])} = {shown(g['z1'])}"
                        ),
                        Step(
                            f"dJ/dw₁ = dJ/dz₁ · dz₁/dw₁ = {shown(g['z1'])} · {factor(loc['w1-z1'])} = {shown(g['w1'])}"
                        ),
                    ],
                    expected=g["w1"],
                ),
                Problem(
                    "grads.w2",
                    "b) dJ/dw₂",
                    "number",
                    "The path from J to w₂ passes ŷ and z₂.",
                    ["J", "yhat", "z2", "w2"],
                    [
                        Step(f"dJ/dŷ = {shown(g['yhat'])}"),
                        Step(
                            f"dJ/dz₂ = dJ/dŷ · dŷ/dz₂ = {shown(g['yhat'])} · {factor(loc['z2-yhat'])} = {shown(g['z2'])}"
                        ),
                        Step(
                            f"dJ/dw₂ = dJ/dz₂ · dz₂/dw₂ = {shown(g['z2'])} · {factor(loc['w2-z2'])} = {shown(g['w2'])}"
                        ),
                    ],
                    expected=g["w2"],
                ),
            ],
        ),
        Section(
            "5. Update the weights",
            f"Gradient descent with learning rate α = {shown(n['alpha'])}: w := w − α · dJ/dw.",
            [
                Problem(
                    f"after.{w}",
                    f"The new {graph.node[w].label}",
                    "number",
                    f"Step {graph.node[w].label} against its gradient from problem 4.",
                    [w],
                    [
                        Step(
                            f"{graph.node[w].label} := {graph.node[w].label} − α · dJ/d{graph.node[w].label} = "
                            f"{shown(values[w])} − {shown(n['alpha'])} · {factor(g[w])} = {shown(after[w])}"
                        )
                    ],
                    expected=after[w],
                )
                for w in ("w1", "w2")
            ],
        ),
        Section(
            "6. Forward again",
            "Plug the new weights in and run the forward pass once more.",
            [
                Problem(
                    "final_cost",
                    "What is the cost J with the new weights?",
                    "number",
                    "The same forward pass as problem 2, with the new w₁ and w₂.",
                    ["x", "w1", "z1", "a1", "w2", "z2", "yhat", "y", "J"],
                    [
                        *_forward_steps({**n, "w1": after["w1"], "w2": after["w2"]}, again["values"]),
                        _cost_step(n["y"], again["values"]["yhat"][0], final_cost),
                    ],
                    expected=final_cost,
                ),
                Problem(
                    "lower",
                    "Is the cost lower than before the update?",
                    "choice",
                    "Compare with the cost J of problem 2.",
                    ["J"],
                    [Step(f"{shown(final_cost)} after the update, {shown(cost)} before.")],
                    choices=LOWER_CHOICES,
                    correct="yes" if final_cost < cost else "no",
                ),
            ],
        ),
    ]
    return Exercise(variant, numbers, sections, epoch["dead"])


# --- Checking a set of answers -----------------------------------------------------------------


class AnswerError(ValueError):
    def __init__(self, errors: list[dict]):
        super().__init__(errors[0]["message"])
        self.errors = errors


def parse_check(data) -> tuple[int, dict[str, str]]:
    """The variant and the answers of a check request, or an AnswerError naming each bad field."""
    if not isinstance(data, dict):
        raise AnswerError([{"field": "body", "message": "must be a JSON object"}])
    errors = []
    variant = data.get("variant", 0)
    if isinstance(variant, bool) or not isinstance(variant, int) or not 0 <= variant <= MAX_VARIANT:
        errors.append({"field": "variant", "message": f"must be a whole number from 0 to {MAX_VARIANT}"})
        variant = 0
    answers = data.get("answers", {})
    unknown = sorted(set(data) - {"variant", "answers"})
    errors += [{"field": key, "message": "unknown field; expected variant and answers"} for key in unknown]
    if not isinstance(answers, dict):
        errors.append({"field": "answers", "message": "must be an object of answers by problem id"})
        answers = {}
    problems = exercise(0).problems  # every variant has the same problems
    texts = {}
    for pid, answer in answers.items():
        name = f"answers.{pid}"
        if pid not in problems:
            errors.append({"field": name, "message": f"no such problem; one of {', '.join(problems)}"})
        elif isinstance(answer, bool) or not isinstance(answer, str | int | float):
            errors.append({"field": name, "message": "must be a string (or a number)"})
        elif isinstance(answer, str) and len(answer) > MAX_ANSWER_CHARS:
            errors.append({"field": name, "message": f"at most {MAX_ANSWER_CHARS} characters"})
        elif problems[pid].kind == "choice" and answer not in ("", *dict(problems[pid].choices)):
            errors.append({"field": name, "message": f"one of {', '.join(dict(problems[pid].choices))}"})
        else:
            texts[pid] = answer if isinstance(answer, str) else format(Decimal(repr(answer)), "f")
    if errors:
        raise AnswerError(errors)
    return variant, texts


def check_answers(variant: int, answers: dict[str, str]) -> dict:
    """Feedback on each answer, and the score of the whole set: right answers over problems."""
    problems = exercise(variant).problems
    results = {}
    for pid, answer in answers.items():
        feedback = problems[pid].check(answer)
        results[pid] = {"status": feedback.status, "right": feedback.right, "message": feedback.message}
    right = sum(1 for r in results.values() if r["right"])
    answered = sum(1 for r in results.values() if r["status"] != "unanswered")
    return {
        "variant": variant,
        "results": results,
        "right": right,
        "answered": answered,
        "total": len(problems),
        "score": right / len(problems),
    }

"""A practice set generated from a network's graph and one training run of two detailed epochs: the
counts, each value in forward order, each local derivative, each gradient backward, each update, the
cost after and whether it fell. Plain data, no Flask.

Ids: a value is its node's id (`z1_2`, `J`), then `local.<edge id>`, `grads.<id>`, `after.<id>`,
`functions`, `weights`, `biases`, `final_cost` and `lower`. Per-sample numbers are the first sample's.
A worked step names a formula (TeX) and an equation for the page's equation builder
(`static/js/equations.js`: `worked`, `accumulation`, `update`), which writes it with the run's numbers.
"""

from collections import namedtuple
from dataclasses import dataclass, field, replace

from webapp.engine.graph import Graph
from webapp.engine.optimizers import Optimizer, optimizer
from webapp.presentation.answers import Feedback, check_number
from webapp.presentation.notation import number
from webapp.presentation.report import dead_clause
from webapp.presentation.tables import accumulation_row, update_row
from webapp.presentation.updates import SYMBOLS, state_labels
from webapp.presentation.updates import symbols as update_symbols

LOWER = {"yes": "Yes, lower", "no": "No, not lower"}


@dataclass
class Step:
    """One line of a worked solution: formulas, an equation the page's builder writes (`build` of `node`
    in epoch 0, the update's, or 1, the forward pass after it), a value, a note."""

    tex: list[str] = field(default_factory=list)
    build: str = ""
    node: str = ""
    epoch: int = 0
    value: str = ""
    text: str = ""


@dataclass
class Problem:
    id: str
    prompt: str
    hint: str
    nodes: list[str]  # what a hint lights on the drawing
    steps: list[Step]
    kind: str = ""  # count, value, local, grad, update, optimizer: what `every` selects in a worksheet
    expected: float | None = None
    choices: dict[str, str] | None = None
    correct: str | None = None
    edges: list[str] = field(default_factory=list)

    def answer_text(self) -> str:
        return number(self.expected) if self.choices is None else self.choices[self.correct]

    def check(self, answer: str) -> Feedback:
        if self.choices is None:
            return check_number(answer, self.expected)
        if not answer:
            return Feedback("unanswered", "")
        return Feedback("right", "Right.") if answer == self.correct else Feedback("wrong", "Not quite.")


Section = namedtuple("Section", "title intro problems")


@dataclass
class Exercise:
    variant: int
    sections: list[Section]
    givens: list[str]
    dead: str = ""  # what the variant's dead ReLUs do, if it has any

    @property
    def problems(self) -> dict[str, Problem]:
        return {p.id: p for s in self.sections for p in s.problems}


def _reach(graph: Graph, node: str, forward: bool) -> list[str]:
    """`node` and every node it feeds (forward) or that feeds it, in the graph's order."""
    seen, stack = {node}, [node]
    while stack:
        for e in graph.out_of(stack.pop()) if forward else graph.into(stack.pop()):
            other = e.target if forward else e.source
            if other not in seen:
                seen.add(other)
                stack.append(other)
    return [n.id for n in graph.nodes if n.id in seen]


def _lit_edges(graph: Graph, lit: set[str]) -> list[str]:
    """The edges a hint on `lit` nodes lights: those between them, a lit parameter's own and those it multiplies."""
    own = lambda e: (e.source in lit and graph.node[e.source].param) or graph.carried_weight(e) in lit  # noqa: E731
    return [e.id for e in graph.edges if {e.source, e.target} <= lit or own(e)]


def _first(value):
    return value[0] if isinstance(value, list) else value


def problems(graph: Graph, epochs: list[dict], samples: int, optimizer: Optimizer | None = None) -> dict[str, Problem]:
    """Every problem the graph and the run's two epochs (the update's, and the pass after it) give; for a
    graph without an update (an expression), its one pass; with momentum or Adam also each parameter's
    optimizer numbers after the step (`state.v.w1`, kind `optimizer`)."""
    first = epochs[0]
    output = graph.output
    label = {n.id: n.label for n in graph.nodes}
    functions = graph.forward_order()
    sample = " (sample 1)" if samples > 1 else ""
    found: dict[str, Problem] = {}

    def add(problem: Problem) -> None:
        found[problem.id] = problem

    def forward(node: str, epoch: int = 0) -> Step:
        if graph.node[node].kind == "sum" or graph.worked_text(node):
            return Step([graph.formula(node)], "worked", node, epoch)
        return Step([graph.formula(node)], value=number(_first(epochs[epoch]["values"][node])))

    for kind, noun in (("weight", "weights"), ("bias", "biases")):
        ids = [n.id for n in graph.nodes if n.kind == kind]
        if ids:
            text = f"{', '.join(label[i] for i in ids)}: {len(ids)} {noun}."
            hint = f"Count the {noun}: the parameters training changes."
            add(Problem(noun, f"How many {noun} are involved?", hint, ids, [Step(text=text)], "count", len(ids)))
    text = f"{', '.join(label[i] for i in functions)}: {len(functions)} functions."
    hint = "Count the nodes computed from other nodes; the data and the parameters are given."
    add(Problem("functions", "How many functions are involved?", hint, functions, [Step(text=text)], "count", len(functions)))  # fmt: skip
    for node in functions:
        before = _reach(graph, node, forward=False)
        steps = [forward(n) for n in before if n in functions]
        hint = "Go forward from the data: each node is its function of the nodes feeding it."
        add(Problem(node, f"What is {label[node]}{sample if node != output else ''}?", hint, before, steps, "value", _first(first["values"][node])))  # fmt: skip
    backward = graph.backward_order()
    for edge in reversed(graph.edges):
        if edge.source not in backward:
            continue  # nothing flows back into a network's data, or into a number in an expression
        steps = [Step([graph.edge_function(edge.id), graph.edge_derivative(edge.id)], value=number(_first(first["local"][edge.id])))]  # fmt: skip
        nodes = [edge.source, edge.target] + ([graph.partner(edge).source] if edge.partner else [])
        hint = f"How does {label[edge.target]} change with {label[edge.source]}, everything else held fixed?"
        add(Problem(f"local.{edge.id}", edge.symbol + sample, hint, nodes, steps, "local", _first(first["local"][edge.id])))  # fmt: skip
    for node in backward[1:]:
        after = _reach(graph, node, forward=True)
        steps = [
            Step([accumulation_row(graph, n)["tex"]], "accumulation", n) for n in backward if n in after and n != output
        ]
        hint = f"Multiply the local derivatives along the way from {label[output]} back to {label[node]}, adding up the ways."
        prompt = graph.node[node].gradient + (sample if graph.node[node].per_sample else "")
        add(Problem(f"grads.{node}", prompt, hint, after, steps, "grad", _first(first["grads"][node])))
    for p in graph.params:
        hint = f"Step {label[p]} against its gradient: {label[p]} ≔ {label[p]} − α · {graph.node[p].gradient}."
        update = [Step([update_row(graph, p)["tex"]], "update", p)]
        if optimizer is not None and optimizer.name != "sgd":
            hint = f"Apply the optimizer's equations in turn, with {label[p]}'s gradient {graph.node[p].gradient}."
            update = [Step(optimizer.tex(update_symbols(graph, p)), "update", p)]
            subscript = state_labels(graph)[p]
            for key in optimizer.shown:
                name = SYMBOLS[key][0] + subscript
                said = f"What is {name} after this step?"
                add(Problem(f"state.{key}.{p}", said, hint, [p], update, "optimizer", first["state"]["after"][key][p]))
        add(Problem(f"after.{p}", f"The new {label[p]}", hint, [p], update, "update", first["after"][p]))
    if not graph.updates:
        return found
    second = epochs[1]
    cost, final = first["values"]["J"], second["values"]["J"]
    hint = "The same forward pass, with the new parameters."
    add(Problem("final_cost", "What is the cost J with the new parameters?", hint, [n.id for n in graph.nodes], [forward(n, 1) for n in functions], expected=final))  # fmt: skip
    steps = [Step(text=f"{number(final)} after the update, {number(cost)} before.")]
    add(Problem("lower", "Is the cost lower than before the update?", "Compare the two costs.", ["J"], steps, choices=LOWER, correct="yes" if final < cost else "no"))  # fmt: skip
    return found


def exercise(graph: Graph, run: dict, samples: int, sections, variant: int) -> Exercise:
    """The worksheet's `sections` (title, intro, problems by id, by `every` kind, or multiple choice)
    filled from the graph and `run`, a report of two detailed epochs. An id the network lacks is a
    KeyError naming where the worksheet asks for it."""
    first, second = (run["epochs"][e] for e in (0, 1))
    chosen = run.get("optimizer", {"name": "sgd", "constants": {}})
    generated = problems(graph, [first, second], samples, optimizer(chosen["name"], **chosen["constants"]))
    built = []
    for i, section in enumerate(sections):
        items = []
        for j, p in enumerate(section.problems):
            if p.every:
                items += [replace(g, hint=p.hint or g.hint) for g in generated.values() if g.kind == p.every]
            elif p.choices:
                steps = [Step(text=p.solution)] if p.solution else []
                items.append(Problem(p.id, p.prompt or p.id, p.hint or "", p.light or [], steps, choices=p.choices, correct=p.answer))  # fmt: skip
            elif p.id in generated:
                g = generated[p.id]
                items.append(replace(g, prompt=p.prompt or g.prompt, hint=p.hint or g.hint, nodes=p.light or g.nodes))
            else:
                raise KeyError(f"sections[{i}].problems[{j}].id: this network has no problem “{p.id}”")
        if items or not section.problems:  # a kind this run lacks (the optimizer's, for plain descent) is left out
            built.append(Section(section.title, section.intro, items))
    for problem in (p for s in built for p in s.problems):
        problem.edges = _lit_edges(graph, set(problem.nodes))
    ids = [p.id for s in built for p in s.problems]
    if len(set(ids)) < len(ids):
        raise KeyError(f"sections: a problem appears twice: {', '.join(sorted({i for i in ids if ids.count(i) > 1}))}")
    dead = ""
    if first["dead"]:
        largest = {
            a: max(first["values"][graph.ids("sum", graph.node[a].layer)[graph.node[a].index]]) for a in first["dead"]
        }
        dead = f"In these numbers {dead_clause(graph, first['dead'], largest)}."
    return Exercise(variant, built, givens(graph, first, run["config"]["learning_rate"], samples), dead)


# An expression's practice set: its one pass, in the order a lecturer works it.
EXPRESSION_SECTIONS = (
    ("Forward pass", "Compute each operation from the values feeding it.", "value"),
    ("Local derivatives", "Each edge on its own: how its end changes with its start.", "local"),
    ("Backward pass", "From the output's ∂f/∂f = 1 back to every variable, by the chain rule.", "grad"),
)


def expression_exercise(graph, numbers: dict) -> Exercise:
    """A practice set generated from an expression's graph and its one pass: each value, each local
    derivative, each gradient, with worked solutions; the givens are its variables."""
    generated = problems(graph, [numbers], 1)
    sections = [
        Section(title, intro, [p for p in generated.values() if p.kind == kind])
        for title, intro, kind in EXPRESSION_SECTIONS
    ]
    for problem in (p for s in sections for p in s.problems):
        problem.edges = _lit_edges(graph, set(problem.nodes))
    variables = ", ".join(f"{graph.node[v].label} = {number(numbers['values'][v])}" for v in graph.variables)
    return Exercise(0, sections, [variables])


def givens(graph: Graph, epoch: dict, rate: float, samples: int) -> list[str]:
    """The numbers a student starts from, a line each: every sample's data, the parameters, α."""
    data = [n for n in graph.nodes if n.kind in ("input", "target")]
    lines = [
        ("" if samples == 1 else f"Sample {s + 1}: ")
        + ", ".join(f"{n.label} = {number(epoch['values'][n.id][s])}" for n in data)
        for s in range(samples)
    ]
    lines.append(", ".join(f"{graph.node[p].label} = {number(epoch['values'][p])}" for p in graph.params))
    return [*lines, f"learning rate α = {number(rate)}"]


def check_answers(exercise: Exercise, answers: dict[str, str]) -> dict:
    """Feedback on each answer, and the score of the whole set: right answers over problems."""
    problems = exercise.problems
    results = {}
    for pid, answer in answers.items():
        feedback = problems[pid].check(answer)
        results[pid] = {"status": feedback.status, "right": feedback.right, "message": feedback.message}
    right = sum(1 for r in results.values() if r["right"])
    answered = sum(1 for r in results.values() if r["status"] != "unanswered")
    total = len(problems)
    return {"variant": exercise.variant, "results": results, "right": right, "answered": answered, "total": total, "score": right / total}  # fmt: skip

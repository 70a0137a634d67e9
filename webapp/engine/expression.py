"""An expression as a computational graph: one node per operation, the chain rule on scalars.

`webapp.request.expression` parses the user's formula into a `Term` tree (and checks its size
before); this module turns the tree into nodes and edges of the same shape as a network's graph
(`webapp.engine.graph`: `Node`, `Edge`, `Kind`), and runs its forward and backward pass.

Each operation kind in `OPS` declares, side by side, its forward function and each operand's local
derivative as numpy functions, as TeX and as text, the way `graph.NODE_KINDS`/`EDGE_KINDS` do for a
network, with what the gate does to the gradient in words (the lecture notes' "gate patterns").
A variable used twice is one node with several out-edges; its gradient is the sum over them.
The output is `f` unless the user names it (`L = …`), and the backward pass starts from ∂f/∂f = 1.
"""

import dataclasses
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import numpy as np

from webapp.engine.activations import ACTIVATIONS
from webapp.engine.graph import SUBSCRIPTS, Edge, Kind, Node, partial, partial_tex

OUTPUT = "f"
# Names an operation gets when the expression is staged (q = x + y, f = q·z), in this order, skipping
# any a variable already has; then q₁, q₂, …
STAGE_NAMES = ("q", "r", "s", "t", "u", "v", "p", "g", "h", "k", "m", "n")

# How tightly an operation binds, for parentheses: a sum's operand inside a product needs them.
SUM, PRODUCT, UNARY, POWER, ATOM = 1, 2, 3, 4, 5


@dataclass(frozen=True)
class Term:
    """A parsed expression: a variable (`name`), a number (`value`), or an operation on `args`.

    `position` is the operation's (or name's, number's) place in the user's own text, for messages;
    `value` is a power's constant exponent. `name`, on an operation, is the name the user staged it as.
    """

    op: str  # "variable", "constant" or a key of OPS
    args: tuple["Term", ...] = ()
    name: str | None = None
    value: float | None = None
    position: int = 0


@dataclass(frozen=True)
class OpKind:
    """One operation: forward and each operand's local derivative as numpy functions, TeX and text.

    Templates take `{a}` and `{b}` for the operands and `{p}` for a power's exponent. A local
    derivative's function takes (operands, exponent, the node's own value).
    """

    title: str
    arity: int
    forward: Callable[..., float]
    local: tuple[Callable[..., float], ...]
    tex: str
    local_tex: tuple[str, ...]
    text: str
    local_text: tuple[str, ...]
    precedence: int
    operand_precedence: tuple[int, ...]  # an operand binding less tightly than this is parenthesised
    gate: str  # what this gate does with the gradient, in words
    domain: Callable[..., str | None] = lambda args, p: None  # why operands are outside the domain, or None


def _act(name: str, which: str) -> Callable[[float], float]:
    function = getattr(ACTIVATIONS[name], which)
    return lambda a: float(function(np.float64(a)))


def _activation(name: str, title: str, text: str, local_text: str, gate: str) -> "OpKind":
    """A gate that is one of the networks' activations: its functions and TeX are the activation's own."""
    activation = ACTIVATIONS[name]
    derivative = _act(name, "derivative")
    return OpKind(
        title, 1, _act(name, "forward"), (lambda x, p, out: derivative(x[0]),),
        activation.tex.replace("{z}", "{a}"), (activation.derivative_tex.replace("{z}", "{a}"),),
        text, (local_text,), ATOM, (0,), gate,
    )  # fmt: skip


def _pow(a: float, p: float) -> float:
    return float(np.power(np.float64(a), p))


def _pow_domain(args, p) -> str | None:
    (a,) = args
    if a == 0 and p < 0:
        return "a negative power of 0 divides by zero"
    if a < 0 and p != int(p):
        return "a fractional power of a negative number is not a real number"
    if a == 0 and p < 1:
        return "its derivative at 0 divides by zero"
    return None


OPS: dict[str, OpKind] = {
    "add": OpKind(
        "add",
        2,
        lambda a, b: a + b,
        (lambda x, p, out: 1.0, lambda x, p, out: 1.0),
        "{a} + {b}",
        ("1", "1"),
        "{a} + {b}",
        ("1", "1"),
        SUM,
        (SUM, SUM),
        "An add gate hands the gradient on unchanged to every input.",
    ),
    "sub": OpKind(
        "subtract",
        2,
        lambda a, b: a - b,
        (lambda x, p, out: 1.0, lambda x, p, out: -1.0),
        "{a} - {b}",
        ("1", "-1"),
        "{a} − {b}",
        ("1", "−1"),
        SUM,
        (SUM, PRODUCT),
        "A subtract gate hands the gradient on unchanged to its first input and negated to its second.",
    ),
    "mul": OpKind(
        "multiply",
        2,
        lambda a, b: a * b,
        (lambda x, p, out: x[1], lambda x, p, out: x[0]),
        r"{a} \cdot {b}",
        ("{b}", "{a}"),
        "{a} · {b}",
        ("{b}", "{a}"),
        PRODUCT,
        (PRODUCT, UNARY),
        "A multiply gate hands each input the gradient times the other input.",
    ),
    "div": OpKind(
        "divide",
        2,
        lambda a, b: a / b,
        (lambda x, p, out: 1.0 / x[1], lambda x, p, out: -x[0] / (x[1] * x[1])),
        r"\frac{{a}}{{b}}",
        (r"\frac{1}{{b}}", r"-\frac{{a}}{{b}^{2}}"),
        "{a} / {b}",
        ("1 / {b}", "−{a} / {b}²"),
        PRODUCT,
        (ATOM, ATOM),
        "A divide gate hands the numerator the gradient over the denominator, and the denominator "
        "minus the gradient times the numerator over the denominator squared.",
        lambda args, p: "division by zero" if args[1] == 0 else None,
    ),
    "pow": OpKind(
        "power",
        1,
        _pow,
        (lambda x, p, out: p * _pow(x[0], p - 1),),
        "{a}^{{p}}",
        ("{p} \\, {a}^{{q}}",),
        "{a}^{p}",
        ("{p} · {a}^{q}",),
        POWER,
        (ATOM,),
        "A power gate a^p hands its input the gradient times p·a^(p−1).",
        _pow_domain,
    ),
    "neg": OpKind(
        "negate",
        1,
        lambda a: -a,
        (lambda x, p, out: -1.0,),
        "-{a}",
        ("-1",),
        "−{a}",
        ("−1",),
        UNARY,
        (PRODUCT,),
        "A minus sign hands the gradient on negated.",
    ),
    "exp": OpKind(
        "exp",
        1,
        lambda a: float(np.exp(np.float64(a))),
        (lambda x, p, out: out,),
        "e^{{a}}",
        ("e^{{a}}",),
        "exp({a})",
        ("exp({a})",),
        ATOM,
        (0,),
        "An exp gate hands its input the gradient times its own output e^a.",
    ),
    "log": OpKind(
        "log",
        1,
        lambda a: float(np.log(np.float64(a))),
        (lambda x, p, out: 1.0 / x[0],),
        r"\ln({a})",
        (r"\frac{1}{{a}}",),
        "ln({a})",
        ("1 / {a}",),
        ATOM,
        (0,),
        "A log gate hands its input the gradient divided by the input.",
        lambda args, p: "the logarithm of a number that is not positive" if args[0] <= 0 else None,
    ),
    "tanh": _activation(
        "tanh", "tanh", "tanh({a})", "1 / cosh²({a})", "A tanh gate hands its input the gradient times 1 − tanh²(a)."
    ),
    "sigmoid": _activation(
        "sigmoid",
        "sigmoid",
        "σ({a})",
        "σ({a}) · (1 − σ({a}))",
        "A sigmoid gate hands its input the gradient times σ(a)·(1 − σ(a)).",
    ),
    "relu": _activation(
        "relu",
        "ReLU",
        "ReLU({a})",
        "1 if {a} > 0, else 0",
        "A ReLU gate passes the gradient through where its input is positive and blocks it elsewhere.",
    ),
    "abs": OpKind(
        "abs",
        1,
        lambda a: float(np.abs(a)),
        (lambda x, p, out: float(np.sign(x[0])),),
        r"\left|{a}\right|",
        (r"\operatorname{sign}({a})",),
        "|{a}|",
        ("sign({a})",),
        ATOM,
        (0,),
        "An abs gate hands its input the gradient times the input's sign (0 at 0).",
    ),
    "max": OpKind(
        "max",
        2,
        lambda a, b: float(np.maximum(a, b)),
        (lambda x, p, out: float(x[0] >= x[1]), lambda x, p, out: float(x[0] < x[1])),
        r"\max({a}, {b})",
        (
            r"\begin{cases} 1 & \text{if } {a} \ge {b} \\ 0 & \text{otherwise} \end{cases}",
            r"\begin{cases} 1 & \text{if } {b} > {a} \\ 0 & \text{otherwise} \end{cases}",
        ),
        "max({a}, {b})",
        ("1 if {a} ≥ {b}, else 0", "1 if {b} > {a}, else 0"),
        ATOM,
        (0, 0),
        "A max gate routes the whole gradient to the larger input (the first, on a tie) and none to the other.",
    ),
}
FUNCTIONS = ("exp", "log", "tanh", "sigmoid", "relu", "max", "abs")
# Said of a variable with several out-edges, beside the gate patterns above.
BRANCHES = "A variable used more than once adds up the gradients of its branches."


def label_of(name: str) -> str:
    """A name as text: trailing digits as subscripts, `w0` → w₀, `x_1` → x₁."""
    head, digits = _split(name)
    return head + digits.translate(SUBSCRIPTS)


def tex_of(name: str) -> str:
    head, digits = _split(name)
    return f"{head}_{{{digits}}}" if digits else head


def _split(name: str) -> tuple[str, str]:
    stem = name.rstrip("0123456789")
    digits = name[len(stem) :]
    if stem.endswith("_") and digits:
        stem = stem[:-1]
    return (stem, digits) if stem else (name, "")


def _number_tex(value: float) -> str:
    text = repr(float(value))
    text = text[:-2] if text.endswith(".0") else text
    return text.replace("e", r"\times 10^{") + "}" if "e" in text else text


def _fill(template: str, a: str = "", b: str = "", p: str = "", q: str = "") -> str:
    """A template with its operands put in at once (so an operand holding `{b}` is left alone)."""
    names = {"{a}": a, "{b}": b, "{p}": p, "{q}": q}
    out, i = [], 0
    while i < len(template):
        key = template[i : i + 3]
        if key in names:
            out.append(names[key])
            i += 3
        else:
            out.append(template[i])
            i += 1
    return "".join(out)


@dataclass(frozen=True)
class ExpressionNode(Node):
    """A node of an expression: its gradient is the output's derivative by it, ∂f/∂x (a network's is ∂J/∂…)."""

    output_label: str = OUTPUT
    output_tex: str = OUTPUT
    atom: bool = True  # a name or a number, not an expression needing parentheses in ∂f/∂(x + y)

    @property
    def gradient(self) -> str:
        return partial(self.output_label, self.label if self.atom else f"({self.label})")

    @property
    def gradient_tex(self) -> str:
        return partial_tex(self.output_tex, _wrap_tex(self.tex, self.atom))


class EvaluationError(ValueError):
    """A number the expression cannot give: the operation's node, its place in the text, and why."""

    def __init__(self, node: Node, op: str, position: int, reason: str, operands: tuple[float, ...]):
        super().__init__(reason)
        self.node, self.op, self.position, self.reason, self.operands = node, op, position, reason, operands


@dataclass
class ExpressionGraph:
    """Nodes and edges of an expression, in forward order, with each node's operation."""

    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    node: dict[str, Node] = field(default_factory=dict)
    edge: dict[str, Edge] = field(default_factory=dict)
    op: dict[str, str] = field(default_factory=dict)  # operation nodes' OPS key
    exponent: dict[str, float] = field(default_factory=dict)  # a power's constant
    constant: dict[str, float] = field(default_factory=dict)
    position: dict[str, int] = field(default_factory=dict)  # where a node's operation is in the text
    operands: dict[str, list[Edge]] = field(default_factory=dict)  # an operation's in-edges, operand by operand
    outgoing: dict[str, list[Edge]] = field(default_factory=dict)
    expression: dict[str, str] = field(default_factory=dict)  # each node's expression in its operands' names
    expression_text: dict[str, str] = field(default_factory=dict)  # … and as text
    text: dict[str, str] = field(default_factory=dict)  # each node as text: its name, or its expression
    precedence: dict[str, int] = field(default_factory=dict)
    variables: list[str] = field(default_factory=list)
    output: str = OUTPUT
    params: list[str] = field(default_factory=list)  # none: an expression has no update phase

    # --- As data ----------------------------------------------------------------------------

    def formula(self, node_id: str) -> str | None:
        """TeX of the function the node computes, `q = x + y`; None for a variable or a number."""
        if node_id not in self.op:
            return None
        if self.precedence[node_id] < ATOM:  # unnamed: the node is its own expression
            return self.expression[node_id]
        return f"{self.node[node_id].tex} = {self.expression[node_id]}"

    def edge_derivative(self, edge_id: str) -> str:
        """TeX: the edge's local derivative, ∂q/∂x = 1."""
        edge = self.edge[edge_id]
        operands = self.operands[edge.target]
        template = OPS[self.op[edge.target]].local_tex[operands.index(edge)]
        # An operand is parenthesised unless it is a name or it stands alone (∂f/∂q = x + y).
        alone = template in ("{a}", "{b}")
        texts = [_wrap_tex(self.node[e.source].tex, alone or self._is_atom(e.source)) for e in operands]
        p = self.exponent.get(edge.target)
        exponent = {"p": _number_tex(p), "q": _number_tex(p - 1)} if p is not None else {}
        return f"{edge.tex} = " + _fill(template, *texts, **exponent)

    def edge_function(self, edge_id: str) -> str:
        """TeX: the target as a function of the source, q(x) = x + y."""
        edge = self.edge[edge_id]
        target = self.node[edge.target]
        if not target.atom:  # unnamed: the expression is its own name
            return self.expression[edge.target]
        return f"{target.tex}({self.node[edge.source].tex}) = {self.expression[edge.target]}"

    def tex(self, node_id: str) -> str:
        return self.node[node_id].tex

    def carried_weight(self, edge: Edge) -> None:
        """No edge carries a weight: an expression's products are gates of their own."""
        return None

    def out_of(self, node_id: str) -> list[Edge]:
        return self.outgoing.get(node_id, [])

    def into(self, node_id: str) -> list[Edge]:
        return self.operands.get(node_id, [])

    def _is_atom(self, node_id: str) -> bool:
        return self.precedence.get(node_id, ATOM) >= ATOM

    def gate(self, node_id: str) -> str | None:
        """What the node's gate does with the gradient, in words (the gate patterns)."""
        return (
            OPS[self.op[node_id]].gate
            if node_id in self.op
            else (BRANCHES if len(self.outgoing.get(node_id, [])) > 1 else None)
        )

    def to_json(self) -> dict:
        """Nodes and edges as POST /api/expression gives them: the shape of a network's graph, and each
        operation node's `op` and `gate`."""
        nodes = []
        private = ("output_label", "output_tex", "atom")
        for n in self.nodes:
            fields = {k: v for k, v in asdict(n).items() if k not in private}
            nodes.append({**fields, "formula": self.formula(n.id), "op": self.op.get(n.id), "gate": self.gate(n.id)})
        edges = [
            {**{k: v for k, v in asdict(e).items() if k != "layer"}, "derivative": self.edge_derivative(e.id)}
            for e in self.edges
        ]
        return {"nodes": nodes, "edges": edges}

    # No update phase follows the backward pass: nothing is trained.
    updates = False

    # The kinds of node known before any pass: the variables and the numbers.
    known_kinds = (Kind.INPUT, Kind.CONSTANT)

    def known(self) -> list[str]:
        return [n.id for n in self.nodes if n.kind in self.known_kinds]

    def text_name(self, node_id: str) -> str:
        """The node's name in equations written as text: its label (x, q), or an unnamed operation's own
        expression in parentheses, (x + y)."""
        node = self.node[node_id]
        return node.label if node.atom else f"({self.text[node_id]})"

    def worked_text(self, node_id: str) -> str | None:
        """The node's operation as text over its operands' numbers: `{n0} + {f1}` puts the first operand
        as a number and the second as a factor (a negative one in parentheses)."""
        if node_id not in self.op:
            return None
        op, p = OPS[self.op[node_id]], self.exponent.get(node_id)
        return _worked(op.text).replace("{p}", _number_text(p) if p is not None else "")

    def forward_order(self) -> list[str]:
        """The operations, operands before the operation that uses them, ending at the output."""
        return [n.id for n in self.nodes if n.id in self.op]

    def backward_order(self) -> list[str]:
        """The nodes whose gradient the backward pass computes, from the output back to the variables
        (a number in the formula gets none: nothing can change it)."""
        return [n.id for n in reversed(self.nodes) if n.kind != Kind.CONSTANT]

    # --- The passes ---------------------------------------------------------------------------

    def value(self, values: dict[str, float]) -> float:
        """The output's value alone (the forward pass), or EvaluationError."""
        value: dict[str, float] = {}
        for n in self.nodes:
            value[n.id] = self._known_or_computed(n, values, value)
        return value[self.output]

    def _known_or_computed(self, n: Node, values: dict[str, float], value: dict[str, float]) -> float:
        if n.kind == Kind.INPUT:
            return float(values[n.id])
        if n.kind == Kind.CONSTANT:
            return self.constant[n.id]
        return self._apply(n, value)

    def run(self, values: dict[str, float]) -> dict:
        """Forward then backward: every node's value and ∂f/∂(node), every edge's local derivative.

        Raises EvaluationError at the first operation whose operands are outside its domain, or whose
        value or derivative is too large for a float64.
        """
        value: dict[str, float] = {}
        for n in self.nodes:
            value[n.id] = self._known_or_computed(n, values, value)
        local: dict[str, float] = {}
        for n in self.nodes:
            if n.id not in self.op:
                continue
            op, p = OPS[self.op[n.id]], self.exponent.get(n.id)
            args = tuple(value[e.source] for e in self.operands[n.id])
            for place, edge in enumerate(self.operands[n.id]):
                with np.errstate(all="ignore"):
                    local[edge.id] = float(op.local[place](args, p, value[n.id]))
                if not math.isfinite(local[edge.id]):
                    raise EvaluationError(n, self.op[n.id], self.position[n.id], "its derivative overflows", args)
        grads: dict[str, float] = {}
        for n in reversed(self.nodes):
            if n.kind == Kind.CONSTANT:
                continue
            if n.id == self.output:
                grads[n.id] = 1.0  # ∂f/∂f
                continue
            total = 0.0
            for edge in self.outgoing.get(n.id, []):
                total += grads[edge.target] * local[edge.id]
            if not math.isfinite(total):
                target = self.outgoing[n.id][0].target
                raise EvaluationError(
                    self.node[target], self.op[target], self.position[target], "the gradient overflows", ()
                )
            grads[n.id] = total
        return {"values": value, "grads": grads, "local": local}

    def _apply(self, n: Node, value: dict[str, float]) -> float:
        op_name = self.op[n.id]
        op, p = OPS[op_name], self.exponent.get(n.id)
        args = tuple(value[e.source] for e in self.operands[n.id])
        reason = op.domain(args, p)
        if reason:
            raise EvaluationError(n, op_name, self.position[n.id], reason, args)
        with np.errstate(all="ignore"):
            result = float(op.forward(*args, *(() if p is None else (p,))))
        if not math.isfinite(result):
            raise EvaluationError(n, op_name, self.position[n.id], "the result overflows", args)
        return result


def _worked(template: str) -> str:
    """A text template's operands as placeholders for numbers: {a} → {n0} where it stands alone (at the
    start, or as a function's argument), {f0} where a negative number needs parentheses (−(−2), x·(−2))."""
    out = template
    for place, key in enumerate(("{a}", "{b}")):
        at = out.find(key)
        while at >= 0:
            before, after = out[:at], out[at + len(key) :]
            alone = (not before or before.endswith(("(", ", ", "|"))) and not after.startswith("^")
            out = f"{before}{{{'n' if alone else 'f'}{place}}}{after}"
            at = out.find(key)
    return out


def _wrap_tex(tex: str, atom: bool) -> str:
    return tex if atom else rf"\left({tex}\right)"


def _wrap_text(text: str, atom: bool) -> str:
    return text if atom else f"({text})"


def build(term: Term, staged: bool = False) -> ExpressionGraph:
    """The graph of a parsed expression. Staged, every operation gets a name (q, r, …) as courses write
    them; otherwise an operation the user did not name is written as its own expression, ∂f/∂(x + y),
    and drawn as its gate (+, ·, exp). The whole expression is `f`."""
    graph = ExpressionGraph()
    taken = set(_names(term)) | {OUTPUT, term.name}
    fresh = (n for n in [*STAGE_NAMES, *(f"q{i}" for i in range(1, 1000))] if n not in taken)
    # Ids of numbers and of unnamed operations: c1, c2, …, n1, n2, …, skipping the user's names.
    numbers = (f"c{i}" for i in range(1, 1000) if f"c{i}" not in taken)
    unnamed = (f"n{i}" for i in range(1, 1000) if f"n{i}" not in taken)
    rows: dict[int, int] = {}

    output = term.name or OUTPUT

    def add_node(node_id: str, kind: Kind, layer: int, label: str, tex: str, text: str, precedence: int) -> None:
        atom = precedence >= ATOM
        row = rows.get(layer, 0)
        node = ExpressionNode(
            node_id, kind, layer, row, label, tex, False, False, label_of(output), tex_of(output), atom
        )
        rows[layer] = rows.get(layer, 0) + 1
        graph.nodes.append(node)
        graph.node[node_id] = node
        graph.text[node_id] = text
        graph.precedence[node_id] = precedence

    def operand(node_id: str, needed: int) -> tuple[str, str]:
        atom = graph.precedence[node_id] >= needed
        return _wrap_tex(graph.node[node_id].tex, atom), _wrap_text(graph.text[node_id], atom)

    def visit(t: Term, top: bool) -> tuple[str, int]:
        """The node computing `t` (one node per variable, however often it is used) and its layer."""
        if t.op == "variable":
            if t.name not in graph.node:
                graph.variables.append(t.name)
                add_node(t.name, Kind.INPUT, 0, label_of(t.name), tex_of(t.name), label_of(t.name), ATOM)
                graph.position[t.name] = t.position
            return t.name, 0
        if t.op == "constant":
            node_id = next(numbers)
            # A negative number binds like a minus sign: 2·(−3).
            precedence = UNARY if t.value < 0 else ATOM
            add_node(
                node_id,
                Kind.CONSTANT,
                0,
                _number_text(t.value),
                _number_tex(t.value),
                _number_text(t.value),
                precedence,
            )
            graph.constant[node_id] = float(t.value)
            graph.position[node_id] = t.position
            return node_id, 0
        if t.name and t.name in graph.node and not top:  # a named step used again: one node, another edge
            return t.name, graph.node[t.name].layer
        op = OPS[t.op]
        children = [visit(arg, False) for arg in t.args]
        layer = 1 + max(child_layer for _, child_layer in children)
        operands = [operand(child, needed) for (child, _), needed in zip(children, op.operand_precedence, strict=True)]
        exponent = {"p": _number_tex(t.value)} if t.value is not None else {}
        expression = _fill(op.tex, *[tex for tex, _ in operands], **exponent)
        exponent_text = {"p": _number_text(t.value)} if t.value is not None else {}
        expression_text = _fill(op.text, *[text for _, text in operands], **exponent_text)
        if top:
            node_id = graph.output = t.name or OUTPUT
        elif t.name:
            node_id = t.name
        elif staged:
            node_id = next(fresh)
        else:
            node_id = next(unnamed)
        if top or t.name or staged:
            add_node(node_id, Kind.OPERATION, layer, label_of(node_id), tex_of(node_id), label_of(node_id), ATOM)
        else:
            add_node(
                node_id, Kind.OPERATION, layer, _gate_label(t.op, t.value), expression, expression_text, op.precedence
            )
        graph.op[node_id] = t.op
        graph.position[node_id] = t.position
        graph.expression[node_id] = expression
        graph.expression_text[node_id] = expression_text
        if t.value is not None:
            graph.exponent[node_id] = float(t.value)
        seen: dict[str, int] = {}
        for child, _ in children:
            seen[child] = seen.get(child, 0) + 1
            # x·x: two edges from one node to one node, told apart by a count.
            edge_id = f"{child}-{node_id}" + (f"-{seen[child]}" if seen[child] > 1 else "")
            (top_tex, top_text), (bottom_tex, bottom_text) = operand(node_id, ATOM), operand(child, ATOM)
            edge = Edge(
                edge_id,
                child,
                node_id,
                Kind.VALUE,
                layer,
                partial(top_text, bottom_text),
                partial_tex(top_tex, bottom_tex),
                None,
            )
            graph.edges.append(edge)
            graph.edge[edge_id] = edge
            graph.operands.setdefault(node_id, []).append(edge)
            graph.outgoing.setdefault(child, []).append(edge)
        return node_id, layer

    visit(term, True)
    # A variable or a number sits just before the first operation using it: fewer edges across the drawing.
    order = {n.id: i for i, n in enumerate(graph.nodes)}
    layers = {
        n.id: min(graph.node[e.target].layer for e in graph.outgoing[n.id]) - 1 if n.id not in graph.op else n.layer
        for n in graph.nodes
    }
    # Forward order: by layer (the DAG's depth), then as built; a node's row is its place in its layer.
    graph.nodes.sort(key=lambda n: (layers[n.id], order[n.id]))
    rows = {}
    for i, n in enumerate(graph.nodes):
        row = rows[layers[n.id]] = rows.get(layers[n.id], -1) + 1
        graph.nodes[i] = graph.node[n.id] = dataclasses.replace(n, layer=layers[n.id], index=row)
    graph.edges.sort(key=lambda e: (graph.node[e.target].layer, order[e.target]))
    return graph


def _gate_label(op: str, exponent: float | None) -> str:
    """An unnamed operation's box: its gate, +, ·, exp, ^2."""
    symbols = {"add": "+", "sub": "−", "mul": "·", "div": "/", "neg": "−"}
    if op == "pow":
        return f"^{_number_text(exponent)}"
    return symbols.get(op, op)


def _number_text(value: float) -> str:
    text = repr(float(value))
    return (text[:-2] if text.endswith(".0") else text).replace("-", "−")


def _names(term: Term) -> list[str]:
    own = [term.name] if term.name else []
    return own + [n for arg in term.args for n in _names(arg)]

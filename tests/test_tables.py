"""The worksheet's tables for any network: the worksheet's own rows, and valid TeX and MathML for all."""

import re

import pytest

from webapp.engine import ACTIVATIONS, LOSSES, Graph, Network
from webapp.presentation.mathml import mathml
from webapp.presentation.tables import MAX_ROWS, tables

WORKSHEET = Network((1, 1, 1), ("relu", "relu"))
# Every TeX command the tables may write; anything else is a typo latex2mathml would render as text.
KNOWN_COMMANDS = {
    "frac", "partial", "hat", "cdot", "dots", "sum", "sigma", "tanh", "cosh", "ln", "left", "right", "alpha", "coloneqq",
    "operatorname", "begin", "end", "text", "le", ",", "\\",
}  # fmt: skip


def test_worksheet_rows_follow_the_worksheet():
    t = tables(Graph(WORKSHEET))
    assert [r["node"] for r in t["forward"]] == ["z1", "a1", "z2", "yhat", "J"]
    assert [r["edge"] for r in t["local"]] == ["yhat-J", "z2-yhat", "a1-z2", "w2-z2", "z1-a1", "w1-z1"]
    chains = {r["param"]: r["edges"] for r in t["chains"]}
    assert chains["w1"] == ["yhat-J", "z2-yhat", "a1-z2", "z1-a1", "w1-z1"]
    assert chains["w2"] == ["yhat-J", "z2-yhat", "w2-z2"]
    assert [r["param"] for r in t["updates"]] == ["w1", "w2"]
    assert t["forward"][0]["tex"] == "z_{1} = w_{1} x"
    assert t["local"][2]["derivative"].endswith("= w_{2}")
    assert t["local"][3]["derivative"].endswith("= a_{1}")
    assert [r["node"] for r in t["accumulation"]] == ["yhat", "z2", "w2", "a1", "z1", "w1"]


def test_wide_networks_keep_the_cost_row_and_cap_the_rest():
    network = Network((16, 16, 16, 1), ("relu", "relu", "linear"))
    graph = Graph(network)
    t = tables(graph)
    assert len(graph.forward_order()) == 16 + 16 + 16 + 16 + 1 + 1 + 1
    assert len(t["forward"]) == MAX_ROWS and t["forward"][-1]["node"] == "J"
    assert len(t["local"]) == len(t["accumulation"]) == len(t["updates"]) == MAX_ROWS
    assert t["chains"] == []
    assert r"\dots" in t["forward"][0]["tex"], "a 16-term sum is shortened"


def every_network():
    for loss in LOSSES:
        for activation in ACTIVATIONS:
            output = "sigmoid" if loss == "bce" else activation
            for bias in (False, True):
                for layers in ((1, 1, 1), (2, 2, 1), (1, 5, 2)):
                    yield Network(layers, (activation, output), loss, bias)


def every_formula(t: dict) -> list[str]:
    formulas = [r["tex"] for r in t["forward"] + t["chains"] + t["updates"] + t["accumulation"]]
    return formulas + [r["function"] for r in t["local"]] + [r["derivative"] for r in t["local"]]


def tex_problems(tex: str) -> list[str]:
    """Unbalanced braces, \\left without \\right, unknown commands, placeholders left unfilled."""
    problems = []
    depth = 0
    for char in tex:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            problems.append("a } closes nothing")
    if depth:
        problems.append("unbalanced braces")
    if tex.count(r"\left") != tex.count(r"\right"):
        problems.append(r"\left and \right unpaired")
    unknown = set(re.findall(r"\\([A-Za-z]+|.)", tex)) - KNOWN_COMMANDS
    if unknown:
        problems.append(f"unknown commands {sorted(unknown)}")
    if re.search(r"(?<!\\hat)\{(y|yhat|z)\}", tex):
        problems.append("a placeholder was not filled in")
    return problems


@pytest.mark.parametrize("network", list(every_network()), ids=str)
def test_every_formula_is_sound_tex_and_converts_to_mathml(network):
    for tex in every_formula(tables(Graph(network))):
        assert not tex_problems(tex), (tex, tex_problems(tex))
        assert str(mathml(tex)).startswith("<math"), tex


def test_the_tex_check_can_fail():
    assert tex_problems(r"\frac{a}{b") and tex_problems(r"\fracc{a}{b}") and tex_problems(r"\left( a")
    assert tex_problems(r"-\frac{{y} - {yhat}}{N}")

"""The worksheet's tables for any network: the worksheet's own rows, and valid MathML for all."""

import pytest

from webapp.engine import ACTIVATIONS, LOSSES, Network, build_graph
from webapp.explain import tables
from webapp.mathml import mathml

WORKSHEET = Network((1, 1, 1), ("relu", "relu"))


def test_worksheet_rows_follow_the_worksheet():
    t = tables(WORKSHEET, build_graph(WORKSHEET))
    assert [r["node"] for r in t["forward"]] == ["z1", "a1", "z2", "yhat", "J"]
    assert [r["edge"] for r in t["local"]] == ["yhat-J", "z2-yhat", "a1-z2", "w2-z2", "z1-a1", "w1-z1"]
    chains = {r["param"]: r["edges"] for r in t["chains"]}
    assert chains["w1"] == ["yhat-J", "z2-yhat", "a1-z2", "z1-a1", "w1-z1"]
    assert chains["w2"] == ["yhat-J", "z2-yhat", "w2-z2"]
    assert [r["param"] for r in t["updates"]] == ["w1", "w2"]
    assert t["local"][2]["derivative"].endswith("= w_{2}")
    assert t["local"][3]["derivative"].endswith("= a_{1}")


def test_wide_networks_keep_every_forward_step_and_the_cost_row():
    network = Network((16, 16, 16, 1), ("relu", "relu", "linear"))
    t = tables(network, build_graph(network))
    assert len(t["forward_order"]) == 16 + 16 + 16 + 16 + 1 + 1 + 1
    assert t["forward_order"][-1] == "J" and t["forward_order"][:2] == ["z1_1", "z1_2"]
    assert len(t["forward"]) == 40 and t["forward"][-1]["node"] == "J"


def every_network():
    for loss in LOSSES:
        for activation in ACTIVATIONS:
            output = "sigmoid" if loss == "bce" else activation
            for bias in (False, True):
                for layers in ((1, 1, 1), (2, 2, 1), (1, 5, 1)):
                    yield Network(layers, (activation, output), loss, bias)


@pytest.mark.parametrize("network", list(every_network()))
def test_every_formula_converts_to_mathml(network):
    t = tables(network, build_graph(network))
    formulas = [r["tex"] for r in t["forward"] + t["chains"] + t["updates"]]
    formulas += [r["function"] for r in t["local"]] + [r["derivative"] for r in t["local"]]
    formulas += [r["lhs"] + " = " + r["formula"] for r in t["accumulation"]]
    for tex in formulas:
        assert str(mathml(tex)).startswith("<math"), tex

"""The computational graph: ids, where each parameter sits in θ, and each kind's formula and numbers."""

import numpy as np
import pytest

from webapp.engine import Graph, Network, init_params, record_pass
from webapp.engine.graph import EDGE_KINDS, NODE_KINDS, is_param_id, label_of, param_place, tex_of

WORKSHEET = Network((1, 1, 1), ("relu", "relu"))
WIDE = Network((2, 3, 2), ("tanh", "sigmoid"), "bce", bias=True)


def test_the_worksheet_keeps_its_own_names():
    graph = Graph(WORKSHEET)
    assert [n.id for n in graph.nodes] == ["x", "w1", "z1", "a1", "w2", "z2", "yhat", "y", "J"]
    assert [e.id for e in graph.edges] == ["w1-z1", "x-z1", "z1-a1", "w2-z2", "a1-z2", "z2-yhat", "yhat-J", "y-J"]
    assert graph.params == ["w1", "w2"]
    assert graph.edge["a1-z2"].symbol == "∂z₂/∂a₁" and graph.edge["yhat-J"].symbol == "∂J/∂ŷ"
    assert graph.edge["a1-z2"].tex == r"\frac{\partial z_{2}}{\partial a_{1}}" and graph.node["w1"].gradient == "∂J/∂w₁"
    assert graph.forward_order() == ["z1", "a1", "z2", "yhat", "J"]
    assert graph.backward_order() == ["J", "yhat", "z2", "w2", "a1", "z1", "w1"]


def test_wider_layers_take_indices_and_every_parameter_finds_its_place_in_theta():
    graph = Graph(WIDE)
    params = init_params(WIDE, 1)
    for k, matrix in enumerate(params.weights):
        for j, row in enumerate(matrix):
            for i, value in enumerate(row):
                pid = f"w{k + 1}_{j + 1}_{i + 1}"
                assert params.theta[graph.param_position[pid]] == value
                assert graph.param_block(pid) == ("weight", k, j, i)
    for k, vector in enumerate(params.biases):
        for j in range(len(vector)):
            pid = f"b{k + 1}_{j + 1}"
            assert graph.param_position[pid] == WIDE.blocks()[WIDE.depth + k].position(j)
            assert graph.param_block(pid) == ("bias", k, j, 0)
    assert [graph.param_position[p] for p in graph.params] == list(range(WIDE.param_count))


@pytest.mark.parametrize(
    ("node_id", "label", "tex"),
    [("w2_1_2", "w₂,₁,₂", "w_{2,1,2}"), ("yhat_2", "ŷ₂", r"\hat{y}_{2}"), ("yhat", "ŷ", r"\hat{y}"), ("x", "x", "x")],
)
def test_labels_and_tex_follow_the_id(node_id, label, tex):
    assert label_of(node_id) == label and tex_of(node_id) == tex


@pytest.mark.parametrize(("text", "expected"), [("w1", True), ("b2_3", True), ("w2_1_2", True), ("w0", False)])
def test_parameter_ids_are_recognised_by_their_form(text, expected):
    assert is_param_id(text) is expected
    assert not is_param_id("utm_source") and not is_param_id("w1_1_1_1")


def test_a_parameter_ids_place_is_read_by_the_graphs_own_grammar():
    """`param_place` (what resolve.py keeps typed values by) reads every id a graph makes as the graph places it."""
    for network in (WORKSHEET, WIDE, Network((3, 1, 2), ("relu", "linear"), bias=True)):
        graph = Graph(network)
        for pid in graph.params:
            assert param_place(pid) == graph.param_block(pid), pid
    assert param_place("w2") == ("weight", 1, 0, 0) and param_place("b1_3") == ("bias", 0, 2, 0)
    for text in ("w2_1", "b1_2_3", "w0", "w1_0_1", "x", "W1", "w1_1_1_1"):
        assert param_place(text) is None and not is_param_id(text), text


def test_partners_pair_each_weight_with_the_value_it_multiplies():
    graph = Graph(WIDE)
    for edge in graph.edges:
        if edge.kind == "value":
            weight = graph.carried_weight(edge)
            assert graph.partner(graph.edge[f"{weight}-{edge.target}"]) is edge
            assert graph.param_block(weight)[2:] == (graph.node[edge.target].index, graph.node[edge.source].index)


def test_every_kind_reads_its_block_in_the_order_of_its_ids():
    """Each kind's numbers, column by column, are the numbers of the ids in block order."""
    params = init_params(WIDE, 2)
    x = np.array([[0.5, -1.0], [2.0, 0.25], [-0.5, 0.5]])
    y = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    rec = record_pass(WIDE, params.theta, x, y)
    graph = Graph(WIDE)
    for kind, layer, ids in graph.node_blocks():
        if NODE_KINDS[kind].values is not None:
            assert NODE_KINDS[kind].values(rec, layer - 1).shape == (3, len(ids))
    for kind, layer, ids in graph.edge_blocks():
        block = EDGE_KINDS[kind].local(rec, layer - 1).reshape(3, -1)
        assert block.shape == (3, len(ids)), (kind, layer)
        for column, edge_id in enumerate(ids):
            edge = graph.edge[edge_id]
            if kind == "value":  # dz_j/da_i is w_ji
                assert np.all(block[:, column] == params.theta[graph.param_position[graph.carried_weight(edge)]])
            if kind == "weight":  # dz_j/dw_ji is a_i
                source = graph.partner(edge).source
                values = rec.x if source.startswith("x") else rec.a[layer - 2]
                assert np.all(block[:, column] == values[:, graph.node[source].index])


def test_the_sigmoids_derivative_is_written_as_textbooks_write_it():
    """σ′(z) = σ(z)(1 − σ(z)), the form students know; σ(z)σ(−z) is the same number but reads as a puzzle."""
    graph = Graph(WIDE)
    (edge,) = [e for e in graph.edges if e.kind == "activation" and e.target == "yhat_1"]
    formula = EDGE_KINDS["activation"].derivative(graph, edge)
    assert r"(1 - \sigma(" in formula and r"\sigma(-" not in formula

"""The settings form's query, both ways, and where API errors land in it."""

import time
import tracemalloc

import pytest

from webapp.engine import Graph, Network
from webapp.request import form
from webapp.request.resolve import resolve


@pytest.mark.parametrize(
    ("text", "samples"),
    [("3", [[3.0]]), ("3, 1.5", [[3.0], [1.5]]), ("0 1, 1 0", [[0.0, 1.0], [1.0, 0.0]]), (" -2e-1 ", [[-0.2]])],
)
def test_samples_parse(text, samples):
    assert form.parse_samples(text) == samples
    assert form.parse_samples(form.format_samples(samples)) == samples


@pytest.mark.parametrize("text", ["", "a", "1,,2", "1, b"])
def test_bad_samples_are_refused(text):
    with pytest.raises(ValueError):
        form.parse_samples(text)


def query(**fields):
    return {k: v if isinstance(v, list) else [v] for k, v in fields.items()}


def resolved(**fields):
    body, _, errors = form.to_request(query(**fields))
    assert errors == {}
    return resolve({**body, "epochs": 1}, unknown_params="ignore")


def test_worksheet_weights_come_from_their_fields():
    body, options, errors = form.to_request(query(w1="0.25", w2="-1", lr="0.3"))
    assert errors == {}
    assert body["params"] == {"w1": 0.25, "w2": -1.0}
    assert body["learning_rate"] == 0.3
    assert options["animate"] is True
    assert resolved(w1="0.25", w2="-1").config()["weights"] == [[[0.25]], [[-1.0]]]


def test_weights_left_out_keep_the_presets():
    assert resolved(w1="0.3").config()["weights"] == [[[0.3]], [[0.8]]]
    config = resolved(w1="0.3", bias="on").config()
    assert config["weights"] == [[[0.3]], [[0.8]]] and config["biases"] == [[0.0], [0.0]]


def test_a_new_shape_keeps_the_weights_whose_ids_it_still_has():
    # A second hidden layer: w1 and w2 keep their values, w3 comes from the seed.
    config = resolved(form="1", hidden="1, 1", w1="0.3", w2="0.7").config()
    assert config["layers"] == [1, 1, 1, 1]
    assert config["weights"][:2] == [[[0.3]], [[0.7]]]
    # Widening: the old ids are gone and are dropped, not refused.
    config = resolved(form="1", hidden="2", w1="0.3", w2="0.7", w1_2_1="0.25").config()
    assert config["layers"] == [1, 2, 1] and config["weights"][0][1] == [0.25]


@pytest.mark.parametrize(
    ("hidden", "message"),
    [
        ("1 1 1 1 1", "at most 4 hidden layers"),
        ("0", "1 to 16"),
        ("17", "1 to 16"),
        ("97387315", "1 to 16"),
        # Not a width at all: said so, not "1 to 16 neurons wide".
        ("abc", "write the width of each hidden layer"),
        ("2, x", "write the width of each hidden layer"),
        ("1.5", "write the width of each hidden layer"),
    ],
)
def test_hidden_layers_are_checked_in_their_own_terms(hidden, message):
    _, _, errors = form.to_request(query(hidden=hidden))
    assert message in errors["hidden"]


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        ("hidden", "16 " * 20_000, "at most 4 hidden layers"),
        ("hidden", "9" * 60_000, "1 to 16"),
        ("x", "1," * 30_000, "at most 256 samples"),
        ("x", "1 " * 30_000, "at most 16 numbers"),
        ("x", "1" * 100_000, "longer than"),
        ("w1", "1" * 100_000, "longer than"),
    ],
)
def test_huge_fields_are_refused_quickly_and_without_memory(field, text, message):
    tracemalloc.start()
    start = time.perf_counter()
    _, _, errors = form.to_request(query(**{field: text}))
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert any(message in m for m in errors.values()), errors
    assert elapsed < 1.0, (
        f"{elapsed:.2f} s"
    )  # milliseconds in fact: the bound only catches work that grows with the input
    assert peak < 20 * len(text) + 1_000_000, f"{peak} bytes for a {len(text)}-character field"


def test_changing_the_hidden_layers_keeps_the_output_activation():
    body, _, errors = form.to_request(query(form="1", hidden="2, 2", act=["tanh", "sigmoid"]))
    assert errors == {}
    assert body["layers"] == [1, 2, 2, 1]
    assert body["activations"] == ["tanh", "tanh", "sigmoid"]


def test_unchecked_bias_box_turns_biases_off():
    body, _, _ = form.to_request(query(form="1", preset="two_hidden"))
    assert body["bias"] is False


def test_preset_sets_how_many_epochs_train_runs():
    _, options, _ = form.to_request(query(preset="xor"))
    assert options["train"] == 500
    _, options, _ = form.to_request(query(animate="0"))
    assert options == {"animate": False, "train": form.DEFAULT_TRAIN_EPOCHS, "notes": {}}
    _, _, errors = form.to_request(query(train="20000"))
    assert "1 to 10000" in errors["train"]


@pytest.mark.parametrize(
    ("api_field", "form_field"),
    [
        ("x[0][1]", "x"),
        ("learning_rate", "lr"),
        ("layers[2]", "hidden"),
        ("activations[1]", "act-1"),
        ("weights[1][0][1]", "param-w2_1_2"),
        ("biases[0][1]", "param-b1_2"),
        ("params.w1_2_1", "param-w1_2_1"),
        ("epochs", "train"),
        ("detail_epochs", "form"),
    ],
)
def test_api_errors_land_on_their_form_field(api_field, form_field):
    graph = Graph(Network((1, 2, 1), ("relu", "relu"), bias=True))
    assert form.field_of(api_field, graph) == form_field


def test_widening_keeps_each_weight_at_its_place():
    # w1 (1 × 1) becomes w1_1_1 of the 2 × 1 matrix, w2 becomes w2_1_1: the student's values stay.
    config = resolved(form="1", hidden="2", w1="0.3", w2="-0.7").config()
    assert config["weights"][0][0] == [0.3] and config["weights"][1][0][0] == -0.7
    values = form.form_values(config, {"train": 20}, Graph(Network((1, 2, 1), ("relu", "relu"))))
    shown = {p["id"]: p["value"] for p in values["params"]}
    assert shown["w1_1_1"] == "0.3" and shown["w2_1_1"] == "-0.7"


def test_choosing_bce_switches_the_output_to_sigmoid_and_says_so():
    body, options, errors = form.to_request(query(form="1", loss="bce", act=["relu", "relu"], y="1"))
    assert errors == {}
    assert body["activations"] == ["relu", "sigmoid"]
    assert "sigmoid" in options["notes"]["act-1"]


def test_the_form_has_a_field_for_every_parameter_of_a_small_network_only():
    small = resolved(form="1", hidden="2, 2", bias="on")
    values = form.form_values(small.config(), {"train": 20}, small.graph)
    assert [p["id"] for p in values["params"]] == small.graph.params
    wide = resolved(form="1", hidden="16, 16")
    values = form.form_values(wide.config(), {"train": 20}, wide.graph)
    assert values["params"] == [] and values["param_count"] == len(wide.graph.params) > form.MAX_FORM_PARAMS


@pytest.mark.parametrize(
    ("query_text", "field", "message"),
    [
        ("x=1,2&y=3", "y", "has 1 sample but x has 2 samples"),
        ("lr=0", "lr", "must be more than 0"),
        ("seed=-1", "seed", "must be at least 0"),
        ("seed=99999999999", "seed", "must be at most 4,294,967,295"),
    ],
)
def test_every_message_reads_as_a_sentence_about_the_field(client, query_text, field, message):
    """Counts agree with their nouns, and bounds are said in words, not in the validator's terms."""
    errors = client.get(f"/check?{query_text}").get_json()["errors"]
    assert errors[field] == message

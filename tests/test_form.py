"""The settings form's query, both ways, and where API errors land in it."""

import pytest

from webapp import form
from webapp.engine import Network


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


def test_worksheet_weights_come_from_their_fields():
    body, options, errors = form.to_request(query(w1="0.25", w2="-1", lr="0.3"))
    assert errors == {}
    assert body["weights"] == [[[0.25]], [[-1.0]]]
    assert body["learning_rate"] == 0.3
    assert options["animate"] is True


def test_weights_left_out_keep_the_presets():
    body, _, errors = form.to_request(query(w1="0.3"))
    assert errors == {}
    assert body["weights"] == [[[0.3]], [[0.8]]]
    body, _, errors = form.to_request(query(w1="0.3", bias="on"))
    assert errors == {}
    assert body["biases"] == [[0.0], [0.0]]


def test_weights_that_do_not_fit_new_layers_must_all_be_given():
    _, _, errors = form.to_request(query(form="1", hidden="2", w1_1_1="0.3"))
    assert "w1_2_1" in errors["params"]


@pytest.mark.parametrize(
    ("hidden", "message"), [("1 1 1 1 1", "at most 4 hidden layers"), ("0", "1 to 16"), ("17", "1 to 16")]
)
def test_hidden_layers_are_checked_in_their_own_terms(hidden, message):
    _, _, errors = form.to_request(query(hidden=hidden))
    assert message in errors["hidden"]


def test_changing_the_hidden_layers_keeps_the_output_activation():
    body, _, errors = form.to_request(query(form="1", hidden="2, 2", act=["tanh", "sigmoid"]))
    assert errors == {}
    assert body["layers"] == [1, 2, 2, 1]
    assert body["activations"] == ["tanh", "tanh", "sigmoid"]
    assert "weights" not in body, "the old weights do not fit the new layers"


def test_unchecked_bias_box_turns_biases_off():
    body, _, _ = form.to_request(query(form="1", preset="two_hidden"))
    assert body["bias"] is False


def test_preset_sets_how_many_epochs_train_runs():
    _, options, _ = form.to_request(query(preset="xor"))
    assert options["train"] == 500
    _, options, _ = form.to_request(query(animate="0"))
    assert options == {"animate": False, "train": form.DEFAULT_TRAIN_EPOCHS}


@pytest.mark.parametrize(
    ("api_field", "form_field"),
    [
        ("x[0][1]", "x"),
        ("learning_rate", "lr"),
        ("layers[2]", "hidden"),
        ("activations[1]", "act-1"),
        ("weights[1][0][1]", "param-w2_1_2"),
        ("biases[0][1]", "param-b1_2"),
        ("epochs", "form"),
    ],
)
def test_api_errors_land_on_their_form_field(api_field, form_field):
    network = Network((1, 2, 1), ("relu", "relu"), bias=True)
    assert form.field_of(api_field, network) == form_field

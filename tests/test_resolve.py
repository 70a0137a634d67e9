"""One resolve for the API, the page and the form: presets merged once, defaults, parameters, detail."""

import pytest

from webapp.request import limits
from webapp.request.resolve import RequestError, merged, resolve


def test_an_empty_body_is_the_worksheet():
    resolved = resolve({})
    assert resolved.config()["weights"] == [[[0.5]], [[0.8]]]
    assert resolved.request.x == [[3.0]] and resolved.request.y == [[2.0]]
    assert resolved.graph.params == ["w1", "w2"]


def test_a_preset_is_overridden_field_by_field_and_a_new_shape_drops_its_shape():
    assert merged({"preset": "xor", "learning_rate": 0.5})["learning_rate"] == 0.5
    reshaped = merged({"preset": "two_hidden", "layers": [1, 3, 1]})
    assert "weights" not in reshaped and "biases" not in reshaped and "x" not in reshaped
    assert merged({"loss": "bce"}).get("activations") is None, "the new loss picks its own output"


def test_a_seed_makes_the_same_start_and_single_parameters_override_it():
    a = resolve({"layers": [1, 3, 1], "seed": 5})
    b = resolve({"layers": [1, 3, 1], "seed": 5, "params": {"w2_1_3": 0.125}})
    assert a.config()["weights"][0] == b.config()["weights"][0]
    assert b.config()["weights"][1][0][2] == 0.125


def test_unknown_parameters_are_refused_or_dropped_as_asked():
    with pytest.raises(RequestError) as error:
        resolve({"params": {"w1_2_1": 1.0}})
    assert error.value.errors[0]["field"] == "params.w1_2_1"
    assert resolve({"params": {"w1_2_1": 1.0}}, unknown_params="ignore").config()["weights"] == [[[0.5]], [[0.8]]]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"preset": "nope"}, "preset"),
        ({"preset": 3}, "preset"),
        ({"layers": [1] * 7}, "layers"),
        ({"layers": [1, 17, 1]}, "layers[1]"),
        ({"x": [[1.0]] * 257, "y": [[1.0]] * 257}, "x"),
        ({"epochs": 10_001}, "epochs"),
        ({"params": {"w1": "big"}}, "params.w1"),
    ],
)
def test_sizes_and_values_are_refused_naming_their_field(body, field):
    with pytest.raises(RequestError) as error:
        resolve(body)
    assert error.value.errors[0]["field"] == field


def test_detail_fits_the_budget_for_the_widest_network():
    widest = {"layers": [16] * 6, "bias": True, "x": [[0.0] * 16] * 8, "y": [[0.0] * 16] * 8, "epochs": 100}
    resolved = resolve(widest)
    assert 1 <= len(resolved.detail_samples) <= limits.MAX_DETAIL_SAMPLES
    assert 2 <= len(resolved.detail_epochs) <= limits.MAX_DETAIL_EPOCHS
    assert resolved.detail_epochs[0] == 1 and resolved.detail_epochs[-1] == 100

"""The data sets: the same seed makes the same samples, each has the shape its name says, and a
training request, the page's URL and the presets take them."""

import math
from urllib.parse import parse_qs

import numpy as np
import pytest

from webapp.engine.datasets import DATASETS, generate
from webapp.request.page import resolve_query
from webapp.request.presets import PRESETS
from webapp.request.resolve import RequestError, resolve

# The first numbers of numpy's PCG64 stream for seed 0, which numpy guarantees on every machine.
PCG64_SEED_0 = [0.6369616873214543, 0.2697867137638703]


def test_the_stream_is_numpys_guaranteed_one():
    assert np.random.Generator(np.random.PCG64(0)).random(2).tolist() == PCG64_SEED_0


@pytest.mark.parametrize(
    ("name", "x", "y"),
    [
        # u = 0.63696…, 0.26979…: −1 + 2u = 0.27392, −0.46043, pushed 0.06 off the axes; x₁·x₂ < 0: class 0.
        ("xor", [[0.3339, -0.5204]], [[0.0]]),
        # x = −1 + 2 · 0.63696… = 0.27392 → 0.2739; sin(π · 0.2739) = 0.758157…
        ("sine", [[0.2739]], [[0.7582]]),
    ],
)
def test_a_seed_makes_these_samples(name, x, y):
    made_x, made_y = generate(name, 1, 0.0, 0)
    assert made_x.tolist() == x and made_y.tolist() == y


def test_spirals_without_noise_are_these_points():
    """Radius i/2 of each arm's 2 points, angle 1.75 · 2π · radius (+ π for the second arm):
    r = 0.5 at 1.75π is (sin, cos) = (−√½, √½) · 0.5; the second arm is the opposite point."""
    x, y = generate("spiral", 4, 0.0, 123)
    half = round(0.5 * math.sqrt(0.5), 4)
    assert x.tolist() == [[0.0, 0.0], [-half, half], [0.0, 0.0], [half, -half]]
    assert y.ravel().tolist() == [1.0, 1.0, 0.0, 0.0]


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_the_same_seed_makes_the_same_samples_and_another_seed_others(name):
    first, again, other = generate(name, 50, 0.2, 9), generate(name, 50, 0.2, 9), generate(name, 50, 0.2, 10)
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    assert not np.array_equal(first[0], other[0])
    x, y = first
    assert x.shape == (50, DATASETS[name].inputs) and y.shape == (50, DATASETS[name].outputs)
    assert np.all(np.abs(x) <= 2) and np.all(x == np.round(x, 4))
    if DATASETS[name].classes:
        assert set(y.ravel().tolist()) <= {0.0, 1.0}


@pytest.mark.parametrize("name", ["circles", "gauss", "spiral"])
def test_the_classes_are_balanced(name):
    _, y = generate(name, 101, 0.0, 4)
    assert y.sum() == 51  # the odd one to class 1


def test_circles_without_noise_are_a_disc_inside_a_ring():
    x, y = generate("circles", 200, 0.0, 5)
    radius = np.hypot(x[:, 0], x[:, 1])
    inside = y.ravel() == 1
    assert radius[inside].max() <= 0.5 + 1e-4 and radius[~inside].min() >= 0.7 - 1e-4 and radius.max() <= 1 + 1e-4


def test_noise_flips_some_circles_labels():
    x, y = generate("circles", 200, 0.3, 5)
    radius = np.hypot(x[:, 0], x[:, 1])
    assert 0 < np.sum((radius < 0.5) != (y.ravel() == 1)) < 100


def test_spiral_arms_are_told_apart_by_their_angle():
    """Without noise each point lies at angle 1.75 · 2π · r from the y axis, plus π on the second arm."""
    x, y = generate("spiral", 120, 0.0, 2)
    radius = np.hypot(x[:, 0], x[:, 1])
    far = radius > 0.05  # near the centre 4 decimals do not fix the angle
    angle = np.arctan2(x[:, 0], x[:, 1])
    for arm, turn in ((1.0, 0.0), (0.0, math.pi)):
        on = far & (y.ravel() == arm)
        off = np.angle(np.exp(1j * (angle[on] - 1.75 * 2 * math.pi * radius[on] - turn)))
        assert np.all(np.abs(off) < 1e-2), arm


def test_xor_keeps_off_the_axes_and_its_class_is_the_sign_of_the_product():
    x, y = generate("xor", 200, 0.0, 6)
    assert np.abs(x).min() >= 0.06 - 1e-4
    assert np.array_equal(y.ravel() == 1, x[:, 0] * x[:, 1] >= 0)


def test_the_sine_is_within_its_noise():
    x, y = generate("sine", 200, 0.1, 6)
    assert np.abs(y - np.sin(np.pi * x)).max() <= 0.1 + 1e-4 and np.abs(y - np.sin(np.pi * x)).max() > 0.05


def spiral_request(**dataset):
    return {"preset": "spirals", "dataset": {"name": "spiral", "n": 20, "noise": 0.1, "seed": 3, **dataset}}


def test_a_request_with_a_dataset_trains_on_its_samples_and_its_config_comes_back_whole(client):
    answer = client.post("/api/train", json={**spiral_request(), "epochs": 2}).get_json()
    config = answer["config"]
    x, y = generate("spiral", 20, 0.1, 3)
    assert config["x"] == x.tolist() and config["y"] == y.tolist()
    assert config["dataset"] == {"name": "spiral", "n": 20, "noise": 0.1, "seed": 3, "added": []}
    again = client.post("/api/train", json={**config, "epochs": 3})
    assert again.status_code == 200, again.get_json()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"x": [[0.0, 0.0]] * 20}, "x"),
        ({"dataset": {"name": "moons"}}, "dataset.name"),
        ({"dataset": {"name": "spiral", "n": 257}}, "dataset.n"),
        ({"dataset": {"name": "spiral", "noise": 0.6}}, "dataset.noise"),
        ({"dataset": {"name": "spiral", "n": 250, "added": [{"x": [0, 0], "y": [1]}] * 7}}, "dataset"),
        ({"dataset": {"name": "spiral", "added": [{"x": [0], "y": [1]}]}}, "dataset.added[0]"),
        ({"dataset": {"name": "sine"}}, "dataset"),
        ({"dataset": {"name": "spiral", "seed": -1}}, "dataset.seed"),
    ],
)
def test_a_bad_dataset_is_refused_naming_its_field(client, change, field):
    response = client.post("/api/train", json={**spiral_request(), **change})
    assert response.status_code == 400
    assert field in [e["field"] for e in response.get_json()["errors"]], response.get_json()


def test_added_samples_follow_the_made_ones():
    resolved = resolve(spiral_request(added=[{"x": [0.25, -0.5], "y": [1]}]))
    assert len(resolved.request.x) == 21 and resolved.request.x[-1] == [0.25, -0.5] and resolved.request.y[-1] == [1]


def test_the_pages_url_names_the_dataset_not_its_samples():
    resolved, _, errors = resolve_query(parse_qs("dataset=spiral&n=100&noise=0.1&seed=3&add=0.2 0.3 1"))
    assert not errors
    spec = resolved.request.dataset
    assert (spec.name, spec.n, spec.noise, spec.seed) == ("spiral", 100, 0.1, 3) and resolved.request.seed == 3
    assert resolved.request.x[:100] == generate("spiral", 100, 0.1, 3)[0].tolist()
    assert resolved.request.x[100] == [0.2, 0.3] and resolved.request.y[100] == [1.0]
    assert resolved.request.layers[0] == 2, "a data set alone brings its preset's network"
    _, _, errors = resolve_query(parse_qs("dataset=spiral&n=1000&noise=x"))
    assert set(errors) == {"n", "noise"}


def test_the_page_shows_the_dataset_fields_instead_of_the_samples(client):
    page = client.get("/?dataset=circles&n=30&seed=2").get_data(as_text=True)
    assert 'id="field-n"' in page and 'value="30"' in page and 'id="field-x"' not in page
    assert 'id="field-x"' in client.get("/").get_data(as_text=True)


def test_each_dataset_has_a_preset_that_learns_it():
    """The preset's run ends with every sample (or nearly, for the noisy ones) on the right side of ŷ = 0.5, or
    a small squared error for the regression."""
    from webapp.engine.network import Params
    from webapp.engine.training import forward
    from webapp.service import train_resolved

    named = {p["request"]["dataset"]["name"]: n for n, p in PRESETS.items() if "dataset" in p["request"]}
    assert set(named) == set(DATASETS)
    for name, preset in named.items():
        resolved = resolve({"preset": preset})
        run = train_resolved(resolved, detail=())
        _, a = forward(resolved.network, Params(resolved.network, run.final_theta), np.array(resolved.request.x))
        y = np.array(resolved.request.y)
        if DATASETS[name].classes:
            assert np.mean((a[-1] > 0.5) == (y > 0.5)) >= 0.95, name
        else:
            assert run.final_cost < run.costs[0] / 10, name
    with pytest.raises(RequestError):
        resolve({"preset": "spirals", "layers": [1, 2, 1]})


def test_samples_of_ones_own_replace_a_presets_data_set_and_a_null_data_set_changes_nothing():
    own = resolve({"preset": "spirals", "x": [[0.5, 0.5]], "y": [[1.0]]})
    assert own.request.dataset is None and own.request.x == [[0.5, 0.5]]
    assert resolve({"preset": "xor", "dataset": None}).request.x == resolve({"preset": "xor"}).request.x

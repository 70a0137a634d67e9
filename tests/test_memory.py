"""The heaviest cost surface and gradient check hold what limits.py says: about LANDSCAPE_NUMBERS floats."""

import tracemalloc

import pytest

from benchmarks.attack import heaviest_requests
from webapp import service
from webapp.request import limits, runs

BUDGET_BYTES = limits.LANDSCAPE_NUMBERS * 8


def peak_bytes(function, *args) -> int:
    """The most memory Python and numpy held at once while `function` ran (tracemalloc sees numpy's arrays)."""
    tracemalloc.start()
    try:
        function(*args)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.fixture(scope="module")
def heaviest():
    return {kind: service.parse_body(body) for kind, (_, body) in heaviest_requests().items()}


def test_the_heaviest_cost_surface_peaks_near_its_budget(heaviest):
    resolved, axes, steps = runs.landscape_request(dict(heaviest["landscape"]))
    assert steps == limits.LANDSCAPE_MAX_STEPS  # the most points a side, on the most samples that allows
    assert peak_bytes(service.cost_landscape, resolved, axes, steps) < 1.5 * BUDGET_BYTES


def test_the_heaviest_gradient_check_peaks_near_its_budget(heaviest):
    resolved, epoch = runs.gradient_check_request(dict(heaviest["gradient check"]))
    assert peak_bytes(service.check_gradients, resolved, epoch) < 1.25 * BUDGET_BYTES


def test_a_cost_surface_refuses_its_axes_before_any_training(client, monkeypatch):
    trained = []
    monkeypatch.setattr(service, "train_resolved", lambda *args, **kwargs: trained.append(1))
    for body in ({"axes": ["w1", "nope"]}, {"steps": 1000}, {"axes": "w1"}):
        response = client.post("/api/landscape", json=body)
        assert response.status_code == 400
        assert response.get_json()["errors"][0]["field"] in ("axes", "steps")
    assert trained == []

"""Admission control: heavy runs share a few slots, light ones never wait, a full gate answers 503."""

import os
import platform
import sys
import threading
import time
import types

import pytest
from werkzeug.exceptions import ServiceUnavailable

from tests.processes import HAS_PROC, descendants
from tests.processes import niceness as niceness_of
from webapp import create_app, service
from webapp.request import limits
from webapp.web import admission

WORKSHEET_STEP = {"epochs": 2}  # 20 004 work units
HEAVY = {"epochs": 100}  # 1 000 200 work units: heavy under the stand-in threshold below
# Heavy runs in the request's thread here, so that a test can hold one on an event.
STAND_IN = {
    "TESTING": True,
    "HEAVY_WORK_UNITS": 100_000,
    "HEAVY_SLOTS": 1,
    "HEAVY_WAIT_SECONDS": 0,
    "HEAVY_PROCESSES": False,
}


def post(client, body):
    return client.post("/api/train", json=body)


@pytest.fixture
def gated_app():
    return create_app(STAND_IN)


@pytest.fixture
def apart_app():
    """Heavy above the stand-in threshold, computed in the app's low-priority process."""
    app = create_app({**STAND_IN, "HEAVY_PROCESSES": True, "HEAVY_WAIT_SECONDS": 30})
    yield app
    app.extensions["heavy_processes"].shutdown()


def where_and_how_nice() -> tuple[int, int]:
    """The process that runs this, and its scheduling priority (higher is lower priority)."""
    return os.getpid(), os.getpriority(os.PRIO_PROCESS, 0)


def test_defaults_give_one_slot_per_core_a_short_wait_and_a_low_priority_process():
    app = create_app({"TESTING": True})
    gate = app.extensions["admission"]
    assert gate.slots == (os.cpu_count() or 1)
    assert 0 < gate.wait_seconds <= 5
    assert app.config["HEAVY_WORK_UNITS"] == limits.HEAVY_WORK_UNITS
    processes = app.extensions["heavy_processes"]
    assert processes.size == gate.slots
    assert processes.niceness > 0


def test_heavy_work_runs_in_another_process_at_a_lower_priority_and_light_work_here(apart_app):
    here, priority = where_and_how_nice()
    with apart_app.app_context():
        assert admission.compute(1, where_and_how_nice) == (here, priority)
        there, lowered = admission.compute(10**9, where_and_how_nice)
    assert there != here
    assert lowered == min(19, priority + apart_app.config["HEAVY_NICENESS"])


def test_a_heavy_answer_from_the_process_is_the_answer_computed_here(apart_app, gated_app):
    body = {**HEAVY, "layers": [1, 3, 1], "bias": True}
    apart = post(apart_app.test_client(), body)
    here = post(gated_app.test_client(), body)
    assert apart.status_code == here.status_code == 200
    assert apart.mimetype == "application/json"
    assert apart.get_data() == here.get_data()


def test_a_refusal_raised_in_the_process_reaches_the_client_with_its_field(apart_app):
    body = {"activations": ["linear", "linear"], "learning_rate": 10, "epoch": 500}
    response = apart_app.test_client().post("/api/gradient-check", json=body)
    assert response.status_code == 400
    assert response.get_json()["errors"] == [{"field": "epoch", "message": "the run diverged at epoch 6"}]


def test_a_lost_process_answers_503_and_the_next_heavy_run_gets_a_fresh_one(apart_app):
    with apart_app.app_context():
        first, _ = admission.compute(10**9, where_and_how_nice)
        with pytest.raises(ServiceUnavailable) as lost:
            admission.compute(10**9, os._exit, 1)  # the process dies mid-run, as if killed
        assert lost.value.retry_after == 1
        second, _ = admission.compute(10**9, where_and_how_nice)
    assert second not in (first, os.getpid())


def test_the_heavy_threshold_sits_between_the_worksheets_runs_and_the_budget():
    def units(layers, samples, epochs):
        return limits.work_units(layers, False, samples, epochs)

    assert units([1, 1, 1], 1, 1000) <= limits.HEAVY_WORK_UNITS  # the Train button's usual runs stay light
    assert units([16, 16, 16, 16, 16, 1], 256, 200) > limits.HEAVY_WORK_UNITS
    assert limits.HEAVY_WORK_UNITS < limits.MAX_WORK_UNITS


def test_slots_can_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("BACKPROP_HEAVY_SLOTS", "1")
    assert create_app({"TESTING": True}).extensions["admission"].slots == 1


def test_a_gate_admits_as_many_as_it_has_slots_then_refuses():
    gate = admission.Gate(slots=2, wait_seconds=0)
    with gate.slot(), gate.slot():
        with pytest.raises(ServiceUnavailable) as refused, gate.slot():
            pass
        assert refused.value.retry_after == 1
    with gate.slot(), gate.slot():  # both slots came back
        pass


def test_a_gate_lets_as_many_wait_as_it_has_slots_and_refuses_more_at_once():
    """Heavy runs hold at most twice the slots in request threads: the rest of the threads stay free."""
    gate = admission.Gate(slots=1, wait_seconds=5)
    holding, waiting = threading.Event(), threading.Event()
    outcome = []

    def wait_for_the_slot():
        waiting.set()
        with gate.slot():
            outcome.append("ran")

    with gate.slot():
        holding.set()
        waiter = threading.Thread(target=wait_for_the_slot)
        waiter.start()
        waiting.wait()
        deadline = time.monotonic() + 5
        while gate._admitted._value and time.monotonic() < deadline:  # the waiter has taken its place
            time.sleep(0.01)
        start = time.monotonic()
        with pytest.raises(ServiceUnavailable), gate.slot():
            pass
        assert time.monotonic() - start < 1  # refused at once, not after the 5 s wait
    waiter.join()
    assert outcome == ["ran"]


def test_a_slot_comes_back_when_the_run_fails():
    gate = admission.Gate(slots=1, wait_seconds=0)
    with pytest.raises(RuntimeError), gate.slot():
        raise RuntimeError("the run failed")
    with gate.slot():
        pass


def test_a_gate_needs_a_slot():
    with pytest.raises(ValueError):
        admission.Gate(slots=0, wait_seconds=1)


def test_a_full_gate_answers_503_with_retry_after_in_the_apis_error_shape(gated_app):
    client = gated_app.test_client()
    with gated_app.extensions["admission"].slot():  # another heavy run holds the only slot
        response = post(client, HEAVY)
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) >= 1
    assert response.headers["Cache-Control"] == "no-store"
    data = response.get_json()
    assert data["error"] == "Service Unavailable"
    assert [e["field"] for e in data["errors"]] == ["request"]
    assert "busy" in data["errors"][0]["message"]
    assert post(client, HEAVY).status_code == 200  # the slot is free again


def test_light_requests_bypass_a_full_gate(gated_app):
    client = gated_app.test_client()
    with gated_app.extensions["admission"].slot():
        response = post(client, WORKSHEET_STEP)
        assert response.status_code == 200
        assert response.get_json()["config"]["epochs"] == 2
        assert client.post("/api/train").status_code == 200  # no body: the worksheet, light


def test_invalid_requests_are_refused_before_the_gate(gated_app):
    client = gated_app.test_client()
    with gated_app.extensions["admission"].slot():
        response = post(client, {"epochs": 0})
    assert response.status_code == 400


def test_a_worksheet_step_is_answered_while_heavy_runs_hold_every_slot(gated_app, monkeypatch):
    """A heavy run is in flight (held on an event); a worksheet step still gets its answer, a second heavy run a 503."""
    real_run = service.run
    heavy_started = threading.Event()
    finish_heavy = threading.Event()

    def held_run(resolved):
        if resolved.request.epochs == HEAVY["epochs"]:
            heavy_started.set()
            assert finish_heavy.wait(timeout=30)
        return real_run(resolved)

    monkeypatch.setattr(service, "run", held_run)
    gated_app.extensions["admission"] = admission.Gate(1, 0.2)
    heavy_statuses = []
    heavy = threading.Thread(target=lambda: heavy_statuses.append(post(gated_app.test_client(), HEAVY).status_code))
    heavy.start()
    try:
        assert heavy_started.wait(timeout=30)
        client = gated_app.test_client()
        step = post(client, WORKSHEET_STEP)
        assert step.status_code == 200
        assert step.get_json()["final_cost"] == pytest.approx(real_run(service.validate({"epochs": 2}))["final_cost"])
        refused = post(client, HEAVY)
        assert refused.status_code == 503
        assert "Retry-After" in refused.headers
    finally:
        finish_heavy.set()
        heavy.join(timeout=30)
    assert heavy_statuses == [200]


def test_memory_is_given_back_after_heavy_runs_only(gated_app, monkeypatch):
    trims = []
    monkeypatch.setattr(admission, "give_memory_back", lambda: trims.append(1))
    client = gated_app.test_client()
    post(client, WORKSHEET_STEP)
    assert trims == []
    post(client, HEAVY)
    assert trims == [1]


def test_the_servers_own_memory_is_given_back_after_a_large_answer_is_sent(monkeypatch):
    trims = []
    monkeypatch.setattr(admission, "give_memory_back", lambda: trims.append(1))
    client = create_app({**STAND_IN, "HEAVY_WORK_UNITS": limits.HEAVY_WORK_UNITS}).test_client()
    client.get("/healthz").close()
    assert trims == []
    response = client.post("/api/train", json={"epochs": 1000})  # light, yet a large answer
    assert response.content_length > admission.LARGE_BYTES
    response.close()
    assert trims == [1]


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_memory_is_trimmed_on_glibc():
    assert admission.give_memory_back() is True


def test_without_malloc_trim_giving_memory_back_does_nothing(monkeypatch):
    monkeypatch.setattr(admission, "_MALLOC_TRIM", None)
    assert admission.give_memory_back() is False


@pytest.mark.skipif(not HAS_PROC, reason="reads the process tree from Linux's /proc")
def test_a_server_starts_all_its_low_priority_processes_before_the_first_heavy_run():
    app = create_app({**STAND_IN, "HEAVY_PROCESSES": True, "HEAVY_SLOTS": 3})
    niceness = min(19, os.getpriority(os.PRIO_PROCESS, 0) + app.config["HEAVY_NICENESS"])
    before = descendants(os.getpid())
    try:
        admission.start_processes(app)
        lowered = [pid for pid in descendants(os.getpid()) - before if niceness_of(pid) == niceness]
    finally:
        app.extensions["heavy_processes"].shutdown()
    assert len(lowered) == 3


def test_heavy_runs_fall_back_to_the_thread_when_their_processes_cannot_start(apart_app, monkeypatch, caplog):
    """A host program whose main module cannot be imported again (run from standard input, say) breaks
    every process multiprocessing starts: heavy runs are then computed here, not refused."""
    unimportable = types.ModuleType("__main__")
    unimportable.__file__ = "/nonexistent/serve.py"
    monkeypatch.setitem(sys.modules, "__main__", unimportable)
    with apart_app.app_context():
        assert admission.compute(10**9, where_and_how_nice)[0] == os.getpid()
        assert admission.compute(10**9, where_and_how_nice)[0] == os.getpid()
    assert apart_app.extensions["heavy_processes"].unavailable
    assert "computed in request threads" in caplog.text
    monkeypatch.undo()
    assert post(apart_app.test_client(), HEAVY).status_code == 200

"""The two documented servers, run as students' machines meet them: `python -m webapp` (granian) and
gunicorn with gunicorn.conf.py (gevent workers). Each is started as a real process on 127.0.0.1."""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress

import pytest

from tests.processes import HAS_PROC, descendants, niceness
from webapp import ROOT
from webapp.request.limits import MAX_BODY_BYTES, MAX_QUERY_BYTES
from webapp.web.security import EVERY_RESPONSE
from webapp.web.server import ServerSettings, parse_args

pytestmark = pytest.mark.skipif(not HAS_PROC, reason="counts processes in /proc")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def command(kind: str, port: int, *extra: str) -> list[str]:
    if kind == "single":
        return [sys.executable, "-m", "webapp", "--port", str(port), *extra]
    return [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", *extra]


def get(port: int, path: str, timeout: float = 10, headers=None) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


def post(port: int, path: str, body: bytes, timeout: float = 30) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    connection.request("POST", path, body=body, headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


@contextmanager
def serving(kind: str, *extra: str, env: dict | None = None) -> Iterator[tuple[subprocess.Popen, int]]:
    """The server as its own process, ready (its heavy-run processes started); stopped and reaped after."""
    port = free_port()
    server = subprocess.Popen(command(kind, port, *extra), cwd=ROOT, env={**os.environ, **(env or {})})
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, f"{kind} exited with {server.returncode}"
            try:
                health = extra[extra.index("--url-prefix") + 1] if "--url-prefix" in extra else ""
                if get(port, f"{health}/healthz", timeout=2).status == 200 and len(lowered(server.pid)) >= 1:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, f"{kind} did not start"
            time.sleep(0.2)
        yield server, port
    finally:
        tree = descendants(server.pid)
        if server.poll() is None:
            server.kill()
        server.wait(timeout=30)
        for pid in tree:  # whatever a failed test left: not to outlive it
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def lowered(pid: int) -> list[int]:
    return [child for child in descendants(pid) if (niceness(child) or 0) > 0]


def alive(pids: set[int]) -> set[int]:
    return {pid for pid in pids if os.path.exists(f"/proc/{pid}") and "Z" not in _state(pid)}


def _state(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return "Z"


def wait_gone(pids: set[int], seconds: float) -> set[int]:
    deadline = time.monotonic() + seconds
    while alive(pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return alive(pids)


def test_defaults_suit_a_class():
    settings = parse_args([])
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)
    assert settings.threads >= 8
    assert settings.connection_limit >= 2300  # 2 000 slow sockets and 300 idle ones, and the class
    assert settings.header_timeout <= 20
    assert parse_args(["--public-url", "https://school.example"]).public_url == "https://school.example"
    assert parse_args(["--threads", "3", "--header-timeout", "5"]) == ServerSettings(threads=3, header_timeout=5)


@pytest.mark.parametrize("kind", ["single", "workers"])
def test_slow_and_idle_sockets_lock_no_visitor_out(kind):
    """Sockets that send a request's head a byte at a time, and idle ones: a new visitor and a Step are
    answered at once meanwhile, and the slow sockets are closed by the header timeout."""
    extra = ("--header-timeout", "2") if kind == "single" else ("--keep-alive", "2")
    with serving(kind, *extra) as (_, port), ExitStack() as stack:
        slow = []
        for _ in range(300):
            sock = stack.enter_context(socket.create_connection(("127.0.0.1", port), timeout=10))
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-a: ")
            slow.append(sock)
        for _ in range(100):
            sock = stack.enter_context(socket.create_connection(("127.0.0.1", port), timeout=10))
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            assert sock.recv(4096).startswith(b"HTTP/1.1 200")
        start = time.perf_counter()
        page = get(port, "/")
        assert page.status == 200 and b"Backprop Visualizer" in page.body
        step = post(port, "/api/train", b'{"epochs": 2, "include_graph": false}')
        assert step.status == 200
        assert time.perf_counter() - start < 2
        for sock in slow[:20]:  # closed once the head's time is up, well before the socket's own 10 s
            try:
                answer = sock.recv(4096)
            except ConnectionResetError:
                answer = b""
            assert answer == b"" or answer.startswith(b"HTTP/1.1 4")
        assert get(port, "/healthz").status == 200


@pytest.mark.parametrize("kind", ["single", "workers"])
def test_a_long_permalink_is_served_and_a_longer_query_refused_by_the_app(kind):
    with serving(kind) as (_, port):
        samples = "%2C+".join("+".join(f"{(i + k) / 7:.10g}" for k in range(4)) for i in range(256))
        page = get(port, f"/?x={samples}&hidden=2")
        assert page.status == 200
        assert len(samples) > 8190  # past gunicorn's own request-line ceiling
        refused = get(port, "/?x=" + "1" * (MAX_QUERY_BYTES + 1))
        assert refused.status == 414
        for name, value in EVERY_RESPONSE.items():
            assert refused.getheader(name) == value
        too_large = post(port, "/api/train", b"{}" + b" " * MAX_BODY_BYTES)
        assert too_large.status == 413
        assert too_large.getheader("X-Content-Type-Options") == "nosniff"
        chunked = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        body = iter([b'{"epochs": 3}', b" " * MAX_BODY_BYTES])  # sent chunked: no Content-Length
        chunked.request("POST", "/api/train", body=body, headers={"Content-Type": "application/json"})
        assert chunked.getresponse().status == 413
        chunked.close()


@pytest.mark.parametrize("kind", ["single", "workers"])
def test_heavy_runs_are_computed_in_low_priority_processes(kind):
    with serving(kind) as (server, port):
        cores = os.cpu_count() or 1
        deadline = time.monotonic() + 30
        while len(lowered(server.pid)) < cores and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(lowered(server.pid)) == cores
        heavy = post(port, "/api/train", b'{"epochs": 2000, "include_graph": false, "detail_epochs": []}')
        assert heavy.status == 200
        assert len(json.loads(heavy.body)["epochs"]) == 2000


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_ends_every_process_the_server_started(stop):
    with serving("single") as (server, _):
        tree = descendants(server.pid) | {server.pid}
        assert len(tree) >= 4  # granian's worker, the resource tracker and the heavy-run processes
        server.send_signal(stop)
        server.wait(timeout=10)
        assert wait_gone(tree, 5) == set()


def test_after_sigkill_the_servers_helpers_exit_by_themselves():
    with serving("single") as (server, _):
        helpers = descendants(server.pid)
        os.kill(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
        assert wait_gone(helpers, 10) == set()


def test_gunicorn_stops_every_process_on_sigterm():
    with serving("workers") as (server, _):
        tree = descendants(server.pid) | {server.pid}
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        assert wait_gone(tree, 5) == set()


def test_no_address_is_taken_from_host():
    with serving("single", "--url-prefix", "/bp") as (_, port):
        redirect = get(port, "/bp", headers={"Host": "evil.example"})
        assert redirect.status == 308
        assert redirect.getheader("Location") == "/bp/"
        page = get(port, "/bp/", headers={"Host": "evil.example"})
        assert b"evil.example" not in page.body


def test_gunicorn_config_suits_a_class_and_the_apps_limits():
    """Read in a process of its own: the config patches the standard library for gevent as it loads."""
    script = (
        "import json, os; settings = {}; os.environ.pop('BACKPROP_HEAVY_SLOTS', None);"
        "exec(open('gunicorn.conf.py').read(), settings);"
        "print(json.dumps({k: v for k, v in settings.items() if isinstance(v, (int, str, bool))}"
        " | {'heavy_slots': int(os.environ['BACKPROP_HEAVY_SLOTS'])}))"
    )
    settings = json.loads(
        subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, check=True).stdout
    )
    cores = os.cpu_count() or 1
    assert settings["workers"] == cores
    assert settings["worker_class"] == "gevent"
    assert settings["worker_connections"] >= 2300  # 2 000 slow sockets, 300 idle ones and the class
    assert 0 < settings["keepalive"] <= 20  # a request's head must arrive within it
    assert settings["limit_request_line"] == 0  # the app's own query limit applies (a set one stops at 8 190)
    assert settings["limit_request_field_size"] > MAX_QUERY_BYTES
    assert settings["preload_app"] is True
    assert settings["max_requests"] > 0 and settings["max_requests_jitter"] > 0
    assert settings["heavy_slots"] * settings["workers"] <= max(cores, settings["workers"])

"""`python -m webapp` (waitress) and gunicorn.conf.py set up for a class: many idle connections, early refusals."""

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import pytest

from tests.processes import HAS_PROC, descendants, niceness
from webapp import ROOT, create_app
from webapp.request.limits import MAX_BODY_BYTES
from webapp.web.server import ServerSettings, build_server, parse_args

WAITRESS_DEFAULT_CONNECTION_LIMIT = 100


@contextmanager
def running(settings: ServerSettings) -> Iterator[int]:
    """The app under waitress on 127.0.0.1 at a free port, in a thread; yields the port."""
    server = build_server(create_app(), settings)
    thread = threading.Thread(target=server.run, name="waitress-under-test", daemon=True)
    thread.start()
    try:
        yield server.effective_port
    finally:
        server.close()  # stops listening; the loop ends once the test's own connections are closed
        server.task_dispatcher.shutdown()


def connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=10)


def test_defaults_suit_a_class():
    settings = parse_args([])
    assert settings.host == "127.0.0.1"
    assert settings.port == 8000
    assert settings.threads >= 8
    assert settings.connection_limit >= 1000
    assert settings.channel_timeout <= 30


def test_options_set_the_server():
    settings = parse_args(
        ["--host", "0.0.0.0", "--port", "9000", "--threads", "3", "--connection-limit", "500", "--channel-timeout", "7"]
    )
    assert settings == ServerSettings("0.0.0.0", 9000, 3, 500, 7)
    server = build_server(create_app(), ServerSettings("127.0.0.1", 0, 3, 500, 7))
    try:
        adj = server.adj
        assert (adj.threads, adj.connection_limit, adj.channel_timeout) == (3, 500, 7)
        assert adj.cleanup_interval <= 7  # idle connections are looked for at least as often as they may idle
        assert adj.max_request_body_size == MAX_BODY_BYTES + 1  # a body of exactly the limit is the app's to judge
        assert adj.asyncore_use_poll  # select() would stop at 1024 connections
    finally:
        server.close()
        server.task_dispatcher.shutdown()


def get(port: int, path: str, timeout: float = 10) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def open_idle_connections(stack: ExitStack, port: int, count: int) -> None:
    """`count` keep-alive connections, each after one answered request, left idle like a student's tab."""
    for _ in range(count):
        sock = stack.enter_context(socket.create_connection(("127.0.0.1", port), timeout=10))
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert sock.recv(4096).startswith(b"HTTP/1.1 200")


def test_hundreds_of_idle_connections_do_not_lock_out_a_new_visitor():
    with running(ServerSettings(port=0)) as port, ExitStack() as idle:
        open_idle_connections(idle, port, 300)
        status, body = get(port, "/healthz")
        assert (status, body) == (200, b"ok\n")


def test_waitress_defaults_would_lock_a_new_visitor_out():
    """The same scenario under waitress's own connection limit: the new request is not answered."""
    settings = ServerSettings(port=0, connection_limit=WAITRESS_DEFAULT_CONNECTION_LIMIT)
    with running(settings) as port, ExitStack() as idle:
        for _ in range(WAITRESS_DEFAULT_CONNECTION_LIMIT):
            idle.enter_context(socket.create_connection(("127.0.0.1", port), timeout=10))
        with pytest.raises(TimeoutError):
            get(port, "/healthz", timeout=0.5)


def test_an_idle_connection_is_closed_after_the_channel_timeout():
    with running(ServerSettings(port=0, channel_timeout=1)) as port, connect(port) as sock:
        assert sock.recv(1) == b""  # closed by the server, well before the socket's own timeout


@contextmanager
def measured() -> Iterator[dict]:
    """Wall time and the peak of Python memory allocated (in this process, so the server's too) meanwhile."""
    figures = {}
    tracemalloc.start()
    start = time.perf_counter()
    try:
        yield figures
    finally:
        figures["seconds"] = time.perf_counter() - start
        figures["peak_bytes"] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()


def read_status(sock: socket.socket) -> bytes:
    return sock.recv(4096).split(b"\r\n", 1)[0]


def test_a_200_mb_body_is_refused_from_its_content_length_at_once():
    with running(ServerSettings(port=0)) as port, connect(port) as sock, measured() as figures:
        sock.sendall(
            b"POST /api/train HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {200 * 1024 * 1024}\r\n\r\n".encode()
            + b" " * 65536
        )
        status = read_status(sock)
    assert status == b"HTTP/1.1 413 Request Entity Too Large"
    assert figures["seconds"] < 1
    assert figures["peak_bytes"] < 2 * 1024 * 1024


def test_a_chunked_body_is_refused_once_it_outgrows_the_limit():
    chunk = b" " * 16384
    with running(ServerSettings(port=0)) as port, connect(port) as sock, measured() as figures:
        sock.sendall(b"POST /api/train HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n")
        sock.sendall(b"Transfer-Encoding: chunked\r\n\r\n")
        try:
            for _ in range(2 * MAX_BODY_BYTES // len(chunk)):
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server had answered and closed before the whole body went out
        status = read_status(sock)
    assert status == b"HTTP/1.1 413 Request Entity Too Large"
    assert figures["seconds"] < 1
    assert figures["peak_bytes"] < 4 * MAX_BODY_BYTES


def test_a_body_at_the_limit_reaches_the_app():
    with running(ServerSettings(port=0)) as port:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        body = b"{}" + b" " * (MAX_BODY_BYTES - 2)
        connection.request("POST", "/api/train", body=body, headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        assert response.status == 200
        assert json.loads(response.read())["config"]["epochs"] == 1
        connection.request("POST", "/api/train", body=body + b" ", headers={"Content-Type": "application/json"})
        assert connection.getresponse().status == 413
        connection.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_serves_the_app_with_the_projects_config():
    pytest.importorskip("gunicorn")
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True) as server:
        try:
            for line in server.stderr:  # the app is preloaded before gunicorn listens
                if "Listening at" in line:
                    break
            else:
                pytest.fail(f"gunicorn exited with {server.wait()}")
            status, page = get(port, "/", timeout=30)
            assert status == 200
            assert b"Backprop Visualizer" in page
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request(
                "POST", "/api/train", body=b'{"epochs": 2}', headers={"Content-Type": "application/json"}
            )
            response = connection.getresponse()
            assert response.status == 200
            assert response.getheader("Cache-Control") == "no-store"
            assert len(json.loads(response.read())["epochs"]) == 2
            # Each of the one-per-core workers starts its share of low-priority processes for heavy runs,
            # one per core in all (gunicorn.conf.py), before it takes requests.
            if HAS_PROC:
                cores, deadline, lowered = os.cpu_count() or 1, time.monotonic() + 30, []
                while len(lowered) < cores and time.monotonic() < deadline:
                    time.sleep(0.2)
                    lowered = [pid for pid in descendants(server.pid) if (niceness(pid) or 0) > 0]
                assert len(lowered) == cores, f"{len(lowered)} low-priority processes for {cores} cores"
            heavy = b'{"epochs": 2000, "include_graph": false, "detail_epochs": []}'
            connection.request("POST", "/api/train", body=heavy, headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            assert response.status == 200
            assert len(json.loads(response.read())["epochs"]) == 2000
            connection.close()
        finally:
            server.terminate()
            server.wait(timeout=30)


def test_gunicorn_config_shares_the_cores_and_recycles_workers():
    pytest.importorskip("gunicorn")
    settings: dict = {}
    saved = os.environ.get("BACKPROP_HEAVY_SLOTS")
    try:
        os.environ.pop("BACKPROP_HEAVY_SLOTS", None)
        exec((ROOT / "gunicorn.conf.py").read_text(), settings)
        heavy_slots = int(os.environ["BACKPROP_HEAVY_SLOTS"])
    finally:
        os.environ.pop("BACKPROP_HEAVY_SLOTS", None)
        if saved is not None:
            os.environ["BACKPROP_HEAVY_SLOTS"] = saved
    cores = os.cpu_count() or 1
    assert settings["workers"] == cores
    assert settings["worker_class"] == "gthread"
    assert settings["threads"] >= 2
    assert settings["preload_app"] is True
    assert settings["max_requests"] > 0 and settings["max_requests_jitter"] > 0
    assert 0 < settings["timeout"] <= 60
    assert heavy_slots * settings["workers"] <= max(cores, settings["workers"])

"""A prankster on the class network: `python -m benchmarks.attack [--mode single|workers|both] [--attack ...]`.

Starts the server itself on 127.0.0.1 (`single`: `python -m webapp`; `workers`: gunicorn with
gunicorn.conf.py) and, while a new visitor loads `/` once a second and a student sends a Step (a
worksheet continuation) four times a second, attacks it with one of:

- `sockets`: 2 000 sockets that send a request's head a byte every 5 s (slowloris; dropped ones are
  opened again) plus 300 idle keep-alive connections, then lets them go and checks the server recovers;
- `heavy`: eight of each of the heaviest requests (train, landscape, gradient check, CSV export) in
  flight at once, each sent again as soon as it is answered (after the Retry-After of a 503);
  `heavy-impatient`: the same, sent again at once after a 503 too;
- `urls`: eight clients sending the longest page URL the app accepts, over and over.

Prints the visitor's and the Step's latencies (p50/p95/p99/max, ms) for each phase, the answers'
statuses, the server's memory (PSS of its processes) and the load average. Only 127.0.0.1 is
contacted; every loop ends with its phase, and the server and every socket are closed at the end.
"""

import argparse
import http.client
import json
import os
import random
import socket
import threading
import time
from collections import Counter

from benchmarks.load import (
    HOST,
    INITIAL_STATE_RE,
    JSON_HEADERS,
    PageRun,
    _text,
    free_port,
    percentile,
    process_tree,
    pss_bytes,
    start_server,
    stop_server,
)
from webapp.request import limits

HEAVY_LAYERS = [limits.MAX_WIDTH] * (limits.MAX_LAYERS - 1) + [1]
RETRY_AFTER = 2  # seconds, as the server's 503 says (HEAVY_WAIT_SECONDS)
STEPS_PER_VISIT = 4  # the probe's Steps a second, one visitor's page load a second


def _samples(count: int, seed: int = 1) -> tuple[list, list]:
    rng = random.Random(seed)
    x = [[rng.uniform(-1, 1) for _ in range(HEAVY_LAYERS[0])] for _ in range(count)]
    return x, [[rng.uniform(0, 1)] for _ in range(count)]


def heaviest_requests() -> dict[str, tuple[str, bytes]]:
    """The most work each endpoint accepts: the largest network, as many samples and epochs as allowed."""
    params = limits.param_count(HEAVY_LAYERS, False)
    train_x, train_y = _samples(limits.MAX_SAMPLES)
    epochs = limits.max_epochs(HEAVY_LAYERS, False, limits.MAX_SAMPLES)
    # The gradient check nudges every parameter both ways on every sample: 2·P·N·P within half the budget.
    check_samples = max(1, limits.MAX_WORK_UNITS // 2 // (2 * params * params))
    check_x, check_y = _samples(check_samples)
    # The cost surface's grid is at most LANDSCAPE_NUMBERS numbers: 61 points a side needs few samples.
    land_samples = max(1, limits.LANDSCAPE_NUMBERS // (limits.LANDSCAPE_MAX_STEPS**2 * limits.MAX_WIDTH))
    land_x, land_y = _samples(land_samples)
    export_epochs = min(epochs, limits.EXPORT_NUMBERS // (2 * params))
    base = {"layers": HEAVY_LAYERS, "seed": 1, "include_graph": False}
    bodies = {
        "train": ("/api/train", {**base, "x": train_x, "y": train_y, "epochs": epochs}),
        "landscape": ("/api/landscape", {**base, "x": land_x, "y": land_y, "epochs": 100}),
        "gradient check": ("/api/gradient-check", {**base, "x": check_x, "y": check_y, "epoch": 1}),
        "export": ("/api/export", {**base, "x": train_x, "y": train_y, "epochs": export_epochs, "format": "csv"}),
    }
    return {kind: (path, json.dumps(body).encode()) for kind, (path, body) in bodies.items()}


def longest_url() -> str:
    """A page URL just within the query limit, samples the page could have written."""
    x, y = _samples(limits.MAX_SAMPLES)
    text = lambda samples: "%2C+".join("+".join(f"{v:.10g}" for v in s) for s in samples)  # noqa: E731
    query = f"x={text(x)}&y={text(y)}&hidden=16"
    return "/?" + query[: limits.MAX_QUERY_BYTES]


def timed(port: int, method: str, path: str, body: bytes | None = None, timeout: float = 30) -> tuple[float, int]:
    """(seconds, status) of one request on a new connection; status 0 if it failed."""
    start = time.perf_counter()
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=JSON_HEADERS if body is not None else {})
        response = connection.getresponse()
        response.read()
        return time.perf_counter() - start, response.status
    except OSError:
        return time.perf_counter() - start, 0
    finally:
        connection.close()


class Probe:
    """A new visitor loading `/` and a student's Step (a worksheet continuation on a kept connection)."""

    def __init__(self, port: int):
        self.port = port
        self.samples: dict[str, list[float]] = {"visitor /": [], "step": []}
        self.failures = Counter()
        html = http.client.HTTPConnection(HOST, port, timeout=30)
        html.request("GET", "/")
        state = json.loads(INITIAL_STATE_RE.search(_text(html.getresponse().read())).group(1))
        html.close()
        self.run = PageRun(state)
        step = self.run.available + 1  # the next epoch, continued from the last one the page has
        self.step = json.dumps(self.run.request_for(step, step)).encode()
        self.connection = http.client.HTTPConnection(HOST, port, timeout=30)

    def once(self) -> None:
        seconds, status = timed(self.port, "GET", "/")
        self.record("visitor /", seconds, status)
        for _ in range(STEPS_PER_VISIT):
            self.step_once()

    def step_once(self) -> None:
        start, status = time.perf_counter(), 0
        for _ in range(2):  # a keep-alive connection the server has closed meanwhile: a browser retries once
            try:
                self.connection.request("POST", "/api/train", body=self.step, headers=JSON_HEADERS)
                response = self.connection.getresponse()
                response.read()
                status = response.status
                break
            except (OSError, http.client.HTTPException):
                self.connection.close()
                self.connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
        self.record("step", time.perf_counter() - start, status)

    def record(self, kind: str, seconds: float, status: int) -> None:
        if status == 200:
            self.samples[kind].append(seconds)
        else:
            self.failures[f"{kind}: {status or 'no answer'}"] += 1

    def every(self, interval: float, until: float) -> None:
        while time.monotonic() < until:
            started = time.monotonic()
            self.once()
            time.sleep(max(0.0, interval - (time.monotonic() - started)))

    def report(self, phase: str) -> dict:
        figures = {}
        for kind, values in self.samples.items():
            if values:
                ms = [1000 * v for v in values]
                figures[kind] = [percentile(ms, p) for p in (0.5, 0.95, 0.99)] + [max(ms)]
                p50, p95, p99, top = figures[kind]
                print(
                    f"  {phase:<22} {kind:<10} n={len(ms):<4} p50 {p50:7.0f}  p95 {p95:7.0f}  p99 {p99:7.0f}  max {top:7.0f}"
                )
        if self.failures:
            print(f"  {phase:<22} failures: {dict(self.failures)}")
        self.samples = {kind: [] for kind in self.samples}
        self.failures = Counter()
        return figures


def slow_sockets(port: int, count: int, stop: threading.Event, opened: Counter) -> None:
    """`count` sockets sending a request head a byte every 5 s, reopened when the server drops them."""
    head = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-a: " + b"b" * 4000
    socks: list[tuple[socket.socket, int] | None] = [None] * count
    while not stop.is_set():
        for i in range(count):
            if stop.is_set():
                break
            entry = socks[i]
            try:
                if entry is None:
                    sock = socket.create_connection((HOST, port), timeout=2)
                    opened["slow opened"] += 1
                    entry = (sock, 0)
                sock, sent = entry
                sock.send(head[sent : sent + 1])
                socks[i] = (sock, sent + 1)
            except OSError:
                if entry is not None:
                    entry[0].close()
                    opened["slow dropped by the server"] += 1
                socks[i] = None
        stop.wait(5)
    for entry in socks:
        if entry is not None:
            entry[0].close()


def idle_sockets(port: int, count: int, stop: threading.Event, opened: Counter) -> None:
    """`count` keep-alive connections, each after one answered request, idle; reopened when dropped."""
    socks: list[socket.socket | None] = [None] * count
    while not stop.is_set():
        for i in range(count):
            if socks[i] is not None:
                continue
            try:
                sock = socket.create_connection((HOST, port), timeout=10)
                sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                sock.recv(4096)
                sock.setblocking(False)
                socks[i] = sock
                opened["idle opened"] += 1
            except OSError:
                pass
        stop.wait(1)
        for i, sock in enumerate(socks):
            if sock is not None:
                try:
                    if sock.recv(1) == b"":
                        raise ConnectionError
                except BlockingIOError:
                    continue
                except OSError:
                    pass
                sock.close()
                socks[i] = None
                opened["idle dropped by the server"] += 1
    for sock in socks:
        if sock is not None:
            sock.close()


def repeat(
    port: int, path: str, body: bytes | None, stop: threading.Event, statuses: Counter, kind: str, patient: bool
) -> None:
    """Send the request again as soon as it is answered; if `patient`, wait the Retry-After of a 503 first
    (so that the requests in flight are the ones being computed), else at once."""
    while not stop.is_set():
        _, status = timed(port, "POST" if body is not None else "GET", path, body, timeout=60)
        statuses[f"{kind} {status}"] += 1
        if status == 503 and patient:
            stop.wait(RETRY_AFTER)


def memory(server_pid: int) -> str:
    pids = process_tree(server_pid)
    return f"{pss_bytes(pids) / 2**20:.0f} MB PSS in {len(pids)} processes"


def attack(mode: str, kind: str, seconds: float) -> None:
    port = free_port()
    server = start_server(mode, port)
    threads: list[threading.Thread] = []
    stop = threading.Event()
    counts: Counter = Counter()
    try:
        probe = Probe(port)
        probe.every(1.0, time.monotonic() + 5)
        print(f"\n== {mode}: {kind} ({os.cpu_count()} cores)")
        probe.report("before")
        print(f"  memory before: {memory(server.pid)}")
        if kind == "sockets":
            threads = [
                threading.Thread(target=slow_sockets, args=(port, 2000, stop, counts), daemon=True),
                threading.Thread(target=idle_sockets, args=(port, 300, stop, counts), daemon=True),
            ]
        elif kind in ("heavy", "heavy-impatient"):
            patient = kind == "heavy"
            threads = [
                threading.Thread(target=repeat, args=(port, path, body, stop, counts, name, patient), daemon=True)
                for name, (path, body) in heaviest_requests().items()
                for _ in range(8)
            ]
        else:
            url = longest_url()
            threads = [
                threading.Thread(target=repeat, args=(port, url, None, stop, counts, "long URL", False), daemon=True)
                for _ in range(8)
            ]
        for thread in threads:
            thread.start()
        probe.every(1.0, time.monotonic() + min(10.0, seconds / 3))  # the attack builds up
        probe.report("attack building up")
        probe.every(1.0, time.monotonic() + seconds)
        probe.report("under attack")
        print(f"  memory under attack: {memory(server.pid)}; load average {os.getloadavg()[0]:.1f}")
        print(f"  attacker: {dict(counts)}")
        stop.set()
        for thread in threads:
            thread.join(timeout=70)
        probe.every(1.0, time.monotonic() + 15)
        probe.report("after")
        print(f"  memory after: {memory(server.pid)}; load average {os.getloadavg()[0]:.1f}")
    finally:
        stop.set()
        stop_server(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--mode", choices=["single", "workers", "both"], default="both")
    parser.add_argument("--attack", choices=["sockets", "heavy", "heavy-impatient", "urls"], default="sockets")
    parser.add_argument("--duration", type=float, default=60, help="seconds under attack (default: %(default)s)")
    args = parser.parse_args()
    for mode in ["single", "workers"] if args.mode == "both" else [args.mode]:
        attack(mode, args.attack, args.duration)


if __name__ == "__main__":
    main()

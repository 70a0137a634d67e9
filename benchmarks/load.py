"""A class on one server: `python -m benchmarks.load [--mode single|workers|both] [--students 200] [--duration 60]`.

Starts the server itself on 127.0.0.1 (`single`: `python -m webapp`, one process; `workers`: gunicorn
with gunicorn.conf.py), then lets simulated students use it as the page does, each with a keep-alive
connection and think times between clicks:

- opens the page and fetches its scripts, styles and plotly.js, each versioned URL once (the browser
  caches them for good), and now and then reloads the page (the static files stay cached);
- steps through the worksheet and trains 100 epochs at a time, sending the requests the page's store
  sends (each the next epoch's detail, with the costs fetched ahead, doubling), lists the presets,
  and, rarely, sends a heavy run: the largest network on 256 samples with as many epochs as the
  work budget allows;
- a monitor polls /healthz, a request that does nothing, so its latency is the server's floor.

Prints throughput, p50/p95/p99 and errors per kind of request, 503s (heavy runs refused while every
slot is busy) apart, and the server's memory (PSS of all its processes) over the run. Asserts
nothing; the targets are printed beside the figures. Only 127.0.0.1 is ever contacted, and every
loop ends with the run's duration.
"""

import argparse
import http.client
import json
import os
import random
import re
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from webapp.request import limits

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
JSON_HEADERS = {"Content-Type": "application/json", "Accept-Encoding": "gzip"}
BROWSER_HEADERS = {"Accept-Encoding": "gzip, deflate, br"}
INITIAL_STATE_RE = re.compile(r'<script type="application/json" id="initial-state">(.*?)</script>', re.S)
ASSET_RE = re.compile(r'(?:src|href|data-plotly-src)="(/(?:static|vendor)/[^"]+)"')

HEAVY_LAYERS = [limits.MAX_WIDTH] * (limits.MAX_LAYERS - 1) + [1]
HEAVY_EPOCHS = max(1, limits.MAX_WORK_UNITS // limits.work_units(HEAVY_LAYERS, False, limits.MAX_SAMPLES, 1))
TARGET_TRAIN_P99_MS = 250
TARGET_MEMORY_DRIFT = 0.10


def heavy_body(rng: random.Random) -> bytes:
    x = [[rng.uniform(-1, 1) for _ in range(HEAVY_LAYERS[0])] for _ in range(limits.MAX_SAMPLES)]
    y = [[rng.uniform(0, 1)] for _ in range(limits.MAX_SAMPLES)]
    return json.dumps({"layers": HEAVY_LAYERS, "x": x, "y": y, "epochs": HEAVY_EPOCHS, "seed": 1}).encode()


@dataclass
class Results:
    """Latencies (seconds) and failures per kind of request, shared by all students."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    busy: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, seconds: float, status: int | None, problem: str | None = None) -> None:
        with self.lock:
            if status == 503:
                self.busy[kind] += 1
            elif status is None or status >= 400:
                self.errors[kind].append(problem or f"HTTP {status}")
            else:
                self.latencies[kind].append(seconds)


class Client:
    """One browser's keep-alive connection to the server; reconnects when the server closes it."""

    def __init__(self, port: int, results: Results):
        self.port = port
        self.results = results
        self.connection: http.client.HTTPConnection | None = None

    def request(self, kind: str, method: str, path: str, body: bytes | None = None, headers=None) -> bytes | None:
        start = time.perf_counter()
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
            try:
                self.connection.request(method, path, body=body, headers=headers or BROWSER_HEADERS)
                response = self.connection.getresponse()
                data = response.read()
            except (ConnectionError, http.client.RemoteDisconnected, http.client.BadStatusLine) as exc:
                # An idle keep-alive connection the server has just closed: a browser retries once.
                self.close()
                if attempt == 0:
                    continue
                self.results.record(kind, time.perf_counter() - start, None, f"{type(exc).__name__}: {exc}")
                return None
            except OSError as exc:
                self.close()
                self.results.record(kind, time.perf_counter() - start, None, f"{type(exc).__name__}: {exc}")
                return None
            if response.will_close:
                self.close()
            self.results.record(kind, time.perf_counter() - start, response.status)
            return data if response.status < 400 else None
        return None

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


class PageRun:
    """What the page's store (static/js/store.js) knows of its run, and the request it sends for more:
    one that continues the run from the latest parameters it was given, detailing one epoch."""

    def __init__(self, state: dict | None):
        self.config = state and state["config"]
        self.samples = [0]
        self.epoch = 1
        self.available = 0
        self.ended = False
        self.details: set[int] = set()
        self.thetas: dict[int, dict] = {}
        if state:
            self.absorb(state["run"])

    def absorb(self, run: dict) -> None:
        for epoch in run["epochs"]:
            self.available = max(self.available, epoch["epoch"])
            if epoch.get("detail"):
                self.details.add(epoch["epoch"])
                if None not in epoch["after"].values():
                    self.thetas[epoch["epoch"]] = epoch["after"]
        history = run["history"]
        for i, epoch in enumerate(history["epochs"]):
            self.thetas[epoch] = {pid: values[i] for pid, values in history["params"].items()}
        self.ended = self.ended or run["diverged_at"] is not None
        self.samples = run["detail_samples"]

    def request_for(self, epochs: int, detailed: int) -> dict | None:
        wanted = self.available if self.ended else min(epochs, limits.MAX_EPOCHS)
        need_detail = 1 <= detailed <= max(wanted, self.available) and detailed not in self.details
        if wanted <= self.available and not need_detail:
            return None
        end = max(wanted, detailed if need_detail else 0)
        before = min(detailed if need_detail else end, self.available)
        start = max((e for e in self.thetas if e < before), default=0)
        body = {**self.config, "epochs": end, "detail_epochs": [detailed] if need_detail else []}
        body.update(detail_samples=self.samples, include_graph=False)
        if start:
            body.update(from_epoch=start, params=self.thetas[start])
        return body


def student(port: int, results: Results, deadline: float, seed: int, start_delay: float) -> None:
    rng = random.Random(seed)
    client = Client(port, results)
    cached: set[str] = set()

    def think(low: float = 1.0, high: float = 5.0) -> bool:
        """Wait like a student reading the page; False once the run is over."""
        pause = rng.uniform(low, high)
        if time.monotonic() + pause >= deadline:
            return False
        time.sleep(pause)
        return True

    run = PageRun(None)

    def open_page() -> None:
        nonlocal run
        html = client.request("page", "GET", "/")
        text = _text(html) if html else ""
        state = INITIAL_STATE_RE.search(text)
        run = PageRun(json.loads(state.group(1)) if state else None)
        for url in ASSET_RE.findall(text):
            if url not in cached:
                cached.add(url)
                client.request("plotly.js" if url.startswith("/vendor/") else "static", "GET", url)

    def load(kind: str, epochs: int, detailed: int) -> None:
        body = run.request_for(epochs, detailed)
        if body is not None:
            answer = client.request(kind, "POST", "/api/train", json.dumps(body).encode(), JSON_HEADERS)
            if answer:
                run.absorb(json.loads(_text(answer)))

    time.sleep(start_delay)
    try:
        open_page()
        for _ in range(10_000):
            if not think():
                break
            roll = rng.random()
            if run.config is None or run.epoch + 100 >= limits.MAX_EPOCHS:
                open_page()  # the student has trained as far as the worksheet goes: Reset
            elif roll < 0.45:
                for _ in range(rng.randint(1, 4)):  # Step through a few epochs, one request each at most
                    run.epoch += 1
                    load("train step", run.epoch, run.epoch)
                    if not think(0.5, 2.0):
                        return
            elif roll < 0.75:
                target = run.epoch + 100  # Train 100 epochs: their costs, and the last one in full
                load("train 100", target + 1, target)
                run.epoch = target
            elif roll < 0.85:
                client.request("presets", "GET", "/api/presets", headers=JSON_HEADERS)
            elif roll < 0.995:
                open_page()
            else:
                client.request("train heavy", "POST", "/api/train", heavy_body(rng), JSON_HEADERS)
    finally:
        client.close()


def monitor(port: int, results: Results, deadline: float) -> None:
    client = Client(port, results)
    while time.monotonic() < deadline:
        client.request("healthz", "GET", "/healthz")
        time.sleep(0.5)
    client.close()


def _text(data: bytes) -> str:
    import gzip

    return (gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data).decode()


def process_tree(root: int) -> list[int]:
    """`root` and all its descendants, from /proc."""
    children = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children[ppid].append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def cpu_seconds(pids: list[int]) -> float:
    """CPU time (user + system) the processes have used so far."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def pss_bytes(pids: list[int]) -> int:
    """The processes' proportional set size: each shared page counted once in all, split among its
    sharers (the server's processes share the libraries and modules they were forked with, so a sum
    of RSS would count those once per process)."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
                    break
        except OSError:
            pass
    return total


def sample_memory(
    root: int, deadline: float, samples: list[tuple[float, int, int]], start: float, cpu_by_pid: dict[int, float]
) -> None:
    """PSS of the server's processes every second, and the CPU time each has used (kept after it exits)."""
    while time.monotonic() < deadline:
        pids = process_tree(root)
        samples.append((time.monotonic() - start, pss_bytes(pids), len(pids)))
        for pid in pids:
            cpu_by_pid[pid] = cpu_seconds([pid])
        time.sleep(1.0)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_server(mode: str, port: int) -> subprocess.Popen:
    if mode == "single":
        command = [sys.executable, "-m", "webapp", "--host", HOST, "--port", str(port)]
    else:
        command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind", f"{HOST}:{port}"]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(240):
        connection = http.client.HTTPConnection(HOST, port, timeout=5)
        try:
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            pass
        finally:
            connection.close()
        if server.poll() is not None:
            break
        time.sleep(0.25)
    stop_server(server)
    raise SystemExit(f"the {mode} server did not start")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def report(mode: str, results: Results, memory: list[tuple[float, int, int]], duration: float, cpu: dict) -> None:
    mb = 1024 * 1024
    total = sum(len(v) for v in results.latencies.values())
    errors = sum(len(v) for v in results.errors.values())
    busy = sum(results.busy.values())
    print(
        f"\n== {mode}: {total} answered in {duration:.0f} s ({total / duration:.1f} requests/s), "
        f"{errors} errors, {busy} refused busy (503)"
    )
    print(
        f"CPU seconds: server {cpu['server']:.1f}, load generator {cpu['client']:.1f}; "
        f"machine load average {cpu['loadavg']:.1f} at the end on {os.cpu_count()} cores"
    )
    print(
        f"{'request':<12} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} {'errors':>6} {'503':>5}"
    )
    kinds = sorted(set(results.latencies) | set(results.errors) | set(results.busy))
    for kind in kinds:
        values = results.latencies.get(kind, [])
        cells = [f"{1000 * percentile(values, q):8.1f}" for q in (0.5, 0.95, 0.99, 1.0)] if values else ["       -"] * 4
        print(
            f"{kind:<12} {len(values):6d} {' '.join(cells)} {len(results.errors.get(kind, [])):6d} "
            f"{results.busy.get(kind, 0):5d}"
        )
    for kind, problems in results.errors.items():
        print(f"  {kind} errors, first ones: {problems[:3]}")
    train = results.latencies.get("train step", []) + results.latencies.get("train 100", [])
    if train:
        p99 = 1000 * percentile(train, 0.99)
        print(f"light train p99: {p99:.1f} ms (target < {TARGET_TRAIN_P99_MS} ms)")
    if memory:
        print("memory (PSS of all the server's processes):")
        step = max(1, len(memory) // 12)
        for seconds, rss, processes in memory[::step] + ([memory[-1]] if (len(memory) - 1) % step else []):
            print(f"  {seconds:5.0f} s  {rss / mb:7.1f} MB  ({processes} processes)")
        warm = next((rss for seconds, rss, _ in memory if seconds >= min(15, duration / 4)), memory[0][1])
        end, peak = memory[-1][1], max(rss for _, rss, _ in memory)
        print(
            f"after warm-up {warm / mb:.1f} MB, peak {peak / mb:.1f} MB, end {end / mb:.1f} MB: "
            f"drift {100 * (end - warm) / warm:+.1f} % (target within ±{100 * TARGET_MEMORY_DRIFT:.0f} %)"
        )


def run(mode: str, students: int, duration: float, ramp: float) -> None:
    port = free_port()
    server = start_server(mode, port)
    try:
        results = Results()
        memory: list[tuple[float, int, int]] = []
        start = time.monotonic()
        cpu_by_pid = {pid: cpu_seconds([pid]) for pid in process_tree(server.pid)}
        server_cpu_start = sum(cpu_by_pid.values())
        client_cpu_start = time.process_time()
        deadline = start + duration
        threads = [
            threading.Thread(target=sample_memory, args=(server.pid, deadline, memory, start, cpu_by_pid), daemon=True)
        ]
        threads.append(threading.Thread(target=monitor, args=(port, results, deadline), daemon=True))
        threads += [
            threading.Thread(target=student, args=(port, results, deadline, seed, ramp * seed / students), daemon=True)
            for seed in range(students)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()) + 90)
        cpu = {
            "server": sum({**cpu_by_pid, **{pid: cpu_seconds([pid]) for pid in process_tree(server.pid)}}.values())
            - server_cpu_start,
            "client": time.process_time() - client_cpu_start,
            "loadavg": os.getloadavg()[0],
        }
        report(mode, results, memory, time.monotonic() - start, cpu)
    finally:
        stop_server(server)


def stop_server(server: subprocess.Popen) -> None:
    """SIGTERM, as a supervisor stops it; then whatever it started that is still running is killed too."""
    tree = process_tree(server.pid)
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in tree[1:]):
        time.sleep(0.1)
    for pid in tree[1:]:
        try:
            os.kill(pid, 9)
            print(f"process {pid} outlived the server by 10 s: killed")
        except ProcessLookupError:
            pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["single", "workers", "both"], default="both")
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load per mode")
    parser.add_argument("--ramp", type=float, default=10.0, help="seconds over which students arrive")
    args = parser.parse_args()
    print(
        f"{args.students} students for {args.duration:.0f} s on {os.cpu_count()} cores; "
        f"heavy runs: layers {HEAVY_LAYERS}, {limits.MAX_SAMPLES} samples, {HEAVY_EPOCHS} epochs"
    )
    for mode in ("single", "workers") if args.mode == "both" else (args.mode,):
        run(mode, args.students, args.duration, args.ramp)


if __name__ == "__main__":
    main()

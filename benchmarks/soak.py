"""Memory over rounds of the heaviest requests: `python -m benchmarks.soak [--mode single|workers|both] [--rounds 8]`.

Starts the server itself on 127.0.0.1 and, each round, sends every kind of heaviest request (train,
cost surface, gradient check, CSV export; two of each at once, gzip accepted as a browser does, and
again after a 503's Retry-After) and eight of the longest page URLs the app accepts; then prints each
of the server's processes' memory (PSS, shared pages counted once) and their total. The figures to
compare are the rounds after the first two (warm-up): the target is within 10 %. Asserts nothing.
Only 127.0.0.1 is contacted; the script stops the server and everything it started at the end.
"""

import argparse
import os
import threading
import time
from pathlib import Path

from benchmarks.attack import RETRY_AFTER, heaviest_requests, longest_url, timed
from benchmarks.load import free_port, process_tree, pss_bytes, start_server, stop_server

WARM_UP_ROUNDS = 2
TARGET_DRIFT = 0.10


def label(pid: int, root: int) -> str:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return f"{pid} (gone)"
    if pid == root:
        return "server"
    for name in ("resource_tracker", "spawn_main"):
        if name in command:
            return "heavy-run process" if name == "spawn_main" else "resource tracker"
    return "worker"


def one_round(port: int, requests: dict, url: str) -> list[str]:
    statuses: list[str] = []

    def send(kind: str, path: str, body: bytes | None) -> None:
        for _ in range(10):
            _, status = timed(port, "POST" if body is not None else "GET", path, body, timeout=120)
            if status != 503:
                break
            time.sleep(RETRY_AFTER)
        statuses.append(f"{kind} {status}")

    jobs = [(kind, path, body) for kind, (path, body) in requests.items() for _ in range(2)]
    jobs += [("long URL", url, None)] * 8
    threads = [threading.Thread(target=send, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    return statuses


def soak(mode: str, rounds: int) -> None:
    port = free_port()
    server = start_server(mode, port)
    requests, url = heaviest_requests(), longest_url()
    totals = []
    try:
        print(f"\n== {mode}: {rounds} rounds on {os.cpu_count()} cores")
        for number in range(1, rounds + 1):
            statuses = one_round(port, requests, url)
            time.sleep(1)  # the answers sent, the processes settle
            pids = process_tree(server.pid)
            per_process = {f"{label(pid, server.pid)} {pid}": pss_bytes([pid]) / 2**20 for pid in pids}
            totals.append(sum(per_process.values()))
            answered = sorted({s for s in statuses})
            print(f"round {number}: total {totals[-1]:.0f} MB; load average {os.getloadavg()[0]:.1f}; {answered}")
            print("   " + ", ".join(f"{name}: {mb:.0f}" for name, mb in sorted(per_process.items())))
        if rounds > WARM_UP_ROUNDS:
            after = totals[WARM_UP_ROUNDS - 1 :]
            drift = (max(after) - after[0]) / after[0]
            verdict = "within" if drift <= TARGET_DRIFT else "OVER"
            print(
                f"after warm-up: {after[0]:.0f} → {after[-1]:.0f} MB, peak {max(after):.0f} MB (+{100 * drift:.1f} %)"
            )
            print(f"{verdict} the {100 * TARGET_DRIFT:.0f} % target")
    finally:
        stop_server(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--mode", choices=["single", "workers", "both"], default="both")
    parser.add_argument("--rounds", type=int, default=8)
    args = parser.parse_args()
    for mode in ["single", "workers"] if args.mode == "both" else [args.mode]:
        soak(mode, max(1, min(args.rounds, 50)))


if __name__ == "__main__":
    main()

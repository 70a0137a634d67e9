"""Admission control: a few heavy runs at a time, each in a low-priority process, so light ones never wait.

A heavy run holds a CPU core for up to about a second. Left alone, a handful of them in flight share
the cores with everyone else and a worksheet step that costs a millisecond waits seconds. So:

- heavy runs take one of HEAVY_SLOTS slots (one per core by default), wait at most HEAVY_WAIT_SECONDS
  for one, and are otherwise answered 503 with Retry-After: the client tries again shortly;
- a heavy run is computed in a separate process at a lower CPU priority (HEAVY_NICENESS). In the
  server's own process it would hold the GIL, and every light request of that process would wait
  for it; apart, it shares no lock with them, and the kernel gives the cores to light work first.
  The run's answer comes back as text, and the process gives its memory back after each run.

Light runs (at most limits.HEAVY_WORK_UNITS) skip all of this and run in the request's thread.
The processes are multiprocessing's, each a fresh interpreter (spawn): like any program that uses it,
a script that serves the app itself must start its server under `if __name__ == "__main__":`, since
each process imports the script's module; `python -m webapp`, gunicorn and `flask run` do. Each
watches its parent and exits once the server is gone, however it went (SIGKILL included).
Each server process has its own gate and processes: with several worker processes give each a share
of the cores (gunicorn.conf.py sets BACKPROP_HEAVY_SLOTS for that).
"""

import ctypes
import ctypes.util
import logging
import math
import multiprocessing
import multiprocessing.util
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager

from flask import Flask, current_app, request
from werkzeug.exceptions import ServiceUnavailable

from webapp.request import limits

EXTENSION = "admission"
# How often a heavy run's process looks whether the server that started it is still there.
PARENT_CHECK_SECONDS = 1.0
# A request or an answer larger than this leaves the server's own heap trimmed once it is done.
LARGE_BYTES = 64 * 1024


def _busy(retry_after: int, message: str) -> ServiceUnavailable:
    return ServiceUnavailable(message, retry_after=retry_after)


class Gate:
    """At most `slots` holders at once; a newcomer waits up to `wait_seconds` for a slot, if no more than
    `slots` others are waiting already (else it is refused at once): heavy runs never hold more than
    twice `slots` of a server's request threads, so light requests always find one."""

    def __init__(self, slots: int, wait_seconds: float):
        if slots < 1:
            raise ValueError("a gate needs at least one slot")
        self.slots = slots
        self.wait_seconds = wait_seconds
        self._free = threading.BoundedSemaphore(slots)
        self._admitted = threading.BoundedSemaphore(2 * slots)  # holding a slot or waiting for one

    @property
    def retry_after(self) -> int:
        return max(1, math.ceil(self.wait_seconds))

    @contextmanager
    def slot(self) -> Iterator[None]:
        busy = "The server is busy with other large runs; try again in a few seconds."
        if not self._admitted.acquire(blocking=False):
            raise _busy(self.retry_after, busy)
        try:
            if not self._free.acquire(timeout=self.wait_seconds):
                raise _busy(self.retry_after, busy)
            try:
                yield
            finally:
                self._free.release()
        finally:
            self._admitted.release()


def _start_heavy_process(niceness: int) -> None:
    if niceness and hasattr(os, "nice"):
        os.nice(niceness)
    exit_with_parent()


def exit_with_parent() -> None:
    """End this process, in a moment, once its parent has exited, however it went (SIGKILL included)."""
    threading.Thread(target=_watch_parent, args=(os.getppid(),), name="parent-watch", daemon=True).start()


def _watch_parent(parent: int) -> None:
    """End this process once its parent, the server, has exited (it is then adopted by another)."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)


def _pid_after(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def _run_heavy(function: Callable, args: tuple):
    try:
        return function(*args)
    finally:
        give_memory_back()


class HeavyProcesses:
    """A pool of `size` processes, started on the first heavy run, that compute at a lower priority.

    If they cannot start at all (a host program whose main module cannot be imported again, say:
    `python - < script`), heavy runs are computed in the request's thread instead, as without this
    pool, and the server says so once in its log: slower for light requests, never an error.
    """

    def __init__(self, size: int, niceness: int):
        self.size = size
        self.niceness = niceness
        self.unavailable = False
        self._started = False  # whether any process has ever finished a task
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                # A fresh interpreter, not a fork of this one: forking a process whose other threads may
                # hold locks (the server's) can leave the child stuck. Its parent is the server itself.
                context = multiprocessing.get_context("spawn")
                self._pool = ProcessPoolExecutor(
                    self.size, mp_context=context, initializer=_start_heavy_process, initargs=(self.niceness,)
                )
                # Stopped as the server's process exits, before multiprocessing waits for its children
                # (a server worker that is itself a multiprocessing process would otherwise wait for ever),
                multiprocessing.util.Finalize(self, self.shutdown, exitpriority=100)  # before its queues close
            return self._pool

    def start(self) -> None:
        """Start every process now (a server about to serve), so the first heavy run does not wait for
        them and the server's memory is what it will stay at from the first request on."""
        try:
            self.run(os.getpid)
            if self.unavailable:
                return
            # The pool starts a process only when none is idle: tasks that last a moment keep each
            # busy while the next is submitted, until every one of them has started and answered.
            pool, started, deadline = self._executor(), set(), time.monotonic() + 60
            while len(started) < self.size and time.monotonic() < deadline:
                started |= {done.result() for done in [pool.submit(_pid_after, 0.25) for _ in range(self.size)]}
        except ServiceUnavailable:
            pass  # lost while starting: the next heavy run starts a fresh pool

    def run(self, function: Callable, *args):
        """function(*args) in one of the processes; `function` and `args` must pickle (module-level)."""
        if self.unavailable:
            return _run_heavy(function, args)
        pool = self._executor()
        try:
            result = pool.submit(_run_heavy, function, args).result()
        except BrokenProcessPool:
            with self._lock:
                if self._pool is pool:
                    self._pool = None
                self.unavailable = not self._started
            pool.shutdown(wait=False, cancel_futures=True)
            if self.unavailable:
                logging.getLogger(__name__).warning(
                    "heavy runs are computed in request threads: their processes could not start "
                    "(can the main module be imported again, as multiprocessing needs?)"
                )
                return _run_heavy(function, args)
            # A process died mid-run (killed for memory, say): the next heavy run gets a fresh pool.
            raise _busy(1, "The server lost the process computing this run; try again.") from None
        self._started = True
        return result

    def shutdown(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._pool = None


def init_app(app: Flask) -> None:
    app.config.setdefault("HEAVY_WORK_UNITS", limits.HEAVY_WORK_UNITS)
    app.config.setdefault("HEAVY_SLOTS", os.cpu_count() or 1)
    app.config.setdefault("HEAVY_WAIT_SECONDS", 2.0)
    # False computes heavy runs in the request's thread, as light ones (the gate still applies).
    app.config.setdefault("HEAVY_PROCESSES", True)
    app.config.setdefault("HEAVY_NICENESS", 10)
    slots = int(app.config["HEAVY_SLOTS"])
    app.extensions[EXTENSION] = Gate(slots, float(app.config["HEAVY_WAIT_SECONDS"]))

    @app.after_request
    def trim_after_large(response):
        """The server's own process gives back what a large request or answer took, once it is sent."""
        if max(request.content_length or 0, response.content_length or 0) > LARGE_BYTES:
            response.call_on_close(give_memory_back)
        return response

    if app.config["HEAVY_PROCESSES"]:
        app.extensions["heavy_processes"] = HeavyProcesses(slots, int(app.config["HEAVY_NICENESS"]))


def start_processes(app: Flask) -> None:
    """Start the heavy-run processes of a server's app, if it computes heavy runs apart."""
    processes: HeavyProcesses | None = app.extensions.get("heavy_processes")
    if processes is not None:
        processes.start()


def is_heavy(units: int) -> bool:
    return units > current_app.config["HEAVY_WORK_UNITS"]


def compute(units: int, function: Callable, *args):
    """function(*args): at once in this thread if the work is light, else once a heavy slot is free (503
    if none frees in time), in a low-priority process unless HEAVY_PROCESSES is off."""
    if not is_heavy(units):
        return function(*args)
    processes: HeavyProcesses | None = current_app.extensions.get("heavy_processes")
    with current_app.extensions[EXTENSION].slot():
        if processes is not None:
            return processes.run(function, *args)
        return _run_heavy(function, args)


def _malloc_trim():
    """glibc's malloc_trim, or None where the C library is another (musl, macOS, Windows)."""
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        return None


_MALLOC_TRIM = _malloc_trim()


def give_memory_back() -> bool:
    """Hand freed heap pages back to the system after a heavy run, so the process shrinks again.

    glibc keeps freed memory for reuse, and after a run's large numpy arrays it keeps a lot (its mmap
    threshold rises with each large free, so later arrays land on the heap). Trimming costs a
    millisecond or so, little next to a heavy run. False where the C library has no malloc_trim.
    """
    if _MALLOC_TRIM is None:
        return False
    _MALLOC_TRIM(0)
    return True

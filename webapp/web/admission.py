"""Admission control: a few heavy runs at a time, so light ones never wait behind them.

A heavy run holds a CPU core for up to about a second. Left alone, a handful of them in flight share
the cores with everyone else and a worksheet step that costs a millisecond waits seconds. So heavy
runs take one of HEAVY_SLOTS slots (one per core by default), wait at most HEAVY_WAIT_SECONDS for
one, and are otherwise answered 503 with Retry-After: the client tries again shortly, the server
stays responsive. Light runs (at most limits.HEAVY_WORK_UNITS) skip the gate altogether.

Each process has its own gate: with several worker processes give each a share of the cores
(gunicorn.conf.py sets BACKPROP_HEAVY_SLOTS for that).
"""

import ctypes
import ctypes.util
import math
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app
from werkzeug.exceptions import ServiceUnavailable

from webapp.request import limits

EXTENSION = "admission"


class Gate:
    """At most `slots` holders at once; a newcomer waits up to `wait_seconds` for a slot."""

    def __init__(self, slots: int, wait_seconds: float):
        if slots < 1:
            raise ValueError("a gate needs at least one slot")
        self.slots = slots
        self.wait_seconds = wait_seconds
        self._free = threading.BoundedSemaphore(slots)

    @contextmanager
    def slot(self) -> Iterator[None]:
        if not self._free.acquire(timeout=self.wait_seconds):
            retry_after = max(1, math.ceil(self.wait_seconds))
            raise ServiceUnavailable(
                "The server is busy with other large runs; try again in a few seconds.", retry_after=retry_after
            )
        try:
            yield
        finally:
            self._free.release()


def init_app(app: Flask) -> None:
    app.config.setdefault("HEAVY_WORK_UNITS", limits.HEAVY_WORK_UNITS)
    app.config.setdefault("HEAVY_SLOTS", os.cpu_count() or 1)
    app.config.setdefault("HEAVY_WAIT_SECONDS", 2.0)
    app.extensions[EXTENSION] = Gate(int(app.config["HEAVY_SLOTS"]), float(app.config["HEAVY_WAIT_SECONDS"]))


def is_heavy(units: int) -> bool:
    return units > current_app.config["HEAVY_WORK_UNITS"]


@contextmanager
def admitted(units: int) -> Iterator[None]:
    """Run the body now if the work is light, else once a heavy slot is free (503 if none frees in time)."""
    if not is_heavy(units):
        yield
        return
    with current_app.extensions[EXTENSION].slot():
        yield
    give_memory_back()


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

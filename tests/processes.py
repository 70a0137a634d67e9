"""The process tree, read from Linux's /proc, for tests of servers that start processes of their own."""

import os

HAS_PROC = os.path.exists("/proc/self/task")


def descendants(pid: int) -> set[int]:
    """Every process below `pid`."""
    found, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except FileNotFoundError:
            continue  # it has just exited
        for task in tasks:
            try:
                with open(f"/proc/{parent}/task/{task}/children") as listing:
                    kids = {int(child) for child in listing.read().split()}
            except FileNotFoundError:
                continue
            todo += kids - found
            found |= kids
    return found


def niceness(pid: int) -> int | None:
    try:
        return os.getpriority(os.PRIO_PROCESS, pid)
    except ProcessLookupError:
        return None

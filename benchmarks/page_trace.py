"""What the page's long tasks are made of: `python -m benchmarks.page_trace`.

Records a Chromium trace (CDP Tracing, the DevTools timeline's categories) of loading `/` on the desktop
(1440 × 900) and on the phone (390 × 844, CPU slowed 4× through CDP Emulation.setCPUThrottlingRate), until
every request is answered and drawn, and of Train 20 then Train 10 000 on the desktop with the chart and
the cost surface in view, and prints each main-thread task
over 50 ms with its time split by what ran: HTML parse, style, layout, paint, each script's compile and
evaluation, timers, frames. Figures are shares of one task, so they hold on a busy machine; the load
average is printed beside them. It asserts nothing and exits 0.
"""

import json
import os
import tempfile
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

from benchmarks.page_perf import (
    DESKTOP,
    PHONE,
    SCROLL_TO_CHART,
    SURFACE_DRAWN,
    WATCH_PAGE,
    load_average,
    settle,
    start_server,
    warm_up_server,
)
from tests.e2e import chromium_launch_options

LONG_TASK_MS = 50
CATEGORIES = "devtools.timeline,disabled-by-default-devtools.timeline,v8.execute,v8,blink.user_timing,loading"
TASK_NAMES = {"RunTask", "ThreadControllerImpl::RunTask", "ThreadPool_RunTask"}
# Trace event names, in words.
KINDS = {
    "ParseHTML": "HTML parse",
    "UpdateLayoutTree": "style",
    "Layout": "layout",
    "PrePaint": "paint",
    "Paint": "paint",
    "Layerize": "paint",
    "UpdateLayer": "paint",
    "CompositeLayers": "paint",
    "HitTest": "hit test",
    "v8.compile": "compile",
    "v8.compileModule": "compile",
    "V8.CompileCode": "compile",
    "v8.parseOnBackground": "compile",
    "v8.evaluateModule": "module evaluation",
    "EvaluateScript": "script evaluation",
    "FunctionCall": "script",
    "TimerFire": "script",
    "FireAnimationFrame": "script",
    "EventDispatch": "script",
    "v8.run": "script",
    "MajorGC": "garbage collection",
    "MinorGC": "garbage collection",
    "V8.GC_MARK_COMPACTOR": "garbage collection",
    "ScheduleStyleRecalculation": "style",
}


def script_of(event: dict) -> str:
    """The file (and function or event) a script event ran, short ('' when the trace does not say)."""
    data = event.get("args", {}).get("data", {}) or {}
    url = data.get("url") or data.get("fileName") or event.get("args", {}).get("fileName") or ""
    name = Path(urlsplit(url).path).name if url else ""
    what = data.get("functionName") or data.get("type") or ""
    return f"{name} {what}".strip()


def main_threads(events: list[dict]) -> set[tuple[int, int]]:
    """(pid, tid) of every renderer main thread (the page may move to a new renderer as it navigates)."""
    return {
        (e["pid"], e["tid"])
        for e in events
        if e.get("name") == "thread_name" and e["args"].get("name") == "CrRendererMain"
    }


def long_tasks(spans: list[dict]) -> list[tuple[dict, list[dict]]]:
    """The tasks over LONG_TASK_MS among one thread's spans (sorted by start), each with the events inside it."""
    tasks = []
    i = 0
    while i < len(spans):
        task = spans[i]
        end = task["ts"] + task["dur"]
        j = i + 1
        while j < len(spans) and spans[j]["ts"] < end:
            j += 1
        if task["name"] in TASK_NAMES and task["dur"] >= LONG_TASK_MS * 1000:
            tasks.append((task, spans[i + 1 : j]))
        i = j if task["name"] in TASK_NAMES else i + 1
    return tasks


def breakdown(events: list[dict]) -> list[tuple[float, float, dict[str, float]]]:
    """Each long task on the main thread: (start ms, duration ms, self time ms by kind)."""
    threads = main_threads(events)
    start = min(e["ts"] for e in events if e.get("ph") == "X" and e.get("ts"))
    tasks = []
    for thread in threads:
        spans = sorted(
            (e for e in events if (e.get("pid"), e.get("tid")) == thread and e.get("ph") == "X" and "dur" in e),
            key=lambda e: (e["ts"], -e["dur"]),
        )
        tasks += long_tasks(spans)
    tasks.sort(key=lambda pair: pair[0]["ts"])
    result = []
    for task, inside in tasks:
        shares: dict[str, float] = defaultdict(float)
        # Self time: each event's duration less its children's, charged to the innermost named kind.
        stack: list[tuple[dict, str]] = []
        children_time: dict[int, float] = defaultdict(float)
        labelled = []
        for event in inside:
            while stack and stack[-1][0]["ts"] + stack[-1][0]["dur"] <= event["ts"]:
                stack.pop()
            kind = KINDS.get(event["name"])
            if kind:
                name = script_of(event)
                if kind in {"compile", "script evaluation", "module evaluation", "script"} and name:
                    kind = f"{kind} {name}"
            elif stack:
                kind = stack[-1][1]
            else:
                kind = "other"
            if stack:
                children_time[id(stack[-1][0])] += event["dur"]
            stack.append((event, kind))
            labelled.append((event, kind))
        covered = 0.0
        for event, kind in labelled:
            own = event["dur"] - children_time[id(event)]
            shares[kind] += max(own, 0) / 1000
        top_level = sum(
            e["dur"]
            for e in inside
            if not any(
                o is not e and o["ts"] <= e["ts"] and o["ts"] + o["dur"] >= e["ts"] + e["dur"] and o["dur"] > e["dur"]
                for o in inside
            )
        )
        covered = top_level / 1000
        shares["task overhead (no event)"] += max(task["dur"] / 1000 - covered, 0)
        result.append(((task["ts"] - start) / 1000, task["dur"] / 1000, dict(shares)))
    return result


def trace_load(browser, base_url: str, profile: dict, label: str) -> None:
    """Load `/` at `profile`, trace it until every request is answered and drawn, print the long tasks."""
    context = browser.new_context(viewport=profile["viewport"])
    context.add_init_script(WATCH_PAGE)
    page = context.new_page()
    if profile["cpu"] > 1:
        context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": profile["cpu"]})
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "trace.json"
        browser.start_tracing(page=page, path=str(path), categories=CATEGORIES.split(","))
        page.goto(base_url + "/")
        settle(page)
        browser.stop_tracing()
        events = json.loads(path.read_text())["traceEvents"]
    context.close()
    print_tasks(f"{label}: loading /", events)


def print_tasks(label: str, events: list[dict]) -> None:
    """Each main-thread task over LONG_TASK_MS in `events`, split by what ran."""
    print(f"\n== {label}: tasks over {LONG_TASK_MS} ms (load average {load_average()}) ==")
    for start, duration, shares in breakdown(events):
        print(f"  task at {start:7.0f} ms from the trace's start: {duration:6.0f} ms")
        for kind, ms in sorted(shares.items(), key=lambda item: -item[1]):
            if ms >= 2:
                print(f"      {ms:6.0f} ms  {100 * ms / duration:3.0f} %  {kind}")


def trace_train(browser, base_url: str) -> None:
    """On the desktop, with the chart and the surface drawn, trace Train 20 then Train 10 000 and print the long tasks."""
    context = browser.new_context(viewport=DESKTOP["viewport"])
    context.add_init_script(WATCH_PAGE)
    page = context.new_page()
    page.goto(base_url + "/?animate=0")
    page.evaluate(SCROLL_TO_CHART)
    page.wait_for_function(SURFACE_DRAWN, timeout=60_000)
    settle(page)
    for epochs in (20, 10_000):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "trace.json"
            browser.start_tracing(page=page, path=str(path), categories=CATEGORIES.split(","))
            page.get_by_label("Epochs to train", exact=True).fill(str(epochs))
            before = page.evaluate("() => performance.now()")
            page.get_by_role("button", name="Train", exact=True).click()
            settle(page, before)
            browser.stop_tracing()
            events = json.loads(path.read_text())["traceEvents"]
        print_tasks(f"desktop: Train {epochs:,}", events)
    context.close()


def main() -> int:
    server, base_url = start_server()
    warm_up_server(base_url)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(**chromium_launch_options())
            trace_load(browser, base_url, DESKTOP, "desktop 1440 × 900")
            trace_load(browser, base_url, PHONE, "phone 390 × 844, CPU 4× slower")
            trace_train(browser, base_url)
            browser.close()
    finally:
        server.close()
    print(f"\nLoad average (1, 5, 15 min) at the end: {load_average()} on {os.cpu_count()} cores.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

import inspect
import os
import re

import pytest
from hypothesis import settings

from webapp import create_app

# How many examples each property test explores comes from one profile, never from the test.
# "ci" (the default) explores the same examples every run, so a landing never hangs on a lucky draw;
# "dev" draws new ones each run (and replays any failure from .hypothesis/); "thorough" explores ten
# times as many, for a change to the engine or the checker. Choose with HYPOTHESIS_PROFILE=<name>.
settings.register_profile("ci", max_examples=60, deadline=None, derandomize=True, print_blob=True)
settings.register_profile("dev", max_examples=60, deadline=None)
settings.register_profile("thorough", max_examples=600, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Tests that start servers or other processes of their own (sockets, signals, a pip install):
# `pytest -m server` runs them alone, `-m "not server"` leaves them out.
SERVER_MODULES = {"test_server.py", "test_install.py", "test_admission.py"}
# Browser tests that look at the chart or the cost surface get the real plotly.js; every other
# browser test gets a stand-in that never loads (tests/e2e/conftest.py). Whole files, tests marked
# `chart`, and any test whose code (or a helper of its module it calls) reaches for a chart's element,
# Plotly's objects or a page that shows the chart: a test that needs the chart and is not found
# here fails (it waits for a chart that never comes), it never passes without it.
CHART_MODULES = {"test_chart.py", "test_landscape.py"}
CHART_WORDS = re.compile(r"cost-chart|landscape|js-plotly|main-svg|Plotly\.|view=[\w,]*chart")


def _source(function, depth: int = 2) -> str:
    """The code of `function` and of the functions of its module it calls, `depth` calls deep."""
    try:
        text = inspect.getsource(function)
    except (OSError, TypeError):
        return ""
    if depth:
        module = inspect.getmodule(function)
        for name in function.__code__.co_names:
            helper = getattr(module, name, None)
            if inspect.isfunction(helper) and helper.__module__ == function.__module__ and helper is not function:
                text += _source(helper, depth - 1)
    return text


def _looks_at_the_chart(item: pytest.Item) -> bool:
    if item.path.name in CHART_MODULES or item.get_closest_marker("chart"):
        return True
    function = getattr(item, "function", None)
    return bool(function and CHART_WORDS.search(_source(function)))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.name in SERVER_MODULES:
            item.add_marker(pytest.mark.server)
        if "e2e" in item.path.parts and _looks_at_the_chart(item):
            item.add_marker(pytest.mark.chart)

    # xdist hands tests out in this order, so the order decides how the workers finish: the tests that
    # run servers and processes first (the longest), then the unit tests (a few hypothesis tests run
    # for many seconds), then the browser tests, those with the chart first: many, each a few
    # seconds, they fill the gaps so both workers finish together instead of one running a long test
    # alone at the end.
    def weight(item: pytest.Item) -> int:
        if item.get_closest_marker("server"):
            return 0
        if "e2e" not in item.path.parts:
            return 1
        return 2 if item.get_closest_marker("chart") else 3

    items.sort(key=weight)


@pytest.fixture
def app():
    return create_app({"TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()

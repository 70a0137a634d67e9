"""gunicorn settings for one machine serving a class: `gunicorn -c gunicorn.conf.py` (see docs/serving.md).

Every value can be overridden on the command line, e.g. `--bind 0.0.0.0:8000 --workers 4`.
"""

import os

from gevent import monkey

# gevent's workers: every connection is a greenlet (a few kilobytes, no thread), so thousands of idle or
# slow ones cost little. Patched here, before the app is preloaded, so that its locks and the heavy-run
# processes' pipes are gevent's too and a worker waiting on one keeps serving its other connections.
monkey.patch_all()

from webapp.request.limits import MAX_QUERY_BYTES  # noqa: E402

wsgi_app = "webapp:create_app()"
bind = ["127.0.0.1:8000"]

# One process per core: a run holds the GIL, so threads alone cannot use a second core.
workers = os.cpu_count() or 1
worker_class = "gevent"
# Open connections per worker, most of them idle keep-alives between a student's clicks.
worker_connections = 10_000
# Seconds a connection may take to send a request's line and headers, and may idle between requests
# (gevent's workers time the whole head with this): slow-header sockets are closed after it.
keepalive = 10
# The request line and each header may be longer than the app's own query limit (the page's permalinks
# go up to it), so the app refuses a longer one itself, with its own headers. gunicorn caps a set
# request-line limit at 8 190 bytes; 0 lifts it, and the head must still arrive within `keepalive`.
limit_request_line = 0
limit_request_field_size = MAX_QUERY_BYTES + 8192

# The app's own work budget bounds a run to about a second; a worker silent this long is stuck.
timeout = 30
graceful_timeout = 20

# Each worker is replaced after this many requests (give or take the jitter, so they don't all
# restart at once): whatever memory a process kept from its heaviest runs goes back to the system.
# A class sends a worker some 50 requests a second, so that is every few minutes: often enough for
# memory, rare enough that the keep-alive connections a restart closes hardly matter.
max_requests = 20_000
max_requests_jitter = 2_000

# The app (numpy, plotly, the cost chart's template) is loaded once, before the workers fork: they
# start at once and share those pages.
preload_app = True

# Heavy runs take one of a few slots per process (webapp.web.admission); share the cores among workers,
# so that at most about one heavy run per core is in flight on the machine.
os.environ.setdefault("BACKPROP_HEAVY_SLOTS", str(max(1, (os.cpu_count() or 1) // workers)))


def on_starting(server):
    """Build the cost chart's template before forking, so no worker's first visitor waits for it."""
    from webapp.presentation.charts import figure_json

    figure_json()


def post_worker_init(worker):
    """Start the worker's heavy-run processes (webapp.web.admission) before it takes requests."""
    from webapp.web import admission

    admission.start_processes(worker.wsgi)

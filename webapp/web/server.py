"""The server behind `python -m webapp` and `backprop-visualizer`: granian, set up for a class on a LAN.

granian (Rust, wheels for Linux, macOS and Windows) holds every connection in its event loop, where an
idle or slow one costs a few kilobytes and no thread, and closes any connection that has not sent a
whole request head within `--header-timeout` seconds: slow-header sockets (slowloris) and idle
keep-alives go, while the app's requests are computed by `--threads` threads. The app's settings
travel to granian's worker process in the environment (BACKPROP_*), as gunicorn's do.
"""

import argparse
import os
from dataclasses import dataclass

from webapp.request.limits import MAX_QUERY_BYTES
from webapp.web.mounting import url_prefix


@dataclass(frozen=True)
class ServerSettings:
    host: str = "127.0.0.1"
    port: int = 8000
    # Threads answer requests; runs are short (heavy ones queue in webapp.web.admission), so a few per
    # core keep light requests flowing while others wait.
    threads: int = 8
    # Open connections at once: a browser keeps up to six per site, idle between clicks; thousands cost
    # granian little, and past this many new ones wait in the listen queue.
    connection_limit: int = 10_000
    # Seconds a connection may take to send a request's head (and may stay idle between requests).
    header_timeout: int = 10
    # Serve everything under this path, e.g. /backprop, for a site that mounts the app there.
    url_prefix: str = ""
    # Reverse proxies in front whose X-Forwarded-For/Proto/Host/Prefix headers are believed.
    trust_proxy: int = 0
    # The address students use (https://host/path): links to the app are built from it, never from Host.
    public_url: str = ""


def parse_args(argv: list[str] | None = None) -> ServerSettings:
    defaults = ServerSettings()
    parser = argparse.ArgumentParser(prog="backprop-visualizer", description="Serve Backprop Visualizer.")
    parser.add_argument("--host", default=defaults.host, help="address to listen on (default: %(default)s)")
    parser.add_argument("--port", type=int, default=defaults.port, help="port (default: %(default)s)")
    parser.add_argument("--threads", type=int, default=defaults.threads, help="request threads (default: %(default)s)")
    parser.add_argument(
        "--connection-limit",
        type=int,
        default=defaults.connection_limit,
        help="open connections at most (default: %(default)s)",
    )
    parser.add_argument(
        "--header-timeout",
        type=int,
        default=defaults.header_timeout,
        help="seconds a connection may take to send a request's headers, or idle (default: %(default)s, at most 60)",
    )
    parser.add_argument(
        "--url-prefix",
        default=defaults.url_prefix,
        help="serve everything under this path, e.g. /backprop (default: the site's root)",
    )
    parser.add_argument(
        "--trust-proxy",
        type=int,
        default=defaults.trust_proxy,
        help="reverse proxies in front whose X-Forwarded-* headers (Prefix included) to honour (default: %(default)s)",
    )
    parser.add_argument(
        "--public-url",
        default=defaults.public_url,
        help="the address students use, e.g. https://school.example/backprop, for the links the app gives out",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.header_timeout <= 60:
        parser.error("--header-timeout: from 1 to 60 seconds")
    try:
        prefix = url_prefix(args.url_prefix)
    except ValueError as exc:
        parser.error(str(exc))
    return ServerSettings(
        args.host,
        args.port,
        args.threads,
        args.connection_limit,
        args.header_timeout,
        prefix,
        args.trust_proxy,
        args.public_url,
    )


def app_config(settings: ServerSettings) -> dict:
    """The app settings the command line sets; left out when not given, so the environment's apply."""
    config = {}
    if settings.url_prefix:
        config["URL_PREFIX"] = settings.url_prefix
    if settings.trust_proxy:
        config["TRUST_PROXY"] = settings.trust_proxy
    if settings.public_url:
        config["PUBLIC_URL"] = settings.public_url
    return config


def serving_app():
    """The app as a server's worker process serves it: its heavy-run processes started, the chart built."""
    from webapp import create_app
    from webapp.presentation.charts import figure_json
    from webapp.web import admission

    app = create_app()
    figure_json()  # built once, before the first visitor waits for it
    admission.start_processes(app)
    admission.exit_with_parent()  # granian's worker outlives a killed granian otherwise
    return app


def main(argv: list[str] | None = None) -> None:
    from granian import Granian
    from granian.constants import HTTPModes, Interfaces
    from granian.http import HTTP1Settings

    settings = parse_args(argv)
    for key, value in app_config(settings).items():
        os.environ[f"BACKPROP_{key}"] = str(value)
    create_app_check()
    _allow_open_files(settings.connection_limit + 100)
    prefix = settings.url_prefix or os.environ.get("BACKPROP_URL_PREFIX", "")
    print(f"Backprop Visualizer on http://{settings.host}:{settings.port}{prefix}/", flush=True)
    Granian(
        "webapp.web.server:serving_app",
        factory=True,
        interface=Interfaces.WSGI,
        address=settings.host,
        port=settings.port,
        workers=1,
        blocking_threads=settings.threads,
        # granian's backpressure counts accepted connections, busy or idle.
        backpressure=settings.connection_limit,
        backlog=min(4096, settings.connection_limit),
        http=HTTPModes.http1,
        websockets=False,
        # A head may be longer than the app's own query limit, so that the app refuses a longer one itself.
        http1_settings=HTTP1Settings(
            header_read_timeout=settings.header_timeout * 1000, max_buffer_size=MAX_QUERY_BYTES + 64 * 1024
        ),
        log_access=False,
        workers_kill_timeout=5,
    ).serve()


def create_app_check() -> None:
    """Build the app once in this process, so a wrong setting stops the command with its message."""
    from webapp import create_app

    create_app()


def _allow_open_files(wanted: int) -> None:
    """Raise the open-file limit towards `wanted` (one descriptor a connection), within the hard limit."""
    try:
        import resource
    except ImportError:  # Windows: no such limit
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))

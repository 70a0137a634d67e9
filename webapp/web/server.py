"""The server behind `python -m webapp` and `backprop-visualizer`: granian, set up for a class on a LAN.

granian (Rust, wheels for Linux, macOS and Windows) holds every connection in its event loop, where an
idle or slow one costs a few kilobytes and no thread, and closes any connection that has not sent a
whole request head within `--header-timeout` seconds: slow-header sockets (slowloris) and idle
keep-alives go, while the app's requests are computed by `--threads` threads. The app's settings
travel to granian's worker process in the environment (BACKPROP_*), as gunicorn's do.
"""

import argparse
import os
from dataclasses import dataclass, field, fields, replace

from webapp.request.limits import MAX_QUERY_BYTES
from webapp.web.mounting import public_origin, url_prefix


def _option(default, text: str):
    return field(default=default, metadata={"help": text})


@dataclass(frozen=True)
class ServerSettings:
    host: str = _option("127.0.0.1", "address to listen on; 0.0.0.0 to be reachable from other machines")
    port: int = _option(8000, "port")
    # Runs are short (heavy ones queue in webapp.web.admission): a few threads a core keep light ones flowing.
    threads: int = _option(8, "threads that run the app")
    # A browser keeps up to six connections per site, idle between clicks: thousands cost granian little.
    connection_limit: int = _option(10_000, "open connections at most; more wait in the listen queue")
    header_timeout: int = _option(10, "seconds a connection may take to send a request's head, or idle (1 to 60)")
    url_prefix: str = _option("", "serve everything under this path, e.g. /backprop")
    trust_proxy: int = _option(0, "reverse proxies in front whose X-Forwarded-* headers (Prefix included) to honour")
    public_url: str = _option("", "the address students use, e.g. https://school.example: links are built from it")


def parse_args(argv: list[str] | None = None) -> ServerSettings:
    parser = argparse.ArgumentParser(prog="backprop-visualizer", description="Serve Backprop Visualizer.")
    for option in fields(ServerSettings):
        name = "--" + option.name.replace("_", "-")
        help_text = option.metadata["help"] + " (default: %(default)s)"
        parser.add_argument(name, type=type(option.default), default=option.default, help=help_text)
    settings = ServerSettings(**vars(parser.parse_args(argv)))
    if not 1 <= settings.header_timeout <= 60:
        parser.error("--header-timeout: from 1 to 60 seconds")
    try:
        public_origin(settings.public_url)
        return replace(settings, url_prefix=url_prefix(settings.url_prefix))
    except ValueError as exc:
        parser.error(str(exc))


def app_config(settings: ServerSettings) -> dict:
    """The app settings the command line sets; left out when not given, so the environment's apply."""
    given = {"URL_PREFIX": settings.url_prefix, "TRUST_PROXY": settings.trust_proxy, "PUBLIC_URL": settings.public_url}
    return {key: value for key, value in given.items() if value}


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

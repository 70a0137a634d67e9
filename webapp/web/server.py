"""The single-process server behind `python -m webapp`: waitress, set up for a class rather than one user.

waitress's own defaults suit one developer: 100 connections at most and two minutes before an idle
one is dropped, so a hundred idle browser tabs lock everyone else out. A class of a few hundred
students keeps several keep-alive connections each, most of them idle most of the time.
"""

import argparse
import resource
from dataclasses import dataclass

from waitress.server import create_server

from webapp import create_app
from webapp.request.limits import MAX_BODY_BYTES
from webapp.web import admission
from webapp.web.mounting import url_prefix


@dataclass(frozen=True)
class ServerSettings:
    host: str = "127.0.0.1"
    port: int = 8000
    # Threads answer requests; runs are short (heavy ones queue in webapp.web.admission), so a few per
    # core keep light requests flowing while others wait on slow clients.
    threads: int = 8
    # Open connections at once: a browser keeps up to six per site, idle between clicks.
    connection_limit: int = 2000
    # Seconds before an idle connection is closed (keep-alive between a student's clicks).
    channel_timeout: int = 20
    # Serve everything under this path, e.g. /backprop, for a site that mounts the app there.
    url_prefix: str = ""
    # Reverse proxies in front whose X-Forwarded-For/Proto/Host/Prefix headers are believed.
    trust_proxy: int = 0


def build_server(app, settings: ServerSettings):
    """A waitress server for `app`, bound but not yet running: `.run()` serves, `.close()` stops listening."""
    _allow_open_files(settings.connection_limit + 100)
    return create_server(
        app,
        host=settings.host,
        port=settings.port,
        threads=settings.threads,
        connection_limit=settings.connection_limit,
        channel_timeout=settings.channel_timeout,
        # Idle connections are looked for this often; waitress's 30 s would let them overstay.
        cleanup_interval=max(1, min(10, settings.channel_timeout // 2)),
        # select() stops at 1024 descriptors; poll() has no such ceiling.
        asyncore_use_poll=True,
        # waitress reads a whole body before the app sees it: refuse an oversized one from its
        # Content-Length (or, chunked, as soon as it grows past the limit) instead of spooling it.
        max_request_body_size=MAX_BODY_BYTES + 1,
        ident="backprop-visualizer",
    )


def _allow_open_files(wanted: int) -> None:
    """Raise this process's open-file limit towards `wanted` (one descriptor a connection), within the hard limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def parse_args(argv: list[str] | None = None) -> ServerSettings:
    defaults = ServerSettings()
    parser = argparse.ArgumentParser(prog="python -m webapp", description="Serve Backprop Visualizer.")
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
        "--channel-timeout",
        type=int,
        default=defaults.channel_timeout,
        help="seconds before an idle connection is closed (default: %(default)s)",
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
    args = parser.parse_args(argv)
    try:
        prefix = url_prefix(args.url_prefix)
    except ValueError as exc:
        parser.error(str(exc))
    return ServerSettings(
        args.host, args.port, args.threads, args.connection_limit, args.channel_timeout, prefix, args.trust_proxy
    )


def app_config(settings: ServerSettings) -> dict:
    """The app settings the command line sets; left out when not given, so the environment's apply."""
    config = {}
    if settings.url_prefix:
        config["URL_PREFIX"] = settings.url_prefix
    if settings.trust_proxy:
        config["TRUST_PROXY"] = settings.trust_proxy
    return config


def main(argv: list[str] | None = None) -> None:
    from webapp.presentation.charts import figure_json

    settings = parse_args(argv)
    app = create_app(app_config(settings) or None)
    figure_json()  # built once, before the first visitor waits for it
    admission.start_processes(app)
    server = build_server(app, settings)
    prefix = app.config.get("URL_PREFIX") or ""
    print(f"Backprop Visualizer on http://{settings.host}:{server.effective_port}{prefix}/", flush=True)
    try:
        server.run()
    finally:
        server.close()

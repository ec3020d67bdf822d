"""`curator serve`: browse the database with Datasette, read-only.

What is served is a published copy (see ``db.datasette.publish``): checkpointed,
without crawl internals (HTTP cache and ETags, embeddings, crawl state), opened
by Datasette in immutable mode. The working database is never written to by
the server. ``--publish FILE`` writes that copy and exits, for hosting it
elsewhere.
"""
from __future__ import annotations

import ipaddress
import signal
import tempfile
from pathlib import Path

import click

from curator.app import App, pass_app
from catalogue.errors import BadInput, RunFailed


@click.command(short_help="Serve the database with Datasette, read-only.")
@click.option("--port", type=click.IntRange(0, 65535), default=8001, show_default=True,
              help="Port to listen on (0 picks a free one).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 exposes it to the network.")
@click.option("--publish", "publish_to", type=click.Path(dir_okay=False), default=None,
              help="Write the servable copy (no crawl internals) to FILE and exit.")
@pass_app
def serve(app: App, port: int, host: str, publish_to: str | None) -> None:
    """Serve the database with Datasette, read-only, on http://HOST:PORT/."""
    source = Path(app.db_path)
    if not source.is_file():
        raise BadInput(f"no database at {source}: run `curator import-list` or `curator demo` first")
    _check_host(host)
    from db.datasette import PublishError, publish

    if publish_to:
        try:
            publish(app.db, publish_to)
        except PublishError as exc:
            raise RunFailed(str(exc)) from exc
        app.echo(f"published {publish_to}")
        return
    with tempfile.TemporaryDirectory(prefix="curator-serve-") as tmp:
        try:
            served = publish(app.db, Path(tmp) / "curator.db")
        except PublishError as exc:
            raise RunFailed(str(exc)) from exc
        app.note(f"serving a read-only copy of {source} at http://{_url_host(host)}:{port}/ (Ctrl-C stops)")
        _run_datasette(served, host, port, app.config["list"]["repo"], app.verbose)


def _check_host(host: str) -> None:
    if host == "localhost":
        return
    try:
        ipaddress.ip_address(host)
    except ValueError:
        raise BadInput(f"--host must be an IP address or localhost, got {host!r}") from None


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _run_datasette(path: Path, host: str, port: int, list_repo: str, verbose: bool) -> None:
    """Start Datasette's ASGI app under uvicorn until interrupted."""
    import asyncio

    import uvicorn
    from datasette.app import Datasette

    from db.datasette import SETTINGS, TEMPLATES, metadata

    ds = Datasette(immutables=[str(path)], metadata=metadata(list_repo), settings=SETTINGS,
                   template_dir=str(TEMPLATES))
    asyncio.run(ds.invoke_startup())
    # uvicorn shuts down cleanly on SIGINT/SIGTERM, then re-raises the signal;
    # turning it into an exception here lets the caller remove the copy.
    previous = signal.signal(signal.SIGTERM, _stopped)
    try:
        uvicorn.run(ds.app(), host=host, port=port, log_level="info" if verbose else "warning",
                    lifespan="on")
    except (KeyboardInterrupt, _Stopped):
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)


class _Stopped(Exception):
    """SIGTERM reached the server: a normal stop."""


def _stopped(signum: int, frame: object) -> None:
    raise _Stopped()

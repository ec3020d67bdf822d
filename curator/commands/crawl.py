"""`curator crawl SOURCE`: one sub-command per registered source (:mod:`curator.sources`)."""
from __future__ import annotations

import click

from curator.app import App


def _command(source) -> click.Command:
    """The click command of one source: its options, then its crawl, then its summary line."""
    def callback(**options) -> None:
        app = click.get_current_context().find_object(App)
        app.echo(source.crawl(app, **options).summary)

    return click.Command(source.name, callback=callback, params=list(source.options),
                         help=source.help, short_help=source.help)


@click.group()
def crawl() -> None:
    """Fetch from one source into the database."""


def add_sources() -> None:
    """One sub-command of ``crawl`` per registered source."""
    from curator.sources import registered

    for source in registered():
        crawl.add_command(_command(source))

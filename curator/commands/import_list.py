"""`curator import-list LIST.md`: read the awesome list into the database.

Engines, techniques, references, arXiv papers and the list's sections are
saved in one transaction; importing the same list again changes nothing.
Sections curator does not understand and entries listed under several
headings are reported on stderr.
"""
from __future__ import annotations

import click

from curator.app import App, pass_app


@click.command("import-list")
@click.argument("list_file", metavar="LIST.md", type=click.Path(dir_okay=True))
@pass_app
def import_list(app: App, list_file: str) -> None:
    """Import the list: engines, techniques, papers."""
    from db.catalogue import save_list
    from db.runs import now_iso
    from catalogue import vocabulary
    from reports import listparse

    doc = listparse.parse(listparse.read_list(list_file))
    with app.run("import-list") as run:
        counts = save_list(app.db, doc, vocabulary.BUILTIN, vocabulary.technique_key, now_iso())
        for key, n in counts.items():
            run.add(key, n)
    for note in doc.notes:
        app.note(note)
    for name, sections in doc.duplicates:
        app.note(f"duplicate entry: {name} is listed under {len(sections)} headings: " + "; ".join(sections))
    skipped = doc.not_understood()
    if skipped:
        app.note("sections kept but not understood: " + "; ".join(f"{s.heading} [{s.kind}]" for s in skipped))
    app.echo(f"imported {list_file}: {counts['engines']} engines, {counts['techniques']} techniques "
             f"({counts['techniques_total']} with the built-in taxonomy), {counts['papers']} arXiv papers "
             f"({counts['new_papers']} new), {counts['sections']} sections ({counts['not_understood']} not understood), "
             f"{counts['duplicates']} duplicated entries")

"""Steps ``import-list`` and ``render``: the list file in, the list file out."""
from __future__ import annotations

from pathlib import Path

from catalogue.errors import BadInput, RunFailed
from curator.steps import StepResult, from_run


def import_list(app, list_file: str | Path) -> StepResult:
    """Read the list into the database in one transaction; remarks go to ``app.note``."""
    from catalogue import vocabulary
    from db.catalogue import save_list
    from db.runs import now_iso
    from reports import listparse

    doc = listparse.parse(listparse.read_list(list_file))
    if not doc.is_list():
        raise BadInput(f"{list_file}: not the list: no section of engines (such as 'Open Source Inference "
                       "Engines') and none of techniques ('Optimization Techniques' or a category heading)")
    with app.run("import-list") as run:
        counts = save_list(app.db, doc, vocabulary.BUILTIN, vocabulary.technique_key, now_iso())
        for key, n in counts.items():
            run.add(key, n)
        result = from_run(run, (
            f"imported {list_file}: {counts['engines']} engines, {counts['techniques']} techniques "
            f"({counts['techniques_total']} with the built-in taxonomy), {counts['papers']} arXiv papers "
            f"({counts['new_papers']} new), {counts['sections']} sections ({counts['not_understood']} not "
            f"understood), {counts['duplicates']} duplicated entries"))
    for note in doc.notes:
        app.note(note)
    for name, sections in doc.duplicates:
        app.note(f"duplicate entry: {name} is listed under {len(sections)} headings: " + "; ".join(sections))
    skipped = doc.not_understood()
    if skipped:
        app.note("sections kept but not understood: " + "; ".join(f"{s.heading} [{s.kind}]" for s in skipped))
    return result


def render(app, list_file: str | Path, *, check: bool = False) -> StepResult:
    """Rewrite the generated regions of the list; with ``check``, change nothing and
    fail (:class:`RunFailed`) when the file would change."""
    from db.catalogue import list_imported
    from reports import listparse
    from reports.render import render_file

    listparse.parse(listparse.read_list(list_file))  # an unreadable file or broken markers first
    app.check_db_folder()
    if not Path(app.db_path).is_file() or not list_imported(app.db):
        raise BadInput(f"no list imported into {app.db_path}: run `curator import-list {list_file}` first "
                       "(with the same --db)")
    notes: list[str] = []
    with app.run("render --check" if check else "render") as run:
        changed = render_file(list_file, app.db, app.config, check=check, notes=notes)
        run.add("changed", int(changed))
        run.add("regions_inserted", sum(n.startswith("inserted region") for n in notes))
        result = from_run(run)
    for note in notes:
        app.note(note)
    if check:
        if changed:
            raise RunFailed(f"{list_file} would change: run `curator render {list_file}`")
        result.summary = f"{list_file}: up to date"
    else:
        result.summary = f"{list_file}: {'updated' if changed else 'unchanged'}"
    return result

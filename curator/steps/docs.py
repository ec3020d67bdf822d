"""Step ``crawl docs``: read every engine's documentation, decide the matrix marks,
save them with their evidence and history.

Where the docs come from:

- ``from_dir`` given (a folder laid out like a docs snapshot, or a tar archive of
  one): engines with a repository are read from ``OWNER+NAME/`` (the commit from
  ``INDEX.json``), commercial engines from ``commercial/SLUG/`` (vendor page
  summaries: weak evidence);
- otherwise GitHub (``CURATOR_GITHUB_API_URL``, ``GITHUB_TOKEN``): the default
  branch of each engine's repository, skipped when its commit was already read
  by the same extraction rules; engines without a repository get their docs page
  and homepage read through the guarded web fetcher.

Each engine is saved in its own transaction (marks, history, the read and the
page signals that scoring uses), so a run stopped by a rate limit keeps what it
did and says ``incomplete``.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Callable

import click

from catalogue.errors import BadInput, RunFailed
from curator import clients
from curator.steps import Source, StepResult, from_run

log = logging.getLogger(__name__)

COMMAND = "crawl docs"


def crawl_docs(app, *, from_dir: str | None = None, engines: tuple[str, ...] | list[str] = (),
               today: str | None = None) -> StepResult:
    """Read, extract and save. BadInput for a bad folder or name, RunFailed when no
    engine could be read (or GitHub refused access)."""
    from crawler.docs import open_snapshot
    from db.features import engines_to_read
    from db.runs import now_iso

    path = Path(from_dir) if from_dir is not None else None
    if path is not None and not path.exists():
        raise BadInput(f"--from {from_dir}: no such folder or archive")
    rows = _chosen(engines_to_read(app.db), engines)
    access = clients.github_access() if path is None else None  # a bad URL fails before anything is recorded
    day = today or now_iso()[:10]
    with app.run(COMMAND) as run:
        if path is not None:
            try:
                with open_snapshot(path) as root:
                    reader = _local_reader(root, day)
                    _crawl(app, run, rows, reader, day)
            except ValueError as exc:
                raise BadInput(f"--from: {exc}") from None
        else:
            _crawl_github(app, run, rows, access, day)
        c = run.counts
        return from_run(run, f"crawl docs: {c.get('engines', 0)} engines, {c.get('read', 0)} read, "
                             f"{c.get('unchanged', 0)} unchanged, {c.get('missing', 0)} without docs, "
                             f"{c.get('error', 0)} failed, {c.get('pages', 0)} pages")


def _chosen(rows: list[dict[str, Any]], names: tuple[str, ...] | list[str]) -> list[dict[str, Any]]:
    if not rows:
        raise BadInput("no engines in the database: run `curator import-list LIST` first")
    if not names:
        return rows
    by_name = {r["name"].casefold(): r for r in rows}
    unknown = [n for n in names if n.casefold() not in by_name]
    if unknown:
        raise BadInput(f"--engine {unknown[0]!r}: no such engine in the list (run `curator import-list`; "
                       f"names are as the list writes them)")
    return [by_name[n.casefold()] for n in dict.fromkeys(names)]


Reader = Callable[[dict[str, Any]], Any]


def _local_reader(root: Path, day: str) -> Reader:
    from crawler import docs as reader

    try:
        index = reader.load_index(root)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadInput(f"--from: {root / reader.INDEX_FILE} is not a docs index ({str(exc)[:120]})") from None
    vendor_root = root / reader.VENDOR_DIR
    vendors = sorted(p.name for p in vendor_root.iterdir() if p.is_dir()) if vendor_root.is_dir() else []
    if not index and not vendors and not any(p.is_dir() and "+" in p.name for p in root.iterdir()):
        raise BadInput(f"--from {root}: not a docs snapshot (no {reader.INDEX_FILE}, no OWNER+NAME "
                       f"or {reader.VENDOR_DIR}/ folders)")

    def read(row: dict[str, Any]):
        if row["repo"]:
            return reader.read_local(root, row["repo"], index, today=day)
        slug = reader.vendor_slug(row["name"], row["homepage"], vendors)
        if slug is None:
            return reader.EngineDocs("vendor", status="missing", error="no repository and no vendor pages")
        return reader.read_vendor(root, slug, today=day)
    return read


def _crawl_github(app, run, rows: list[dict[str, Any]], access, day: str) -> None:
    from classifier.features import EXTRACTOR_VERSION
    from crawler import docs as reader
    from crawler.github_http import AccessDenied, RateLimited, TooManyRequests
    from curator.steps.github import Budget
    from db.features import last_read
    from db.repos import HttpCache

    client = clients.github_rest(app.config, HttpCache(app.db), access)
    fetcher = clients.web_fetcher(app.config, app.db)
    web = app.config["web"]
    names = {r["repo"].lower(): r["name"] for r in rows if r["repo"]}

    def already_read(repo: str, commit: str) -> bool:
        last = last_read(app.db, names.get(repo.lower(), ""))
        return bool(last and last["commit_sha"] == commit and last["extractor"] == EXTRACTOR_VERSION)

    budget = Budget(app.config["github"]["rate_reserve"] if client.authenticated else 0, guess=30)
    repos = [r for r in rows if r["repo"]]
    done = []

    def read(row: dict[str, Any]):
        if row["repo"]:
            why = budget.exhausted(client, len(done), len(repos))
            if why:
                raise RateLimited(why)
            before = client.counters.billable
            docs = reader.read_github(client, row["repo"], already_read=already_read)
            budget.spent(client.counters.billable - before)
            done.append(row["repo"])
            return docs
        return reader.read_website(fetcher, [row["docs_url"], row["homepage"]], today=day, max_pages=web["max_pages"])

    try:
        _crawl(app, run, rows, read, day)
    except RateLimited as exc:  # GitHub's limit, or the share of it kept for the pull request
        run.status, run.error = "incomplete", str(exc)
        app.note(f"{COMMAND}: {exc}")
    except (AccessDenied, TooManyRequests) as exc:
        raise RunFailed(f"{COMMAND}: {exc}") from None
    finally:
        run.counts["requests"] = client.counters.requests
        run.counts["billable"] = client.counters.billable
        client.close()


def _crawl(app, run, rows: list[dict[str, Any]], read: Reader, day: str) -> None:
    from db.features import engine_names

    everyone = engine_names(app.db)
    for i, row in enumerate(rows, 1):
        docs = read(row)
        status = _save(app.db, row, docs, everyone, day)
        run.add("engines")
        run.add(status)
        run.add("pages", len(docs.pages))
        if status == "error":
            run.error = f"{row['name']}: {docs.error or docs.status}"
            log.warning("%s: %s", COMMAND, run.error)
            if row["repo"]:
                run.add("repo_errors")
        elif status == "missing":
            log.info("%s: %s: %s", COMMAND, row["name"], docs.error or "no documentation")
        app.note(f"[{i}/{len(rows)}] {row['name']}: {status}, {len(docs.pages)} pages")
    if run.counts.get("read", 0) + run.counts.get("unchanged", 0) == 0:
        raise RunFailed(f"{COMMAND}: no engine's docs could be read; last: {run.error or 'see the log'}")
    if run.counts.get("repo_errors"):  # a website that cannot be read is counted, as `crawl web` does
        run.status = "incomplete"


def _save(db, row: dict[str, Any], docs, everyone: list[dict[str, Any]], day: str) -> str:
    """Extract and save one engine; returns read, unchanged, missing or error."""
    from classifier.features import EXTRACTOR_VERSION, as_row, extract, names_of
    from db.features import last_read, save_docs_read, save_engine_features

    read = {"source": docs.source, "repo": docs.repo, "commit": docs.commit, "pages": len(docs.pages),
            "readme_only": docs.readme_only if docs.pages else None, "truncated": docs.truncated,
            "status": docs.status, "error": docs.error, "extractor": EXTRACTOR_VERSION}
    if docs.status == "unchanged":
        last = last_read(db, row["name"]) or {}
        read.update(pages=last.get("pages") or 0, readme_only=last.get("readme_only"),
                    signals=_json(last.get("signals")))
        save_docs_read(db, row["name"], day, read)
        return "unchanged"
    if docs.status != "ok" or not docs.pages:
        read["status"] = docs.status if docs.status != "ok" else "missing"
        save_docs_read(db, row["name"], day, read)
        return read["status"]
    own = names_of(row["name"], row["repo"])
    others = [n for e in everyone if e["name"] != row["name"] for n in names_of(e["name"], e["repo"])]
    marks = extract(docs.pages, others=others, own=own)
    read["signals"] = page_signals(docs, row["repo"], own=own, others=others)
    save_engine_features(db, row["name"], day, [as_row(m) for m in marks.values()])
    save_docs_read(db, row["name"], day, read)
    return "read"


def page_signals(docs, repo: str | None, own: list[str] | None = None, others: list[str] | None = None
                 ) -> dict[str, Any]:
    """Docs, community and install signals of all pages read, for the scores: the merged
    :mod:`crawler.signals` of every page, plus how many pages are user documentation beyond
    README files (``doc_pages``; a page that names another engine (``others``) and never this
    one (``own``) documents that engine - a fork's inherited pages - and is not counted), how
    many are a vendor's or website's docs pages (``docs_site_pages``) and where they came from."""
    from classifier.features import about_another_engine
    from crawler.docs import is_user_doc
    from crawler.signals import from_markdown, is_docs_url, merge

    merged = merge([from_markdown(p.text, p.url, repo) for p in docs.pages]).to_dict()
    merged["doc_pages"] = sum(1 for p in docs.pages if is_user_doc(p.path) and not p.weak
                              and not about_another_engine(p, own or [], others or []))
    merged["vendor_pages"] = sum(1 for p in docs.pages if p.weak)
    merged["docs_site_pages"] = sum(1 for p in docs.pages if docs.source in ("vendor", "website")
                                    and is_docs_url(p.url))
    merged["readme_only"] = docs.readme_only
    merged["docs_source"] = docs.source
    return merged


def _json(text: str | None):
    import json

    return json.loads(text) if text else None


SOURCE = Source(
    "docs", "Matrix marks with evidence from every engine's documentation.", crawl_docs,
    options=(
        click.Option(["--from", "from_dir"], default=None, metavar="DIR",
                     help="Read a local docs snapshot (folder or .tar.xz/.tar.gz archive) instead of GitHub."),
        click.Option(["--engine", "engines"], multiple=True, help="Only this engine (repeatable)."),
    ))


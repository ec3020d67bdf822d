"""Engine facts from docs against the grown list's hand-made matrices and overview marks.

    python -m bench.bench_features [--from DIR] [--list FILE] [--show ENGINE]

Reads every engine's documentation from a docs snapshot (default: the bundled
``curator/demo_data/docs-snapshot.tar.xz``, unpacked to a temporary folder) with the
same code as ``curator crawl docs --from DIR``, extracts the three matrices
and prints:

1. agreement with the list's Hardware Support, Optimization Coverage and
   Numeric Precision matrices on the cells the list marks ✅ or ❌ (an unknown
   counts as a miss), apart for the DEV engines the extraction was tuned on and
   the HELD_OUT engines (``bench/feature_split.py``), with the same figures
   when the enumeration rule ("excluded") is switched off;
2. a mechanical check that every ✅ the seed list would render carries a quote
   that names the feature or a synonym of it;
3. Docs / SNS / Forum / Meetup agreement with the list's overview over all 25
   engines, the marks computed by ``classifier.scoring`` from the same pages
   (READMEs of the demo data for the engines the snapshot lacks);
4. the time to read and extract all seed engines' docs from the folder.

``--show ENGINE`` prints one DEV engine's cells with their evidence (it
refuses held-out engines: their docs stay unseen while tuning).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT = ROOT / "curator" / "demo_data" / "docs-snapshot.tar.xz"
GROWN_LIST = ROOT / "tests" / "fixtures" / "list-2026-06-30.md"
SEED_LIST = ROOT / "tests" / "fixtures" / "seed-list.md"
DEMO_READMES = ROOT / "curator" / "demo_data" / "readmes"
SYMBOL = {1: "✅", 0: "❌", None: "–"}


def list_engines(text: str) -> dict[str, object]:
    from reports.listparse import parse
    from reports.matrix_parse import engine_key

    return {engine_key(e.name): e for e in parse(text).engines}


def read_engine(root: Path, engine, index, vendors: list[str]):
    """The docs of one listed engine from the snapshot (None when it has none there)."""
    from crawler import docs as reader

    if engine.repo:
        got = reader.read_local(root, engine.repo, index)
        return got if got.status == "ok" else None
    slug = reader.vendor_slug(engine.name, engine.homepage, vendors)
    if slug:
        got = reader.read_vendor(root, slug)
        return got if got.pages else None
    return None


def extract_all(root: Path, list_text: str):
    from classifier.features import extract
    from crawler import docs as reader
    from reports.matrix_parse import engine_key, hand_matrices

    hand = hand_matrices(list_text)
    engines = list_engines(list_text)
    index = reader.load_index(root)
    vendors = [p.name for p in (root / reader.VENDOR_DIR).iterdir()] if (root / reader.VENDOR_DIR).is_dir() else []
    labels = sorted({label for m in hand.values() for label in m.rows})
    out = {}
    for label in labels:
        engine = engines.get(engine_key(label))
        got = read_engine(root, engine, index, vendors) if engine is not None else None
        own = engine_names(engine) if engine is not None else []
        others = [n for e in engines.values() if e is not engine for n in engine_names(e)]
        out[label] = (got, extract(got.pages, others=others, own=own) if got else None)
    return hand, out


def engine_names(engine) -> list[str]:
    """The names an engine goes by: as listed, without a parenthesis, its repository's name."""
    from classifier.features import names_of

    return names_of(engine.name, engine.repo)


def decided(hand, extracted, names) -> tuple[int, int, int, int]:
    """(cells the list marks ✅/❌, cells the extraction decided, decided cells that agree,
    undecided cells the list marks ❌)."""
    from catalogue.features import feature

    listed = made = agree = unknown_no = 0
    for group, matrix in hand.items():
        for label in names:
            marks = extracted.get(label, (None, None))[1]
            for column, want in (matrix.rows.get(label) or {}).items():
                if want is None:
                    continue
                listed += 1
                m = marks.get(feature(group, column).key) if marks else None
                if m is not None and m.supported is not None:
                    made += 1
                    agree += int(m.supported == want)
                else:
                    unknown_no += int(want == 0)
    return listed, made, agree, unknown_no


def agreement(hand, extracted, names, excluded: bool = True) -> tuple[Counter, Counter]:
    """(hits, cells) per group over the list's ✅/❌ cells of the named rows."""
    from catalogue.features import feature

    hits, cells = Counter(), Counter()
    for group, matrix in hand.items():
        for label in names:
            row = matrix.rows.get(label)
            if row is None:
                continue
            marks = extracted.get(label, (None, None))[1]
            for column, listed in row.items():
                if listed is None:
                    continue
                cells[group] += 1
                m = marks.get(feature(group, column).key) if marks else None
                got = None if m is None or (not excluded and m.basis == "excluded") else m.supported
                hits[group] += int(got == listed)
    return hits, cells


def engine_texts(root: Path, engine, vendors: list[str]) -> list[str]:
    """Every text file the snapshot holds for an engine (not only the pages `crawl docs` selects)."""
    from crawler import docs as reader

    if engine is None:
        return []
    if engine.repo:
        folder = root / engine.repo.replace("/", "+")
    else:
        slug = reader.vendor_slug(engine.name, engine.homepage, vendors)
        folder = root / reader.VENDOR_DIR / slug if slug else None
    if folder is None or not folder.is_dir():
        return []
    out = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix.lower() in (".md", ".mdx", ".markdown", ".rst", ".txt", ".html"):
            out.append(path.read_text(encoding="utf-8", errors="replace"))
    return out


def coverage(root: Path, list_text: str, hand, extracted, names) -> dict[str, int]:
    """Why cells stay unknown, mechanically: of the list's ✅/❌ cells of the named engines that the
    extraction leaves unknown, how many name a feature that no file of the engine's snapshot
    mentions at all (by any of the feature's synonyms, :mod:`catalogue.features`) - cells no page
    could speak to, unless by an enumeration - and how many the list marks ❌ among them. Only
    counts are returned: the held-out engines' text is searched, not read."""
    from catalogue.features import compiled, feature
    from crawler import docs as reader
    from reports.matrix_parse import engine_key

    engines = list_engines(list_text)
    vendors = [p.name for p in (root / reader.VENDOR_DIR).iterdir()] if (root / reader.VENDOR_DIR).is_dir() else []
    out = Counter()
    for label in names:
        engine = engines.get(engine_key(label))
        texts = engine_texts(root, engine, vendors)
        marks = extracted.get(label, (None, None))[1]
        for group, matrix in hand.items():
            for column, want in (matrix.rows.get(label) or {}).items():
                if want is None:
                    continue
                out["listed"] += 1
                f = feature(group, column)
                m = marks.get(f.key) if marks else None
                if m is not None and m.supported is not None:
                    out["decided"] += 1
                    out["agree"] += int(m.supported == want)
                    continue
                mentioned = any(compiled(f.key).search(t) for t in texts)
                kind = "mentioned" if mentioned else "silent"
                out[f"unknown_{kind}"] += 1
                out[f"unknown_{kind}_{'no' if want == 0 else 'yes'}"] += 1
    return dict(out)


def print_coverage(root: Path, list_text: str, hand, extracted, dev_only: bool = False) -> None:
    from bench.feature_split import DEV, HELD_OUT

    print("   why cells stay unknown (files of the engine's snapshot searched for the feature's synonyms):")
    groups = (("dev", DEV),) if dev_only else (("dev", DEV), ("held-out", HELD_OUT))
    for title, names in groups:
        c = coverage(root, list_text, hand, extracted, names)
        silent, mentioned = c.get("unknown_silent", 0), c.get("unknown_mentioned", 0)
        print(f"   {title:<19} unknown {silent + mentioned}: {silent} name a feature no file of the engine mentions"
              f" (the list marks {c.get('unknown_silent_no', 0)} of them ❌, {c.get('unknown_silent_yes', 0)} ✅),"
              f" {mentioned} one that some file mentions;")
        print(f"   {'':<19} with every other cell right, agreement would still be at most"
              f" {_pct(c['listed'] - silent, c['listed'])} unless an enumeration speaks for the silent ones;"
              f" marking every silent cell ❌ with no quote (what the rules forbid) would give"
              f" {_pct(c.get('agree', 0) + c.get('unknown_silent_no', 0), c['listed'])}")


def _pct(h: int, n: int) -> str:
    return f"{100 * h / n:5.1f} % ({h}/{n})" if n else "   n/a"


def print_agreement(hand, extracted, dev_only: bool = False) -> None:
    from bench.feature_split import DEV, HELD_OUT, NO_DOCS

    print("1. Agreement with the grown list's matrices (cells marked ✅ or ❌; unknown = miss)")
    print(f"{'engines':<22}{'rule':<14}{'hardware':>22}{'optimization':>22}{'precision':>22}{'all':>22}")
    groups = (("dev", DEV),) if dev_only else (("dev", DEV), ("held-out", HELD_OUT), ("no docs snapshot", NO_DOCS))
    for title, names in groups:
        for rule, excl in (("all rules", True), ("no exclusion", False)):
            hits, cells = agreement(hand, extracted, names, excl)
            print(f"{title:<22}{rule:<14}" + "".join(f"{_pct(hits[g], cells[g]):>22}" for g in
                                                       ("hardware", "optimization", "precision"))
                  + f"{_pct(sum(hits.values()), sum(cells.values())):>22}")
    print("   where the extraction decides (✅ or ❌, not unknown), how often it agrees with the list:")
    for title, names in groups:
        listed, made, agree, unknown_no = decided(hand, extracted, names)
        print(f"   {title:<19} decided {_pct(made, listed)} of the listed cells; agrees on {_pct(agree, made)};"
              f" of the {listed - made} unknown, the list marks {unknown_no} ❌")


OVERVIEW_MARKS = {"✅": "detailed", "🟠": "moderate", "🟡": "simple", "❌": "missing"}


def overview_marks(list_text: str) -> dict[str, dict[str, object]]:
    """The grown list's overview: row label -> Docs level, SNS, Forum, Meetup."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(list_text)
    rows, i = [], 0
    while i < len(tokens):
        if tokens[i].type == "table_open":
            table: list[list[str]] = []
            while tokens[i].type != "table_close":
                if tokens[i].type == "tr_open":
                    table.append([])
                elif tokens[i].type == "inline" and table:
                    table[-1].append(tokens[i].content.strip())
                i += 1
            if table and {"Docs", "SNS", "Forum", "Meetup"} <= set(table[0]):
                rows = table
                break
        i += 1
    head = rows[0]
    out = {}
    for row in rows[1:]:
        cell = dict(zip(head, row))
        out[row[0]] = {"docs": OVERVIEW_MARKS.get(cell["Docs"][:1]), "sns": cell["SNS"].startswith("✅"),
                       "forum": cell["Forum"].startswith("✅"), "meetup": cell["Meetup"].startswith("✅")}
    return out


def readme_docs(engine):
    """The demo's recorded README of an engine, as a one-page read (None when there is none)."""
    from crawler.docs import DocPage, EngineDocs, blob_url

    path = DEMO_READMES / f"{engine.repo.replace('/', '+')}.md" if engine.repo else None
    if path is None or not path.is_file():
        return None
    return EngineDocs("local", engine.repo, None, None,
                      pages=[DocPage("README.md", blob_url(engine.repo, None, "README.md"), path.read_text("utf-8"), None)])


def excerpted_readmes(root: Path) -> set[str]:
    """Repositories whose snapshot was assembled file by file (no commit): their README is
    one stored version, often an excerpt with links and sections elided."""
    import json

    return {entry["repo"].lower() for entry in json.loads((root / "INDEX.json").read_text(encoding="utf-8"))
            if not entry.get("commit")}


def with_full_readme(root: Path, engine, got):
    """The snapshot's pages with the README replaced by the demo's full, newest copy where the
    snapshot was assembled file by file, or the demo's README alone where the snapshot has
    nothing: what `crawl docs` reads on GitHub, where READMEs are whole."""
    full = readme_docs(engine)
    if got is None:
        return full
    if full is not None and engine.repo and engine.repo.lower() in excerpted_readmes(root):
        got.pages = [p for p in got.pages if p.path != "README.md"] + full.pages
    return got


def overview_agreement(root: Path, list_text: str, readme_only: bool) -> tuple[int, int, list[str]]:
    """Docs/SNS/Forum/Meetup marks computed from the pages against the list's overview."""
    from catalogue.settings import DEFAULTS
    from classifier.scoring import Weights, score_engine
    from crawler import docs as reader
    from curator.steps.docs import page_signals
    from reports.matrix_parse import engine_key

    engines = list_engines(list_text)
    index = reader.load_index(root)
    vendors = [p.name for p in (root / reader.VENDOR_DIR).iterdir()]
    weights = Weights.from_config(DEFAULTS["scoring"])
    hits = cells = 0
    misses: list[str] = []
    for label, want in overview_marks(list_text).items():
        engine = engines.get(engine_key(label))
        got_docs = None
        if engine is not None:
            got_docs = readme_docs(engine) if readme_only else with_full_readme(
                root, engine, read_engine(root, engine, index, vendors))
        in_snapshot = engine is not None and read_engine(root, engine, index, vendors) is not None
        own = engine_names(engine) if engine is not None else []
        others = [n for e in engines.values() if e is not engine for n in engine_names(e)]
        signals = page_signals(got_docs, engine.repo, own=own, others=others) if got_docs else None
        if signals is not None and (readme_only or not in_snapshot):
            # `crawl web` does not know what else the repository holds, nor does `crawl docs` of a
            # snapshot that lacks the engine (the demo scores such an engine from its README alone)
            for key in ("doc_pages", "readme_only", "docs_site_pages", "vendor_pages"):
                signals.pop(key, None)
        score = score_engine(signals, [], weights)
        got = {"docs": score.docs_level, "sns": score.sns, "forum": score.forum, "meetup": score.meetup}
        for key in ("docs", "sns", "forum", "meetup"):
            cells += 1
            if got[key] == want[key]:
                hits += 1
            else:
                misses.append(f"{label} {key}: list {want[key]}, got {got[key]}")
    return hits, cells, misses


def seed_crawl(root: Path, workdir: Path):
    """`crawl docs --from` on the seed list's engines, through the command's own step
    function: (App, seconds). The database is a file in ``workdir``."""
    from catalogue import vocabulary
    from curator.app import App
    from curator.steps.docs import crawl_docs
    from db import catalogue
    from reports import listparse

    from classifier.feature_text import names_in

    names_in.cache_clear()  # a cold start: no text seen before
    app = App(str(workdir / "bench.db"), None, quiet=True, verbose=False)
    catalogue.save_list(app.db, listparse.parse(SEED_LIST.read_text(encoding="utf-8")), vocabulary.BUILTIN,
                        vocabulary.technique_key, "2026-12-01T00:00:00+00:00")
    started = time.perf_counter()
    crawl_docs(app, from_dir=str(root))
    return app, time.perf_counter() - started


def check_rendered_quotes(app) -> tuple[int, list[str]]:
    """Render the seed list and check every ✅ it shows: its row and column lead to a mark
    whose quote names the feature (or a synonym), and the ✅ links to that mark's page."""
    import re

    from catalogue import features as vocab
    from db.features import features_of
    from reports.matrices import display_name, tables_of
    from reports.render import render_text

    text, _ = render_text(SEED_LIST.read_text(encoding="utf-8"), app.db, app.config)
    region = text.split("<!-- curator:begin feature-matrices -->")[1].split("<!-- curator:end feature-matrices -->")[0]
    refs = dict(re.findall(r"^\[(cur-[0-9a-f]+)\]: (\S+)$", region, re.M))
    marks = {(display_name(r["engine"]), r["grp"], r["feature"]): r for r in features_of(app.db)}
    by_title = {f"**{vocab.GROUP_TITLES[g]}: {title.lower()}**": feats
                for g in vocab.GROUPS for title, feats in tables_of(g)}
    checked, problems, feats = 0, [], None
    for line in region.split("\n"):
        if line in by_title:
            feats = by_title[line]
            continue
        if not (feats and line.startswith("| ") and not line.startswith("| Engine")):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        for f, cell in zip(feats, cells[1:]):
            if not cell.startswith("[✅"):
                continue
            checked += 1
            mark = marks.get((cells[0].replace("\\", ""), f.group, f.column))
            ref = re.search(r"\]\[(cur-[0-9a-f]+)\]", cell)
            if mark is None or not vocab.names(f.key, mark["evidence"] or ""):
                problems.append(f"{cells[0]} {f.column}: quote does not name it: {(mark or {}).get('evidence')!r}")
            elif ref is None or refs.get(ref.group(1)) != mark["url"]:
                problems.append(f"{cells[0]} {f.column}: the mark does not link to its evidence page")
    return checked, problems


def show(hand, extracted, label: str) -> None:
    from bench.feature_split import DEV
    from catalogue.features import feature

    if label not in DEV:
        raise SystemExit(f"--show: {label!r} is not a DEV engine ({', '.join(DEV)})")
    got, marks = extracted[label]
    print(f"{label}: {len(got.pages) if got else 0} pages")
    for group, matrix in hand.items():
        for column, listed in matrix.rows.get(label, {}).items():
            m = marks[feature(group, column).key] if marks else None
            ok = "  " if m and m.supported == listed else "!!"
            mark = SYMBOL[m.supported] if m else "–"
            print(f"{ok} {group[:5]} {column:<22} list {SYMBOL[listed]} got {mark} "
                  f"{(m.basis or '') if m else '':<9} {(m.evidence or '')[:150] if m else ''!r} "
                  f"{(m.url or '').rsplit('/', 1)[-1] if m else ''}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="from_dir", default=None, help="docs snapshot folder or archive")
    parser.add_argument("--list", default=str(GROWN_LIST), help="the grown list (matrices, overview)")
    parser.add_argument("--show", default=None, help="print one DEV engine's cells and evidence")
    parser.add_argument("--dev-only", action="store_true", help="figures of the DEV engines only (while tuning)")
    parser.add_argument("--misses", action="store_true", help="list the overview marks that disagree")
    args = parser.parse_args()
    from crawler.docs import open_snapshot

    with tempfile.TemporaryDirectory() as tmp, open_snapshot(Path(args.from_dir or SNAPSHOT)) as root:
        text = Path(args.list).read_text(encoding="utf-8")
        started = time.perf_counter()
        hand, extracted = extract_all(root, text)
        seconds = time.perf_counter() - started
        if args.show:
            show(hand, extracted, args.show)
            return 0
        print_agreement(hand, extracted, args.dev_only)
        print_coverage(root, text, hand, extracted, args.dev_only)
        print()
        app, crawl_seconds = seed_crawl(root, Path(tmp))
        checked, problems = check_rendered_quotes(app)
        print(f"2. Rendered ✅ marks of the seed list whose quote names the feature: {checked - len(problems)} "
              f"of {checked}")
        for problem in problems:
            print("      " + problem)
        print()
        print("3. Docs / SNS / Forum / Meetup against the grown list's overview (25 engines x 4 marks)")
        for title, readme_only in (("READMEs only (as `crawl web --readme-only` sees them)", True),
                                   ("documentation read by `crawl docs`", False)):
            hits, cells, misses = overview_agreement(root, text, readme_only)
            print(f"   {title}: {_pct(hits, cells)}")
            if args.misses:
                print("      " + "\n      ".join(misses))
        print()
        print(f"4. `crawl docs --from` on the seed list's {app.db.execute('SELECT COUNT(*) FROM engines').fetchone()[0]}"
              f" engines (read, extract, save): {crawl_seconds:.1f} s (target < 30 s on 2 cores)")
        app.close()
        print(f"   (matrix agreement above: {len(extracted)} engines read and extracted in {seconds:.1f} s)")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    raise SystemExit(main())

"""The nightly pull request on whole held-out weeks of arXiv (not a test).

    python -m bench.bench_weeks [--week 2026-06-15 ...] [--keep DIR] [--cache PATH] [--warm | --cold] [--misses]

For each week of ``bench/data/weeks/`` (every paper announced in cs.CL/LG/AI/CV/DC/AR/PF/OS,
each labelled by hand; rules in classifier/data/LABELLING.md), the bench serves the whole
week as the arXiv export API would (the fake of tests/fakes/arxiv.py on loopback: real
Atom, the query evaluated, real authors and categories, ``published`` = the announcement
day), then runs curator as a user would, each command its own process, in a temporary
folder with a settings file that only names the list and asks for pages of 2,000:

    curator import-list seed-list.md
    curator crawl arxiv --since WEEKSTART --until WEEKEND   (CURATOR_ARXIV_API_URL: the fake)
    curator classify
    curator pr --dry-run DIR --list seed-list.md

and measures, from the database and the dry run, with the decision the PR body uses
(``reports.prbody.gather``: classifier.triage through reports.papers), against the labels:
the pull request's precision (added papers in scope), the recall of the week's sure
in-scope papers (added; shown = added + the folded "maybe" papers the body shows; and
uncapped), the crawl query's own loss, the counts (which must add up, and agree with
pr-body.md), and the ranking: precision at recall 0.50 / 0.75 / 0.85 of the classifier's
relevance over the fetched papers beside two baselines built in the same run
(bench/weeks_baselines.py): TF-IDF + logistic regression fitted on the shipped training
set as ``classifier.training`` defines it at run time, and the similarity to the list's
in-scope papers the way zotero-arxiv-daily ranks (mean cosine similarity; max beside it).

Embeddings are kept in ``--cache`` (default ``.bench-cache.db``, ignored by git) and every
new one is saved back. As on a later night, the pipeline's database starts with the cached
vectors of everything but the week's own papers, and a one-paper ``classify --input``
("earlier nights") puts the training papers' vectors in it, so a rerun embeds only what a real night
embeds and ``classify``'s time is a night's (``--warm``: the week's vectors too, for quick
reruns; ``--cold``: an empty database, as on the first night). ``--keep DIR`` keeps each
week's dry run (pr-body.md, list.diff, the list), database and steps' output in DIR/WEEK.
A failed step is reported and the figures it does not feed are still given; the exit
status is 1 when a step failed or counts do not add up.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from bench.weeks_baselines import Baselines
from catalogue.errors import BadInput
from bench.weeks_metrics import (ADDED, HELD, MAYBE, NOT_CLASSIFIED, NOT_RELEVANT, RECALLS, Label, Outcome,
                                 count_problems, counts_line, num, pct, pooled, pr_figures, ranking_figures,
                                 table, week_labels, where_lost)

ROOT = Path(__file__).resolve().parents[1]
WEEKS = ROOT / "bench" / "data" / "weeks"
SEED = ROOT / "curator" / "demo_data" / "seed-list.md"
CACHE = ROOT / ".bench-cache.db"
LIST_NAME = "seed-list.md"
SETTINGS = f"""# bench.bench_weeks: the built-in defaults but for these
[list]
path = "{LIST_NAME}"

[arxiv]
page_size = 2000
"""
STEP_TIMEOUT = 1800  # seconds for one command
# one paper for `classify --input`, which fits the heads into the database's cache as an earlier night did
WARM_UP = json.dumps({"arxiv_id": "0000.00000", "title": "Warm-up",
                      "abstract": "A placeholder that makes the classifier load its heads."}) + "\n"


# --- the week ----------------------------------------------------------------------------------

def week_rows(name: str) -> list[dict]:
    with gzip.open(WEEKS / f"{name}.jsonl.gz", "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def available_weeks() -> list[str]:
    return sorted(p.name.removesuffix(".jsonl.gz") for p in WEEKS.glob("*.jsonl.gz"))


def feed_entries(rows: Sequence[dict]) -> list:
    """The week as the fake arXiv API's entries: real authors and categories, published
    at 00:00 UTC of the announcement day, oldest first."""
    from tests.fakes.arxiv import Entry

    ordered = sorted(rows, key=lambda r: (r["announced"], r["arxiv_id"]))
    return [Entry(r["arxiv_id"], r["title"], r["abstract"], list(r["categories"]), f"{r['announced']}T00:00:00Z",
                  authors=list(r.get("authors") or [])) for r in ordered]


# --- running curator ---------------------------------------------------------------------------

@dataclass
class Step:
    name: str
    code: int
    seconds: float
    stdout: str = ""
    stderr: str = ""

    @property
    def ok(self) -> bool:
        return self.code == 0

    def line(self) -> str:
        said = " ".join(self.stdout.strip().splitlines()[:1]) if self.ok else self.error()
        return f"{self.name:<14} {'ok' if self.ok else f'EXIT {self.code}':<7} {self.seconds:6.1f} s  {said}"

    def error(self) -> str:
        lines = [ln for ln in self.stderr.strip().splitlines() if ln.strip()]
        return lines[-1][:300] if lines else "(no message)"


def run_curator(name: str, args: Sequence[str], folder: Path, env: dict[str, str]) -> Step:
    cmd = [sys.executable, "-m", "curator", "--db", "curator.db", "--config", "curator.toml", *args]
    started = time.monotonic()
    try:
        proc = subprocess.run(cmd, cwd=folder, env=env, capture_output=True, text=True, timeout=STEP_TIMEOUT)
    except subprocess.TimeoutExpired:
        return Step(name, -1, time.monotonic() - started, stderr=f"timed out after {STEP_TIMEOUT} s")
    return Step(name, proc.returncode, time.monotonic() - started, proc.stdout, proc.stderr)


def curator_env(arxiv_url: str) -> dict[str, str]:
    """The user's environment, pointed at the fake, offline, with no token; this checkout first
    on the path so the commands run this code."""
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_TOKEN", "CURATOR_DB", "CURATOR_GITHUB_API_URL")}
    env.update({"CURATOR_ARXIV_API_URL": arxiv_url, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
                "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))})
    return env


def copy_vectors(src: Path, dst: Path, exclude: set[str] = frozenset()) -> int:
    """Add ``src``'s cached embeddings that ``dst`` lacks (both curator databases), but
    those of the text hashes in ``exclude``; how many were added."""
    con = sqlite3.connect(dst, timeout=60)
    try:
        con.execute("ATTACH DATABASE ? AS src", (str(src),))
        con.execute("CREATE TEMP TABLE excluded (text_hash TEXT PRIMARY KEY)")
        con.executemany("INSERT OR IGNORE INTO temp.excluded VALUES (?)", [(h,) for h in exclude])
        before = con.execute("SELECT COUNT(*) FROM main.embeddings").fetchone()[0]
        con.execute("INSERT OR IGNORE INTO main.embeddings (model, text_hash, dim, vector) "
                    "SELECT model, text_hash, dim, vector FROM src.embeddings "
                    "WHERE text_hash NOT IN (SELECT text_hash FROM temp.excluded)")
        con.commit()
        after = con.execute("SELECT COUNT(*) FROM main.embeddings").fetchone()[0]
        con.execute("DETACH DATABASE src")
        return after - before
    finally:
        con.close()


def vector_hashes(path: Path) -> set[str]:
    con = sqlite3.connect(path, timeout=60)
    try:
        return {h for (h,) in con.execute("SELECT text_hash FROM embeddings")}
    finally:
        con.close()


class WeekVectors:
    """The bench's own table in the cache: the text hashes of each week's papers, so that
    a run can leave them out of the pipeline's database, as on a real night."""

    def __init__(self, cache: Path):
        self.path = cache
        with sqlite3.connect(cache, timeout=60) as con:
            con.execute("CREATE TABLE IF NOT EXISTS bench_week_vectors (week TEXT NOT NULL, text_hash TEXT NOT NULL, "
                        "PRIMARY KEY (week, text_hash))")
        con.close()

    def of(self, week: str) -> set[str]:
        con = sqlite3.connect(self.path, timeout=60)
        try:
            return {h for (h,) in con.execute("SELECT text_hash FROM bench_week_vectors WHERE week = ?", (week,))}
        finally:
            con.close()

    def add(self, week: str, hashes: set[str]) -> None:
        with sqlite3.connect(self.path, timeout=60) as con:
            con.executemany("INSERT OR IGNORE INTO bench_week_vectors VALUES (?, ?)", [(week, h) for h in hashes])
        con.close()


def text_hashes(rows: Sequence[dict]) -> set[str]:
    from classifier.embed import paper_text, text_hash

    return {text_hash(paper_text(r["title"], r["abstract"])) for r in rows}


# --- one week ----------------------------------------------------------------------------------

@dataclass
class WeekRun:
    name: str
    labels: dict[str, Label]
    days: tuple[str, str]
    steps: list[Step] = field(default_factory=list)
    outcome: Outcome | None = None
    texts: dict[str, str] = field(default_factory=dict)       # fetched arxiv_id -> embedded text
    titles: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)          # counts that do not add up, body disagreeing
    embedded: int | None = None                                # vectors classify added (texts it embedded)

    def step(self, name: str) -> Step | None:
        return next((s for s in self.steps if s.name == name), None)


NIGHT, WARM, COLD = "night", "warm", "cold"


def run_week(name: str, cache: Path, keep: Path | None, mode: str) -> WeekRun:
    """The week through curator. ``mode`` says what the pipeline's database holds before
    ``crawl arxiv``: ``night`` (default): every cached vector but the week's papers', then
    a one-paper ``classify --input`` so the training papers' vectors are there, as a later
    night finds them; ``warm``: every cached vector (quick reruns; ``classify`` time
    meaningless); ``cold``: nothing, as the first night on a new database."""
    from tests.fakes.arxiv import FakeArxiv

    rows = week_rows(name)
    days = (min(r["announced"] for r in rows), max(r["announced"] for r in rows))
    run = WeekRun(name, week_labels(rows), days, titles={r["arxiv_id"]: r["title"] for r in rows})
    weeks = WeekVectors(cache)
    with tempfile.TemporaryDirectory(prefix=f"bench-weeks-{name}-") as tmp, \
            FakeArxiv(feed_entries(rows), cache=True) as fake:
        folder = Path(tmp)
        db = folder / "curator.db"
        (folder / "curator.toml").write_text(SETTINGS, encoding="utf-8")
        (folder / "warm-up.jsonl").write_text(WARM_UP, encoding="utf-8")
        shutil.copyfile(SEED, folder / LIST_NAME)
        env = curator_env(fake.url)
        dry = folder / "dry-run"
        run.steps.append(run_curator("import-list", ["import-list", LIST_NAME], folder, env))
        if run.steps[-1].ok and mode != COLD:
            copy_vectors(cache, db, weeks.of(name) | text_hashes(rows) if mode == NIGHT else set())
            if mode == NIGHT:
                run.steps.append(run_curator("earlier nights", ["classify", "--input", "warm-up.jsonl",
                                                                "--output", "warm-up.out.jsonl"], folder, env))
        run.steps.append(run_curator("crawl arxiv", ["crawl", "arxiv", "--since", days[0],
                                                     "--until", f"{days[1]}T23:59:59"], folder, env))
        before = vector_hashes(db) if db.is_file() else set()
        run.steps.append(run_curator("classify", ["classify"], folder, env))
        if db.is_file():
            new = vector_hashes(db) - before
            run.embedded = len(new)
            weeks.add(name, new)
            copy_vectors(db, cache)
        run.steps.append(run_curator("pr --dry-run", ["pr", "--dry-run", str(dry), "--list", LIST_NAME],
                                     folder, env))
        if run.step("import-list").ok and run.step("crawl arxiv").ok:
            try:
                measure(run, folder, dry)
            except (BadInput, OSError) as exc:
                run.problems.append(f"not measured: {exc}")
        if keep is not None:
            keep_run(run, folder, dry, keep / name)
    return run


def keep_run(run: WeekRun, folder: Path, dry: Path, target: Path) -> None:
    """The dry run, the database and the steps' output in ``target``."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    if dry.is_dir():
        shutil.copytree(dry, target, dirs_exist_ok=True)
    if (folder / "curator.db").is_file():
        shutil.copyfile(folder / "curator.db", target / "curator.db")
    (target / "steps.log").write_text("".join(
        f"$ curator {s.name}: exit {s.code}, {s.seconds:.1f} s\n{s.stdout}{s.stderr}\n" for s in run.steps),
        encoding="utf-8")


def measure(run: WeekRun, folder: Path, dry: Path) -> None:
    """The outcome as the pull request body sees it, read from the pipeline's database."""
    from catalogue import settings
    from classifier.embed import paper_text
    from classifier.triage import maybe_shown
    from db import open_db
    from reports import prbody

    db = open_db(folder / "curator.db")
    try:
        config = settings.load(str(folder / "curator.toml"))
        base = (folder / LIST_NAME).read_text(encoding="utf-8")
        new_list = dry / LIST_NAME
        report = prbody.gather(db, config, base, new_list.read_text(encoding="utf-8") if new_list.is_file() else None)
    finally:
        db.conn.close()
    plan = report.plan
    kinds = {p.arxiv_id: p.verdict.kind for p in plan.papers}
    added = {p.arxiv_id for p in report.added}
    if {a for a, k in kinds.items() if k == ADDED} != added:
        run.problems.append("the plan's added papers differ from the report's")
    maybe = [p.arxiv_id for p in plan.maybe]
    shown = maybe_shown(len(maybe), len(report.added))
    held = {why: len(rows) for why, rows in report.held().items()}
    run.outcome = Outcome(kinds, maybe, shown, held, {p.arxiv_id: p.relevance for p in plan.papers})
    run.texts = {p.arxiv_id: paper_text(p.title, p.abstract) for p in plan.papers}
    run.problems += count_problems(run.outcome)
    run.problems += body_disagreements(dry / "pr-body.md", run.outcome)


_BODY_COUNTS = {
    "fetched": re.compile(r"^\| fetched from arXiv .*\| \*\*([\d,]+)\*\* \|$", re.M),
    "relevant": re.compile(r"^\| \*\*relevant\*\* \| \*\*([\d,]+)\*\* \|$", re.M),
    "added": re.compile(r"^\| ↳ added to the list \| ([\d,]+) \|$", re.M),
    "maybe": re.compile(r"^\| ↳ maybe: .*\| ([\d,]+) \|$", re.M),
    "shown": re.compile(r"<b>Maybe \([\d,]+\)</b>.*?, ([\d,]+) shown", re.M),
}


def body_disagreements(body_path: Path, out: Outcome) -> list[str]:
    """Where pr-body.md's own counts differ from the outcome (a count it does not state is skipped)."""
    if not body_path.is_file():
        return ["no pr-body.md (the dry run failed)"]
    text = body_path.read_text(encoding="utf-8")
    expected = {"fetched": out.fetched, "relevant": out.relevant, "added": out.count(ADDED),
                "maybe": out.count(MAYBE), "shown": out.maybe_shown}
    found = {k: int(m.group(1).replace(",", "")) for k, rx in _BODY_COUNTS.items() if (m := rx.search(text))}
    if "fetched" not in found:
        return ["pr-body.md: its counts table was not found (format changed?)"]
    return [f"pr-body.md says {k} {found[k]}, the outcome {expected[k]}" for k in found if found[k] != expected[k]]


# --- report ------------------------------------------------------------------------------------

def pr_row(name: str, labels: dict[str, Label], out: Outcome) -> list[str]:
    f = pr_figures(labels, out)
    return [name, f"{f['fetched']:,}", f"{f['added']}", f"{f['added_in_scope']}", pct(f["precision"]),
            f"{f['maybe']}", f"{f['maybe_shown']}", f"{f['held']}", f"{f['sure']}",
            f"{f['sure'] - f['sure_fetched']} ({pct(f['query_loss'])})",
            f"{f['sure_added']} ({pct(f['recall_added'])})", f"{f['sure_shown']} ({pct(f['recall_shown'])})",
            f"{f['sure_uncapped']} ({pct(f['recall_uncapped'])})"]


PR_HEADERS = ["week", "fetched", "added", "in scope", "precision", "maybe", "shown", "held",
              "sure", "not fetched", "sure added", "sure shown", "uncapped"]


def ranking_rows(name: str, labels: dict[str, Label], out: Outcome, methods: dict[str, dict[str, float | None]]):
    rows = []
    for method, scores in methods.items():
        fig = ranking_figures(scores, labels, out.kinds)
        rows.append([name, method] + [num(fig["in scope"][r]) for r in RECALLS]
                    + [num(fig["sure"][r]) for r in RECALLS])
    return rows


def print_week(r: WeekRun) -> None:
    n_in = sum(lab.in_scope for lab in r.labels.values())
    n_sure = sum(lab.sure_in_scope for lab in r.labels.values())
    print(f"\nweek {r.name} (announced {r.days[0]} .. {r.days[1]}): {len(r.labels):,} papers, "
          f"{n_in} in scope ({n_sure} sure)")
    for s in r.steps:
        print("  " + s.line())
    if r.embedded is not None:
        print(f"  classify embedded {r.embedded:,} texts (the rest of its vectors were in the database)")
    if r.outcome is None:
        print("  not measured: " + ("; ".join(r.problems) or "import-list or crawl arxiv failed"))
        return
    print("  counts: " + counts_line(r.outcome))
    print("  counts add up, and pr-body.md agrees" if not r.problems else "  PROBLEMS: " + "; ".join(r.problems))


def print_pull_request(weeks: list[tuple[str, dict[str, Label], Outcome]], runs: list[WeekRun], misses: bool) -> None:
    print("\nThe pull request (sure = the week's sure in-scope papers, fetched or not; 'shown' = added + the folded "
          "'maybe' papers the body shows, never more than the added; 'uncapped' = added + every 'maybe')")
    print(table(PR_HEADERS, [pr_row(n, lab, out) for n, lab, out in weeks]))
    print("\nWhere the sure in-scope papers that the pull request does not show were lost")
    rows = [[n] + [str(len(where_lost(lab, out).get(k, []))) for k in LOST_KINDS] for n, lab, out in weeks]
    print(table(["week"] + [k.split(" (")[0] for k in LOST_KINDS], rows))
    if misses:
        for r in runs:
            for why, ids in where_lost(r.labels, r.outcome).items():
                for a in ids:
                    print(f"  {r.name}  {a}  {r.labels[a].label:<22} {why:<32} relevance "
                          f"{num(r.outcome.relevance.get(a))}  {r.titles.get(a, '')[:80]}")


def print_ranking(runs: list[WeekRun], base: Baselines) -> None:
    print("\nRanking: precision at recall over the fetched papers (left: positives = in scope; right: positives = "
          "sure in scope, in-scope papers not sure left out)")
    per_week: list[tuple[str, dict[str, Label], Outcome, dict]] = []
    for r in runs:
        ids = sorted(r.outcome.kinds)
        mean, best = base.similarity(ids, r.texts)
        per_week.append((r.name, r.labels, r.outcome, {
            "classifier relevance": dict(r.outcome.relevance),
            "TF-IDF + LR": base.tfidf(ids, r.texts),
            "similarity to list, mean": mean,
            "similarity to list, max": best}))
    if len(per_week) > 1:
        lab, out = pooled([(labels, o) for _, labels, o, _ in per_week])
        merged: dict[str, dict] = {}
        for _, _, _, methods in per_week:
            for m, s in methods.items():
                merged.setdefault(m, {}).update(s)
        per_week.append(("pooled", lab, out, merged))
    rows = [row for n, lab, out, methods in per_week for row in ranking_rows(n, lab, out, methods)]
    heads = [f"@{r:.2f}" for r in RECALLS]
    print(table(["week", "ranking"] + heads + [f"sure {h}" for h in heads], rows, right=range(2, 8)))
    for note in base.notes:
        print("  " + note)


def print_classify(runs: list[WeekRun]) -> None:
    print("\nclassify: one process (start, model, heads, every fetched paper) and the texts it embedded")
    rows = []
    for r in runs:
        step = r.step("classify")
        rows.append([r.name, f"{r.outcome.fetched:,}", f"{step.seconds:.1f}",
                     f"{1000 * step.seconds / max(1, r.outcome.fetched):.1f}", f"{r.embedded or 0:,}"])
    print(table(["week", "papers", "seconds", "per 1,000 papers", "texts embedded"], rows))


def report(runs: list[WeekRun], base: Baselines, misses: bool) -> int:
    """Print every table; 1 when a step failed, a week was not measured or its counts do not add up."""
    for r in runs:
        print_week(r)
    done = [r for r in runs if r.outcome is not None]
    if not done:
        return 1
    weeks = [(r.name, r.labels, r.outcome) for r in done]
    if len(done) > 1:
        lab, out = pooled([(r.labels, r.outcome) for r in done])
        weeks.append(("pooled", lab, out))
        problems = count_problems(out)
        print("\npooled counts: " + counts_line(out)
              + (" (add up)" if not problems else " PROBLEMS: " + "; ".join(problems)))
    print_pull_request(weeks, done, misses)
    print_ranking(done, base)
    print_classify(done)
    failed = any(not s.ok for r in runs for s in r.steps)
    return 1 if failed or any(r.problems for r in done) or len(done) < len(runs) else 0


LOST_KINDS = ("not fetched (the crawl query)", NOT_RELEVANT, "maybe, not shown (past the cap)", HELD,
              NOT_CLASSIFIED)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--week", action="append", choices=available_weeks(),
                        help="a held-out week (its first day); repeat for several [default: all]")
    parser.add_argument("--keep", type=Path, default=None, metavar="DIR", help="keep each week's dry run and database in DIR/WEEK")
    parser.add_argument("--cache", type=Path, default=CACHE, metavar="PATH", help="embedding cache [default: .bench-cache.db]")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--warm", dest="mode", action="store_const", const=WARM, default=NIGHT,
                      help="start with every cached vector, the week's too (quick; classify time meaningless)")
    mode.add_argument("--cold", dest="mode", action="store_const", const=COLD,
                      help="start with an empty database, as the first night")
    parser.add_argument("--misses", action="store_true", help="list every sure in-scope paper not shown")
    args = parser.parse_args(argv)
    from catalogue import settings
    from db import open_db

    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    open_db(args.cache).conn.close()  # created with curator's schema, so vectors copy both ways
    names = args.week or available_weeks()
    cfg = settings.load(None)["classifier"]
    print(f"bench_weeks: {len(names)} held-out week(s); the shipped classifier with the default settings "
          f"(model {cfg['model']}, relevance threshold {cfg['relevance_threshold']}, add threshold "
          f"{cfg['add_threshold']}); {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    held_out = {r["arxiv_id"] for n in available_weeks() for r in week_rows(n)}
    overlap = training_overlap(held_out)
    if overlap:
        print(f"note: {overlap}")
    started = time.monotonic()
    runs = []
    for name in names:
        print(f"running week {name} ...", file=sys.stderr, flush=True)
        runs.append(run_week(name, args.cache, args.keep, args.mode))
    code = report(runs, Baselines(args.cache, held_out), args.misses)
    print(f"\nbench_weeks: {time.monotonic() - started:.0f} s" + (f"; dry runs kept in {args.keep}" if args.keep else ""))
    return code


def training_overlap(held_out: set[str]) -> str:
    """Held-out papers that the shipped training data holds too (they should be none)."""
    from classifier import training

    labelled = {p.arxiv_id: p.label for p in training.shipped_labels() if p.arxiv_id in held_out}
    bg = [p.arxiv_id for p in training.background() if p.arxiv_id in held_out]
    parts = []
    if labelled:
        parts.append(f"{len(labelled)} held-out papers are in the shipped labels: {sorted(labelled)[:5]}")
    if bg:
        parts.append(f"{len(bg)} held-out papers are in the shipped background (as unlabelled negatives); the "
                     f"baselines leave them out: {sorted(bg)[:6]}")
    return "; ".join(parts)


if __name__ == "__main__":
    sys.exit(main())

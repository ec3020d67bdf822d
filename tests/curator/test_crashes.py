"""`kill -9` at several moments of `crawl arxiv`, `crawl github`, `import-list`,
`classify` and `render`, from outside, against the local fakes.

After every kill: the database passes ``PRAGMA integrity_check``, what was
stored before is still there, each unit of work is all there or not at all,
and the list file is its old bytes or its new bytes. The next run finishes the
work and closes the killed run as ``interrupted``.

Moments are chosen by what the fakes have seen (kill when request N arrives),
by a write transaction being under way (seen from another connection), or by
time since the start (spread over how long an uninterrupted run takes).
"""
from __future__ import annotations

import os
import shutil
import signal
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from db import open_db
from tests.curator import processes as procs
from tests.fakes.arxiv import Entry, FakeArxiv, sample_entries
from tests.fakes.github import FakeGitHub, FakeRepo

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "seed-list.md"


def grown_list(extra: int, description: str = "") -> str:
    """The seed list with ``extra`` more engine bullets (each citing a paper) under the
    open-source heading."""
    lines = SEED.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("## Open Source Inference Engines")) + 2
    bullets = [f"- [Engine {n}](https://github.com/org{n % 97}/engine{n}) "
               f"([Paper](https://arxiv.org/abs/2401.{n:05d})){description}\n" for n in range(extra)]
    return "".join(lines[:at] + bullets + lines[at:])


def copy_db(src: Path, dest: Path) -> None:
    """A consistent copy (through SQLite, so a WAL left by a kill is included)."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(dest) + suffix).unlink(missing_ok=True)
    src_conn, dest_conn = procs.connect(src), procs.connect(dest)
    try:
        src_conn.backup(dest_conn)
    finally:
        src_conn.close()
        dest_conn.close()


STAMPS = {"first_seen", "last_seen", "created", "updated", "fetched", "last_crawled"}


def dump(db: Path, tables: tuple[str, ...]) -> dict[str, list[tuple]]:
    """Every row of ``tables``, without the columns that only say when a row was written."""
    out = {}
    for t in tables:
        cols = [r[1] for r in procs.rows(db, f"PRAGMA table_info({t})") if r[1] not in STAMPS]
        out[t] = sorted(procs.rows(db, f"SELECT {', '.join(cols)} FROM {t}"), key=repr)
    return out


def after_started(db: Path, command: str, seconds: float):
    """A moment: ``seconds`` after the command's `runs` row appears (its work begins)."""
    began: list[float] = []

    def ready() -> bool:
        if not began:
            if procs.running(db, command):
                began.append(time.monotonic())
            return False
        return time.monotonic() >= began[0] + seconds
    return ready


def statuses(db: Path, command: str) -> list[str]:
    return [r[0] for r in procs.rows(db, "SELECT status FROM runs WHERE command = ? ORDER BY id", (command,))]


# --- import-list ------------------------------------------------------------------------------

LIST_TABLES = ("engines", "engine_sections", "engine_links", "techniques", "technique_refs", "list_sections",
               "papers", "paper_labels")


def test_import_list_killed_at_any_moment_is_before_or_after_never_between(tmp_path):
    (tmp_path / "v1.md").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "v2.md").write_text(grown_list(3000), encoding="utf-8")
    db, before_db, after_db = tmp_path / "c.db", tmp_path / "before.db", tmp_path / "after.db"
    assert procs.run("--db", "c.db", "import-list", "v1.md", cwd=tmp_path).returncode == 0
    copy_db(db, before_db)
    assert procs.run("--db", "after.db", "import-list", "v1.md", cwd=tmp_path).returncode == 0
    assert procs.run("--db", "after.db", "import-list", "v2.md", cwd=tmp_path).returncode == 0
    before, after = dump(before_db, LIST_TABLES), dump(after_db, LIST_TABLES)
    assert before != after and len(after["engines"]) == len(before["engines"]) + 3000

    def in_transaction():
        return procs.running(db, "import-list") and procs.writing(db)

    # parsing comes first; the transaction starts once the run is recorded: kill at and after that
    moments = [in_transaction] + [after_started(db, "import-list", s) for s in (0.02, 0.08, 0.15, 0.3, 0.6)]
    seen = []
    for moment in moments:
        copy_db(before_db, db)
        proc = procs.start("--db", "c.db", "import-list", "v2.md", cwd=tmp_path)
        killed = procs.kill_when(proc, moment)
        assert procs.integrity(db) == "ok"
        state = dump(db, LIST_TABLES)
        assert state in (before, after), f"a kill left part of the import ({len(state['engines'])} engines)"
        seen.append(("before" if state == before else "after") if killed else "finished")
    print("import-list kills: " + ", ".join(seen))
    assert seen[0] == "before"  # killed inside the transaction: nothing of it
    # the last kill's database: the next run finishes the import and closes the killed run
    done = procs.run("--db", "c.db", "import-list", "v2.md", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert dump(db, LIST_TABLES) == after
    assert statuses(db, "import-list")[-1] == "ok"
    if seen[-1] == "before":  # killed inside its transaction: the next run closed it as interrupted
        assert statuses(db, "import-list")[-2] == "interrupted"
    elif seen[-1] == "after":  # killed once the import was committed: before or after its run was closed
        assert statuses(db, "import-list")[-2] in ("interrupted", "ok")


def test_a_30000_entry_list_killed_mid_import_leaves_nothing_of_it(tmp_path):
    (tmp_path / "big.md").write_text(grown_list(30_000), encoding="utf-8")
    db = tmp_path / "c.db"
    assert procs.run("--db", "c.db", "import-list", str(SEED), cwd=tmp_path).returncode == 0
    before = {t: procs.rows(db, f"SELECT COUNT(*) FROM {t}")[0][0] for t in LIST_TABLES}
    proc = procs.start("--db", "c.db", "import-list", "big.md", cwd=tmp_path)
    # the run has started its one transaction (its `runs` row is committed, a write is under way)
    assert procs.kill_when(proc, lambda: procs.running(db, "import-list") and procs.writing(db), timeout=300)
    assert procs.integrity(db) == "ok"
    after = {t: procs.rows(db, f"SELECT COUNT(*) FROM {t}")[0][0] for t in LIST_TABLES}
    assert after == before
    assert procs.rows(db, "SELECT COUNT(*) FROM engines WHERE name LIKE 'Engine %'") == [(0,)]
    assert statuses(db, "import-list") == ["ok", "running"]


# --- crawl arxiv ------------------------------------------------------------------------------

def _days_ago(n: int) -> str:
    return (datetime.now(timezone.utc) - timedelta(days=n)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_crawl_arxiv_killed_mid_crawl_keeps_its_pages_and_the_next_run_finishes(tmp_path):
    entries = [Entry(f"2606.{i:05d}", f"Speculative decoding for LLM serving {i}", f"Faster LLM inference {i}.",
                     ["cs.CL"], _days_ago(20 - i)) for i in range(8)]
    fake = FakeArxiv(entries)
    handle = fake.server.handler
    state = {"proc": None, "kill_at": None, "seen": 0}

    def killing(req):
        state["seen"] += 1
        if state["seen"] == state["kill_at"]:
            os.kill(state["proc"].pid, signal.SIGKILL)  # while this request is in flight
        return handle(req)

    fake.server.handler = killing
    (tmp_path / "curator.toml").write_text("[arxiv]\npage_size = 2\noverlap_days = 0\n")
    db = tmp_path / "c.db"
    assert procs.run("--db", "c.db", "import-list", str(SEED), cwd=tmp_path).returncode == 0
    listed = procs.rows(db, "SELECT arxiv_id FROM papers ORDER BY arxiv_id")

    def crawled() -> list[str]:
        return [r[0] for r in procs.rows(db, "SELECT arxiv_id FROM papers WHERE source = 'arxiv' ORDER BY arxiv_id")]

    with fake:
        env = procs.environment(CURATOR_ARXIV_API_URL=fake.url)
        saved = [0]
        for kill_at in (2, 2):  # each run dies on its second request, when its first page is saved
            state.update(seen=0, kill_at=kill_at)
            state["proc"] = proc = procs.start("--db", "c.db", "crawl", "arxiv", cwd=tmp_path, env=env)
            proc.communicate(timeout=120)
            assert proc.returncode == -signal.SIGKILL
            assert procs.integrity(db) == "ok"
            got = crawled()
            assert got == [e.arxiv_id for e in entries[:len(got)]] and len(got) > saved[-1]  # pages in order
            saved.append(len(got))
            assert set(listed) <= set(procs.rows(db, "SELECT arxiv_id FROM papers"))
        assert saved == [0, 2, 3]  # the second run resumed at the cursor (its first page overlaps by one)
        state.update(seen=0, kill_at=None)
        done = procs.run("--db", "c.db", "crawl", "arxiv", cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert crawled() == [e.arxiv_id for e in entries]
    assert statuses(db, "crawl arxiv") == ["interrupted", "interrupted", "ok"]


# --- crawl github ------------------------------------------------------------------------------

def test_crawl_github_killed_mid_crawl_keeps_every_repository_and_the_next_run_resumes(tmp_path):
    names = [f"org/repo{i}" for i in range(5)]
    fake = FakeGitHub()
    for i, name in enumerate(names, 1):
        fake.add(FakeRepo(name, id=i, stars=100))
    handle = fake.server.handler
    state = {"proc": None, "kill_at": None, "seen": 0, "first": None}

    def killing(req):
        state["seen"] += 1
        if state["first"] is None and req.path.count("/") == 3:
            state["first"] = req.path.split("/", 2)[2]
        if state["seen"] == state["kill_at"]:
            os.kill(state["proc"].pid, signal.SIGKILL)
        return handle(req)

    fake.server.handler = killing
    db = tmp_path / "c.db"
    conn = open_db(db)
    for i, name in enumerate(names):
        conn["engines"].insert({"name": f"E{i}", "kind": "open_source", "repo": name, "section": "s",
                                "first_seen": "2026-01-01"})
    conn.conn.close()

    def updated() -> list[str]:
        return [r[0] for r in procs.rows(db, "SELECT repo FROM repo_stats WHERE stars = 200 ORDER BY repo")]

    with fake:
        env = procs.environment(CURATOR_GITHUB_API_URL=fake.url)
        assert procs.run("--db", "c.db", "crawl", "github", cwd=tmp_path, env=env).returncode == 0
        stored = dump(db, ("repos", "repo_stats", "repo_readmes"))
        assert len(stored["repo_stats"]) == 5
        per_repo = state["seen"] // 5  # requests one repository takes
        conn = procs.connect(db)
        with conn:  # as if that crawl was last night (stamps have whole seconds; the runs below take less)
            conn.execute("UPDATE repos SET last_crawled = datetime(last_crawled, '-1 day')")
        conn.close()
        for repo in fake.repos.values():
            repo.stars = 200
        progress = []
        # the second run dies half-way through its second repository, the third through its third
        for kill_at in (per_repo + per_repo // 2, 2 * per_repo + per_repo // 2):
            state.update(seen=0, kill_at=kill_at, first=None)
            state["proc"] = proc = procs.start("--db", "c.db", "crawl", "github", cwd=tmp_path, env=env)
            proc.communicate(timeout=120)
            assert proc.returncode == -signal.SIGKILL
            assert procs.integrity(db) == "ok"
            now = dump(db, ("repos", "repo_stats", "repo_readmes"))
            assert len(now["repo_stats"]) == 5 and len(now["repos"]) == 5  # nothing stored before is gone
            if progress:
                assert state["first"] not in progress[-1], "the next run starts with the repositories not done"
            progress.append(updated())
        assert [len(p) for p in progress] == [1, 3]
        state.update(seen=0, kill_at=None)
        done = procs.run("--db", "c.db", "crawl", "github", cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert updated() == names
    assert statuses(db, "crawl github") == ["ok", "interrupted", "interrupted", "ok"]


# --- classify -----------------------------------------------------------------------------------

def test_classify_killed_at_any_moment_labels_all_or_nothing(tmp_path, heads_file):
    (tmp_path / "curator.toml").write_text(f'[classifier]\nmodel = "hashing:512"\nheads = "{heads_file}"\n')
    db, before_db = tmp_path / "c.db", tmp_path / "before.db"
    assert procs.run("--db", "c.db", "import-list", str(SEED), cwd=tmp_path).returncode == 0
    conn = open_db(db)
    with conn.conn:  # papers as a crawl would have stored them (the list's own get their text too)
        for e in sample_entries(300):
            conn.conn.execute("INSERT INTO papers (arxiv_id, title, abstract, published, first_seen, last_seen) "
                              "VALUES (?, ?, ?, ?, 'x', 'x') ON CONFLICT(arxiv_id) DO UPDATE SET "
                              "title = excluded.title, abstract = excluded.abstract",
                              (e.arxiv_id, e.title, e.abstract, e.published))
    conn.conn.close()
    copy_db(db, before_db)
    listed = dump(db, ("paper_labels",))
    t0 = time.monotonic()
    assert procs.run("--db", "c.db", "classify", cwd=tmp_path).returncode == 0
    whole = time.monotonic() - t0
    labels = "SELECT arxiv_id, category, technique, confidence, status, rank FROM paper_labels " \
             "WHERE source = 'classifier' ORDER BY arxiv_id, rank"
    expected = procs.rows(db, labels)
    papers = len({r[0] for r in expected})
    assert papers > 250

    def saving_labels():  # every embedding cached: the write under way is the labels'
        return (procs.running(db, "classify") and procs.rows(db, "SELECT COUNT(*) FROM embeddings")[0][0] >= papers
                and procs.writing(db))

    # a write under way (the embedding cache), the labels being saved, moments spread over the run
    moments = [lambda: procs.running(db, "classify") and procs.writing(db), saving_labels]
    moments += [after_started(db, "classify", f * whole) for f in (0.3, 0.6, 0.8, 0.9)]
    outcomes = []
    for moment in moments:
        copy_db(before_db, db)
        killed = procs.kill_when(procs.start("--db", "c.db", "classify", cwd=tmp_path), moment)
        assert procs.integrity(db) == "ok"
        got = procs.rows(db, labels)
        assert got in ([], expected)  # one transaction: every label or none
        outcomes.append(("none" if not got else "all") if killed else "finished")
        assert set(listed["paper_labels"]) <= set(dump(db, ("paper_labels",))["paper_labels"])  # the list's stay
    print("classify kills: " + ", ".join(outcomes))
    copy_db(before_db, db)
    killed = procs.kill_when(procs.start("--db", "c.db", "classify", cwd=tmp_path),
                             after_started(db, "classify", 0.5 * whole))
    done = procs.run("--db", "c.db", "classify", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert procs.rows(db, labels) == expected
    assert statuses(db, "classify") == (["interrupted", "ok"] if killed else ["ok", "ok"])


# --- render -------------------------------------------------------------------------------------

def test_render_killed_at_any_moment_leaves_the_old_or_the_new_list(tmp_path):
    old = grown_list(2000).encode("utf-8")
    (tmp_path / "list.md").write_bytes(old)
    db = tmp_path / "c.db"
    assert procs.run("--db", "c.db", "import-list", "list.md", cwd=tmp_path).returncode == 0
    shutil.copyfile(tmp_path / "list.md", tmp_path / "ref.md")
    assert procs.run("--db", "c.db", "render", "ref.md", cwd=tmp_path).returncode == 0
    new = (tmp_path / "ref.md").read_bytes()
    assert new != old

    def copy_written():  # the new text is in its temporary file, not yet renamed over the list
        return any(tmp_path.glob(".list.md.*.tmp"))

    def list_replaced():
        return (tmp_path / "list.md").stat().st_size != len(old)

    moments = [copy_written, list_replaced] + [after_started(db, "render", s) for s in (0.05, 0.2, 0.4, 0.7)]
    outcomes = []
    for moment in moments:
        (tmp_path / "list.md").write_bytes(old)
        killed = procs.kill_when(procs.start("--db", "c.db", "render", "list.md", cwd=tmp_path), moment)
        got = (tmp_path / "list.md").read_bytes()
        assert got in (old, new), f"a kill left a list of {len(got)} bytes, neither the old nor the new"
        assert procs.integrity(db) == "ok"
        outcomes.append(("old" if got == old else "new") if killed else "finished")
    print("render kills: " + ", ".join(outcomes))
    for stray in tmp_path.glob(".list.md.*.tmp"):  # a kill before the rename leaves its copy, never the list
        assert new.startswith(stray.read_bytes())
    (tmp_path / "list.md").write_bytes(old)
    done = procs.run("--db", "c.db", "render", "list.md", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "list.md").read_bytes() == new
    again = procs.run("--db", "c.db", "render", "list.md", cwd=tmp_path)
    assert "unchanged" in again.stdout
    assert "interrupted" in statuses(db, "render")

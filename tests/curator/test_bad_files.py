"""Files curator cannot use: one line `curator: error: ...`, exit 2, nothing written.

Real processes; the database and list are checked byte for byte afterwards, and
the folder for anything new (a lock file, a -wal or -shm file, a temporary copy).
Read-only cases run with the capabilities that let root ignore permissions dropped.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from tests.curator import processes as procs

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "seed-list.md"


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with a digest of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
            for p in sorted(folder.rglob("*"))}


def refused(result, *words: str) -> str:
    assert result.returncode == 2, (result.returncode, result.stderr)
    line = procs.one_error_line(result)
    assert line.startswith("curator: error: ")
    for word in words:
        assert word in line, line
    return line


@pytest.fixture
def made_db(tmp_path) -> Path:
    """A real database, imported from the seed list."""
    done = procs.run("--db", "c.db", "import-list", str(SEED), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return tmp_path / "c.db"


def test_a_file_of_random_bytes(tmp_path):
    (tmp_path / "c.db").write_bytes(os.urandom(40_000))
    before = snapshot(tmp_path)
    refused(procs.run("--db", "c.db", "import-list", str(SEED), cwd=tmp_path), "c.db", "not a SQLite database")
    assert snapshot(tmp_path) == before


def test_a_database_of_a_newer_schema(made_db, tmp_path):
    conn = sqlite3.connect(made_db)
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    before = snapshot(tmp_path)
    for args in (("import-list", str(SEED)), ("score",), ("render", str(SEED))):
        refused(procs.run("--db", "c.db", *args, cwd=tmp_path), "schema version 99", "upgrade curator")
    assert snapshot(tmp_path) == before


def test_a_database_path_that_is_a_folder_or_under_a_file(tmp_path):
    (tmp_path / "folder.db").mkdir()
    (tmp_path / "plain").write_text("not a folder")
    before = snapshot(tmp_path)
    refused(procs.run("--db", "folder.db", "score", cwd=tmp_path), "folder.db", "is a folder")
    refused(procs.run("--db", "plain/c.db", "score", cwd=tmp_path), "plain", "not a folder")
    refused(procs.run("--db", "plain/deeper/c.db", "import-list", str(SEED), cwd=tmp_path), "plain")
    assert snapshot(tmp_path) == before


def test_a_database_in_a_read_only_folder(made_db, tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    os.replace(made_db, ro / "c.db")
    ro.chmod(0o555)
    try:
        before = snapshot(tmp_path)
        as_user = procs.without_root_override()
        refused(procs.run("--db", "ro/c.db", "import-list", str(SEED), cwd=tmp_path, prefix=as_user),
                "ro/c.db", "lock file", "folder")
        refused(procs.run("--db", "ro/new.db", "score", cwd=tmp_path, prefix=as_user), "ro/new.db")
        assert snapshot(tmp_path) == before
    finally:
        ro.chmod(0o755)


def test_a_read_only_database_file(made_db, tmp_path):
    made_db.chmod(0o444)
    before = snapshot(tmp_path)
    refused(procs.run("--db", "c.db", "import-list", str(SEED), cwd=tmp_path, prefix=procs.without_root_override()),
            "c.db", "read-only")
    assert snapshot(tmp_path) == before


def test_a_list_in_a_read_only_folder_is_read_but_not_rendered(made_db, tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    (ro / "list.md").write_bytes(SEED.read_bytes())
    ro.chmod(0o555)
    try:
        as_user = procs.without_root_override()
        assert procs.run("--db", "c.db", "import-list", "ro/list.md", cwd=tmp_path, prefix=as_user).returncode == 0
        before = snapshot(ro)
        refused(procs.run("--db", "c.db", "render", "ro/list.md", cwd=tmp_path, prefix=as_user),
                "ro/list.md", "cannot write", "read-only")
        assert snapshot(ro) == before
    finally:
        ro.chmod(0o755)


def test_a_read_only_list_file_is_not_replaced(made_db, tmp_path):
    listed = tmp_path / "list.md"
    listed.write_bytes(SEED.read_bytes())
    listed.chmod(0o444)
    refused(procs.run("--db", "c.db", "render", "list.md", cwd=tmp_path, prefix=procs.without_root_override()),
            "list.md", "read-only")
    assert listed.read_bytes() == SEED.read_bytes()
    assert stat.S_IMODE(listed.stat().st_mode) == 0o444
    assert not list(tmp_path.glob(".list.md.*"))
    # once writable again the same render goes through
    listed.chmod(0o644)
    assert procs.run("--db", "c.db", "render", "list.md", cwd=tmp_path).returncode == 0
    assert listed.read_bytes() != SEED.read_bytes()


def test_deeply_nested_json_in_classify_input(tmp_path):
    deep = "[" * 100_000 + "]" * 100_000
    good = json.dumps({"arxiv_id": "2601.00001", "title": "t", "abstract": "a"})
    (tmp_path / "in.jsonl").write_text(good + "\n" + deep + "\n")
    before = snapshot(tmp_path)
    line = refused(procs.run("--db", "c.db", "classify", "--input", "in.jsonl", "--output", "out.jsonl", cwd=tmp_path),
                   "in.jsonl", "line 2", "nested too deeply")
    assert len(line) < 300
    assert snapshot(tmp_path) == before  # no database, no output


def test_import_list_never_writes_into_a_damaged_database(made_db, tmp_path):
    conn = sqlite3.connect(made_db)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'engines'").fetchone()[0]
    conn.close()
    with open(made_db, "r+b") as fh:  # a damaged page: the engines table's root
        fh.seek(page_size * (root - 1))
        fh.write(os.urandom(page_size))
    before = snapshot(tmp_path)
    refused(procs.run("--db", "c.db", "import-list", str(SEED), cwd=tmp_path), "c.db", "damaged")
    assert snapshot(tmp_path) == before

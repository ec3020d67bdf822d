"""Driving real `curator` processes from tests: start, wait, kill -9, look at the file.

Every command runs as ``python -m curator`` in a child process with this
checkout on ``PYTHONPATH`` and a clean environment (no token, no endpoint unless
given), so what is measured is what a user's shell would see.
"""
from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[2]
LOOPBACK_RUNNER = Path(__file__).with_name("loopback_curator.py")


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("GITHUB_TOKEN", "CURATOR_DB", "CURATOR_ARXIV_API_URL", "CURATOR_GITHUB_API_URL")}
    env.update(PYTHONPATH=str(ROOT), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


def command(*args: str, loopback: bool = False) -> list[str]:
    """``python -m curator ARGS`` (``loopback``: through the runner that lets the web
    fetcher reach a fake on 127.0.0.1)."""
    if loopback:
        return [sys.executable, str(LOOPBACK_RUNNER), *args]
    return [sys.executable, "-m", "curator", *args]


def run(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 180,
        prefix: list[str] | None = None, loopback: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run([*(prefix or []), *command(*args, loopback=loopback)], cwd=cwd,
                          env=env or environment(), capture_output=True, text=True, timeout=timeout)


def start(*args: str, cwd: Path, env: dict[str, str] | None = None, loopback: bool = False) -> subprocess.Popen:
    return subprocess.Popen(command(*args, loopback=loopback), cwd=cwd, env=env or environment(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def kill9(proc: subprocess.Popen) -> None:
    """``kill -9`` and reap."""
    try:
        os.kill(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.communicate(timeout=30)


def kill_when(proc: subprocess.Popen, ready: Callable[[], bool], timeout: float = 120) -> bool:
    """Kill ``proc`` as soon as ``ready()``; False when it ended first."""
    deadline = time.monotonic() + timeout
    while proc.poll() is None:
        if ready():
            kill9(proc)
            return True
        if time.monotonic() > deadline:
            kill9(proc)
            raise AssertionError("the moment to kill never came")
        time.sleep(0.005)
    proc.communicate(timeout=30)
    return False


def connect(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(db), timeout=30)
    return conn


def integrity(db: Path) -> str:
    conn = connect(db)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def writing(db: Path) -> bool:
    """Whether another connection holds the write lock right now (a transaction under way)."""
    if not db.exists():
        return False
    conn = sqlite3.connect(str(db), timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as exc:
        return "locked" in str(exc) or "busy" in str(exc)
    finally:
        conn.close()


def rows(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    conn = connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def running(db: Path, command_name: str) -> bool:
    """A `runs` row of ``command_name`` is open (the run has started its work)."""
    if not db.exists():
        return False
    try:
        return bool(rows(db, "SELECT 1 FROM runs WHERE command = ? AND status = 'running'", (command_name,)))
    except sqlite3.OperationalError:
        return False


def one_error_line(result: subprocess.CompletedProcess) -> str:
    """The single stderr line of a refused command (asserting there is exactly one)."""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def without_root_override() -> list[str]:
    """A command prefix under which file permissions apply: as root, drop the
    capabilities that bypass them (CI runs as a normal user and needs none)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        import pytest

        pytest.skip("running as root without setpriv: permissions would not apply")
    caps = "-dac_override,-dac_read_search,-fowner"
    return [setpriv, f"--bounding-set={caps}", f"--inh-caps={caps}"]

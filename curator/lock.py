"""One writer at a time: an exclusive lock on ``DB.lock`` next to the database.

The lock is the operating system's (``flock``), so a killed process never holds
it. The file is removed when the run ends, while the lock is still held. A run
that was waiting on the old file then finds that the name now leads to another
file (or none) and locks the new one instead, so two runs never both believe
they hold the lock. A run killed outright leaves the empty file; the next run
locks it and removes it in turn.
"""
from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from catalogue.errors import BadInput, RunFailed


@contextmanager
def exclusive(db_path: str, wait_seconds: float = 600.0) -> Iterator[None]:
    """Hold ``DB.lock`` while a command writes; a second run waits its turn."""
    if db_path in ("", ":memory:"):
        yield
        return
    lock_path = Path(str(db_path) + ".lock")
    if Path(db_path).is_dir():
        raise BadInput(f"{db_path}: is a folder, not a database file")
    if not lock_path.parent.is_dir():  # curator never creates the database's folder
        blocker = _not_folder(lock_path.parent)
        if blocker.exists():
            raise BadInput(f"{db_path}: {blocker} is a file, not a folder")
        raise BadInput(f"--db {db_path}: the folder {lock_path.parent} does not exist (curator does not create it)")
    fd = _acquire(lock_path, db_path, time.monotonic() + wait_seconds)
    try:
        yield
    finally:
        try:
            lock_path.unlink(missing_ok=True)  # still locked: nobody can have taken this file meanwhile
        finally:
            os.close(fd)


def _acquire(lock_path: Path, db_path: str, deadline: float) -> int:
    """An open descriptor of ``lock_path``, locked, that the name still leads to."""
    while True:
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise BadInput(f"{db_path}: cannot create the lock file {lock_path} ({exc.strerror}); "
                           f"is the folder writable?") from None
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise RunFailed(f"{db_path}: another curator run holds the lock") from None
                    time.sleep(0.2)
            if _same_file(fd, lock_path):
                return fd
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)  # the holder removed this file as it finished: lock the current one


def _not_folder(folder: Path) -> Path:
    """The first part of ``folder`` that exists but is not a folder."""
    for part in reversed([folder, *folder.parents]):
        if part.exists() and not part.is_dir():
            return part
    return folder


def _same_file(fd: int, path: Path) -> bool:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (mine.st_dev, mine.st_ino)

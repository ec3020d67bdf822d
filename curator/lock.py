"""One writer at a time: an exclusive lock file next to the database."""
from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from catalogue.errors import RunFailed


@contextmanager
def exclusive(db_path: str, wait_seconds: float = 600.0) -> Iterator[None]:
    """Hold ``DB.lock`` while a command writes; a second run waits its turn."""
    if db_path in ("", ":memory:"):
        yield
        return
    lock_path = Path(str(db_path) + ".lock")
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise RunFailed(f"{db_path}: another curator run holds the lock") from None
                time.sleep(0.2)
        yield
    finally:
        os.close(fd)

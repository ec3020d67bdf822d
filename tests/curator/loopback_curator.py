"""`curator` as a test process whose web fetcher may reach 127.0.0.1.

The fetcher's private-address guard can be relaxed only through its
``allow_hosts`` argument, never from outside; this runner passes it, for tests
that point `curator crawl web` at a loopback fake. Everything else is the real
command line.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from crawler import web  # noqa: E402

_init = web.SafeFetcher.__init__


def _loopback_init(self, *args, **kwargs):
    kwargs.setdefault("allow_hosts", ("127.0.0.1",))
    _init(self, *args, **kwargs)


web.SafeFetcher.__init__ = _loopback_init

if __name__ == "__main__":
    from curator.cli import main

    sys.exit(main(sys.argv[1:]))

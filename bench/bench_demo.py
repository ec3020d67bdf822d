"""End-to-end time and peak memory of `curator demo` (not a test).

    /work/venv/bin/python bench/bench_demo.py [--quick] [--dir DIR]

Runs the demo as a child process (a fresh interpreter, as a user would) and
prints wall time and peak resident memory (ru_maxrss of the children: the
demo runs in process, so that is the demo's own peak).
"""
from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="demo --quick (one day instead of the week)")
    parser.add_argument("--dir", default=None, help="output directory [default: a temporary one]")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-demo-") as tmp:
        out = Path(args.dir or Path(tmp) / "demo-out")
        cmd = [sys.executable, "-m", "curator", "-q", "demo", str(out)] + (["--quick"] if args.quick else [])
        started = time.monotonic()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        seconds = time.monotonic() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(proc.stdout.strip())
        if proc.returncode != 0:
            print(proc.stderr.strip()[-2000:], file=sys.stderr)
        print(f"demo{' --quick' if args.quick else ''}: exit {proc.returncode}, {seconds:.1f} s wall, "
              f"peak RSS {peak_mb:.0f} MiB")
        return proc.returncode


if __name__ == "__main__":
    sys.exit(main())

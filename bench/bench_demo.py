"""End-to-end time and peak memory of `curator demo` (not a test).

    /work/venv/bin/python -m bench.bench_demo [--quick] [--dir DIR]

Runs the demo as a child process (a fresh interpreter, as a user would) and
prints its summary, then wall time, peak resident memory (ru_maxrss of the
children: the demo runs in process, so that is the demo's own peak), the
slowest steps, the CPUs and the load average at the start. The demo replays a
real week (1,361 papers; ``--quick``: its first day, 205); the target is about
a minute on 2 cores, and other work on the machine slows it (the load average
says how much).
"""
from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 60
STEP_LINE = re.compile(r"^nightly \[\d+/\d+\] (.+?): (\w+) in ([\d.]+) s", re.M)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="demo --quick (one day instead of the week)")
    parser.add_argument("--dir", default=None, help="output directory [default: a temporary one]")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-demo-") as tmp:
        out = Path(args.dir or Path(tmp) / "demo-out")
        cmd = [sys.executable, "-m", "curator", "demo", str(out)] + (["--quick"] if args.quick else [])
        load = os.getloadavg()[0]
        started = time.monotonic()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        seconds = time.monotonic() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(proc.stdout.strip())
        if proc.returncode != 0:
            print(proc.stderr.strip()[-2000:], file=sys.stderr)
        steps = sorted(STEP_LINE.findall(proc.stderr), key=lambda s: -float(s[2]))[:3]
        print(f"\ndemo{' --quick' if args.quick else ''}: exit {proc.returncode}, {seconds:.1f} s wall, "
              f"peak RSS {peak_mb:.0f} MiB; slowest steps: "
              + ", ".join(f"{name} {secs} s" for name, _, secs in steps)
              + f"; {os.cpu_count()} CPUs, load average {load:.1f} at the start"
              + f" ({'within' if seconds <= TARGET_SECONDS else 'OVER'} the target of about {TARGET_SECONDS} s)")
        return proc.returncode


if __name__ == "__main__":
    sys.exit(main())

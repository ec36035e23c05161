"""Start-up time of the light commands (target: <= 0.3 s for --version, --help and `fixer rules`).

    python bench/startup.py                      # this interpreter's fixer (`python -m fixer`)
    python bench/startup.py --fixer PATH/fixer   # an installed console script
    python bench/startup.py --check              # exit 1 when a median is over the target

Prints wall time and CPU time (user + sys, less disturbed by a busy machine) per command, next to a
bare `python -c pass` for scale. Never run from the test suite: timings belong here.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time

COMMANDS = (["--version"], ["--help"], ["rules"], ["rules", "remove-debug-calls"], ["check", "--help"])
TARGET = 0.3


def measure(command: list[str], runs: int) -> tuple[list[float], list[float]]:
    walls, cpus = [], []
    env = {**os.environ, "COLUMNS": "80"}
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return walls, cpus


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixer", help="the fixer executable (default: this Python's `-m fixer`)")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--check", action="store_true", help=f"exit 1 if a median wall time is over {TARGET} s")
    args = parser.parse_args()
    prefix = [args.fixer] if args.fixer else [sys.executable, "-m", "fixer"]
    over = []
    print(f"{'command':34} {'wall min':>9} {'median':>7} {'cpu min':>8} {'median':>7}")
    for command in COMMANDS:
        walls, cpus = measure(prefix + command, args.runs)
        wall = statistics.median(walls)
        print(f"{'fixer ' + ' '.join(command):34} {min(walls):9.3f} {wall:7.3f} {min(cpus):8.3f} {statistics.median(cpus):7.3f}")
        if wall > TARGET:
            over.append(" ".join(command))
    walls, cpus = measure([sys.executable, "-c", "pass"], args.runs)
    print(f"{'python -c pass (for scale)':34} {min(walls):9.3f} {statistics.median(walls):7.3f} "
          f"{min(cpus):8.3f} {statistics.median(cpus):7.3f}")
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    if args.check and over:
        print(f"over {TARGET} s: {', '.join(over)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What fixer's process pool costs, apart from the machine: the same files fixed in one process, by a
pool of one worker and by a pool of two, inside one Python process (no start-up, no reading).

    python bench/pool_overhead.py DIR [--rounds 3]

DIR is a repository fixer can check (its fixer.toml is used), e.g. the tree `bench/peers.py --only
jobs` builds (`trees.python_tree` + `trees.elixir_tree`). A pool of one as fast as no pool means the
pool's own work (forking, sending tasks and results) is small; the workers' CPU in a pool of two
against a pool of one shows what two busy cores cost each other on this machine.
"""
from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    from fixer.core import pool
    from fixer.core.config import load
    from fixer.core.runner import Gathering, Scan, candidates
    from fixer.core.sources import WorkTree

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("root", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    config = load(args.root)
    rules = config.rules()
    source = WorkTree(args.root)
    gathering = Gathering(config, rules)
    work = []
    for path, scanned in pool.scan_all(candidates(source, config, rules), Scan(source, config, rules, gathering), 1):
        if scanned.read:
            gathering.record(path, scanned.facts)
        if scanned.decoded is not None:
            work.append((path, scanned.decoded.text))
    context = gathering.finish(source)
    print(f"{len(work)} files to fix")
    for _ in range(args.rounds):
        started = time.perf_counter()
        pool.fix_all(work, rules, context, 1)
        alone = time.perf_counter() - started
        timings = {}
        for jobs in (1, 2):
            cpu, started = children_cpu(), time.perf_counter()
            pool._in_pool(work, rules, context, jobs, None)
            timings[jobs] = (time.perf_counter() - started, children_cpu() - cpu)
        (one, one_cpu), (two, two_cpu) = timings[1], timings[2]
        print(f"no pool {alone:.2f} s | pool of 1: {one:.2f} s ({one_cpu:.2f} s CPU) | pool of 2: {two:.2f} s "
              f"({two_cpu:.2f} s CPU) | 2 against 1: {one / two:.2f}x faster, {two_cpu / one_cpu:.2f}x the CPU")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Speed and memory of a whole run on a generated repository (never part of the test suite).

    python bench/benchmark.py [--files 2000] [--dirty 0.1] [--check]

Generates a repo of Python and Elixir files (a fraction `--dirty` of them hold debug code), runs
`fixer check` on it in-process and reports wall time, files per second, the cost of files without
anchors, and peak memory (RSS). With `--check` it exits 1 when a target below is missed.
"""
from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

TARGETS = {"seconds_per_1000_files": 6.0, "anchorless_ms_per_file": 1.0, "peak_rss_mb": 400}

PY_CLEAN = '''"""Module {n}: request handlers."""
import logging

logger = logging.getLogger(__name__)


def handle_{n}(request, store):
    items = [item for item in request.items if item.enabled]
    for item in items:
        store.save(item)
    logger.warning("handled %d items", len(items))
    return len(items)
'''
PY_DIRTY = '''"""Module {n}: a worker with debug writes."""
import logging
import os

logger = logging.getLogger(__name__)


def handle_{n}(request, store):
    with open("/tmp/worker_debug.log", "a") as f:
        f.write(f"{{os.getpid()}} {{request}}\\n")
    items = [item for item in request.items if item.enabled]
    for item in items:
        open("/tmp/worker_debug.log", "a").write(str(item))
        store.save(item)
    return len(items)
'''
EX_CLEAN = '''defmodule Bench.Mod{n} do
  @moduledoc "Module {n}."

  def run(list) do
    list
    |> Enum.filter(&(&1 > 0))
    |> Enum.map(&(&1 * 2))
  end
end
'''
EX_DIRTY = '''defmodule Bench.Mod{n} do
  use GenServer

  @impl true
  def init(state), do: {{:ok, state}}

  def handle_call(:get, _from, state) do
    IO.inspect(state, label: "state")
    {{:reply, state, state}}
  end

  def run(list) do
    list
    |> IO.inspect(label: "in")
    |> Enum.filter(fn {{_id, v}} -> v > 0 and inspect(_id) != "" end)
  end
end
'''


def generate(root: Path, files: int, dirty: float, seed: int = 7) -> int:
    rng = random.Random(seed)
    dirty_count = 0
    for n in range(files):
        is_dirty = rng.random() < dirty
        dirty_count += is_dirty
        if n % 2:
            path = root / "lib" / f"d{n % 40}" / f"mod_{n}.ex"
            text = (EX_DIRTY if is_dirty else EX_CLEAN).format(n=n)
        else:
            path = root / "app" / f"d{n % 40}" / f"mod_{n}.py"
            text = (PY_DIRTY if is_dirty else PY_CLEAN).format(n=n)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text * 8)  # ~100-150 lines a file
    return dirty_count


def measure(root: Path) -> dict:
    from fixer.core.config import Config
    from fixer.core.runner import run
    from fixer.core.sources import WorkTree

    config = Config()
    rules = config.rules()
    started = time.perf_counter()
    result = run(WorkTree(root), config, rules)
    elapsed = time.perf_counter() - started
    return {"seconds": elapsed, "files": len(result.outcomes), "changed": len(result.changed),
            "errors": len(result.errors)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--dirty", type=float, default=0.1)
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fixer-bench-") as tmp:
        root = Path(tmp)
        dirty = generate(root, args.files, args.dirty)
        full = measure(root)
    with tempfile.TemporaryDirectory(prefix="fixer-bench-clean-") as tmp:
        root = Path(tmp)
        generate(root, args.files, 0.0)
        clean = measure(root)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report = {
        "files": args.files,
        "dirty_files": dirty,
        "changed": full["changed"],
        "errors": full["errors"],
        "seconds": round(full["seconds"], 2),
        "files_per_second": round(args.files / full["seconds"], 1),
        "seconds_per_1000_files": round(full["seconds"] * 1000 / args.files, 2),
        "anchorless_ms_per_file": round(clean["seconds"] * 1000 / args.files, 3),
        "peak_rss_mb": round(peak_mb, 1),
    }
    for key, value in report.items():
        print(f"{key:>24}: {value}")
    missed = [key for key, limit in TARGETS.items() if report[key] > limit]
    for key in missed:
        print(f"target missed: {key} = {report[key]} > {TARGETS[key]}", file=sys.stderr)
    if report["changed"] != dirty or report["errors"]:
        print("unexpected result: every dirty file should change, with no errors", file=sys.stderr)
        return 1
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())

"""`fixer diff` on one huge generated file, against `fixer check` on the same file: what writing the
patch costs on top of finding the fixes.

    python bench/diffs.py [--megabytes 5] [--fixer-path DIR] [--timeout 60]

Never part of the test suite. Files (bench/trees.huge_file, max_file_size raised): Python with debug
code in one module out of 500 (peers.py's huge file), Python with debug code in every module, and
Elixir with debug calls in one module out of 500. Each command runs once, cold (--no-cache, one job);
CPU seconds are the child's user + system time (the machine may be shared: compare those, not the
wall time). A run past --timeout is stopped and shown as "> TIMEOUT". To time an older checkout, put
it first on PYTHONPATH with --fixer-path DIR.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import trees  # noqa: E402
from peers import EX_CONFIG, PY_CONFIG  # noqa: E402

FILES = [  # (label, language, extension, config, one module in `every` with debug code)
    ("Python, 1 module in 500 to fix", "python", "py", PY_CONFIG, 500),
    ("Python, every module to fix", "python", "py", PY_CONFIG, 1),
    ("Elixir, 1 module in 500 to fix", "elixir", "ex", EX_CONFIG, 500),
]


def timed(command: list[str], cwd: Path, env: dict, timeout: float) -> tuple[str, str, int]:
    """(wall seconds, CPU seconds of the child, exit code) as text; "> timeout" when it was stopped."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    try:
        proc = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"> {timeout:g}", "-", -1
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return f"{wall:.2f}", f"{cpu:.2f}", proc.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--megabytes", type=int, default=5)
    parser.add_argument("--fixer-path", default="", help="a checkout to put first on PYTHONPATH")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds a run may take")
    args = parser.parse_args()
    env = {**os.environ, "FIXER_JOBS": "1", "FIXER_NO_CACHE": "1",
           "PYTHONPATH": os.pathsep.join(p for p in (args.fixer_path, os.environ.get("PYTHONPATH", "")) if p)}
    print(f"| file ({args.megabytes} MB) | command | wall s | CPU s | exit |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="fixer-diffs-") as scratch:
        for label, language, ext, config, every in FILES:
            root = Path(scratch) / f"{language}-{every}"
            root.mkdir()
            (root / "fixer.toml").write_text(config.format(max_size=args.megabytes * 4 * 1024 * 1024))
            trees.huge_file(root / "lib" / f"huge.{ext}", args.megabytes, language, every)
            for command in ("check", "diff"):
                wall, cpu, code = timed([sys.executable, "-m", "fixer", command, "--no-cache"], root, env, args.timeout)
                print(f"| {label} | fixer {command} | {wall} | {cpu} | {code} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

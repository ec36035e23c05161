"""What a config's globs cost: 20,000 `exclude` globs (a generated config, the shapes people write)
compiled once and asked about every file of a 10,000-file listing, as the runner does.

    python bench/globs.py [--globs 20000] [--paths 10000] [--rounds 3]

Prints one row per glob shape: building the GlobSet, matching (which compiles the RE2 groups that
paths reach), and the whole. The target: well under a second for 20,000 globs of the shapes configs
hold. The last two rows are the worst case: 20,000 globs with no literal leading folder all land in
one group, which every path is tried against.
"""
from __future__ import annotations

import argparse
import time

SHAPES = {
    "literal paths": lambda n: f"src/pkg{n}/module{n}.py",
    "DIR/**": lambda n: f"vendor{n}/**",
    "**/NAME": lambda n: f"**/generated_{n}.py",
    "DIR/*/gen_*.py": lambda n: f"third_party/lib{n}/*/gen_*_{n}.py",
    "app/*/gen_*.py": lambda n: f"app/part{n % 97}/*/gen_*_{n}.py",  # every path reaches these
    "mixed": lambda n: (f"src/pkg{n}/module{n}.py", f"vendor{n}/**", f"**/generated_{n}.py",
                        f"third_party/lib{n}/*/gen_*_{n}.py", f"app/part{n % 97}/*/gen_*_{n}.py")[n % 5],
    "**/gen_*.py": lambda n: f"**/gen_*_{n}.py",  # no leading folder: all in one group
    "sixty stars": lambda n: "*" * 30 + "a*" * 30 + f"{n}.py",
}


def paths(count: int) -> list[str]:
    return [f"app/part{n % 97}/sub{n % 13}/file_{n}.py" for n in range(count)]


def measure(globs: list[str], listing: list[str]) -> tuple[float, float]:
    from fixer.core.globs import GlobSet

    started = time.perf_counter()
    compiled = GlobSet(globs)
    built = time.perf_counter()
    hits = sum(compiled.match(path) for path in listing)
    done = time.perf_counter()
    assert hits == 0  # no generated path is excluded: every glob had to be considered
    return built - started, done - built


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--globs", type=int, default=20_000)
    parser.add_argument("--paths", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    listing = paths(args.paths)
    print(f"{args.globs} exclude globs, {args.paths} paths, best of {args.rounds}")
    print(f"{'shape':<16} {'compile s':>10} {'match s':>10} {'total s':>10}")
    for shape, make in SHAPES.items():
        globs = [make(n) for n in range(args.globs)]
        best = min((measure(globs, listing) for _ in range(args.rounds)), key=sum)
        print(f"{shape:<16} {best[0]:>10.3f} {best[1]:>10.3f} {sum(best):>10.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""How remove-debug-calls' own work grows with the number of fixes in one file (never part of the tests).

    python bench/elixir_debug_calls_scaling.py [--sizes 500,1000,2000,4000] [--check]

Builds one Elixir file per size with that many debug leftovers (statements, pipeline stages, wrapped
values, labels read from attributes, variables read only by debug code) and times the rule's
`check()` alone (the engine's passes are measured by bench/benchmark.py). Reports seconds and
microseconds per fix; with `--check` it exits 1 when the cost per fix at the largest size is more
than twice the cost at the smallest (the rule must be O(N) in the number of fixes, not O(N^2)).
"""
from __future__ import annotations

import argparse
import sys
import time

FUNCTION = '''
  def step_{n}(state, input_{n}) do
    IO.inspect(state, label: "step {n}")
    value = input_{n} |> transform() |> IO.inspect(label: "transformed") |> finish()
    other = IO.inspect(value + 1)
    dbg(other)
    {{value, other, state}}
  end
'''


def source(fixes: int) -> str:
    functions = fixes // 4  # four fixes per function, plus one underscore rename
    body = "".join(FUNCTION.format(n=n) for n in range(functions))
    return f"defmodule Generated do\n{body}end\n"


def measure(fixes: int) -> tuple[float, int]:
    from fixer.core.rule import Source, all_rules

    rule = all_rules()["remove-debug-calls"]()
    text = source(fixes)
    started = time.perf_counter()
    outcome = rule.check(Source("lib/generated.ex", text))
    elapsed = time.perf_counter() - started
    return elapsed, sum(1 for f in outcome.findings if f.fixed)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,1000,2000,4000")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    measure(100)  # warm up imports and the parser
    per_fix = []
    for size in sizes:
        elapsed, fixed = measure(size)
        per_fix.append(elapsed / max(fixed, 1))
        print(f"{size:6d} planned fixes: {fixed:6d} fixed in {elapsed:7.3f} s = {per_fix[-1] * 1e6:8.1f} us/fix")
    growth = per_fix[-1] / per_fix[0]
    print(f"cost per fix grew {growth:.2f}x from {sizes[0]} to {sizes[-1]} fixes (O(N) means ~1x)")
    if args.check and growth > 2.0:
        print("FAIL: the rule's cost per fix grows with the number of fixes", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

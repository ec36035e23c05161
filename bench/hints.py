"""What the hints of `fixer check` cost: the text report runs the rules that are off (and add-impl
in mode "always") once more over the files checked, to count what they would do (never part of the
test suite).

    python bench/hints.py [--files 1000] [--dirty 0.1]

Prints the seconds of the rules' own run and of the hints' run on a repository generated as
bench/benchmark.py generates it. `-q` and `--format` skip the hints' run.
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from benchmark import generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--dirty", type=float, default=0.1)
    args = parser.parse_args()
    from fixer.cli.session import off_rule_hints, run_rules, source_for, workspace
    from fixer.ui import report

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        generate(root, args.files, args.dirty)
        report.set_quiet(False)
        ws = workspace(root, None)
        rules = ws.rules(None)
        source = source_for(ws, working_tree=True)
        started = time.perf_counter()
        result = run_rules(source, ws, rules)
        ran = time.perf_counter()
        hints = off_rule_hints(source, ws, rules, result)
        done = time.perf_counter()
    print(json.dumps({"files": args.files, "rules_seconds": round(ran - started, 2),
                      "hints_seconds": round(done - ran, 2), "hints": hints}, indent=2))


if __name__ == "__main__":
    main()

"""Rule-level cost of the Python rules on real code: precise anchors and the ast check before LibCST.

    python bench/python_precheck.py [SOURCE_DIR] [--limit N]

SOURCE_DIR defaults to the running Python's standard library. For each module it measures the anchor
regex (old: an OR of the glob's literal pieces; new: the glob's file name ending a string literal), the
rule's own `check()` (ast parse + confirmation, LibCST never imported for a file without a target) and,
for comparison, one LibCST `parse_module` of the same text.
"""
from __future__ import annotations

import argparse
import re
import sys
import sysconfig
import time
from pathlib import Path

from fixer.core.rule import Source, all_rules


def modules(root: Path, limit: int) -> list[tuple[str, str]]:
    found = []
    for path in sorted(root.rglob("*.py")):
        if "site-packages" in path.parts or "test" in path.parts or "tests" in path.parts:
            continue
        try:
            text = path.read_text(encoding="utf-8")
            compile(text, str(path), "exec", dont_inherit=True)
        except (UnicodeDecodeError, SyntaxError, ValueError):
            continue
        found.append((str(path), text))
        if len(found) >= limit:
            break
    return found


def timed(function, items) -> tuple[float, list]:
    start = time.perf_counter()
    results = [function(item) for item in items]
    return time.perf_counter() - start, results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("root", nargs="?", default=sysconfig.get_paths()["stdlib"])
    parser.add_argument("--limit", type=int, default=400)
    args = parser.parse_args()
    texts = modules(Path(args.root), args.limit)
    rules = all_rules()
    debug = rules["remove-debug-file-writes"](files=["/tmp/*debug*.log"])
    levels = rules["set-log-level"]()
    old_anchor = re.compile("|".join(map(re.escape, ["/tmp/", "debug", ".log"])))
    print(f"{len(texts)} modules from {args.root} ({sum(len(t) for _, t in texts) / 1e6:.1f} MB), Python "
          f"{sys.version.split()[0]}")
    rows = []
    for label, anchor in (("old anchor (/tmp/ | debug | .log)", old_anchor), ("new anchor", debug.anchor_regex),
                          ("set-log-level anchor", levels.anchor_regex)):
        seconds, hits = timed(lambda item: bool(anchor.search(item[1])), texts)
        rows.append((label, seconds, f"{sum(hits)} files match"))
    write = '\n\ndef _trace(x):\n    with open("/tmp/bench_debug.log", "a") as f:\n        f.write(f"{x}\\n")\n'
    with_target = [(path, text + write) for path, text in texts]
    for label, rule, items in (("remove-debug-file-writes check(), no target", debug, texts),
                               ("remove-debug-file-writes check(), one debug write each", debug, with_target),
                               ("set-log-level check()", levels, texts)):
        seconds, outcomes = timed(lambda item: rule.check(Source(item[0], item[1])), items)
        rows.append((f"{label}", seconds, f"{sum(bool(o.edits or o.findings) for o in outcomes)} with findings"))
    import ast

    seconds, _ = timed(lambda item: ast.parse(item[1]), texts)
    rows.append(("ast.parse alone", seconds, ""))
    import libcst

    seconds, _ = timed(lambda item: libcst.parse_module(item[1]), texts)
    rows.append(("libcst.parse_module alone", seconds, ""))
    width = max(len(r[0]) for r in rows)
    for label, seconds, note in rows:
        print(f"{label:<{width}}  {seconds:7.2f} s  {note}")


if __name__ == "__main__":
    main()

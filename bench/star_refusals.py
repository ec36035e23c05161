"""Star-import refusals on the standard library (never part of the test suite).

    python bench/star_refusals.py

For every file of the running Python's standard library (tests left out) with a call of `open`,
`print` or `breakpoint`: is the call refused because a `from M import *` may rebind the name? Before
issue 18 every star import counted; now only a module that really exports the name (read by
fixer.lang.python.stars, no import). Prints the files still refused and both counts.
"""
import ast, pathlib, sys, sysconfig
from fixer.lang.python.names import Names
from fixer.lang.python import stars

root = pathlib.Path(sysconfig.get_paths()["stdlib"])
files = [p for p in root.rglob("*.py") if "site-packages" not in p.parts and "test" not in p.parts]
exports = stars.Exports([])
total = with_star = refused_before = refused_now = 0
for path in files:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except Exception:
        continue
    total += 1
    rel = path.relative_to(root).as_posix()
    calls = [n.func for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
             and n.func.id in stars.WATCHED]
    before, now = Names(tree), Names(tree, exports.for_path(rel))
    if before.module.stars:
        with_star += 1
    if any(before.star_source(c) for c in calls):
        refused_before += 1
    if any(now.star_source(c) for c in calls):
        refused_now += 1
        print("still refused:", rel, now.module.stars)
print(f"{total} stdlib files, {with_star} with a star import; files with an open/print/breakpoint call refused: "
      f"before {refused_before}, now {refused_now}")

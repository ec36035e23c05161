"""Whether a `from M import *` really binds `open`, `print` or `breakpoint`, read without importing M.

A star import rebinds a builtin only when M exports that name: M binds it at module level (a `def`,
an assignment, an import, or a star import of a module that exports it) and, when M has a literal
`__all__`, lists it. Where M is looked up:
- a module of the repository: from the facts `facts(path, text)` gathered from every file (regular
  expressions first; a parse only for a file that may bind one of the names or has `__all__`);
- an installed or standard-library module: its source file, found by `importlib.machinery.PathFinder`
  on the path fixer runs with (the finder only looks at directories: no import, no code run), read
  the same way;
- a module without source (a C extension): EXTENSION_EXPORTS, checked against CPython by the tests.
A module found nowhere, a computed `__all__` or a third-party C extension may export anything: the
rules then keep refusing to touch the builtin.
"""
from __future__ import annotations

import ast
import importlib.machinery
import os
import re
import sys
from dataclasses import dataclass
from functools import lru_cache

from fixer.lang.python.importers import _absolute, module_name

WATCHED = frozenset({"open", "print", "breakpoint"})
# C modules (no source to read) that export one of WATCHED through `from M import *`. Any other
# standard-library module without source exports none of them (tests/test_python_round3_stars.py
# imports each one to check); a third-party C extension is not known.
EXTENSION_EXPORTS = {"posix": frozenset({"open"}), "nt": frozenset({"open"}), "ossaudiodev": frozenset({"open"})}
# Modules whose `open` is the builtin itself (`io.open is open`): a star import of them rebinds nothing.
SAME_AS_BUILTINS = {"builtins", "io", "_io"}
COMPUTED = "computed"  # an `__all__` built by code: it may list anything
# After one of WATCHED at the start of a line: an assignment binds it (`print = …`, `open: Opener = …`).
ASSIGNED = re.compile(r"[ \t]*(?::[^=\n]*)?=(?!=)")
STAR = re.compile(r"(?m)^from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+\*")


@dataclass(frozen=True)
class Facts:
    bound: frozenset  # the WATCHED names the module binds itself
    listed: frozenset | str | None  # its literal `__all__`, COMPUTED, or None without one
    stars: tuple  # the modules it star-imports (relative ones as written)


_last: list = [None, None, None]  # (path, text, facts): both leftover rules gather the same file in turn


def facts(path: str, text: str) -> tuple[str, Facts]:
    """(the module's dotted name, its Facts): gathered from every Python file of the repository."""
    if _last[0] == path and _last[1] is text:
        return _last[2]
    found = module_name(path), read(text)
    _last[:] = [path, text, found]
    return found


NOTHING = Facts(frozenset(), None, ())  # most modules': one object for them all (a 100,000-file repo)


def read(text: str) -> Facts:
    if not _may_bind(text):
        stars = tuple(STAR.findall(text)) if "import *" in text else ()
        return Facts(frozenset(), None, stars) if stars else NOTHING
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return Facts(WATCHED, COMPUTED, ())  # unreadable: it may bind anything
    bound, stars, listed = set(), [], None
    for stmt in _module_level(tree.body):
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(stmt.name)
        elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
            if any(a.name == "*" for a in stmt.names):
                stars.append("." * stmt.level + (stmt.module or ""))
            bound.update((a.asname or a.name).split(".")[0] for a in stmt.names)
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            names = {t.id for t in targets if isinstance(t, ast.Name)}
            bound.update(names)
            if "__all__" in names:
                listed = _listed(stmt.value, listed if isinstance(stmt, ast.AugAssign) else frozenset())
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and \
                isinstance(stmt.value.func, ast.Attribute) and isinstance(stmt.value.func.value, ast.Name) and \
                stmt.value.func.value.id == "__all__":  # __all__.extend([...]) / .append("x")
            call = stmt.value
            value = call.args[0] if call.args else None
            if call.func.attr == "append" and isinstance(value, ast.Constant):
                value = ast.List(elts=[value])
            listed = _listed(value, listed)
    return Facts(frozenset(bound & WATCHED), listed, tuple(stars))


def _may_bind(text: str) -> bool:
    """The module may bind one of WATCHED or has an `__all__` (found with str.find: a regex tried at
    every position of every file of the repo costs too much)."""
    if "__all__" in text:
        return True
    for name in WATCHED:
        index = text.find(name)
        while index != -1:
            after = index + len(name)
            if index and (text[index - 1].isalnum() or text[index - 1] in "_.") or \
                    after < len(text) and (text[after].isalnum() or text[after] == "_"):
                index = text.find(name, after)  # a part of another name (`pprint`, `is_open`, `x.open`)
                continue
            start = text.rfind("\n", 0, index) + 1
            end = text.find("\n", index)
            line = text[start:end if end != -1 else len(text)]
            head = text[start:index]
            stripped = line.strip()
            if head in ("def ", "async def ", "class ") or not head and ASSIGNED.match(text, after) or \
                    stripped.startswith(("import ", "from ")) and " import " in f" {stripped}" or \
                    stripped.rstrip(",)") == name and "import (" in text:  # a parenthesised import's line
                return True
            index = text.find(name, index + len(name))
    return False


def _module_level(body: list[ast.stmt]):
    """Statements run at module level, also inside `if`/`try`/`with` blocks (not in defs)."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, (ast.If, ast.Try, ast.With, getattr(ast, "TryStar", ast.Try))):
            for block in (stmt.body, getattr(stmt, "orelse", []), getattr(stmt, "finalbody", []),
                          *(h.body for h in getattr(stmt, "handlers", []))):
                yield from _module_level(block)


def _listed(value: ast.AST | None, before):
    if before == COMPUTED or before is None and value is None:
        return COMPUTED
    try:
        items = ast.literal_eval(value) if value is not None else None
    except ValueError:
        return COMPUTED
    if not isinstance(items, (list, tuple)) or not all(isinstance(i, str) for i in items):
        return COMPUTED
    return frozenset(before or ()) | frozenset(items)


@lru_cache(maxsize=512)
def installed(module: str) -> Facts | None:
    """The Facts of an installed or standard-library module, read from its source without importing
    it (None when it is not found, or has no source and is not a known C module)."""
    if module in EXTENSION_EXPORTS:
        return Facts(EXTENSION_EXPORTS[module], None, ())
    if module in SAME_AS_BUILTINS:
        return Facts(frozenset(), None, ())
    if module == "os.path":  # set by `os` when it runs: the platform's path module
        module = os.path.__name__
    spec, locations = None, sys.path
    parts = module.split(".")
    for index in range(len(parts)):
        spec = importlib.machinery.PathFinder.find_spec(".".join(parts[:index + 1]), locations)
        if spec is None:
            break
        locations = spec.submodule_search_locations or []
    if spec is None:
        top = parts[0]
        known = top in sys.builtin_module_names or top in sys.stdlib_module_names
        return Facts(frozenset(), None, ()) if known and len(parts) == 1 else None
    origin = spec.origin or ""
    if not origin.endswith(".py"):
        stdlib = parts[0] in sys.stdlib_module_names
        return Facts(frozenset(), None, ()) if stdlib or spec.origin is None else None  # namespace package: empty
    try:
        with open(origin, encoding="utf-8") as handle:
            return read(handle.read())
    except (OSError, UnicodeDecodeError):
        return None


class Exports:
    """Which star-imported modules export a builtin name, from the repository's facts."""

    def __init__(self, repo: list[tuple[str, Facts]]):
        self.repo = {name: found for name, found in repo}

    def for_path(self, path: str):
        """`may_export(star, name)` for the star imports of the module at `path`."""
        package = module_name(path).split(".")
        if not (path.endswith("/__init__.py") or path == "__init__.py"):
            package = package[:-1]
        return lambda star, name: self.exports(_absolute(star, package) or star, name, frozenset())

    def exports(self, module: str, name: str, seen: frozenset) -> bool:
        """`from module import *` binds `name` (True too when the module cannot be read)."""
        if module in seen:
            return False
        found = self._facts(module)
        if found is None:
            return True
        package = module.split(".") if self._is_package(module) else module.split(".")[:-1]
        bound = name in found.bound or any(self.exports(_absolute(s, package) or s, name, seen | {module})
                                           for s in found.stars)
        return bound and (found.listed is None or found.listed == COMPUTED or name in found.listed)

    def _facts(self, module: str) -> Facts | None:
        if module in self.repo:
            return self.repo[module]
        tails = [key for key in self.repo if key.endswith("." + module)]  # another import root (`lib/pkg`)
        if len(tails) == 1:
            return self.repo[tails[0]]
        return installed(module)

    def _is_package(self, module: str) -> bool:
        return any(key.startswith(module + ".") for key in self.repo)


def exports(gathered: list, pick) -> Exports:
    """The Exports of a rule's gathered facts (`pick` takes the stars facts of each), built once a run."""
    from fixer.core import textcache

    gathered = gathered or []
    return textcache.per_run("py_stars.exports", gathered,
                             lambda: Exports([pick(f) for f in gathered if f and pick(f)]))

"""Which names of a module other files of the repo take from it, so a rule never removes one of them.

A module-level name that looks dead in its own module may be used through it: `pkg/__init__.py` does
`from .a import traceback`, a test does `mock.patch("pkg.a.json.dump")`, a worker does
`from svc.trace import TRACE`. `gather(path, text)` reads one file with `str.find` and regular
expressions matched where it finds `import` (no parse, no regex tried at every position: it runs on
every Python file of the repo) and returns the (module, name) pairs the file takes:

- `from M import N` (relative `M` resolved against the file's package): N of M;
- a dotted chain through an imported name (`import pkg.a` + `pkg.a.json.dump`, `from pkg import a` +
  `a.json`): each link, here N=a of pkg, json of pkg.a, dump of pkg.a.json;
- in a file mentioning `patch`, a dotted string literal (`"pkg.a.json.dump"`, a `mock.patch` or
  `monkeypatch.setattr` target) and `patch.object(a, "json")`: each link the same way;
- `from M import *`: every public name of M.
Names of the standard library's modules are left out (a repo module is not named like one), so are
strings elsewhere (`importlib.import_module("pkg.a")` followed by `getattr` is not seen).

`Importers(facts)` indexes what every file took; `taken(path, name)` says which file takes `name`
from the module at `path` (its dotted name from the repo-relative path, a leading `src/` stripped,
`__init__.py` standing for its package; an absolute import matches on whole trailing dotted parts,
since the repo's import root is not known). Text in comments and docstrings counts too: keeping a
name is the safe side.
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass

NAME = r"[A-Za-z_]\w*"
# Matched at the start of a line that mentions `import` (found with str.find: regexes tried at every
# position of every file of the repo cost too much).
FROM_IMPORT = re.compile(rf"[ \t]*from[ \t]+(\.*(?:{NAME}(?:\.{NAME})*)?)[ \t]+import[ \t]+"
                         r"(\([^)]*\)|[^\n]*(?:\\\n[^\n]*)*)")
IMPORT = re.compile(rf"[ \t]*import[ \t]+({NAME}(?:\.{NAME})*(?:[ \t]+as[ \t]+{NAME})?"
                    rf"(?:[ \t]*,[ \t]*{NAME}(?:\.{NAME})*(?:[ \t]+as[ \t]+{NAME})?)*)")
ATTRIBUTES = re.compile(rf"(?:\.{NAME})+")  # after an imported name
DOTTED_STRING = re.compile(rf"""(["'])({NAME}(?:\.{NAME})+)\1""")
PATCH_OBJECT = re.compile(rf"""patch\.object\(\s*({NAME}(?:\.{NAME})*)\s*,\s*["']({NAME})["']""")
PATCHING = "patch"  # a file naming attributes in strings: mock.patch, monkeypatch.setattr("…")

_last: list = [None, None, None]  # (path, text, facts): both leftover rules gather the same file in turn


@dataclass(frozen=True)
class Taken:
    importer: str  # the repo-relative path of the file taking the name
    how: str  # "imports `svc.trace.TRACE`", "patches `pkg.a.json.dump`" …

    def describe(self) -> str:
        return f"`{self.importer}` {self.how}"


def module_name(path: str) -> str:
    """`src/pkg/a.py` -> "pkg.a"; `pkg/__init__.py` -> "pkg"."""
    parts = path.split("/")
    if parts[0] == "src" and len(parts) > 1:
        parts = parts[1:]
    parts[-1] = parts[-1].rsplit(".", 1)[0]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def gather(path: str, text: str) -> tuple[str, list[tuple[str, str, str]]]:
    """(path, [(module, name, how)]): what the file takes from other modules (not the standard
    library's: a repo module is not named like one)."""
    if _last[0] == path and _last[1] is text:
        return _last[2]
    facts: dict[tuple[str, str], str] = {}
    aliases: dict[str, str] = {}  # a local name -> the dotted name it stands for
    package = module_name(path).split(".")
    if not path.endswith("/__init__.py") and path != "__init__.py":
        package = package[:-1]
    for start in _import_lines(text):
        match = FROM_IMPORT.match(text, start)
        if match:
            _from_import(facts, aliases, match, package)
            continue
        match = IMPORT.match(text, start)
        for name, alias in _names(match.group(1)) if match else ():
            if not _stdlib(name):
                aliases[alias or name.split(".")[0]] = name if alias else name.split(".")[0]
    if PATCHING in text:
        for match in DOTTED_STRING.finditer(text):
            dotted = match.group(2)
            if not _stdlib(dotted):
                line_start = text.rfind("\n", 0, match.start()) + 1
                how = f"patches `{dotted}`" if "patch" in text[line_start:match.start()] else \
                    f"names `{dotted}` in a string"
                _links(facts, dotted.split("."), 1, how)
    if aliases and "patch.object" in text:
        for match in PATCH_OBJECT.finditer(text):
            parts = match.group(1).split(".")
            base = aliases.get(parts[0])
            if base is not None:
                full = [*base.split("."), *parts[1:], match.group(2)]
                _links(facts, full, len(full) - 1, f"patches `{'.'.join(full)}`")
    for alias, base in aliases.items():
        for chain in _attribute_chains(text, alias):
            _links(facts, [*base.split("."), *chain], base.count(".") + 1, f"reads `{alias}.{'.'.join(chain)}`")
    found = (path, [(module, name, how) for (module, name), how in facts.items()] if facts else ())  # () is shared
    _last[:] = [path, text, found]
    return found


def _import_lines(text: str):
    """The start of each line mentioning `import`."""
    last, index = -1, text.find("import")
    while index != -1:
        start = text.rfind("\n", 0, index) + 1
        if start != last:
            yield start
            last = start
        index = text.find("import", index + 6)


def _from_import(facts: dict, aliases: dict, match: re.Match, package: list[str]) -> None:
    module = _absolute(match.group(1), package)
    if module is None or (not match.group(1).startswith(".") and _stdlib(module)):
        return
    for name, alias in _names(match.group(2)):
        if name == "*":
            facts.setdefault((module, "*"), f"star-imports `{module}`")
            continue
        facts.setdefault((module, name), f"imports `{module}.{name}`")
        aliases[alias or name] = f"{module}.{name}"


def _attribute_chains(text: str, alias: str):
    """The attribute names read after each `alias.` (not `x.alias.`)."""
    index = text.find(alias + ".")
    while index != -1:
        before = text[index - 1] if index else " "
        if not (before.isalnum() or before in "_."):
            match = ATTRIBUTES.match(text, index + len(alias))
            if match:
                yield match.group(0)[1:].split(".")
        index = text.find(alias + ".", index + 1)


def _stdlib(dotted: str) -> bool:
    return dotted.split(".")[0] in sys.stdlib_module_names


def _links(facts: dict, parts: list[str], first: int, how: str) -> None:
    """Each name of a dotted chain, as taken from the chain before it (from the `first`-th name on)."""
    for index in range(max(first, 1), len(parts)):
        facts.setdefault((".".join(parts[:index]), parts[index]), how)


def _absolute(module: str, package: list[str]) -> str | None:
    level = len(module) - len(module.lstrip("."))
    if not level:
        return module
    if level - 1 > len(package):
        return None
    base = package[:len(package) - (level - 1)]
    rest = module[level:]
    return ".".join([*base, rest] if rest else base) or None


def _names(text: str) -> list[tuple[str, str]]:
    """(name, alias or '') of each `a` / `a as b` in an import's name list."""
    if "#" in text:  # (every import line of every file comes here: the regex only where it can act)
        text = re.sub(r"#[^\n]*", "", text)
    text = text.replace("\\\n", " ").strip().strip("()")
    found = []
    for item in text.split(","):
        words = item.split()
        if len(words) == 1:
            found.append((words[0], ""))
        elif len(words) == 3 and words[1] == "as":
            found.append((words[0], words[2]))
    return found


class Importers:
    """What every gathered file takes, indexed by module."""

    def __init__(self, gathered: list):
        self.by_module: dict[str, dict[str, Taken]] = {}
        for facts in gathered:
            if not facts:
                continue
            path, pairs = facts
            for module, name, how in pairs:
                self.by_module.setdefault(module, {}).setdefault(name, Taken(path, how))

    def taken(self, path: str, name: str) -> Taken | None:
        """The file (other than `path`) taking `name` from the module at `path`, if any."""
        parts = module_name(path).split(".")
        for start in range(len(parts)):  # the module, or a trailing part of it (another import root)
            names = self.by_module.get(".".join(parts[start:]), {})
            for key in (name, "*"):
                taken = names.get(key)
                if taken is not None and taken.importer != path and (key == name or not name.startswith("_")):
                    return taken
        return None


def importers(gathered: list | None, pick=None) -> Importers:
    """The index of a rule's gathered facts (`pick` takes this module's part of each rule's facts),
    built once a run."""
    from fixer.core import textcache

    gathered = gathered or []
    return textcache.per_run("py_importers.index", gathered,
                             lambda: Importers(gathered if pick is None else [pick(f) for f in gathered if f]))


def taken_in(source, gathered: list | None, pick=None):
    """`taken(name)` for one source: the other file taking a name from its module, if any."""
    index = importers(gathered, pick)
    return lambda name: index.taken(source.path, name)

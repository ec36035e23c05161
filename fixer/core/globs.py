"""Glob patterns over repo-relative POSIX paths (``**`` spans directories, ``*`` does not).

Globs come from the repository's config, so matching must stay cheap whatever they say: a list of
globs is compiled once into one `GlobSet` whose cost per path does not grow with the patterns' shape.
The common shapes are looked up in sets (a literal path, `DIR/**`, `**/NAME`, `**/*.EXT`); every other
glob is matched by RE2 (fixer.core.userregex), in time linear in the path: sixty `*` in a row cannot
make it backtrack. bench/globs.py measures 20,000 excludes."""
from __future__ import annotations

import re

WILD = re.compile(r"[*?\[]")
_compiled: dict[int, tuple] = {}  # id(list of globs) -> (that list, its GlobSet, its length)
MAX_COMPILED = 256


TOKEN = re.compile(r"\*\*/|\*\*|\*+|\?|\[!?.[^\]]*\]|[^*?\[]+|\[")


def glob_source(pattern: str) -> str:
    """The glob as regex source (RE2 syntax; anchor it yourself)."""
    return "".join(map(_token_source, TOKEN.findall(pattern)))


def _token_source(token: str) -> str:
    if token == "**/":
        return "(?:.*/)?"
    if token == "**":
        return ".*"
    if token[0] == "*":
        return "[^/]*"
    if token == "?":
        return "[^/]"
    if token[0] == "[" and len(token) > 2:
        body = token[1:-1].replace("\\", "\\\\").replace("[", "\\[")
        return "[^" + body[1:] + "]" if body.startswith("!") else "[" + body + "]"
    return re.escape(token)


def glob_regex(pattern: str):
    """One glob as a linear-time regex; `.match(path)` is true when the whole path matches."""
    from fixer.core.userregex import compile_linear

    return compile_linear(glob_source(pattern) + r"\z")


class GlobSet:
    """Many globs, one question: does a path match any of them.

    Globs with a wildcard are filed under the literal folders they start with (`third_party/lib1/*.py`
    under `third_party/lib1`): a path is only tried against the globs filed under one of its own
    folders (or under none), and each such group is compiled to RE2 the first time a path reaches it."""


    def __init__(self, patterns):
        self.exact: set[str] = set()
        self.under: set[str] = set()  # DIR/**
        self.named: set[str] = set()  # **/NAME
        self.suffixes: set[str] = set()  # **/*.EXT
        self.wild: dict[str, list[str]] = {}  # literal leading folders -> regex sources
        self._regexes: dict[str, list] = {}
        for pattern in patterns:
            if pattern.endswith("/"):
                pattern += "**"
            if not WILD.search(pattern):
                self.exact.add(pattern)
            elif pattern.endswith("/**") and not WILD.search(pattern[:-3]):
                self.under.add(pattern[:-3])
            elif pattern.startswith("**/") and not WILD.search(pattern[3:]):
                self.named.add(pattern[3:])
            elif pattern.startswith("**/*") and "/" not in pattern[4:] and not WILD.search(pattern[4:]):
                self.suffixes.add(pattern[4:])
            else:
                folders = pattern[:WILD.search(pattern).start()].rpartition("/")[0]
                self.wild.setdefault(folders, []).append(glob_source(pattern))
        self._suffix_lengths = sorted({len(suffix) for suffix in self.suffixes})  # a name's endings worth trying

    def match(self, path: str) -> bool:
        if path in self.exact or (self.wild and self._wild("", path)):
            return True
        if self.under or self.named or self.wild:
            at = path.find("/")
            while at != -1:
                folder = path[:at]
                if folder in self.under or path[at + 1:] in self.named or self._wild(folder, path):
                    return True
                at = path.find("/", at + 1)
            if path in self.named:
                return True
        if self.suffixes:
            name = path.rpartition("/")[2]
            if any(name[len(name) - length:] in self.suffixes for length in self._suffix_lengths if length <= len(name)):
                return True
        return False

    def _wild(self, folder: str, path: str) -> bool:
        sources = self.wild.get(folder)
        if sources is None:
            return False
        group = self._regexes.get(folder)
        if group is None:
            from fixer.core.userregex import LinearSet

            group = self._regexes[folder] = LinearSet(sources)
        return group.match(path)


def compiled(patterns) -> GlobSet:
    """The GlobSet of this list (built once per list object: configs and rules keep theirs)."""
    entry = _compiled.get(id(patterns))
    if entry is None or entry[0] is not patterns or entry[2] != len(patterns):
        if len(_compiled) >= MAX_COMPILED:
            _compiled.clear()
        entry = (patterns, GlobSet(patterns), len(patterns))
        _compiled[id(patterns)] = entry
    return entry[1]


def matches(path: str, pattern: str) -> bool:
    return GlobSet((pattern,)).match(path)


def matches_any(path: str, patterns) -> bool:
    return compiled(patterns).match(path)

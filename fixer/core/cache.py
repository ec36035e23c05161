"""The result cache: each file's verdict (findings, fix) and its facts for other files' rules, kept
between runs in SQLite, so a run over a repository that barely changed reads and parses only what did.

An entry is keyed by (the file's path and content key, the rule set with its resolved options, fixer's
build). The content key is git's own blob id: the source (fixer.core.sources) gets it from the index
or the commit without reading the file; a file git cannot vouch for (changed, untracked, outside git)
is read and hashed the same way (`blob_id`). An entry also lists the facts from other files its verdict
read (`deps`: a rule's whole list, or the facts of the files holding one word), each with a digest; a
hit counts only while every such digest is still the same. Editing a test re-checks the files whose
verdict read its facts: exactly those for a lazily gathered rule (by the words it looked up), every
file the rule wants for an eagerly gathered one whose facts changed, none when its facts did not.

The store is one SQLite file (fixer.core.store); the entries of another fixer build are dropped
when a run of this build first opens it.
"""
from __future__ import annotations

import functools
import hashlib
import json
import sys
from pathlib import Path
from typing import Any, Iterable

from fixer.core.store import DIGEST, Store, digest


def stable(value: Any) -> bytes:
    """Bytes that depend only on `value`'s content: sets and dicts in sorted order (a pickle of a set
    follows the process's string hashing, different every run)."""
    return repr(_normal(value)).encode("utf-8", "surrogatepass")


_LEAVES = (str, int, float, bytes, bool, type(None))


def _normal(value: Any) -> Any:
    if isinstance(value, _LEAVES):  # most of a fact's values: answered before the four checks below
        return value
    if isinstance(value, dict):
        return ("d", sorted((repr(_normal(k)), _normal(v)) for k, v in value.items()))
    if isinstance(value, (set, frozenset)):
        return ("s", sorted(repr(_normal(v)) for v in value))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__[0], [_normal(v) for v in value])
    if hasattr(value, "__dataclass_fields__"):
        return (type(value).__name__, [_normal(getattr(value, name)) for name in value.__dataclass_fields__])
    return value


def build_id() -> str:
    """fixer's version plus the size and time of each of its modules (an editable install changes
    code without changing its version) and the versions of the parsers whose trees rules read
    (worked out once a process: a run asks several times)."""
    import fixer

    return _build_id(fixer.__version__)


@functools.lru_cache(maxsize=None)
def _build_id(version: str) -> str:
    from importlib import metadata

    from fixer.core.stamp import module_lines

    stamp = hashlib.blake2b("\n".join(module_lines()).encode("utf-8", "surrogateescape"), digest_size=DIGEST)
    versions = []
    for dist in ("libcst", "tree-sitter", "tree-sitter-elixir"):
        try:
            versions.append(f"{dist}={metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{dist}=-")
    return f"{version}|{sys.version_info[:3]}|{','.join(versions)}|{stamp.hexdigest()}"


def rules_key(rules: list, config) -> bytes:
    """The rule set with its resolved options, and the settings that change a file's verdict (the
    size limit, and the globs that decide which files' facts are gathered)."""
    described = [[rule.id, rule.options, list(rule.paths), list(rule.exclude)] for rule in rules]
    text = json.dumps([build_id(), described, config.max_file_size, config.include, config.exclude],
                      sort_keys=True, default=repr)
    return digest(text.encode())


def location(root: Path, git_dir: Path | None) -> Path:
    """`.git/fixer/cache` in a repository (its common git dir: worktrees share it), else a folder of
    the platform's user cache directory named after the root."""
    if git_dir is not None:
        return Path(git_dir) / "fixer" / "cache"
    from platformdirs import user_cache_dir

    name = hashlib.sha256(str(Path(root).resolve()).encode()).hexdigest()[:16]
    return Path(user_cache_dir("fixer", appauthor=False)) / "trees" / name


def open_store(folder: Path) -> Store:
    return Store(folder, build_id())


LAZY = "lazy"  # in an entry's facts: the file feeds a lazy rule, whose `gather` reads its text when asked
UNLOADED = "unloaded"  # an entry's facts, when it came from the last run's record: read from its row if needed
UNCHECKED, SETTLED, SHOWN = 0, 1, 2
BATCH = 2000  # entries with a verdict written at a time during a run (then only their record is held)  # an entry's verdict in the last run's record: none yet, nothing, in its row


class RunCache:
    """One run's view of the store: entries by path for the content keys of this run's files.

    An entry is a dict:
    - "facts": rule id -> this file's facts for that rule (LAZY for a lazy rule), packed (or None),
      "digests": rule id -> a digest of them;
    - "verdict" (only once the file was checked): None when no rule wanted it or the rules found
      nothing, else (new text or None when unchanged, [(rule id, text or None)], findings, the
      changed regions: FileResult.changes);
    - "deps": [(rule id, word or None, digest)]: the other files' facts the verdict read.

    The last run over the same files with the same rules also leaves one record of every entry
    without its facts (`load_last`): a run where a few files changed takes the others' entries from
    it, in one row, instead of one row a file; their facts are read from their rows only when a file
    has to be fixed again (`facts_of`)."""

    def __init__(self, store: Store, rules: list, config, keys: dict[str, str]):
        self.store = store
        self.prefix = rules_key(rules, config)
        self.keys = dict(keys)  # path -> content key; files read this run are added
        self.entries: dict[str, dict] = {}  # path -> its entry now (stored, or made this run)
        self._new: dict[bytes, dict] = {}
        self._final: dict[str, bytes] = {}  # path -> key of the new entries with a verdict, not written yet
        self._asked: set[str] = set()
        self._last: dict[str, tuple[str, dict]] = {}  # path -> (content key, entry without facts)
        self._last_key: bytes | None = None

    def load_last(self, paths: list[str]) -> None:
        """Read the last run's record for these files (written by `save`)."""
        self._last_key = digest(b"last\0" + self.prefix + "\0".join(paths).encode("utf-8", "surrogateescape"))
        record = self.store.get_many([self._last_key]).get(self._last_key)
        last = record.get("last") if record is not None else None
        first = next(iter(last.values()), None) if isinstance(last, dict) else None
        self._last = last if isinstance(first, tuple) and len(first) == 4 else {}


    def _key(self, path: str, content: str) -> bytes:
        # The prefix has a fixed length and the content key no NUL: one digest of the joined bytes.
        return digest(b"%s%s\0%s" % (self.prefix, content.encode(), path.encode("utf-8", "surrogateescape")))

    def fetch(self, paths: Iterable[str]) -> dict[str, dict]:
        """path -> the stored entry, for the paths with a content key and an entry (each path is
        asked once a run)."""
        asked = [p for p in paths if p in self.keys and p not in self._asked]
        self._asked.update(asked)
        found = {}
        for path in asked:
            last = self._last.get(path)
            if last is not None and last[0] == self.keys[path] and last[2] != SHOWN:
                content, digests, state, deps = last
                found[path] = {"facts": UNLOADED, "digests": digests, **({"verdict": None, "deps": list(deps)}
                                                                        if state == SETTLED else {})}
                self.entries.setdefault(path, found[path])
        wanted = {self._key(p, self.keys[p]): p for p in asked if p not in found}
        for key, entry in self.store.get_many(wanted).items():
            found[wanted[key]] = entry
            self.entries.setdefault(wanted[key], entry)
        return found

    def peek(self, paths: list[str]) -> dict[str, dict]:
        """path -> its stored entry, without making it part of this run (see `fetch`)."""
        wanted = {self._key(p, self.keys[p]): p for p in paths if p in self.keys}
        return {wanted[key]: entry for key, entry in self.store.get_many(wanted).items()}

    def facts_of(self, paths: list[str]) -> dict[str, bytes | None]:
        """path -> the packed facts in its row (for entries that came from the last run's record)."""
        wanted = {self._key(p, self.keys[p]): p for p in paths if p in self.keys}
        return {wanted[key]: entry.get("facts") for key, entry in self.store.get_many(wanted).items()}

    def put(self, path: str, entry: dict) -> None:
        content = self.keys.get(path)
        if content is None:
            return
        if entry.get("facts") == UNLOADED:  # its facts are in its row: keep them there
            rows = self.facts_of([path])
            if path not in rows:
                return  # the row went (the size bound): the file is read again next run
            entry = {**entry, "facts": rows[path]}
        key = self._key(path, content)
        self.entries[path] = entry
        self._new[key] = entry
        if "verdict" in entry:
            self._final[path] = key
            if len(self._final) >= BATCH:
                self._write_final()

    def _write_final(self) -> None:
        """Write the new entries that have their verdict, and hold of each only what the run's record
        and verdict need: filling the cache of 100,000 files no longer holds every file's facts
        until the end. Their facts stay in their rows (UNLOADED: read back if one is put again)."""
        written = {key: self._new.pop(key) for path, key in self._final.items() if key in self._new}
        self.store.put_many(written)
        for path, key in self._final.items():
            entry = self.entries.get(path)
            if key in written and entry is written[key] and entry.get("facts") is not None:
                self.entries[path] = {**entry, "facts": UNLOADED}
        self._final = {}

    def keep(self, path: str, entry: dict) -> None:
        """Use a stored entry as it is (nothing new to write for the file)."""
        self.entries[path] = entry
        self._new.pop(self._key(path, self.keys[path]), None)
        self._final.pop(path, None)

    def get_run(self, summary: bytes) -> list | None:
        """What a whole run kept under `summary` showed (see fixer.core.runner), or None."""
        key = digest(b"run\0" + self.prefix + summary)
        entry = self.store.get_many([key]).get(key)
        return entry.get("run") if entry is not None else None

    def put_run(self, summary: bytes, record: list | None) -> None:
        if record is not None:
            self._new[digest(b"run\0" + self.prefix + summary)] = {"run": record}

    def save(self, last: bool = True) -> None:
        """Write this run's new entries, and (`last`) the record of every entry for the next run."""
        if last and self._last_key is not None:
            # Without facts, and without the verdicts that have something to show (their texts stay in
            # their rows): the record stays small however many files there are.
            record = {path: (self.keys[path], entry.get("digests", {}), _state(entry), entry.get("deps", ()))
                      for path, entry in self.entries.items() if path in self.keys}
            self._new[self._last_key] = {"last": record}
        self.store.put_many(self._new)
        self._new, self._final = {}, {}


def _state(entry: dict) -> int:
    """What the last run's record keeps of an entry's verdict (a verdict to show stays in its row)."""
    if "verdict" not in entry:
        return UNCHECKED
    return SETTLED if entry["verdict"] is None else SHOWN

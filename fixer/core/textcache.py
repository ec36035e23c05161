"""Per-text caches: structures built from one text (line index, syntax tree) are reused while that
very text object is current, instead of being rebuilt by every rule, pass and edit.

Entries are keyed on the text object's identity and hold the text itself, so an id cannot be reused
by another string while its entry lives. Only the few most recent texts are kept, and the engine
clears the cache after each file: memory stays proportional to the file being fixed.

`per_run` is the same for what a rule builds from its facts gathered from the whole repository (one
list a rule a run, handed to every file's check): built once a run, not once a file, and never
cleared by the engine.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Any, Callable

MAX_TEXTS = 6  # the texts a rule pass can have in hand: before, after, and a validation candidate

_entries: OrderedDict[tuple[str, int], tuple[str, Any]] = OrderedDict()
_run_entries: OrderedDict[tuple[str, int], tuple[Any, Any]] = OrderedDict()
_file_entries: dict[str, Any] = {}
MAX_RUN_ENTRIES = 8  # a few rules' run-wide values; the oldest goes first


def per_text(kind: str, text: str, build: Callable[[], Any]) -> Any:
    """`build()`'s value for this text object, built at most once while it stays cached."""
    key = (kind, id(text))
    entry = _entries.get(key)
    if entry is not None and entry[0] is text:
        _entries.move_to_end(key)
        return entry[1]
    value = build()
    _entries[key] = (text, value)
    while len(_entries) > MAX_TEXTS * 3:
        _entries.popitem(last=False)
    return value


def per_run(kind: str, gathered: Any, build: Callable[[], Any]) -> Any:
    """`build()`'s value for this gathered-facts object, built at most once while it stays cached."""
    key = (kind, id(gathered))
    entry = _run_entries.get(key)
    if entry is not None and entry[0] is gathered:
        return entry[1]
    value = build()
    _run_entries[key] = (gathered, value)
    while len(_run_entries) > MAX_RUN_ENTRIES:
        _run_entries.popitem(last=False)
    return value


def per_file(kind: str, build: Callable[[], Any]) -> Any:
    """A value kept while one file is fixed, whichever of its texts is in hand (e.g. what a rule
    learnt about a part of the file that the next text holds unchanged); cleared with the rest."""
    entry = _file_entries.get(kind)
    if entry is None:
        entry = _file_entries[kind] = build()
    return entry


def peek(kind: str, text: str) -> Any:
    """What was built for this text object, or None (nothing is built)."""
    entry = _entries.get((kind, id(text)))
    return entry[1] if entry is not None and entry[0] is text else None


def derive(new: str, old: str, spans: list) -> None:
    """Note that `new` is `old` with `spans` (sorted, disjoint edits) spliced in: a parser that can
    re-parse only what changed (tree-sitter) starts from `old`'s tree when it is still cached."""
    per_text("derived", new, lambda: (old, spans))


def derivation(new: str) -> tuple[str, list] | None:
    """(old text, spans) when `new` was spliced from a text, else None."""
    return peek("derived", new)


def forget(text: str, *kinds: str) -> None:
    """Drop what was built from `text` (e.g. a syntax tree the size of dozens of copies of the text)."""
    for kind in kinds:
        entry = _entries.get((kind, id(text)))
        if entry is not None and entry[0] is text:
            del _entries[(kind, id(text))]


def clear() -> None:
    _entries.clear()
    _file_entries.clear()

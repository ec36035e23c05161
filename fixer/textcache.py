"""Per-text caches: structures built from one text (line index, syntax tree) are reused while that
very text object is current, instead of being rebuilt by every rule, pass and edit.

Entries are keyed on the text object's identity and hold the text itself, so an id cannot be reused
by another string while its entry lives. Only the few most recent texts are kept, and the engine
clears the cache after each file: memory stays proportional to the file being fixed.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Any, Callable

MAX_TEXTS = 6  # the texts a rule pass can have in hand: before, after, and a validation candidate

_entries: OrderedDict[tuple[str, int], tuple[str, Any]] = OrderedDict()


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


def forget(text: str, *kinds: str) -> None:
    """Drop what was built from `text` (e.g. a syntax tree the size of dozens of copies of the text)."""
    for kind in kinds:
        entry = _entries.get((kind, id(text)))
        if entry is not None and entry[0] is text:
            del _entries[(kind, id(text))]


def clear() -> None:
    _entries.clear()

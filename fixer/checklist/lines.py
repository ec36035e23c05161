"""Which line of one text is which line of another (pure): a checklist item's rule runs on the text
the earlier items left, while the checklist's line numbers, and the spots `--verify` holds back, are
lines of the original file."""
from __future__ import annotations

import difflib


def line_map(old: str, new: str) -> dict[int, int]:
    """1-based lines of `old` -> lines of `new`, for the lines both hold unchanged (difflib's matching
    blocks: an earlier item removed or rewrote the lines in between)."""
    if old == new:
        return {n: n for n in range(1, old.count("\n") + 2)}
    matcher = difflib.SequenceMatcher(None, old.splitlines(), new.splitlines(), autojunk=False)
    return {a + 1 + i: b + 1 + i for a, b, size in matcher.get_matching_blocks() for i in range(size)}


def map_span(old: str, new: str, first: int, last: int) -> tuple[int, int] | None:
    """The lines [first, last] of `old` in `new` (None when the first line is no longer there); a
    last line that changed keeps the span's length."""
    lines = line_map(old, new)
    if first not in lines:
        return None
    start = lines[first]
    end = lines.get(last, start + (last - first))
    return start, max(start, end)

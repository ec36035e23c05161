"""Text edits: (range, replacement) pairs applied to a file's text.

Edits are sorted and overlapping edits are refused (the later one is returned, not applied), the way
ruff applies fixes. Whole-line deletions (``Edit.tidy``) get their surrounding blank lines normalised so
a removal never leaves a double blank line, or a blank line right after a block opener or right before a
dedent/``end``, where the original had none.
"""
from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from typing import Iterable

from fixer.core import textcache


@dataclass(frozen=True, order=True)
class Edit:
    start: int
    end: int
    replacement: str
    rule: str = ""
    message: str = ""
    tidy: bool = False  # a deletion of whole lines: normalise the blank lines around it


# A line ends at "\n", "\r\n" or a lone "\r", as LibCST counts them (the one place that says so).
LINE_BREAK = re.compile(r"\r\n?|\n")


class LineIndex:
    """Maps between character offsets and 1-based line numbers of one text.

    Lines end at "\n", "\r\n" or a lone "\r", as LibCST (and Python's tokenizer) count them, so the
    line numbers of LibCST positions index the same lines here.

    `LineIndex(text)` is cheap to call again: the index of a recently used text object is reused
    (rules build one per edit through `delete_lines`). Line starts live in an array of machine
    integers, so a large file costs 8 bytes a line, not a Python int object a line.
    """

    text: str
    starts: array

    def __new__(cls, text: str):
        return textcache.per_text("LineIndex", text, lambda: cls._build(text))

    def __init__(self, text: str):
        pass  # built once, in _build

    @classmethod
    def _build(cls, text: str) -> "LineIndex":
        index = object.__new__(cls)
        index.text = text
        index.starts = array("q", [0])
        index.starts.extend(m.end() for m in LINE_BREAK.finditer(text))
        return index

    def line_of(self, offset: int) -> int:
        return bisect_right(self.starts, offset)

    def offset(self, line: int, column: int = 0) -> int:
        return self.starts[line - 1] + column

    def line_start(self, line: int) -> int:
        return self.starts[line - 1]

    def line_end(self, line: int) -> int:
        """Offset just past the line's line break (or end of text)."""
        return self.starts[line] if line < len(self.starts) else len(self.text)

    def line_text(self, line: int) -> str:
        return self.text[self.line_start(line):self.line_end(line)].rstrip("\r\n")

    @property
    def line_count(self) -> int:
        return len(self.starts) if self.text and self.starts[-1] != len(self.text) else len(self.starts) - 1


class Spans:
    """Ranges answering "is [start, end] inside one of them?" in O(log n), for rules that ask it per
    node (instead of scanning every range each time: O(n) per node, quadratic per file).

    Only ranges not inside another are kept; sorted by start, their ends are then sorted too, so the
    one range that can hold [start, end] is the last one starting at or before `start`.
    """

    def __init__(self, ranges: Iterable[tuple[int, int]] = ()):
        self.starts: list[int] = []
        self.ends: list[int] = []
        for start, end in ranges:
            self.add(start, end)

    def __bool__(self) -> bool:
        return bool(self.starts)

    def covers(self, start: int, end: int) -> bool:
        at = bisect_right(self.starts, start) - 1
        return at >= 0 and self.ends[at] >= end

    def add(self, start: int, end: int) -> None:
        if self.covers(start, end):
            return
        low = bisect_left(self.starts, start)
        high = bisect_right(self.ends, end, lo=low)  # the ranges inside [start, end] are replaced
        self.starts[low:high] = [start]
        self.ends[low:high] = [end]


def is_blank(line: str) -> bool:
    return not line.strip()


def indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def delete_lines(text: str, first: int, last: int, rule: str = "", message: str = "") -> Edit:
    """An edit deleting lines first..last (1-based, inclusive) with blank-line tidying."""
    index = LineIndex(text)
    return Edit(index.line_start(first), index.line_end(last), "", rule, message, tidy=True)


def _merge_tidy_runs(text: str, edits: list[Edit]) -> list[Edit]:
    """Join whole-line deletions separated only by blank lines into one deletion."""
    merged: list[Edit] = []
    for edit in edits:
        if merged and merged[-1].tidy and edit.tidy and merged[-1].end <= edit.start:
            gap = text[merged[-1].end:edit.start]
            if not gap.strip():
                merged[-1] = replace(merged[-1], end=edit.end)
                continue
        merged.append(edit)
    return merged


def _tidy_span(text: str, edit: Edit) -> Edit:
    """Grow a whole-line deletion over the blank lines that it would otherwise leave doubled."""
    index = LineIndex(text)
    first, last = index.line_of(edit.start), index.line_of(max(edit.start, edit.end - 1))
    total = index.line_count
    removed_indent = min(
        (indent_of(index.line_text(n)) for n in range(first, last + 1) if not is_blank(index.line_text(n))),
        default=0,
    )
    above = 0
    while first - above - 1 >= 1 and is_blank(index.line_text(first - above - 1)):
        above += 1
    below = 0
    while last + below + 1 <= total and is_blank(index.line_text(last + below + 1)):
        below += 1
    prev_line = first - above - 1
    next_line = last + below + 1
    block_start = prev_line < 1 or indent_of(index.line_text(prev_line)) < removed_indent
    block_end = next_line > total or indent_of(index.line_text(next_line)) < removed_indent
    if prev_line < 1 and next_line > total:
        keep = 0  # nothing but blank lines would be left: leave none
    elif block_start:
        keep = above
    elif block_end:
        keep = below
    else:
        keep = max(above, below)
    # Keep `keep` blank lines in total out of above + below: drop the rest next to the deleted lines.
    drop_above = max(0, above - keep)
    drop_below = max(0, below - max(0, keep - above))
    start = index.line_start(first - drop_above) if drop_above else edit.start
    end = index.line_end(last + drop_below) if drop_below else edit.end
    if end == len(text) and not text.endswith(("\n", "\r")) and start > 0 and not edit.replacement:
        # The file had no final line break: don't leave one behind ("\r\n", "\n" or a lone "\r").
        start -= 2 if text.startswith("\r\n", start - 2) else 1
    return replace(edit, start=start, end=end)


def plan_edits(text: str, edits: list[Edit]) -> tuple[list[Edit], list[Edit], list[Edit]]:
    """(the spans to splice, sorted and disjoint; the edits applied; the overlapping edits refused)."""
    ordered = sorted(set(edits), key=lambda e: (e.start, e.end, e.replacement))
    applied: list[Edit] = []
    refused: list[Edit] = []
    for edit in ordered:
        if applied and edit.start < applied[-1].end:
            if edit.tidy and applied[-1].tidy and edit.end <= applied[-1].end:
                continue  # the same lines are already being deleted
            refused.append(edit)
            continue
        if applied and edit.start == applied[-1].end == applied[-1].start == edit.end:
            refused.append(edit)  # two insertions at one point: order would be a guess
            continue
        applied.append(edit)
    final = [_tidy_span(text, e) if e.tidy else e for e in _merge_tidy_runs(text, applied)]
    spans: list[Edit] = []
    cursor = 0
    for edit in _merge_tidy_runs(text, final):
        if edit.start < cursor:  # a tidied span grew over its neighbour's blank lines
            edit = replace(edit, start=cursor, end=max(cursor, edit.end))
        spans.append(edit)
        cursor = edit.end
    return spans, applied, refused


def splice(text: str, spans: list[Edit]) -> str:
    """The text with each (disjoint, sorted) span replaced: one pass, whatever the number of edits."""
    pieces: list[str] = []
    cursor = 0
    for edit in spans:
        pieces.append(text[cursor:edit.start])
        pieces.append(edit.replacement)
        cursor = edit.end
    pieces.append(text[cursor:])
    new = "".join(pieces)
    if spans:
        textcache.derive(new, text, spans)
    return new


def apply_edits(text: str, edits: list[Edit]) -> tuple[str, list[Edit], list[Edit]]:
    """Apply edits; return (new text, applied edits, refused overlapping edits)."""
    spans, applied, refused = plan_edits(text, edits)
    return splice(text, spans), applied, refused

"""Keeping what settles: when a second pass would change a file again, find where in the original
text that happens, so the file can be fixed again with only those spots left alone (and reported).

A ``Trail`` records the spans every applied pass replaced, so a range of the current text maps back to
the original one. ``Blocks`` are whole-line ranges of the original text that no edit may touch.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from fixer.core.edits import Edit, LineIndex


class Step:
    """One applied pass: its spans in input coordinates and where they landed in the output."""

    def __init__(self, spans: list[Edit]):
        self.starts = [e.start for e in spans]
        self.ends = [e.end for e in spans]
        self.out_starts: list[int] = []
        self.out_ends: list[int] = []
        self.shift = [0]  # shift[i]: output offset minus input offset after the first i spans
        for edit in spans:
            self.out_starts.append(edit.start + self.shift[-1])
            self.out_ends.append(self.out_starts[-1] + len(edit.replacement))
            self.shift.append(self.shift[-1] + len(edit.replacement) - (edit.end - edit.start))

    def back(self, start: int, end: int) -> tuple[int, int]:
        """The input range an output range came from (a touched replacement counts whole)."""
        first = bisect_left(self.out_ends, start)
        if first < len(self.starts) and self.out_starts[first] <= start:
            low = self.starts[first]
        else:
            low = start - self.shift[first]
        last = bisect_right(self.out_starts, end) - 1
        if last >= 0 and end <= self.out_ends[last]:
            high = self.ends[last]
        else:
            high = end - self.shift[last + 1]
        return low, max(low, high)


@dataclass
class Trail:
    steps: list[Step] = field(default_factory=list)

    def add(self, spans: list[Edit]) -> None:
        self.steps.append(Step(spans))

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        for step in reversed(self.steps):
            start, end = step.back(start, end)
        return start, end

    def changes(self) -> list[tuple[int, int, int, int]]:
        """(original start, end, final start, end) of each region the passes replaced, sorted and
        disjoint: outside them the final text is the original one (what a diff needs to look at)."""
        regions: list[tuple[int, int, int, int]] = []
        for step in self.steps:
            regions = _then(regions, step)
        return regions


def _then(regions: list[tuple[int, int, int, int]], step: Step) -> list[tuple[int, int, int, int]]:
    """`regions` (original -> the step's input) followed by the step: original -> its output.

    The regions' output ranges and the step's spans are both ranges of the step's input: those that
    overlap or touch become one region, whose ends map back to the original and on to the output by
    the length changes of the regions and spans before them."""
    items = sorted([(c0, c1, (c1 - c0) - (o1 - o0), 0) for o0, o1, c0, c1 in regions]
                   + [(a, b, 0, (y - x) - (b - a)) for a, b, x, y in
                      zip(step.starts, step.ends, step.out_starts, step.out_ends)])
    joined: list[tuple[int, int, int, int]] = []
    back = on = 0  # input minus original, output minus input, before the item at hand
    at = 0
    while at < len(items):
        start, end, grew_back, grew_on = items[at]
        first_back, first_on = back, on
        back, on, at = back + grew_back, on + grew_on, at + 1
        while at < len(items) and items[at][0] <= end:
            end = max(end, items[at][1])
            back, on, at = back + items[at][2], on + items[at][3], at + 1
        joined.append((start - first_back, end - back, start + first_on, end + on))
    return joined


@dataclass
class Blocks:
    """Whole-line ranges of the original text, each with the reason no edit may touch it."""

    original: str
    ranges: list[tuple[int, int, str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.ranges)

    def add(self, start: int, end: int, reason: str) -> bool:
        """Block the lines of [start, end]; False if they were blocked already (no progress)."""
        lines = LineIndex(self.original)
        # An insertion at a line start belongs to the line it follows.
        first = lines.line_of(start - 1 if start == end and start > 0 else start)
        last = max(first, lines.line_of(max(start, end - 1)))
        low, high = lines.line_start(first), lines.line_end(last)
        if any(a <= low and high <= b for a, b, _ in self.ranges):
            return False
        self.ranges.append((low, high, reason))
        return True

    def reason_for(self, start: int, end: int) -> str | None:
        for low, high, reason in self.ranges:
            if start == end or low == high:
                hit = low <= end and start <= high  # an insertion touching the range counts
            else:
                hit = start < high and end > low
            if hit:
                return reason
        return None

"""Unified, git-style diffs of fixer's changes (what `git apply` accepts)."""
from __future__ import annotations

import difflib
import re

NO_NEWLINE = "\\ No newline at end of file\n"
# git's C-style quoting of paths (quote.c, with the default core.quotePath=true): these bytes get a
# letter escape, other control bytes, DEL and non-ASCII bytes an octal one.
LETTER_ESCAPES = {0x07: "a", 0x08: "b", 0x09: "t", 0x0A: "n", 0x0B: "v", 0x0C: "f", 0x0D: "r", 0x22: '"', 0x5C: "\\"}
UNESCAPES = {letter: bytes([code]) for code, letter in LETTER_ESCAPES.items()}


def quote_path(path: str) -> str:
    """`path` as git writes it in a patch header: as it is, or in double quotes with escapes."""
    raw = path.encode("utf-8", "surrogateescape")
    if not any(b < 0x20 or b >= 0x7F or b in (0x22, 0x5C) for b in raw):
        return path
    parts = []
    for byte in raw:
        if byte in LETTER_ESCAPES:
            parts.append("\\" + LETTER_ESCAPES[byte])
        elif byte < 0x20 or byte >= 0x7F:
            parts.append(f"\\{byte:03o}")
        else:
            parts.append(chr(byte))
    return '"' + "".join(parts) + '"'


def unquote_path(name: str) -> str:
    """The inverse of quote_path (also for git's quotePath=false output, raw UTF-8 inside quotes)."""
    if len(name) < 2 or not (name.startswith('"') and name.endswith('"')):
        return name
    inner = name[1:-1].encode("utf-8", "surrogateescape")
    raw = re.sub(rb"\\([0-7]{3}|.)", lambda m: _unescape(m.group(1)), inner, flags=re.S)
    return raw.decode("utf-8", "surrogateescape")


def _unescape(code: bytes) -> bytes:
    if len(code) == 3:
        return bytes([int(code, 8) & 0xFF])
    return UNESCAPES.get(code.decode("latin-1"), code)


# Regions of a fixed file that may differ from the original: (old start, old end, new start, new end)
# as character offsets, sorted and disjoint; outside them the two texts are the same (see settle.Trail).
Changes = list[tuple[int, int, int, int]]
# The same as 0-based, end-exclusive line ranges of "\n"-split lines.
LineChanges = list[tuple[int, int, int, int]]
LINES = re.compile(r"[^\n]*\n|[^\n]+\Z")


def file_diff(path: str, old: str, new: str, context: int = 3, changed: LineChanges | None = None) -> str:
    """A `diff --git` patch for one file; old/new are the exact on-disk texts (CRLF kept).

    `changed`: the line ranges that may differ (see `changed_lines`). Only they are compared, line by
    line with difflib, so a few fixes in a huge file cost the lines they touch, not a match of the
    whole file. Ranges that do not fit the texts are not trusted: the whole files are compared."""
    if old == new:
        return ""
    # Split on "\n" only, as git does (str.splitlines would also split on \x0c, \u2028, ...).
    old_lines, new_lines = LINES.findall(old), LINES.findall(new)
    opcodes = None
    if changed is not None and _fits(old_lines, new_lines, changed):
        opcodes = _opcodes_in(old_lines, new_lines, changed)
    if opcodes is None:
        opcodes = difflib.SequenceMatcher(None, old_lines, new_lines).get_opcodes()
    source, target = quote_path(f"a/{path}"), quote_path(f"b/{path}")
    # git ends a ---/+++ name holding a space with a tab, so that the name's end is unambiguous.
    tab = "\t" if " " in source else ""
    out = [f"diff --git {source} {target}\n", f"--- {source}{tab}\n", f"+++ {target}{tab}\n"]
    for group in _Known(opcodes).get_grouped_opcodes(context):
        out.append(f"@@ -{_range(group[0][1], group[-1][2])} +{_range(group[0][3], group[-1][4])} @@\n")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out.extend(_body(" ", old_lines[i1:i2]))
                continue
            out.extend(_body("-", old_lines[i1:i2]))
            out.extend(_body("+", new_lines[j1:j2]))
    return "".join(out)


class _Known(difflib.SequenceMatcher):
    """difflib's grouping into hunks (context, merging of close changes) over opcodes already known."""

    def __init__(self, opcodes):
        super().__init__(None, [], [])
        self.known = opcodes

    def get_opcodes(self):
        return list(self.known)


def _range(start: int, stop: int) -> str:
    """A hunk header's range, as difflib.unified_diff writes it."""
    length = stop - start
    if length == 1:
        return f"{start + 1}"
    return f"{start if not length else start + 1},{length}"


def _body(mark: str, lines: list[str]):
    for line in lines:
        yield mark + line if line.endswith("\n") else f"{mark}{line}\n{NO_NEWLINE}"


def changed_lines(old: str, new: str, changes: Changes) -> LineChanges:
    """The "\n"-split line ranges holding the changed character ranges (the lines they touch whole);
    ranges sharing a line are joined. The offsets may also be those of a text that differs from
    `old`/`new` only by "\n" -> "\r\n" (the lines are the same)."""
    old_at = _line_numbers(old, [offset for start, end, _, _ in changes for offset in (start, end)])
    new_at = _line_numbers(new, [offset for _, _, start, end in changes for offset in (start, end)])
    old_count, new_count = _line_count(old), _line_count(new)
    ranges: LineChanges = []
    for n in range(len(changes)):
        first, end = old_at[2 * n], min(old_at[2 * n + 1] + 1, old_count)
        new_first, new_end = new_at[2 * n], min(new_at[2 * n + 1] + 1, new_count)
        if ranges and (first <= ranges[-1][1] or new_first <= ranges[-1][3]):
            ranges[-1] = (ranges[-1][0], max(end, ranges[-1][1]), ranges[-1][2], max(new_end, ranges[-1][3]))
        else:
            ranges.append((first, end, new_first, new_end))
    return ranges


def _line_count(text: str) -> int:
    """len(LINES.findall(text)), without making the lines (file_diff splits the texts once itself)."""
    return text.count("\n") + (not text.endswith("\n") and bool(text))


def _line_numbers(text: str, offsets: list[int]) -> list[int]:
    """The 0-based line of each offset (ascending), counting the "\n" before it once over the text."""
    numbers, line, at = [], 0, 0
    for offset in offsets:
        line += text.count("\n", at, offset)
        at = max(at, offset)
        numbers.append(line)
    return numbers


def _fits(old_lines: list[str], new_lines: list[str], changed: LineChanges) -> bool:
    """True when the lines outside the ranges are the same in both texts (the ranges are sound)."""
    old_at = new_at = 0
    for first, end, new_first, new_end in changed:
        if not (old_at <= first <= end <= len(old_lines) and new_at <= new_first <= new_end <= len(new_lines)):
            return False
        if old_lines[old_at:first] != new_lines[new_at:new_first]:
            return False
        old_at, new_at = end, new_end
    return old_lines[old_at:] == new_lines[new_at:]


# Lines of unchanged text matched with each changed range, and the gap up to which two ranges are matched
# as one: difflib matches a range within the longest unchanged runs around it, so its choice between
# equally good alignments (which of two alike lines goes) depends on them; with these margins it is
# nearly always the same as when difflib matches the whole files.
MARGIN = 16


def _windows(changed: LineChanges, old_count: int, new_count: int) -> LineChanges:
    """The ranges, joined when close (difflib never puts two changes side by side), each widened by
    up to MARGIN unchanged lines on both sides."""
    windows: LineChanges = []
    for first, end, new_first, new_end in changed:
        if windows and first - windows[-1][1] <= 2 * MARGIN:
            windows[-1] = (windows[-1][0], end, windows[-1][2], new_end)
        else:
            windows.append((first, end, new_first, new_end))
    widened: LineChanges = []
    for first, end, new_first, new_end in windows:
        before = min(MARGIN, first - (widened[-1][1] if widened else 0))
        after = min(MARGIN, old_count - end, new_count - new_end)
        widened.append((first - before, end + after, new_first - before, new_end + after))
    return widened


def _opcodes_in(old_lines: list[str], new_lines: list[str], changed: LineChanges) -> list[tuple]:
    """difflib's opcodes for the whole texts, matching lines only inside the changed ranges."""
    opcodes: list[tuple] = []

    def add(tag: str, i1: int, i2: int, j1: int, j2: int) -> None:
        if i1 == i2 and j1 == j2:
            return
        if tag == "equal" and opcodes and opcodes[-1][0] == "equal":
            _, i1, _, j1, _ = opcodes.pop()
        opcodes.append((tag, i1, i2, j1, j2))

    at = new_at = 0
    for first, end, new_first, new_end in _windows(changed, len(old_lines), len(new_lines)):
        add("equal", at, first, new_at, new_first)
        matcher = difflib.SequenceMatcher(None, old_lines[first:end], new_lines[new_first:new_end])
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            add(tag, first + i1, first + i2, new_first + j1, new_first + j2)
        at, new_at = end, new_end
    add("equal", at, len(old_lines), new_at, len(new_lines))
    return opcodes


def patch(changes: list[tuple]) -> str:
    """One patch for many files: (path, old text, new text[, the changed lines or None])."""
    return "".join(file_diff(path, old, new, changed=rest[0] if rest else None) for path, old, new, *rest in changes)

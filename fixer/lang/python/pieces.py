"""A huge module compiled, parsed or scoped a piece at a time, so memory follows the piece, not the file.

CPython's compiler holds the whole module's syntax tree in C while it works: about 90 bytes of memory
per byte of source for `compile()` or `symtable()`, more for `ast.parse()` (the C tree and the Python
one exist at once). A 5 MB generated module would take half a gigabyte for a validation alone. Above
BIG characters the text is cut into pieces of about PIECE characters, each a run of whole top-level
statements, and each piece is handled alone, prefixed with as many newlines as come before it so
every line number is the file's own.

A cut is made only before a line that starts a top-level `def`, `class` or decorator (those never
continue an earlier statement), and a piece counts only if it compiles on its own: a cut inside a
string, brackets or a continued line leaves the piece unfinished, which never compiles. Such a piece
(or one with a real error) is doubled until it compiles or reaches the end of the file, so a file with
an error costs at most about twice a whole-file pass, and reports the same first error.

A fix changes a few pieces of a huge module: what a piece's compile or scoping found (`memo`) is
kept by the piece's content, so validating the fixed text, and scoping it to compare its unresolved
names with the original's, handles only the pieces the fix changed. Only a successful answer is
kept: it does not depend on the piece's place in the file (its line numbers do not enter it). For
that, the cuts must fall on the same lines after an edit: a piece ends at the first cut line past a
quarter of PIECE whose own text hashes to a chosen residue (about one such line per PIECE), so a cut
depends on the text around it, not on how far the piece began (cuts measured from the piece's start
would all move after an edit that shifts the text by a few bytes).

Module-wide rules that a piece cannot see are kept by handling the whole text at once instead: a
`from __future__` import below the first piece (it must come first in the file), and a module-level
`global` statement (which must precede the name's assignments)."""
from __future__ import annotations

import hashlib
import re
import zlib
from collections import OrderedDict
from typing import Callable, TypeVar

from fixer.core import textcache

BIG = 1024 * 1024
# A fix re-validates and re-scopes only the pieces it changed: small pieces make that small, while a
# whole-text pass costs the same from 32 KB to 256 KB pieces (measured on 5 MB of generated code).
PIECE = 64 * 1024
CUT = re.compile(r"^(?:def |class |async def |@)", re.MULTILINE)
WHOLE_MODULE = re.compile(r"^(?:from\s+__future__|global\s)", re.MULTILINE)

MEMO_ENTRIES = 4096  # pieces' answers kept (a 50 MB module has about 800 pieces a kind)

# Per text object (fixer.core.textcache): the ends of its pieces once a pass cut it, and whether it is
# handled whole; validation, parsing and scoping of one text then search and cut it once.
CUTS, WHOLE = "python.cuts", "python.whole"

T = TypeVar("T")
_memo: OrderedDict[tuple[str, bytes], object] = OrderedDict()


def in_pieces(text: str, step: Callable[[str], T], memo: str = "") -> list[T]:
    """`step(piece)` for each piece of `text` (one piece, the text itself, when it is small or needs
    the whole module); SyntaxError from the last piece tried propagates. `memo` names the kind of
    answer: a piece whose content was answered before (under the same kind) is not handled again;
    `step` must then not depend on the piece's line numbers when it succeeds."""
    return [result for _, _, result in spans(text, step, memo)]


def whole(text: str) -> bool:
    """Whether `text` is handled in one piece (small, or needing the whole module)."""
    return len(text) <= BIG or textcache.per_text(WHOLE, text, lambda: _needs_whole(text))


def spans(text: str, step: Callable[[str], T], memo: str = "") -> list[tuple[int, int, T]]:
    """`in_pieces`, with where each piece starts and ends in `text`."""
    if whole(text):
        return [(0, len(text), step(text))]
    known = textcache.peek(CUTS, text)
    if known is not None:
        try:
            return _on_cuts(text, known, step, memo)
        except SyntaxError:
            pass  # a step stricter than the one that cut the text: cut again for it
    results = _cut_and_step(text, step, memo)
    textcache.per_text(CUTS, text, lambda: [end for _, end, _ in results])
    return results


def _on_cuts(text: str, ends: list[int], step: Callable[[str], T], memo: str) -> list[tuple[int, int, T]]:
    """The pieces an earlier pass over this very text found (each one stands alone: its step
    succeeded on it), stepped again: the text is not searched and cut again for every pass."""
    results, start, line = [], 0, 0
    for end in ends:
        results.append((start, end, _step(step, text, start, end, line, memo)))
        line += text.count("\n", start, end)
        start = end
    return results


def _cut_and_step(text: str, step: Callable[[str], T], memo: str) -> list[tuple[int, int, T]]:
    results, start, line = [], 0, 0
    spacing = _spacing(text)
    while start < len(text):
        size = PIECE
        while True:
            end = _cut(text, start, size, spacing)
            try:
                results.append((start, end, _step(step, text, start, end, line, memo)))
                break
            except SyntaxError:
                if end == len(text):
                    raise
                size *= 2
        line += text.count("\n", start, end)
        start = end
    return results


def remembered(memo: str, piece: str, step: Callable[[str], T]) -> T:
    """`step(piece)`, kept by the piece's content under `memo` (for answers that do not depend on
    where the piece sits in its file)."""
    return _step(step, piece, 0, len(piece), 0, memo)


def _step(step: Callable[[str], T], text: str, start: int, end: int, line: int, memo: str) -> T:
    if not memo:
        return step("\n" * line + text[start:end])
    key = (memo, hashlib.blake2b(text[start:end].encode("utf-8", "surrogatepass"), digest_size=20).digest())
    if key in _memo:
        _memo.move_to_end(key)
        return _memo[key]  # type: ignore[return-value]
    result = step("\n" * line + text[start:end])
    _memo[key] = result
    while len(_memo) > MEMO_ENTRIES:
        _memo.popitem(last=False)
    return result


def _spacing(text: str) -> int:
    """One cut line in how many is a cut (a power of two, so a small edit does not change it)."""
    lines = sum(1 for _ in CUT.finditer(text))
    wanted = max(1, lines * PIECE // max(len(text), 1))
    return 1 << (wanted.bit_length() - 1)


def _cut(text: str, start: int, size: int, spacing: int) -> int:
    """Where the piece from `start` ends: before a line beginning a top-level def, class or decorator,
    chosen by its content (see above); the first such line past `start + size` if none qualifies by
    `start + 2 * size`, the end of the text if there is none."""
    fallback = None
    for found in CUT.finditer(text, start + size // 4):
        at = found.start()
        if at > start + 2 * size:
            break
        if fallback is None and at >= start + size:
            fallback = at
        if text.startswith("@", text.rfind("\n", 0, max(at - 1, 0)) + 1) and at:
            continue  # a def or class under its decorator: the decorator's line is the cut
        line_end = text.find("\n", at)
        if zlib.crc32(text[at:line_end if line_end >= 0 else len(text)].encode("utf-8", "surrogatepass")) % spacing == 0:
            return at
    if fallback is None:
        found = CUT.search(text, start + size)
        fallback = found.start() if found else len(text)
    return fallback


def _needs_whole(text: str) -> bool:
    first_cut = _cut(text, 0, PIECE, _spacing(text))
    return WHOLE_MODULE.search(text, first_cut) is not None

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

Module-wide rules that a piece cannot see are kept by handling the whole text at once instead: a
`from __future__` import below the first piece (it must come first in the file), and a module-level
`global` statement (which must precede the name's assignments)."""
from __future__ import annotations

import re
from typing import Callable, TypeVar

BIG = 1024 * 1024
PIECE = 256 * 1024
CUT = re.compile(r"^(?:def |class |async def |@)", re.MULTILINE)
WHOLE_MODULE = re.compile(r"^(?:from\s+__future__|global\s)", re.MULTILINE)

T = TypeVar("T")


def in_pieces(text: str, step: Callable[[str], T]) -> list[T]:
    """`step(piece)` for each piece of `text` (one piece, the text itself, when it is small or needs
    the whole module); SyntaxError from the last piece tried propagates."""
    if len(text) <= BIG or _needs_whole(text):
        return [step(text)]
    results, start, line = [], 0, 0
    while start < len(text):
        size = PIECE
        while True:
            end = _cut(text, start + size)
            try:
                results.append(step("\n" * line + text[start:end]))
                break
            except SyntaxError:
                if end == len(text):
                    raise
                size *= 2
        line += text.count("\n", start, end)
        start = end
    return results


def _cut(text: str, at: int) -> int:
    """The start of the first line from `at` on that begins a top-level def, class or decorator."""
    if at >= len(text):
        return len(text)
    found = CUT.search(text, at)
    return found.start() if found else len(text)


def _needs_whole(text: str) -> bool:
    first_cut = _cut(text, PIECE)
    return WHOLE_MODULE.search(text, first_cut) is not None

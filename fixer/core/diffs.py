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


def file_diff(path: str, old: str, new: str, context: int = 3) -> str:
    """A `diff --git` patch for one file; old/new are the exact on-disk texts (CRLF kept)."""
    if old == new:
        return ""
    # Split on "\n" only, as git does (str.splitlines would also split on \x0c, \u2028, ...).
    old_lines = re.findall(r"[^\n]*\n|[^\n]+\Z", old)
    new_lines = re.findall(r"[^\n]*\n|[^\n]+\Z", new)
    source, target = quote_path(f"a/{path}"), quote_path(f"b/{path}")
    out = [f"diff --git {source} {target}\n"]
    # git ends a ---/+++ name holding a space with a tab, so that the name's end is unambiguous.
    tab = "\t" if " " in source else ""
    body = list(difflib.unified_diff(old_lines, new_lines, source + tab, target + tab, n=context))
    for line in body:
        if line.startswith(("---", "+++")) and not line.endswith("\n"):
            line += "\n"
        if line.endswith("\n"):
            out.append(line)
        else:
            out.append(line + "\n" + NO_NEWLINE)
    return "".join(out)


def patch(changes: list[tuple[str, str, str]]) -> str:
    """One patch for many files: (path, old text, new text)."""
    return "".join(file_diff(path, old, new) for path, old, new in changes)

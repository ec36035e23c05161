"""Unified, git-style diffs of fixer's changes (what `git apply` accepts)."""
from __future__ import annotations

import difflib
import re

NO_NEWLINE = "\\ No newline at end of file\n"


def file_diff(path: str, old: str, new: str, context: int = 3) -> str:
    """A `diff --git` patch for one file; old/new are the exact on-disk texts (CRLF kept)."""
    if old == new:
        return ""
    # Split on "\n" only, as git does (str.splitlines would also split on \x0c, \u2028, ...).
    old_lines = re.findall(r"[^\n]*\n|[^\n]+\Z", old)
    new_lines = re.findall(r"[^\n]*\n|[^\n]+\Z", new)
    out = [f"diff --git a/{path} b/{path}\n"]
    body = list(difflib.unified_diff(old_lines, new_lines, f"a/{path}", f"b/{path}", n=context))
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

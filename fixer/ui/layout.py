"""Text layout for the terminal: the width to lay out in, and filling text without ever breaking a
word (rule ids and paths stay whole). Plain Python, so `fixer rules` needs no rich at start-up.

For item lists whose cells hold paths (e.g. a checklist plan), use `block()` instead of a table:
tables squeeze columns and cut ids and paths.
"""
from __future__ import annotations

import os
import sys
import textwrap

DEFAULT_WIDTH = 80


def width(stream=None) -> int:
    """Columns to lay text out in: $COLUMNS (also when piped), else the terminal's, else 80."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    stream = stream or sys.stdout
    try:
        if stream.isatty():
            return os.get_terminal_size(stream.fileno()).columns or DEFAULT_WIDTH
    except (OSError, ValueError, AttributeError):
        pass
    return DEFAULT_WIDTH


def wrap(text: str, indent: str = "", columns: int | None = None, first: str | None = None) -> list[str]:
    """`text` filled to the width without ever breaking a word, an id or a path (a longer word
    keeps its own line); `first` replaces `indent` on the first line."""
    columns = columns or width()
    lines = textwrap.wrap(text, width=max(columns, 20), initial_indent=indent if first is None else first,
                          subsequent_indent=indent, break_long_words=False, break_on_hyphens=False)
    return lines or [first if first is not None else indent]


def block(label: str, text: str, details: list[str], columns: int | None = None) -> list[str]:
    """One item as a block of lines instead of a table row (tables cut long ids and paths):
    `label` + `text` filled to the width, then each detail on lines of its own, indented under the
    text. Used for lists whose cells hold paths, e.g. a checklist plan:
    `block("3. ", item_text, ["rule: remove-debug-calls", "file: lib/a.ex", "result: fixed"])`."""
    indent = " " * len(label)
    lines = wrap(text, indent, columns, first=label)
    for detail in details:
        lines += wrap(detail, indent + "  ", columns, first=indent)
    return lines

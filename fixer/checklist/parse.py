"""Read a Markdown release checklist (markdown-it-py tokens) into its unchecked task items.

Each item keeps its line (for ticking), its text with code spans marked, the heading and bold label
it sits under (context: `**Python (priv/python/grpc_server.py):**` names the file its items target),
and its parent item when nested.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt

TASK = re.compile(r"^\[( |x|X)\]\s+")
PATH_LIKE = re.compile(r"(?:[\w.-]+/)+[\w.-]+\.\w+|[\w-]+\.(?:py|ex|exs|md|toml)\b")


@dataclass
class ChecklistItem:
    number: int  # 1-based, in document order among all task items
    line: int  # 1-based line of the item's `[ ]`
    checked: bool
    text: str  # plain text, code spans as-is
    codes: list[str]  # contents of `code spans`, in order
    heading: str
    label: str  # the bold label above the list, e.g. "Python (priv/python/grpc_server.py):"
    label_files: list[str]
    depth: int
    parent: int | None = None  # number of the enclosing item
    children: list[int] = field(default_factory=list)

    @property
    def section(self) -> str:
        return " / ".join(part for part in (self.heading, self.label.rstrip(":")) if part)


def parse_checklist(text: str) -> list[ChecklistItem]:
    tokens = MarkdownIt("commonmark").parse(text)
    items: list[ChecklistItem] = []
    heading = label = ""
    label_files: list[str] = []
    stack: list[int | None] = []  # per open list item: its task number (None if not a task)
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            heading = tokens[index + 1].content.strip()
            label, label_files = "", []
        elif token.type == "list_item_open":
            stack.append(None)
        elif token.type == "list_item_close":
            stack.pop()
        elif token.type == "inline" and index > 0 and tokens[index - 1].type == "paragraph_open":
            if not stack:
                bold = _bold_label(token)
                if bold is not None:
                    label, label_files = bold, PATH_LIKE.findall(bold)
                continue
            if stack[-1] is not None or tokens[index - 2].type != "list_item_open":
                continue  # a second paragraph of an item
            match = TASK.match(token.content)
            if not match:
                continue
            parent = next((n for n in reversed(stack[:-1]) if n is not None), None)
            item = ChecklistItem(
                number=len(items) + 1,
                line=token.map[0] + 1,
                checked=match.group(1) != " ",
                text=token.content[match.end():].strip(),
                codes=[c.content for c in token.children or [] if c.type == "code_inline"],
                heading=heading,
                label=label,
                label_files=label_files,
                depth=len(stack),
                parent=parent,
            )
            items.append(item)
            stack[-1] = item.number
            if parent is not None:
                items[parent - 1].children.append(item.number)
    return items


def _bold_label(token) -> str | None:
    """The text of a paragraph that is only a bold label (`**Elixir:**`)."""
    children = [c for c in token.children or [] if not (c.type == "text" and not c.content.strip())]
    if len(children) >= 3 and children[0].type == "strong_open" and children[-1].type == "strong_close":
        return "".join(c.content for c in children[1:-1]).strip()
    return None


def tick(text: str, lines: list[int]) -> str:
    """Turn `[ ]` into `[x]` on the given 1-based lines; every other byte stays as it was."""
    out = text.splitlines(keepends=True)
    for line in lines:
        out[line - 1] = re.sub(r"\[ \]", "[x]", out[line - 1], count=1)
    return "".join(out)

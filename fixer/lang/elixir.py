"""Elixir through tree-sitter-elixir: parsing, node lookup, validation.

tree-sitter reports byte offsets; fixer's edits use character offsets, so ``Doc`` converts.
"""
from __future__ import annotations

from functools import cached_property, lru_cache

import tree_sitter_elixir
from tree_sitter import Language, Node, Parser, Tree

EXTENSIONS = (".ex", ".exs")
# Nodes whose text is data, never code to edit.
OPAQUE = frozenset({"string", "charlist", "sigil", "comment", "quoted_atom", "quoted_keyword"})


@lru_cache(maxsize=1)
def _parser() -> Parser:
    return Parser(Language(tree_sitter_elixir.language()))


def parse(text: str) -> Tree:
    return _parser().parse(text.encode("utf-8"))


def error_count(tree: Tree) -> int:
    count = 0
    cursor = [tree.root_node]
    while cursor:
        node = cursor.pop()
        if node.type == "ERROR" or node.is_missing:
            count += 1
        if node.has_error:
            cursor.extend(node.children)
    return count


def first_error(text: str) -> str | None:
    """'syntax error at line L, column C' for the first ERROR/MISSING node, or None."""
    stack = [parse(text).root_node]
    while stack:
        node = stack.pop()
        if node.type == "ERROR" or node.is_missing:
            row, column = node.start_point
            return f"syntax error at line {row + 1}, column {column + 1} (tree-sitter-elixir)"
        if node.has_error:
            stack.extend(reversed(node.children))
    return None


def validate(path: str, text: str, original: str | None = None) -> str | None:
    errors = error_count(parse(text))
    allowed = error_count(parse(original)) if original is not None else 0
    if errors > allowed:
        return f"tree-sitter-elixir finds {errors} syntax error node(s) (the original had {allowed})"
    return None


class Doc:
    """One Elixir source text with its tree and offset conversions."""

    def __init__(self, text: str):
        self.text = text
        self.data = text.encode("utf-8")
        self.tree = parse(text)
        self.ascii = len(self.data) == len(text)

    @cached_property
    def _char_at_byte(self) -> list[int]:
        table = []
        for index, char in enumerate(self.text):
            table.extend([index] * len(char.encode("utf-8")))
        table.append(len(self.text))
        return table

    @cached_property
    def _byte_at_char(self) -> list[int]:
        table = []
        total = 0
        for char in self.text:
            table.append(total)
            total += len(char.encode("utf-8"))
        table.append(total)
        return table

    def char(self, byte_offset: int) -> int:
        return byte_offset if self.ascii else self._char_at_byte[byte_offset]

    def byte(self, char_offset: int) -> int:
        return char_offset if self.ascii else self._byte_at_char[char_offset]

    def span(self, node: Node) -> tuple[int, int]:
        return self.char(node.start_byte), self.char(node.end_byte)

    def node_text(self, node: Node) -> str:
        return self.data[node.start_byte:node.end_byte].decode("utf-8")

    def node_at(self, char_offset: int, char_end: int | None = None) -> Node:
        start = self.byte(char_offset)
        end = self.byte(char_end) if char_end is not None else start
        return self.tree.root_node.descendant_for_byte_range(start, end)

    def comment_lines(self) -> set[int]:
        """1-based line numbers that hold only a comment."""
        lines: set[int] = set()
        stack = [self.tree.root_node]
        while stack:
            node = stack.pop()
            if node.type == "comment":
                row = node.start_point[0]
                line_start = self.data.rfind(b"\n", 0, node.start_byte) + 1
                if not self.data[line_start:node.start_byte].strip():
                    lines.add(row + 1)
            else:
                stack.extend(node.children)
        return lines


def in_opaque(node: Node) -> bool:
    """True when the node sits inside a string, sigil, charlist or comment (interpolations excepted)."""
    current = node
    while current is not None:
        if current.type == "interpolation":
            return False
        if current.type in OPAQUE:
            return True
        current = current.parent
    return False


def call_name(node: Node, doc: Doc) -> str | None:
    """`IO.inspect` for a call node `IO.inspect(...)`, `dbg` for `dbg(...)`, else None."""
    if node.type != "call":
        return None
    target = node.child_by_field_name("target")
    if target is None:
        return None
    return doc.node_text(target)


def in_quote(node: Node, doc: Doc) -> bool:
    """Inside `quote do ... end` / `quote(do: ...)`: code as data, not code that runs there."""
    current = node.parent
    while current is not None:
        if current.type == "call" and call_name(current, doc) == "quote":
            return True
        current = current.parent
    return False


def call_arguments(node: Node) -> list[Node]:
    for child in node.children:
        if child.type == "arguments":
            return [c for c in child.named_children if c.type != "comment"]
    return []


def has_do_block(node: Node) -> bool:
    return any(child.type == "do_block" for child in node.children)


# -- statements ---------------------------------------------------------------------------------
BLOCKS = frozenset({"do_block", "body", "source", "block", "else_block", "after_block", "rescue_block", "catch_block"})


def statements(container: Node) -> list[Node]:
    """The expressions of a block, in order (comments and stab clauses are not statements)."""
    skip = {"comment", "stab_clause"}
    return [c for c in container.named_children if c.type not in skip]


def statement_of(node: Node) -> Node | None:
    """The node itself if it is a statement of a block, else None."""
    parent = node.parent
    if parent is None or parent.type not in BLOCKS:
        return None
    return node if node in statements(parent) else None


def is_last_statement(node: Node) -> bool:
    siblings = statements(node.parent)
    return siblings[-1] == node


def whole_lines(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """(first, last) line numbers if [start, end) spans whole lines (a trailing comment is allowed)."""
    text = doc.text
    line_start = text.rfind("\n", 0, start) + 1
    if text[line_start:start].strip():
        return None
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    rest = text[end:line_end].strip()
    if rest and not rest.startswith("#"):
        return None
    first = text.count("\n", 0, start) + 1
    last = text.count("\n", 0, max(start, end - 1)) + 1
    return first, last


def comment_block_above(doc: Doc, first_line: int, comment_lines: set[int]) -> list[int]:
    """Line numbers of the comment lines directly above `first_line` (no blank line between)."""
    found = []
    line = first_line - 1
    while line in comment_lines:
        found.insert(0, line)
        line -= 1
    return found


def operator_of(node: Node) -> str | None:
    op = node.child_by_field_name("operator")
    return op.type if op is not None else None

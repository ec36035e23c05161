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


def call_arguments(node: Node) -> list[Node]:
    for child in node.children:
        if child.type == "arguments":
            return [c for c in child.named_children if c.type != "comment"]
    return []


def has_do_block(node: Node) -> bool:
    return any(child.type == "do_block" for child in node.children)

"""Elixir through tree-sitter-elixir: parsing, node lookup, validation.

tree-sitter reports byte offsets; fixer's edits use character offsets, so ``Doc`` converts.
"""
from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

from fixer.core.languages import LANGUAGE_EXTENSIONS
from fixer.core import textcache
from fixer.core.edits import LineIndex

if TYPE_CHECKING:
    from tree_sitter import Node, Parser, Tree

EXTENSIONS = LANGUAGE_EXTENSIONS["elixir"]
NON_ASCII = re.compile(r"[^\x00-\x7f]")
# Nodes whose text is data, never code to edit.
OPAQUE = frozenset({"string", "charlist", "sigil", "comment", "quoted_atom", "quoted_keyword"})


@lru_cache(maxsize=1)
def _parser() -> Parser:
    import tree_sitter_elixir
    from tree_sitter import Language, Parser

    return Parser(Language(tree_sitter_elixir.language()))


def parse(text: str) -> Tree:
    """The tree of this text (shared by the engine's checks and every rule that looks at it)."""
    return _parsed(text)[1]


def encoded(text: str) -> bytes:
    return _parsed(text)[0]


# The last text read from a file (not spliced by fixer) with its bytes and tree: kept past the end of
# that file, for a second run over the same text (the hints for rules that are off re-run some rules
# on the files just checked; a 5 MB file's parse is about a second). A different text's parse drops
# it first, so it never makes two trees live at once.
_kept: list = []


def _parsed(text: str) -> tuple[bytes, Tree]:
    def build():
        spliced = textcache.derivation(text) is not None
        if not spliced and _kept and _kept[0] == text:
            return _kept[1], _kept[2]
        if not spliced:
            _kept.clear()
        data = text.encode("utf-8")
        base = _edited_base(text)
        tree = _parser().parse(data, base) if base is not None else _parser().parse(data)
        if not spliced:
            _kept[:] = [text, data, tree]
        return data, tree

    return textcache.per_text("elixir.parse", text, build)


def _edited_base(text: str) -> Tree | None:
    """The tree of the text `text` was spliced from (when still cached), edited to match `text`:
    tree-sitter then re-parses only around the edits and reuses the rest, and gives the tree a
    fresh parse gives (tests/test_elixir_incremental_parse.py compares every node). None otherwise."""
    derivation = textcache.derivation(text)
    parsed = textcache.peek("elixir.parse", derivation[0]) if derivation is not None else None
    if parsed is None:
        return None
    old, spans = derivation
    data, tree = parsed
    tree = tree.copy()  # the old text's tree stays as it is for whoever still reads it
    ascii = len(data) == len(old)
    to_byte = (lambda offset: offset) if ascii else Doc(old).byte  # its parse is cached
    if ascii and "\r" not in old:
        starts = LineIndex(old).starts  # line starts: one past each newline (the rules' own index)
    else:
        starts = [0] + [match.end() for match in NEWLINE.finditer(data)]

    def point(at: int) -> tuple[int, int]:
        row = bisect_right(starts, at) - 1
        return row, at - starts[row]

    for edit in reversed(spans):  # from the end: the offsets before an edit stay those of `old`
        start, old_end = to_byte(edit.start), to_byte(edit.end)
        added = edit.replacement.encode("utf-8")
        start_point = point(start)
        lines = added.count(b"\n")
        column = len(added) - added.rfind(b"\n") - 1 if lines else start_point[1] + len(added)
        tree.edit(start, old_end, start + len(added), start_point, point(old_end), (start_point[0] + lines, column))
    return tree


NEWLINE = re.compile(rb"\n")


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
    """'syntax error at line L, column C: reason' as elixirc reports it, or None when tree-sitter finds
    no error. tree-sitter only knows where its recovery started (often lines after the real mistake):
    when Elixir is installed its own parser places the error; else tree-sitter's first ERROR node."""
    stack = [parse(text).root_node]
    while stack:
        node = stack.pop()
        if node.type == "ERROR" or node.is_missing:
            row, column = node.start_point
            return _elixir_says(text) or f"syntax error at line {row + 1}, column {column + 1} (tree-sitter-elixir)"
        if node.has_error:
            stack.extend(reversed(node.children))
    return None


# Elixir's parser on stdin: "LINE:COLUMN:MESSAGE" for the first error, as elixirc words it.
_PLACE_ERROR = """
case Code.string_to_quoted(IO.read(:stdio, :eof), columns: true) do
  {:ok, _} -> :ok
  {:error, {meta, message, token}} ->
    meta = if is_list(meta), do: meta, else: [line: meta]
    # {prefix, suffix} messages put the token between them
    said = if is_tuple(message), do: elem(message, 0) <> token <> elem(message, 1), else: message <> token
    IO.puts("#{meta[:line]}:#{meta[:column] || 1}:#{said}")
end
"""


def _elixir_says(text: str) -> str | None:
    import shutil
    import subprocess

    elixir = shutil.which("elixir")
    if elixir is None:
        return None
    try:
        done = subprocess.run([elixir, "-e", _PLACE_ERROR], input=text, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    line, _, rest = done.stdout.strip().partition(":")
    column, _, message = rest.partition(":")
    if done.returncode != 0 or not (line.isdigit() and column.isdigit()):
        return None
    reason = message.strip().splitlines()[0] if message.strip() else "syntax error"
    return f"syntax error at line {line}, column {column}: {reason}"


def _errors_in(text: str) -> int:
    return textcache.per_text("elixir.errors", text, lambda: error_count(parse(text)))


def validate(path: str, text: str, original: str | None = None) -> str | None:
    allowed = 0
    if original is not None:
        allowed = _errors_in(original)
    errors = _errors_in(text)  # parsed from the original's tree, re-parsing only around the edits
    if original is not None:
        # Its tree is not needed again (the new one shares what did not change): never hold two.
        textcache.forget(original, "elixir.parse")
    if errors > allowed:
        return f"tree-sitter-elixir finds {errors} syntax error {'node' if errors == 1 else 'nodes'} (the original had {allowed})"
    return None


class Doc:
    """One Elixir source text with its tree and offset conversions.

    tree-sitter counts bytes, edits count characters. Only non-ASCII characters make the two differ,
    so the conversion keeps arrays over those characters alone (nothing at all for an ASCII file)
    rather than a table entry per character.
    """

    def __init__(self, text: str):
        self.text = text
        self.data = encoded(text)
        self.tree = parse(text)
        self.ascii = len(self.data) == len(text)

    @cached_property
    def _wide(self) -> tuple[array, array, array]:
        """(char offset of each non-ASCII char, its byte offset, extra bytes before it and it)."""
        chars, bytes_at, extra = array("q"), array("q"), array("q", [0])
        for match in NON_ASCII.finditer(self.text):
            chars.append(match.start())
            bytes_at.append(match.start() + extra[-1])
            extra.append(extra[-1] + len(match.group().encode("utf-8")) - 1)
        return chars, bytes_at, extra

    def char(self, byte_offset: int) -> int:
        if self.ascii:
            return byte_offset
        chars, bytes_at, extra = self._wide
        before = bisect_left(bytes_at, byte_offset)  # wide chars starting before this byte
        if before and byte_offset - bytes_at[before - 1] <= extra[before] - extra[before - 1]:
            return chars[before - 1]  # inside a multi-byte character: that character
        return byte_offset - extra[before]

    def byte(self, char_offset: int) -> int:
        if self.ascii:
            return char_offset
        chars, _, extra = self._wide
        return char_offset + extra[bisect_left(chars, char_offset)]

    def span(self, node: Node) -> tuple[int, int]:
        return self.char(node.start_byte), self.char(node.end_byte)

    def node_text(self, node: Node) -> str:
        return self.data[node.start_byte:node.end_byte].decode("utf-8")

    def node_at(self, char_offset: int, char_end: int | None = None) -> Node:
        start = self.byte(char_offset)
        end = self.byte(char_end) if char_end is not None else start
        return self.tree.root_node.descendant_for_byte_range(start, end)

    def comment_lines(self) -> set[int]:
        """1-based line numbers that hold only a comment. A comment starts with `#`: each `#` of the
        text is looked up in the tree (a native search from the root), not every node walked in
        Python, nor all of them queried (a large file's `#`s are far fewer than its nodes)."""
        lines: set[int] = set()
        root = self.tree.root_node
        at = self.data.find(b"#")
        while at != -1:
            node = root.descendant_for_byte_range(at, at + 1)
            if node is not None and node.type == "comment" and node.start_byte == at:
                line_start = self.data.rfind(b"\n", 0, at) + 1
                if not self.data[line_start:at].strip():
                    lines.add(node.start_point[0] + 1)
                at = self.data.find(b"#", node.end_byte)
            else:
                at = self.data.find(b"#", at + 1)
        return lines


@lru_cache(maxsize=None)
def query(pattern: str):
    """A compiled tree-sitter query over Elixir (compiled once per pattern)."""
    import tree_sitter_elixir
    from tree_sitter import Language, Query

    return Query(Language(tree_sitter_elixir.language()), pattern)


def outermost(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The (start, end) ranges no other range of the list contains, in order."""
    kept: list[tuple[int, int]] = []
    for start, end in sorted(ranges, key=lambda r: (r[0], -r[1])):
        if not kept or start >= kept[-1][1]:
            kept.append((start, end))
    return kept


FEW_NAMES = 8  # up to this many names, one literal search each; more: one pass over the words
WORD_RUN = re.compile(r"\w+")


def word_positions(text: str, names) -> dict[str, list[int]]:
    """name -> offsets where it is written as a whole word, for each of `names`: linear in the text
    however many names (a search per name would be quadratic for a file with thousands of them)."""
    names = set(names)
    if len(names) <= FEW_NAMES:
        return {name: word_starts(text, name) for name in names}
    found: dict[str, list[int]] = {name: [] for name in names}
    for match in WORD_RUN.finditer(text):
        word, end = match.group(), match.end()
        if word in found:
            found[word].append(match.start())
        if end < len(text) and text[end] in "?!" and word + text[end] in found:
            found[word + text[end]].append(match.start())
    return found


def word_starts(text: str, name: str) -> list[int]:
    """Offsets where `name` is written as a whole word (a superset of where it is an identifier:
    strings and comments count too). A literal search, not a regex scan of the whole text."""
    found = []
    at = text.find(name)
    while at != -1:
        end = at + len(name)
        if (at == 0 or not _is_word_char(text[at - 1])) and (end == len(text) or not _is_word_char(text[end])):
            found.append(at)
        at = text.find(name, at + 1)
    return found


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


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


def descendants(node: Node):
    """`node` and every named node under it (depth first, last child first)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.named_children)


def has_do_block(node: Node) -> bool:
    return any(child.type == "do_block" for child in node.children)


# -- statements ---------------------------------------------------------------------------------
BLOCKS = frozenset({"do_block", "body", "source", "block", "else_block", "after_block", "rescue_block", "catch_block"})


NOT_STATEMENTS = frozenset({"comment", "stab_clause", "else_block", "after_block", "rescue_block", "catch_block"})


def statements(container: Node) -> list[Node]:
    """The expressions of a block, in order (comments, stab clauses and the later sections a `do`
    block holds, `else`/`rescue`/`catch`/`after`, are not statements)."""
    return [c for c in container.named_children if c.type not in NOT_STATEMENTS]


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
    lines = LineIndex(text)
    return lines.line_of(start), lines.line_of(max(start, end - 1))


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

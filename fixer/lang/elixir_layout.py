"""Keeping `mix format`-clean code `mix format`-clean when a call is unwrapped or removed.

Two tools:
- `Rewrite` composes nested plans: a plan replaces a range with literal text and kept source ranges
  (`Keep`), and plans inside a kept range (an `IO.inspect` inside a `dbg(...)` that stays, a renamed
  variable inside a kept expression) are rendered into it, so one pass makes every edit.
- Layout checks that tell whether the formatter would lay out the result the way we write it. The
  formatter keeps some line breaks whatever the length (a newline after an opening bracket, before
  a `|>`, between statements, inside do-blocks and after `->`) and re-flows the others by length (a
  break after `=` or `do:`, a tuple or argument list broken only because it was long). A
  replacement is only made where every line break around it is of the first kind, or where the
  re-flow is one fixer knows (`x =` with its right side, a `def ..., do:` value); anywhere else the
  call is reported for a person.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field

from tree_sitter import Node

from fixer.edits import Edit, LineIndex, apply_edits
from fixer.lang.elixir import BLOCKS, Doc, operator_of

OPENERS = frozenset({"(", "[", "{", "<<", "%{"})
CLOSERS = frozenset({")", "]", "}", ">>"})
CONTAINER_TYPES = frozenset({"list", "tuple", "map", "struct", "bitstring", "arguments", "access_call"})
PIPELINE_OPERATORS = frozenset({"|>", "~>>", "<<~", "~>", "<~", "<~>", "<|>"})
STRING_TYPES = frozenset({"string", "charlist", "sigil"})


@dataclass(frozen=True)
class Keep:
    """Keep source range [start, end) (characters), with its lines after the first moved `shift` columns."""

    start: int
    end: int
    shift: int = 0


@dataclass
class Plan:
    start: int
    end: int
    pieces: list[str | Keep] = field(default_factory=list)
    tidy: bool = False  # a whole-line deletion (edits.py tidies the blank lines around it)
    message: str = ""


class Rewrite:
    """Plans for one text, rendered into non-overlapping edits (nested plans folded into kept ranges)."""

    def __init__(self, text: str, lines: LineIndex, rule: str):
        self.text = text
        self.lines = lines
        self.rule = rule
        self.plans: list[Plan] = []

    def add(self, plan: Plan) -> None:
        self.plans.append(plan)

    def edits(self) -> list[Edit]:
        ordered = sorted(self.plans, key=lambda p: (p.start, -p.end, p.tidy))
        roots: list[tuple[Plan, list]] = []
        stack: list[tuple[Plan, list]] = []
        for plan in ordered:
            while stack and stack[-1][0].end <= plan.start and not _contains(stack[-1][0], plan):
                stack.pop()
            entry = (plan, [])
            if stack and _contains(stack[-1][0], plan):
                stack[-1][1].append(entry)
            else:
                roots.append(entry)  # overlapping plans become separate edits: the engine refuses one
            stack.append(entry)
        return [self._edit(plan, children) for plan, children in roots]

    def _edit(self, plan: Plan, children: list) -> Edit:
        if plan.tidy:
            return Edit(plan.start, plan.end, "", self.rule, plan.message, tidy=True)
        return Edit(plan.start, plan.end, self._render(plan, children), self.rule, plan.message)

    def _render(self, plan: Plan, children: list) -> str:
        out = []
        for piece in plan.pieces:
            if isinstance(piece, str):
                out.append(piece)
                continue
            inside = [(p, c) for p, c in children if piece.start <= p.start and p.end <= piece.end]
            out.append(shift(self._kept(piece, inside), piece.shift) or "")
        return "".join(out)

    def _kept(self, keep: Keep, inside: list) -> str:
        if not inside:
            return self.text[keep.start:keep.end]
        # Apply the nested edits on the whole lines around the kept range, then cut it back out.
        first = self.lines.line_start(self.lines.line_of(keep.start))
        last_line = self.lines.line_of(max(keep.start, keep.end - 1))
        last = self.lines.line_end(last_line)
        window = self.text[first:last]
        nested = [self._edit(p, c) for p, c in inside]
        moved = [Edit(e.start - first, e.end - first, e.replacement, e.rule, e.message, e.tidy) for e in nested]
        new, _, _ = apply_edits(window, moved)
        return new[keep.start - first:len(new) - (last - keep.end)]


def _contains(outer: Plan, inner: Plan) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end and (outer.start, outer.end) != (inner.start, inner.end)


# -- indentation -----------------------------------------------------------------------------------

def shift(text: str, delta: int) -> str | None:
    """Move every line after the first `delta` columns (None if a line has too little indentation)."""
    if delta == 0 or "\n" not in text:
        return text
    first, *rest = text.split("\n")
    moved = [first]
    for line in rest:
        if not line.strip():
            moved.append(line)
        elif delta > 0:
            moved.append(" " * delta + line)
        elif len(line) - len(line.lstrip(" ")) >= -delta:
            moved.append(line[-delta:])
        else:
            return None
    return "\n".join(moved)


def shiftable(node: Node, doc: Doc) -> bool:
    """False when the node holds a multi-line string that is not a heredoc: moving its lines would
    change its value (a heredoc moves with its closing delimiter, so its value stays)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if current.start_point[0] == current.end_point[0]:
            continue
        if current.type in STRING_TYPES:
            head = doc.data[current.start_byte:current.start_byte + 6].decode("utf-8", "ignore").lstrip("~")
            if not head.lstrip("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ").startswith(('"""', "'''")):
                return False
            continue
        stack.extend(current.children)
    return True


def line_indent(lines: LineIndex, line: int) -> int:
    text = lines.line_text(line)
    return len(text) - len(text.lstrip(" "))


# -- which line breaks the formatter keeps ---------------------------------------------------------

def statement_root(node: Node) -> Node:
    """The expression of its block that holds `node` (the whole statement the formatter lays out)."""
    current = node
    while current.parent is not None and current.parent.type not in BLOCKS:
        current = current.parent
    return current


def soft_break_between(node: Node, root: Node, doc: Doc) -> Node | None:
    """The first node from `node` (exclusive) up to `root` (inclusive) that has a line break of its
    own that the formatter re-flows by length; None when every break on the way is one it keeps."""
    current = node.parent if node is not root else None
    while current is not None:
        if _has_soft_break(current, doc):
            return current
        if current == root:
            return None
        current = current.parent
    return None


def _has_soft_break(node: Node, doc: Doc) -> bool:
    children = node.children
    if len(children) < 2 or node.start_point[0] == node.end_point[0]:
        return False
    if node.type in BLOCKS or node.type in ("stab_clause", "anonymous_function", "heredoc"):
        return False
    if node.type == "call" and any(c.type == "do_block" for c in children):
        return False
    opener_broken = False
    for before, after in zip(children, children[1:]):
        if before.end_point[0] == after.start_point[0] and not (before.type == "keyword" and before.text.endswith(b"\n")):
            continue
        if before.type in OPENERS or (before.type == "{" and node.type in ("map", "struct")):
            opener_broken = True
            continue
        if opener_broken and (after.type in CLOSERS or before.type == ","):
            continue
        if after.type in PIPELINE_OPERATORS or (after.type == "operator" and doc.node_text(after) in PIPELINE_OPERATORS):
            continue
        if node.type == "binary_operator" and operator_of(node) in PIPELINE_OPERATORS and before == node.child_by_field_name("left"):
            continue
        if before.type in ("->", "do") or after.type in ("end", "do_block"):
            continue
        return True
    return False


def first_on_line(lines: LineIndex, offset: int) -> bool:
    line = lines.line_of(offset)
    return not lines.text[lines.line_start(line):offset].strip()


def ends_line(lines: LineIndex, offset: int) -> bool:
    """Only whitespace or a comment follows `offset` on its line."""
    line = lines.line_of(offset)
    rest = lines.text[offset:lines.line_end(line)].strip()
    return not rest or rest.startswith("#")


def whole_lines(lines: LineIndex, start: int, end: int) -> tuple[int, int] | None:
    """(first, last) line numbers when [start, end) covers whole lines (a trailing comment allowed)."""
    if not first_on_line(lines, start) or not ends_line(lines, end):
        return None
    return lines.line_of(start), lines.line_of(max(start, end - 1))


def line_span(lines: LineIndex, first: int, last: int) -> tuple[int, int]:
    return lines.line_start(first), lines.line_end(last)


class Spans:
    """Sorted, non-overlapping character ranges with O(log n) containment queries."""

    def __init__(self, spans: list[tuple[int, int]]):
        merged: list[tuple[int, int]] = []
        for start, end in sorted(spans):
            if merged and start < merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        self.starts = [s for s, _ in merged]
        self.spans = merged

    def covers(self, start: int, end: int) -> bool:
        index = bisect_left(self.starts, start + 1) - 1
        return index >= 0 and self.spans[index][0] <= start and end <= self.spans[index][1]

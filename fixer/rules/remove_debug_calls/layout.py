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

import re
from bisect import bisect_left, insort
from dataclasses import dataclass, field

from tree_sitter import Node

from fixer.core.edits import Edit, LineIndex, apply_edits
from fixer.lang.elixir.syntax import BLOCKS, Doc, call_name, operator_of

OPENERS = frozenset({"(", "[", "{", "<<", "%{"})
CLOSERS = frozenset({")", "]", "}", ">>"})
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
        self._starts: list[tuple[int, int]] = []  # (start, index in plans), sorted: finds nested plans

    def add(self, plan: Plan) -> None:
        insort(self._starts, (plan.start, len(self.plans)))
        self.plans.append(plan)

    def remove(self, plans: list[Plan]) -> None:
        """Take plans back (a fix undone)."""
        gone = {id(plan) for plan in plans}
        self.plans = [plan for plan in self.plans if id(plan) not in gone]
        self._starts = sorted((plan.start, index) for index, plan in enumerate(self.plans))

    def render(self, start: int, end: int) -> str:
        """The text of [start, end) with the plans made so far inside it applied."""
        low = bisect_left(self._starts, (start, -1))
        inside = []
        for plan_start, index in self._starts[low:]:
            if plan_start >= end:
                break
            plan = self.plans[index]
            if plan.end <= end:
                inside.append(plan)
        if not inside:
            return self.text[start:end]
        return self._kept(Keep(start, end), self._forest(inside))

    def overlapping(self) -> list[Plan]:
        """Plans that overlap an earlier plan without nesting in it: their edits will be refused and
        made by the engine's next pass, so nothing else in this pass may count on them."""
        ordered = sorted(self.plans, key=lambda p: (p.start, -p.end, p.tidy))
        found, reach = [], -1
        top: Plan | None = None
        for plan in ordered:
            if top is not None and plan.start < reach and not _contains(top, plan) and not _same_deletion(top, plan):
                found.append(plan)
                continue
            if plan.start >= reach:
                top, reach = plan, plan.end
        return found

    def edits(self) -> list[Edit]:
        return [self._edit(plan, children) for plan, children in self._forest(self.plans)]

    @staticmethod
    def _forest(plans: list[Plan]) -> list[tuple[Plan, list]]:
        """Plans nested by containment: (plan, children) trees, in text order."""
        ordered = sorted(plans, key=lambda p: (p.start, -p.end, p.tidy))
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
        return roots

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


def _same_deletion(one: Plan, other: Plan) -> bool:
    """Two identical whole-line deletions (two debug calls in one tap stage) are one edit."""
    return one.tidy and other.tidy and (one.start, one.end) == (other.start, other.end)


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

def reflow_root(node: Node) -> Node:
    """The expression the formatter lays out on its own when `node` changes: the statement that holds
    it, or the element of the nearest enclosing bracket that is broken after its opening (the
    formatter keeps those lines whatever their length)."""
    current = node
    while current.parent is not None and current.parent.type not in BLOCKS:
        parent = current.parent
        owner = parent.parent
        if parent.type == "arguments" and owner is not None and any(c.type == "do_block" for c in owner.children):
            return parent  # the head of `with ... do`, `case ... do`: laid out apart from its block
        bracket = parent
        while bracket is not None and bracket.type in ("keywords", "map_content"):
            bracket = bracket.parent
        if bracket is not None and bracket.type in ("list", "tuple", "map", "struct", "bitstring", "arguments") \
                and _opener_broken(bracket):
            return current
        current = parent
    return current


def _opener_broken(node: Node) -> bool:
    """`[`, `(`, `{`, `%{`, `<<` followed by a line break that the formatter keeps (for a call's
    parentheses, only with two or more arguments: `foo(\n  x\n)` becomes `foo(x)`)."""
    if node.type == "arguments" and _items(node) < 2:
        return False
    for before, after in zip(node.children, node.children[1:]):
        if before.type in OPENERS or before.type == "{":
            return before.end_point[0] != after.start_point[0]
    return False


def _items(arguments: Node) -> int:
    """Arguments of a call, each keyword pair counted alone."""
    count = 0
    for child in arguments.named_children:
        if child.type == "keywords":
            count += sum(1 for pair in child.named_children if pair.type == "pair")
        elif child.type != "comment":
            count += 1
    return count


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
            if node.type == "arguments" and _items(node) < 2:
                return True  # `foo(\n  x\n)`: the formatter joins it
            opener_broken = True
            continue
        if opener_broken and (after.type in CLOSERS or before.type == ","):
            continue
        if after.type in PIPELINE_OPERATORS or (after.type == "operator" and doc.node_text(after) in PIPELINE_OPERATORS):
            continue
        pipeline = node.type == "binary_operator" and operator_of(node) in PIPELINE_OPERATORS
        if pipeline and before == node.child_by_field_name("left"):
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


# -- placing a kept expression where a call was ------------------------------------------------------

DO_BLOCK_CALL_SHAPE = "breaks"
LAYOUT_CHANGES = "unwrapping it would change how `mix format` lays out the lines around it"


@dataclass
class Pending:
    """A replacement whose layout depends on the other replacements in the same statement: decided
    for all of them at once (`Placer.reflow`), so one pass reaches the formatter's layout."""

    root: Node
    node: Node
    pieces: list
    text: str


class Placer:
    """Decides the text that replaces a node (a call being unwrapped, a pipeline losing its only
    stage), so that formatted input stays formatted."""

    def __init__(self, doc: Doc, lines: LineIndex, line_length: int, measure=None):
        self.doc = doc
        self.lines = lines
        self.line_length = line_length
        # The text of a range as it will be (nested fixes applied): what widths are measured on.
        self.measure = measure or (lambda start, end: doc.text[start:end])

    def place(self, node: Node, pieces: list[str | Keep], item: Node | None) -> list[Plan] | Pending | str:
        """Plans that put `pieces` where `node` is, a Pending re-flow of its statement, or why that
        cannot be laid out safely."""
        start, end = self.doc.span(node)
        root = reflow_root(node)
        parent = node.parent
        if parent == root and parent.type == "binary_operator" and operator_of(parent) == "=" \
                and parent.child_by_field_name("right") == node:
            return self._place_match(root, node, pieces, item)
        moved = self._moved(pieces, line_indent(self.lines, self.lines.line_of(start)))
        if isinstance(moved, str):
            return moved
        pieces, text = moved
        if "\n" in text and not first_on_line(self.lines, start) and (item is None or multiline_shape(item) != "joins"):
            return LAYOUT_CHANGES  # mid-line, only brackets keep the line's indentation (`case %{`)
        if node == root:
            return [Plan(start, end, pieces)]
        if item is not None and _merges_into_chain(item, node) \
                and parent.start_point[0] != parent.end_point[0]:
            return LAYOUT_CHANGES
        soft = soft_break_between(node, root, self.doc)
        if soft is None:
            return [Plan(start, end, pieces)]
        if "\n" in text:
            return LAYOUT_CHANGES
        if soft.type in ("pair", "keywords", "arguments") and _def_do_value(node, self.doc):
            return self._place_def_do(node, pieces, text)
        return Pending(root, node, pieces, text)

    def keep(self, node: Node, base: int) -> Keep | None:
        """A Keep of `node` whose lines move under column `base` (None if they cannot move)."""
        start, end = self.doc.span(node)
        own = self._base_of(node)
        if own is None:
            return None
        delta = base - own
        if delta and node.start_point[0] != node.end_point[0] and not shiftable(node, self.doc):
            return None
        return Keep(start, end, delta)

    def _base_of(self, node: Node) -> int | None:
        """The indentation the node's continuation lines are relative to: the line its closing token
        starts (`}`, `end`, `)`), or the line it starts when it starts one; None when neither."""
        first = self.lines.line_of(self.doc.char(node.start_byte))
        if node.start_point[0] == node.end_point[0] or first_on_line(self.lines, self.doc.char(node.start_byte)):
            return line_indent(self.lines, first)
        last_token = node
        while last_token.children:
            last_token = last_token.children[-1]
        last_start = self.doc.char(last_token.start_byte)
        if last_token.type in CLOSERS or last_token.type in ("end", '"""', "'''") or last_token.type.startswith('"""'):
            if first_on_line(self.lines, last_start):
                return line_indent(self.lines, self.lines.line_of(last_start))
        return None

    def _moved(self, pieces: list[str | Keep], base: int) -> tuple[list, str] | str:
        """The pieces with every Keep moved under `base`, and the text they make."""
        out: list[str | Keep] = []
        text = []
        for piece in pieces:
            if isinstance(piece, str):
                out.append(piece)
                text.append(piece)
                continue
            node = self._node(piece)
            keep = self.keep(node, base) if node is not None else None
            if keep is None:
                return "its argument cannot move to its new place (a multi-line string, or an unusual layout)"
            out.append(keep)
            text.append(shift(self.measure(keep.start, keep.end), keep.shift) or "")
        return out, "".join(text)

    def _node(self, piece: Keep) -> Node | None:
        """The node spanning exactly the kept range (None when it spans several)."""
        node = self.doc.node_at(piece.start, piece.end)
        return node if node is not None and self.doc.span(node) == (piece.start, piece.end) else None

    def _place_match(self, match: Node, node: Node, pieces, item: Node | None) -> list[Plan] | str:
        """`lhs = <node>`: the right side joins the `=` line if it fits, else goes on the next line
        (multi-line values: containers and fns join, blocks, pipelines and broken calls break)."""
        left = match.child_by_field_name("left")
        if left.start_point[0] != left.end_point[0]:
            return LAYOUT_CHANGES
        start, _ = self.doc.span(match)
        left_start, left_end = self.doc.span(left)
        _, end = self.doc.span(node)
        line = self.lines.line_of(start)
        prefix = self.doc.text[self.lines.line_start(line):start]
        indent = line_indent(self.lines, line)
        suffix = self.doc.text[end:self.lines.line_end(self.lines.line_of(end))].rstrip("\n")
        lhs = [Keep(left_start, left_end)]
        width = len(prefix) + len(self.measure(left_start, left_end))
        joined = self._moved(pieces, indent)
        broken = self._moved(pieces, indent + 2)
        if isinstance(joined, str) or isinstance(broken, str):
            return joined if isinstance(joined, str) else broken
        if "\n" not in joined[1]:
            if width + 3 + len(joined[1]) + len(suffix) <= self.line_length:
                return [Plan(start, end, [*lhs, " = ", *joined[0]])]
            if indent + 2 + len(broken[1]) + len(suffix) <= self.line_length:
                return [Plan(start, end, [*lhs, " =\n" + " " * (indent + 2), *broken[0]])]
            return "its argument does not fit on a line"
        shape = multiline_shape(item) if item is not None else None
        if shape == "joins":
            return [Plan(start, end, [*lhs, " = ", *joined[0]])]
        if shape == "breaks":
            return [Plan(start, end, [*lhs, " =\n" + " " * (indent + 2), *broken[0]])]
        return LAYOUT_CHANGES

    def _place_def_do(self, node: Node, pieces, text: str) -> list[Plan] | str:
        """`def f(x), do: <node>`: the value goes right after `do:` if the line fits."""
        keyword = node.parent.children[0]
        k_start, _ = self.doc.span(keyword)
        start, end = self.doc.span(node)
        line = self.lines.line_of(k_start)
        head = self.doc.text[self.lines.line_start(line):k_start] + "do: "
        suffix = self.doc.text[end:self.lines.line_end(self.lines.line_of(end))].rstrip("\n")
        if len(head) + len(text) + len(suffix) <= self.line_length:
            return [Plan(k_start, end, ["do: ", *pieces])]
        indent = line_indent(self.lines, self.lines.line_of(start))
        if "\n" in self.doc.node_text(keyword) and indent + len(text) + len(suffix) <= self.line_length:
            return [Plan(start, end, pieces)]
        return "its argument does not fit on a line"

    def reflow(self, members: list[Pending]) -> list[Plan] | str:
        """Replacements in one statement whose line breaks are all ones the formatter re-flows by
        length: join the breaks if the statement then fits on one line; with a single replacement,
        a single break and the value on the line after it, keep that break if the line fits.
        Otherwise the layout is not predictable here."""
        root = members[0].root
        members = sorted(members, key=lambda m: m.node.start_byte)
        spans = [self.doc.span(m.node) for m in members]
        if any(a[1] > b[0] for a, b in zip(spans, spans[1:])):
            return LAYOUT_CHANGES  # nested replacements: measured apart, they could disagree
        if has_outside(root, *[m.node for m in members], multiline_strings=True):
            return LAYOUT_CHANGES
        root_start, root_end = self.doc.span(root)
        gaps = [(root_start, spans[0][0])] + [(a[1], b[0]) for a, b in zip(spans, spans[1:])] + [(spans[-1][1], root_end)]
        breaks = []
        for lo, hi in gaps:
            for match in _BREAK.finditer(self.doc.text, lo, hi):
                joiner = _joiner(self.doc, match.start(), match.end())
                if joiner is None:
                    return LAYOUT_CHANGES
                breaks.append((match.start(), match.end(), joiner))
        line = self.lines.line_of(root_start)
        prefix = self.doc.text[self.lines.line_start(line):root_start]
        suffix = self.doc.text[root_end:self.lines.line_end(self.lines.line_of(root_end))].rstrip("\n")
        cuts = sorted([(lo, hi, [joiner], joiner) for lo, hi, joiner in breaks]
                      + [(start, end, member.pieces, member.text) for (start, end), member in zip(spans, members)],
                      key=lambda cut: cut[0])
        flat: list[str | Keep] = []
        width, cursor = len(prefix) + len(suffix), root_start
        for lo, hi, pieces, text in cuts:
            flat.extend([Keep(cursor, lo), *pieces])
            width += len(self.measure(cursor, lo)) + len(text)
            cursor = hi
        flat.append(Keep(cursor, root_end))
        width += len(self.measure(cursor, root_end))
        if width <= self.line_length:
            return [Plan(root_start, root_end, [p for p in flat if not isinstance(p, Keep) or p.start < p.end])]
        if len(members) == 1 and len(breaks) == 1 and breaks[0][1] <= spans[0][0] and first_on_line(self.lines, spans[0][0]):
            start, end = spans[0]
            node_line = self.lines.line_of(start)
            line_text = self.doc.text[self.lines.line_start(node_line):start] + members[0].text \
                + self.doc.text[end:self.lines.line_end(self.lines.line_of(end))].rstrip("\n")
            if len(line_text) <= self.line_length:
                return [Plan(start, end, members[0].pieces)]
        return LAYOUT_CHANGES


_BREAK = re.compile(r"[ \t]*\n[ \t]*")
_PIPE_START = re.compile(r"(?:\|>|~>>|<<~|~>|<~>|<~|<\|>|\||when\b|end\b|->|do\b)")


def _joiner(doc: Doc, lo: int, hi: int) -> str | None:
    """What a soft line break between two tokens becomes on one line ("" or " "); None for a break
    the formatter keeps (after an opening bracket, before a pipe or `end`, after `do`/`->`, before a
    keyword list)."""
    text = doc.text
    before = text[max(0, lo - 3):lo]
    after = text[hi:hi + 40]
    if before.endswith("("):
        token = doc.node_at(lo - 1, lo)
        holder = token.parent if token is not None else None
        return "" if holder is not None and holder.type == "arguments" and _items(holder) < 2 else None
    if before.endswith(("[", "{", "<<")) or re.search(r"(?:->|\bdo)$", before):
        return None
    if _PIPE_START.match(after) or re.match(r"[a-z_]\w*[?!]?: ", after) or after.startswith("#"):
        return None
    if after.startswith((")", "]", "}", ">>", ",")):
        return ""
    return " "


def has_outside(root: Node, *skip: Node, multiline_strings: bool = False) -> bool:
    """A comment (and, if asked, a multi-line string) inside `root` but outside the `skip` nodes:
    text that a re-flow or an unwrapping would damage or drop."""
    stack = [root]
    while stack:
        node = stack.pop()
        if node in skip:
            continue
        if node.type == "comment":
            return True
        if multiline_strings and node.type in STRING_TYPES and node.start_point[0] != node.end_point[0]:
            return True
        stack.extend(node.children)
    return False


def _def_do_value(node: Node, doc: Doc) -> bool:
    """`node` is the value of the `do:` of a `def`-like one-liner."""
    pair = node.parent
    if pair is None or pair.type != "pair" or pair.children[0].type != "keyword" \
            or not doc.node_text(pair.children[0]).startswith("do:"):
        return False
    call = pair.parent.parent.parent if pair.parent is not None and pair.parent.parent is not None else None
    return call is not None and call.type == "call" and call_name(call, doc) in ("def", "defp", "defmacro", "defmacrop")


def _merges_into_chain(item: Node, node: Node) -> bool:
    """The item is an operator chain of the same precedence as the operator `node` is an operand of
    (`IO.inspect(a |> b()) |> c()`): the formatter then lays out the whole chain as one."""
    parent = node.parent
    if item.type != "binary_operator" or parent is None or parent.type != "binary_operator":
        return False
    return operator_of(item) == operator_of(parent) or {operator_of(item), operator_of(parent)} <= PIPELINE_OPERATORS


def multiline_shape(item: Node) -> str | None:
    """How the formatter lays out `x = <item>` for a multi-line item: "joins" (`x = [`), "breaks"
    (`x =` then the item on its own lines), or None (not known)."""
    if item.type in ("list", "map", "tuple", "struct", "bitstring", "anonymous_function"):
        return "joins"
    if item.type == "call" and any(c.type == "do_block" for c in item.children):
        return DO_BLOCK_CALL_SHAPE
    if item.type == "binary_operator":
        return "breaks"
    if item.type == "call":
        args = next((c for c in item.children if c.type == "arguments"), None)
        if args is not None and args.children and args.children[0].type == "(" and _opener_broken(args):
            return "breaks"
    return None

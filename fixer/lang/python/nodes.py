"""CPython's own `ast` for Python rules: a parse 5-15x cheaper than LibCST's, with exact positions.

Rules decide everything on this tree (and reject files without a real target before any LibCST work);
positions are converted to character offsets here because ast columns count UTF-8 bytes.
"""
from __future__ import annotations

import ast
from typing import Iterator

from fixer.core import textcache
from fixer.core.edits import LineIndex

BLOCK_FIELDS = ("body", "orelse", "finalbody")


def parse(text: str) -> ast.Module:
    """The module's ast (cached: a second rule or pass over the same text reuses it; the engine frees
    it once the text is replaced, and after each file: an ast is ~125 bytes per byte of source)."""
    return textcache.per_text("python.ast", text, lambda: _parse(text))


def _parse(text: str) -> ast.Module:
    """ast.parse, a piece at a time for a huge text (fixer.lang.python.pieces): the C-level tree of
    one piece at a time instead of the whole module's, next to the Python one.

    A huge tree is walked (`walk`) a piece at a time as it is parsed, and its line numbers are
    shared as it goes: CPython makes a new int object for every line number above 256 (two a node,
    32 bytes each: 45 MB of a 5 MB module's tree), and one per line is enough. The piece's freed
    ints make room for the next piece's nodes, so the tree never holds them all."""
    from fixer.lang.python import pieces

    if pieces.whole(text):
        return ast.parse(text)
    numbers: dict[int, int] = {}
    parsed = pieces.in_pieces(text, lambda piece: _piece(piece, numbers))
    tree = ast.Module(body=[stmt for module, _ in parsed for stmt in module.body],
                      type_ignores=[ignore for module, _ in parsed for ignore in module.type_ignores])
    if not tree.type_ignores:  # (never, without type comments): the levels below are the tree's own
        tree._fixer_nodes, tree._fixer_types = _merged([levels for _, levels in parsed])
    return tree


Level = tuple[list[ast.AST], dict[type, list[ast.AST]]]


def _piece(piece: str, numbers: dict[int, int]) -> tuple[ast.Module, list[Level]]:
    module = ast.parse(piece)
    return module, _levels(module, numbers)


def _levels(module: ast.Module, numbers: dict[int, int]) -> list[Level]:
    """The nodes below a piece's module, a depth at a time (each in `walk`'s order, and by class),
    with their line numbers replaced by the shared ints of `numbers`."""
    levels: list[Level] = []
    current: list[ast.AST] = [*module.body, *module.type_ignores]
    shared = numbers.setdefault
    while current:
        below: list[ast.AST] = []
        append, by_type = below.append, {}
        for node in current:
            _visit(node, by_type, append)
            attrs = node.__dict__
            end = attrs.get("end_lineno")
            if end is not None and end > 256:  # CPython shares the ints up to 256 already
                attrs["end_lineno"] = shared(end, end)
                line = attrs["lineno"]
                if line > 256:
                    attrs["lineno"] = shared(line, line)
        levels.append((current, by_type))
        current = below
    return levels


def _merged(pieces: list[list[Level]]) -> tuple[list[ast.AST], dict[type, list[ast.AST]]]:
    """`_walk`'s answer for the module made of these pieces: breadth first goes a depth at a time,
    and within a depth through the pieces in order."""
    found: list[ast.AST] = []
    by_type: dict[type, list[ast.AST]] = {}
    for depth in range(max((len(levels) for levels in pieces), default=0)):
        for levels in pieces:
            if depth < len(levels):
                nodes, kinds = levels[depth]
                found += nodes
                for kind, same in kinds.items():
                    into = by_type.get(kind)
                    if into is None:
                        by_type[kind] = same
                    else:
                        into += same
                levels[depth] = ([], {})  # dropped as it is merged
    return found, by_type


def for_source(source) -> tuple[ast.Module, "Spans"]:
    """A rule's view of a `fixer.core.rule.Source`: its ast (shared by every rule through the source's
    cache) and spans. ast and `LineIndex` count lines alike ("\n", "\r\n" and a lone "\r")."""
    return source.cached("python.ast", parse), Spans(source.lines)


class Spans:
    """Character offsets and source text of ast nodes in one text."""

    def __init__(self, lines: LineIndex):
        self.lines = lines

    def column(self, line: int, byte_column: int) -> int:
        text = self.lines.line_text(line)
        if text.isascii():
            return byte_column
        return len(text.encode("utf-8")[:byte_column].decode("utf-8", "replace"))

    def start(self, node: ast.AST) -> int:
        return self.lines.offset(node.lineno, self.column(node.lineno, node.col_offset))

    def end(self, node: ast.AST) -> int:
        return self.lines.offset(node.end_lineno, self.column(node.end_lineno, node.end_col_offset))

    def text(self, node: ast.AST) -> str:
        return self.lines.text[self.start(node):self.end(node)]

    def short(self, node: ast.AST, limit: int = 60) -> str:
        """The node's source on one line, capped (for messages)."""
        text = " ".join(self.text(node).split())
        return text if len(text) <= limit else text[: limit - 1] + "…"

    def indent(self, line: int) -> str:
        text = self.lines.line_text(line)
        return text[: len(text) - len(text.lstrip(" \t"))]


# Fields that never hold a node (names, numbers, flags): a walk does not look into them.
_LEAF_FIELDS = {"id", "attr", "arg", "module", "level", "asname", "conversion", "is_async", "type_comment", "kind",
                "simple"}
_LEAF_OF = {ast.Constant: {"value"}, ast.FunctionDef: {"name"}, ast.AsyncFunctionDef: {"name"},
            ast.ClassDef: {"name"}, ast.alias: {"name"}, ast.ExceptHandler: {"name"}, ast.Global: {"names"},
            ast.Nonlocal: {"names"}}
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def _child_fields(kind: type) -> tuple[str, ...]:
    fields = _CHILD_FIELDS.get(kind)
    if fields is None:
        leaves = _LEAF_FIELDS | _LEAF_OF.get(kind, set())
        fields = _CHILD_FIELDS[kind] = tuple(name for name in kind._fields if name not in leaves)
    return fields


def walk(tree: ast.Module) -> list[ast.AST]:
    """Every node of a module's tree in `ast.walk`'s order (breadth first), found once per tree:
    rules that look at every node share one traversal (ast.walk costs seconds on a huge module).
    The list hangs on the tree (without the tree itself: no cycle), so it goes when the tree goes;
    so does the same nodes' index by class (`of_type`), built by the same traversal."""
    found = getattr(tree, "_fixer_nodes", None)
    if found is None:
        found, by_type = _walk(tree)
        tree._fixer_nodes, tree._fixer_types = found, by_type
    return [tree, *found]


def _walk(tree: ast.AST) -> tuple[list[ast.AST], dict[type, list[ast.AST]]]:
    queue: list[ast.AST] = [tree]
    append, by_type = queue.append, {}
    for node in queue:  # the queue grows while it is read: breadth first
        _visit(node, by_type, append)
    roots = by_type[type(tree)]  # the tree itself is not one of its nodes here (no cycle)
    roots.pop(0)
    if not roots:
        del by_type[type(tree)]
    return queue[1:], by_type


def _visit(node: ast.AST, by_type: dict[type, list[ast.AST]], append) -> None:
    """`node` filed under its class in `by_type`, and its child nodes handed to `append` in field order."""
    kind = type(node)
    same = by_type.get(kind)
    if same is None:
        same = by_type[kind] = []
    same.append(node)
    fields = _CHILD_FIELDS.get(kind)
    for name in fields if fields is not None else _child_fields(kind):
        value = getattr(node, name, None)
        if isinstance(value, list):
            for item in value:
                if isinstance(item, ast.AST):
                    append(item)
        elif isinstance(value, ast.AST):
            append(value)


def of_type(tree: ast.Module, kinds: type | tuple[type, ...]) -> list[ast.AST]:
    """The nodes under `tree` (not the tree itself) that are `kinds` (concrete node classes), in
    `walk`'s order: a rule's "every call" or "every function" is a look-up, not another walk (a walk
    costs about what the parse did). The list is shared: read it, never change it."""
    walk(tree)
    index = tree._fixer_types
    if not isinstance(kinds, tuple):
        return index.get(kinds, [])
    found = index.get(kinds)  # several classes: merged in order once per tree
    if found is None:
        present = [kind for kind in kinds if kind in index]
        found = index[kinds] = index[present[0]] if len(present) == 1 else [] if not present else \
            [node for node in tree._fixer_nodes if isinstance(node, kinds)]
    return found


def blocks(tree: ast.AST) -> Iterator[tuple[ast.AST, str, list[ast.stmt]]]:
    """Every statement list as (owner, field, statements); owners are statements, except handlers
    and match cases."""
    pending: list[ast.AST] = [tree]
    while pending:
        node = pending.pop()
        found = []
        for field in BLOCK_FIELDS:
            block = getattr(node, field, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                found.append((node, field, block))
        for child in getattr(node, "handlers", None) or getattr(node, "cases", None) or ():
            found.append((child, "body", child.body))
        for entry in found:
            yield entry
        for _, _, block in reversed(found):
            pending.extend(reversed(block))


def dotted(node: ast.AST) -> str | None:
    """`logging.INFO` for an Attribute chain of Names, `open` for a Name, else None."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def string(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
        value = node.value
        return value if isinstance(value, str) else value.decode("utf-8", "replace")
    return None


def keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def argument(call: ast.Call, index: int, name: str) -> ast.expr | None:
    """The argument passed at `index` or as `name=` (None if absent or after a `*args`)."""
    positional = call.args[:next((n for n, a in enumerate(call.args) if isinstance(a, ast.Starred)), len(call.args))]
    return positional[index] if len(positional) > index else keyword(call, name)


def contains(outer: ast.AST, inner: ast.AST) -> bool:
    """`inner` lies within `outer`'s source span."""
    return (outer.lineno, outer.col_offset) <= (inner.lineno, inner.col_offset) and \
        (inner.end_lineno, inner.end_col_offset) <= (outer.end_lineno, outer.end_col_offset)


def last_name(func: ast.AST | None) -> str:
    """`open` for `open`, `io.open`, `self.open`: a call target's last name ("" for anything else)."""
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""

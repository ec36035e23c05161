"""Which definition encloses a line: Python through CPython's `ast`, Elixir through tree-sitter.

Checklist line hints are matched to fixes only inside the definition they point at, so this answers
"which function/module is line N in" for the ORIGINAL file (one parse, then O(1) per line).
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field

Chain = tuple[str, ...]  # qualified definition names, outermost first; () is module level


@dataclass
class Outline:
    line_count: int
    _innermost: list[Chain] = field(default_factory=list)  # index: 1-based line
    _statement_end: dict[int, int] = field(default_factory=dict)  # first line -> last line
    blank: frozenset[int] = frozenset()  # lines holding only whitespace

    def at(self, line: int) -> Chain | None:
        """The innermost definition around `line`; None when the line is not in the file."""
        if 1 <= line <= self.line_count:
            return self._innermost[line]
        return None

    def statement_end(self, line: int) -> int:
        """The last line of the outermost statement that starts on `line` (the line itself if none)."""
        return self._statement_end.get(line, line)


def encloses(outer: Chain, inner: Chain) -> bool:
    """`inner` is `outer` or nested in it (module level encloses everything)."""
    return inner[: len(outer)] == outer


def describe(chain: Chain | None) -> str:
    if chain is None:
        return "outside the file"
    return ".".join(chain) if chain else "module level"


def outline(path: str, text: str) -> Outline | None:
    """The file's definitions, or None for another language or a file that does not parse."""
    if path.endswith((".py", ".pyi")):
        return _python(text)
    if path.endswith((".ex", ".exs")):
        return _elixir(text)
    return None


def _painted(text: str, definitions: list[tuple[int, int, Chain]]) -> Outline:
    """Paint each definition's lines, outer ones first, so every line ends with its innermost one."""
    lines = text.splitlines()
    count = len(lines)
    innermost: list[Chain] = [()] * (count + 1)
    for start, end, chain in sorted(definitions, key=lambda d: len(d[2])):
        for line in range(max(start, 1), min(end, count) + 1):
            innermost[line] = chain
    blank = frozenset(number for number, line in enumerate(lines, 1) if not line.strip())
    return Outline(count, innermost, blank=blank)


def _python(text: str) -> Outline | None:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    definitions: list[tuple[int, int, Chain]] = []
    ends: dict[int, int] = {}

    def walk(node: ast.AST, chain: Chain) -> None:
        for child in ast.iter_child_nodes(node):
            inner = chain
            if isinstance(child, ast.stmt):
                ends[child.lineno] = max(ends.get(child.lineno, 0), child.end_lineno or child.lineno)
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                inner = chain + (child.name,)
                first = min([child.lineno] + [d.lineno for d in child.decorator_list])
                definitions.append((first, child.end_lineno or child.lineno, inner))
            walk(child, inner)

    walk(tree, ())
    result = _painted(text, definitions)
    result._statement_end = ends
    return result


def _elixir(text: str) -> Outline | None:
    from fixer.lang.elixir.syntax import Doc

    doc = Doc(text)
    if doc.tree.root_node.has_error:
        return None
    definitions: list[tuple[int, int, Chain]] = []
    stack = [(doc.tree.root_node, ())]
    while stack:
        node, chain = stack.pop()
        for child in node.named_children:
            inner = chain
            if child.type == "call":
                name = _elixir_definition(child, doc)
                if name:
                    inner = chain + (name,)
                    definitions.append((child.start_point[0] + 1, child.end_point[0] + 1, inner))
            stack.append((child, inner))
    return _painted(text, definitions)


def _elixir_definition(node, doc) -> str | None:
    """`Snakepit.Pool` for a defmodule, `stop/1` for a def (clauses of one function share it)."""
    from fixer.lang.elixir.syntax import call_arguments, call_name
    from fixer.lang.elixir.defs import function_head

    kind = call_name(node, doc)
    if kind in ("defmodule", "defprotocol", "defimpl"):
        args = call_arguments(node)
        return doc.node_text(args[0]) if args else None
    head = function_head(node, doc)
    return f"{head.name}/{head.max_arity}" if head is not None else None

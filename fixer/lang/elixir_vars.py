"""Elixir variables: where each is bound (its clause) and which identifiers read it.

Scopes follow the compiler closely enough for renaming: a def clause binds in its head, a fn/case/
receive clause in its left side, `=` binds in the enclosing clause, `<-` in its `with`/`for`.
Guards, default values and pinned (`^x`) occurrences are reads.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from fixer.lang import elixir
from fixer.lang.elixir import Doc, call_name
from fixer.lang.elixir_defs import DEF_KINDS

if TYPE_CHECKING:
    from tree_sitter import Node

SCOPED_CALLS = {"with", "for"}  # `<-` bindings live in the whole call


@dataclass
class Variable:
    name: str
    scope: Node
    bindings: list[Node] = field(default_factory=list)
    reads: list[Node] = field(default_factory=list)


def variables(doc: Doc, wanted: Callable[[str], bool]) -> list[Variable]:
    """Variables whose name passes `wanted`, each with the clause it is bound in, its binding
    occurrences and the reads that resolve to it."""
    groups: dict[tuple[int, int, str], Variable] = {}
    reads: list[tuple[Node, str]] = []
    for node in _identifiers(doc.tree.root_node):
        name = doc.node_text(node)
        if not wanted(name) or elixir.in_opaque(node) or _in_quote(node, doc):
            continue
        scope = _binding_scope(node, doc)
        if scope is None:
            reads.append((node, name))
            continue
        key = (scope.start_byte, scope.end_byte, name)
        groups.setdefault(key, Variable(name, scope)).bindings.append(node)
    for node, name in reads:
        current = node.parent
        while current is not None:
            variable = groups.get((current.start_byte, current.end_byte, name))
            if variable is not None:
                variable.reads.append(node)
                break
            current = current.parent
    return list(groups.values())


def _identifiers(root: Node):
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "identifier":
            parent = node.parent
            if not (parent is not None and parent.type == "call" and parent.child_by_field_name("target") == node):
                yield node
        stack.extend(reversed(node.children))


def _in_quote(node: Node, doc: Doc) -> bool:
    current = node.parent
    while current is not None:
        if current.type == "call" and call_name(current, doc) == "quote":
            return True
        current = current.parent
    return False


def _binding_scope(node: Node, doc: Doc) -> Node | None:
    """The clause a pattern occurrence binds in, or None for a read."""
    child, parent = node, node.parent
    matched = False  # crossed the left side of `=`
    while parent is not None:
        kind, op = parent.type, elixir.operator_of(parent) if parent.type in ("binary_operator", "unary_operator") else None
        if kind == "unary_operator" and op == "^":
            return None
        if kind == "binary_operator":
            left = parent.child_by_field_name("left")
            if op in ("when", "\\\\") and child != left:
                return None  # guards and default values are reads
            if op == "=" and child == left:
                matched = True
            if op == "<-" and child == left:
                return _enclosing(parent, doc, calls=SCOPED_CALLS)
        if kind == "stab_clause":
            if child == parent.child_by_field_name("left"):
                return parent
            return parent if matched else None
        if kind == "call" and call_name(parent, doc) in DEF_KINDS:
            head_args = elixir.call_arguments(parent)
            if head_args and child == head_args[0].parent and _inside(node, head_args[0]):
                return parent
            return parent if matched else None
        if kind in ("anonymous_function", "source"):
            return None
        child, parent = parent, parent.parent
    return None


def _inside(node: Node, container: Node) -> bool:
    return container.start_byte <= node.start_byte and node.end_byte <= container.end_byte


def _enclosing(node: Node, doc: Doc, calls: set[str]) -> Node | None:
    current = node.parent
    while current is not None:
        if current.type == "call" and call_name(current, doc) in calls:
            return current
        current = current.parent
    return None


def name_taken(scope: Node, name: str, doc: Doc) -> bool:
    """True when an identifier spelled `name` occurs anywhere in the clause."""
    return any(doc.node_text(n) == name for n in _identifiers(scope) if n.end_byte - n.start_byte == len(name.encode()))

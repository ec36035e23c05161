"""Elixir module structure from tree-sitter nodes: modules, attributes, function heads and arities."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fixer.lang.elixir import Doc, call_arguments, call_name, operator_of, statements

if TYPE_CHECKING:
    from tree_sitter import Node

DEF_KINDS = ("def", "defp", "defmacro", "defmacrop")


@dataclass(frozen=True)
class FunctionHead:
    node: Node  # the whole `def ...` call
    kind: str  # def / defp / ...
    name: str
    min_arity: int
    max_arity: int
    head: Node  # the `name(args)` call (or bare identifier)

    def has_arity(self, arity: int) -> bool:
        return self.min_arity <= arity <= self.max_arity


def modules(doc: Doc) -> list[tuple[str, Node]]:
    """(full module name, do_block) for every defmodule, nested ones with their parent's prefix."""
    found: list[tuple[str, Node]] = []

    def walk(node: Node, prefix: str) -> None:
        for child in node.named_children:
            if child.type == "call" and call_name(child, doc) == "defmodule":
                args = call_arguments(child)
                block = next((c for c in child.children if c.type == "do_block"), None)
                if args and block is not None:
                    name = doc.node_text(args[0])
                    full = f"{prefix}.{name}" if prefix and not name.startswith("__MODULE__") else name
                    found.append((full, block))
                    walk(block, full)
                    continue
            walk(child, prefix)

    walk(doc.tree.root_node, "")
    return found


def attribute(node: Node, doc: Doc) -> tuple[str, Node | None] | None:
    """('impl', value node) for `@impl true`; None when the node is not a module attribute."""
    if node.type != "unary_operator" or operator_of(node) != "@":
        return None
    operand = node.child_by_field_name("operand")
    if operand is None:
        return None
    if operand.type == "identifier":
        return doc.node_text(operand), None
    if operand.type == "call":
        target = operand.child_by_field_name("target")
        args = call_arguments(operand)
        return (doc.node_text(target) if target is not None else ""), (args[0] if args else None)
    return None


def function_head(node: Node, doc: Doc) -> FunctionHead | None:
    if node.type != "call":
        return None
    kind = call_name(node, doc)
    if kind not in DEF_KINDS:
        return None
    args = call_arguments(node)
    if not args:
        return None
    head = args[0]
    if head.type == "binary_operator" and operator_of(head) == "when":
        head = head.child_by_field_name("left")
    if head.type == "identifier":
        return FunctionHead(node, kind, doc.node_text(head), 0, 0, head)
    if head.type != "call":
        return None
    target = head.child_by_field_name("target")
    if target is None or target.type != "identifier":
        return None
    params = call_arguments(head)
    defaults = sum(1 for p in params if p.type == "binary_operator" and operator_of(p) == "\\\\")
    return FunctionHead(node, kind, doc.node_text(target), len(params) - defaults, len(params), head)


def module_statements(block: Node) -> list[Node]:
    return statements(block)

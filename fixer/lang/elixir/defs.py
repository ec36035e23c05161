"""Elixir module structure from tree-sitter nodes: modules, attributes, function heads and arities,
and the module-level events that decide which definition an `@impl` belongs to."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fixer.lang.elixir.syntax import Doc, call_arguments, call_name, operator_of, statements, word_starts

if TYPE_CHECKING:
    from tree_sitter import Node

DEF_KINDS = ("def", "defp", "defmacro", "defmacrop")
# Every form that defines a function clause (and so takes a pending @impl).
DEFINITION_KINDS = DEF_KINDS + ("defdelegate", "defguard", "defguardp")
# Module-level forms known to define functions of their own (they take a pending @impl too).
DEFINING_FORMS = frozenset({"defstruct", "defexception"})
# Module-level forms known to define no function.
NEUTRAL_FORMS = frozenset({"require", "alias", "import", "defmodule", "defprotocol", "defimpl", "defoverridable",
                           "Module.register_attribute", "Module.put_attribute"})
# Module-level blocks whose body runs at compile time in the module (definitions inside them count).
MODULE_BLOCKS = frozenset({"for", "if", "unless", "case", "cond"})


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
    """(full module name, do_block) for every defmodule, nested ones with their parent's prefix, in
    source order. Modules inside `quote` are generated code and left out.

    Found where "defmodule" is written, then climbing to the root: a few nodes per module instead of
    a walk of the whole tree."""
    names: dict[int, str | None] = {}  # a defmodule call's id -> its full name (None: left out)
    found = []
    for at in word_starts(doc.text, "defmodule"):
        node = doc.node_at(at, at + len("defmodule"))
        call = node.parent if node is not None and node.type == "identifier" else None
        if call is None or call.type != "call" or call.child_by_field_name("target") != node:
            continue  # in a string, a comment, an atom: not a call of defmodule
        parts = _module_parts(call)
        full = _module_name(call, doc, names) if parts is not None else None
        if full is not None:
            found.append((full, parts[1]))
    return found


def _module_parts(call: Node) -> tuple[Node, Node] | None:
    """(name argument, do_block) of a `defmodule Name do ... end` call."""
    args = call_arguments(call)
    block = next((c for c in call.children if c.type == "do_block"), None)
    return (args[0], block) if args and block is not None else None


def _module_name(call: Node, doc: Doc, names: dict[int, str | None]) -> str | None:
    """The full name of a defmodule call, or None when it sits in a `quote` (or where no walk from
    the root through modules' bodies reaches it, e.g. in another defmodule's arguments)."""
    if call.id in names:
        return names[call.id]
    prefix: str | None = ""
    child, parent = call, call.parent
    while parent is not None:
        if parent.type == "call":
            kind = call_name(parent, doc)
            if kind == "quote":
                prefix = None
                break
            parts = _module_parts(parent) if kind == "defmodule" else None
            if parts is not None:
                prefix = _module_name(parent, doc, names) if child == parts[1] else None
                break
        child, parent = parent, parent.parent
    name = doc.node_text(_module_parts(call)[0])
    full = None if prefix is None else f"{prefix}.{name}" if prefix and not name.startswith("__MODULE__") else name
    names[call.id] = full
    return full


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
    if kind not in DEFINITION_KINDS:
        return None
    head = definition_head(node, doc)
    return None if head is None else FunctionHead(node, kind, *head)


def definition_head(call: Node, doc: Doc) -> tuple[str, int, int, Node] | None:
    """(name, fewest arguments, most arguments, the `name(args)` head) of any def-like call:
    `defmacro dbg(code, opts \\\\ [])` gives ("dbg", 1, 2, ...); None for a computed name."""
    args = call_arguments(call)
    if not args:
        return None
    head = args[0]
    if head.type == "binary_operator" and operator_of(head) == "when":
        head = head.child_by_field_name("left")
    if head.type == "identifier":
        return doc.node_text(head), 0, 0, head
    if head.type != "call":
        return None
    target = head.child_by_field_name("target")
    if target is None or target.type != "identifier":
        return None
    params = call_arguments(head)
    defaults = sum(1 for p in params if p.type == "binary_operator" and operator_of(p) == "\\\\")
    return doc.node_text(target), len(params) - defaults, len(params), head


def module_statements(block: Node) -> list[Node]:
    return statements(block)


@dataclass(frozen=True)
class Event:
    """One module-level step that matters to `@impl`, in source order.

    kind: "impl" (an `@impl` attribute), "definition" (takes a pending @impl; `head` is None when the
    name is computed, e.g. `def unquote(name)(...)`, or for defstruct/defexception), "opaque" (a
    macro call that may or may not define functions).
    """

    kind: str
    node: Node
    form: str = ""  # the call: def, defdelegate, defstruct, use, ...
    head: FunctionHead | None = None
    nested: bool = False  # inside a module-level for/if/unless/case/cond


def module_events(block: Node, doc: Doc, nested: bool = False) -> list[Event]:
    events: list[Event] = []
    for stmt in statements(block):
        attr = attribute(stmt, doc)
        if attr is not None:
            if attr[0] == "impl":
                events.append(Event("impl", stmt, nested=nested))
            continue
        name = call_name(stmt, doc) if stmt.type == "call" else None
        if name in DEFINITION_KINDS or name in DEFINING_FORMS:
            events.append(Event("definition", stmt, name, function_head(stmt, doc), nested))
        elif name in MODULE_BLOCKS:
            for part in _block_parts(stmt):
                events.extend(module_events(part, doc, nested=True))
        elif name not in NEUTRAL_FORMS and stmt.type == "call":
            events.append(Event("opaque", stmt, name or "", nested=nested))
    return events


def _block_parts(node: Node) -> list[Node]:
    """The statement containers of a module-level for/if/case: do/else blocks and clause bodies."""
    parts = []
    for block in (c for c in node.children if c.type == "do_block"):
        parts.append(block)
        for child in block.named_children:
            if child.type == "else_block":
                parts.append(child)
            if child.type == "stab_clause" and child.child_by_field_name("right") is not None:
                parts.append(child.child_by_field_name("right"))
    return parts

"""Which parts of an Elixir expression may disappear when a debug call around them is deleted.

Three kinds of sub-expression:
- pure: no effect, and no failure on data of the type the code reads: literals, variables, module
  attributes, `fn` and `&` captures, containers and interpolations of pure values, operators over
  pure values (`==`, `&&`, `+`, `<>`, `++`, `in`), `inspect/1,2`, `self()`/`node()`/`binding()`, the
  `is_*` guards, clock reads, Access reads (`opts[:label]`), and reads such as `length/1`,
  `map_size/1`, `Map.get/2`, `Map.keys/1`, `String.length/1`. These only fail when the value is
  not the kind of data the code reads (documented policy: they count as reads of the inspected
  data and go with the call).
- partial: no effect, but may raise on well-typed data (`hd([])`, `tl/1`, `elem/2`, a field read
  `state.workers` (KeyError; or a zero-arity call when `state` holds a module), `Map.fetch!/2`, `/`, `div/2`, `String.to_integer/1`, a map update `%{m | k: v}`): deleting it
  could turn a crash into success, so a person decides (the call is reported).
- effect: anything else (a call fixer does not know, `send/2`, `GenServer.call/2`, `Counter.next`
  without parentheses, a `case`, a binding `x = ...`): kept, as a statement of its own, in
  evaluation order.
"""
from __future__ import annotations

from tree_sitter import Node

from fixer.lang.elixir import Doc, call_arguments, operator_of

PURE_LEAVES = frozenset({"identifier", "atom", "integer", "float", "boolean", "nil", "char", "alias", "keyword",
                         "quoted_content", "escape_sequence", "comment", "anonymous_function", "quoted_keyword",
                         "quoted_atom", "sigil_name", "sigil_modifiers"})
# Sigils Elixir defines (no runtime work beyond building the value); a custom sigil_X may do anything.
STANDARD_SIGILS = frozenset("sScCwWrRDTNU")
CONTAINERS = frozenset({"list", "tuple", "map", "map_content", "keywords", "pair", "string", "charlist", "struct",
                        "bitstring", "interpolation", "block", "arguments"})
# Operators that never fail, or fail only on operands of the wrong type.
TOTAL_OPERATORS = frozenset({"==", "!=", "===", "!==", "<", ">", "<=", ">=", "&&", "||", "!", "&", "@", "=~", "+", "-",
                             "*", "**", "<>", "++", "--", "..", "in", "not in", "and", "or", "not", "|||", "&&&",
                             "<<<", ">>>", "^^^", "~~~", "..//"})
PURE_CALLS = frozenset({
    "self", "node", "binding", "inspect", "Kernel.inspect", "to_string", "Kernel.to_string",
    "is_atom", "is_binary", "is_bitstring", "is_boolean", "is_float", "is_function", "is_integer", "is_list",
    "is_map", "is_nil", "is_number", "is_pid", "is_port", "is_reference", "is_tuple", "is_struct", "is_exception",
    "System.monotonic_time", "System.system_time", "System.os_time", "DateTime.utc_now", "NaiveDateTime.utc_now",
    "Time.utc_now", "Date.utc_today", ":os.system_time", ":erlang.monotonic_time", ":erlang.system_time",
    "max", "min", "Process.alive?",
    # reads that fail only on data of another type
    "length", "Kernel.length", "map_size", "tuple_size", "byte_size", "bit_size", "abs", "round", "trunc", "ceil",
    "floor", "Map.get", "Map.keys", "Map.values", "Map.take", "Map.drop", "Map.has_key?", "Map.to_list", "Map.put",
    "Map.delete", "Map.merge", "Map.new", "Keyword.get", "Keyword.keys", "Keyword.values", "Keyword.take",
    "List.first", "List.last", "Tuple.to_list", "String.length", "String.upcase", "String.downcase", "String.trim",
    "String.split", "String.slice", "Integer.to_string", "Atom.to_string", "Float.to_string", "Enum.count",
    "Enum.reverse", "Enum.sort", "Enum.at", "Enum.take", "Enum.join", "Enum.member?",
})
PARTIAL_CALLS = frozenset({
    "hd", "tl", "elem", "div", "rem", "Kernel.hd", "Kernel.tl", "Kernel.elem", "Map.fetch!", "Map.update!",
    "Keyword.fetch!", "Enum.fetch!", "String.to_integer", "String.to_float", "String.to_atom",
    "String.to_existing_atom", "List.to_integer", "binary_part", "Kernel.binary_part", "List.first!",
})
PARTIAL_OPERATORS = frozenset({"/"})


def impure_parts(nodes: list[Node], doc: Doc) -> list[tuple[Node, str]]:
    """The sub-expressions of `nodes` that may not simply disappear, in evaluation order, each with
    its kind ("effect" or "partial"). Pure parts are left out."""
    found: list[tuple[Node, str]] = []
    for node in nodes:
        _scan(node, doc, found)
    return found


def _scan(node: Node, doc: Doc, found: list[tuple[Node, str]]) -> None:
    kind = node.type
    if kind in PURE_LEAVES:
        return
    if kind == "sigil":
        name = node.child_by_field_name("name") or next((c for c in node.children if c.type == "sigil_name"), None)
        if name is None or doc.node_text(name) not in STANDARD_SIGILS:
            found.append((node, "effect"))
            return
        for child in node.named_children:
            _scan(child, doc, found)
        return
    if kind in CONTAINERS:
        if kind == "map_content" and any(c.type == "binary_operator" and operator_of(c) == "|" for c in node.children):
            found.append((node.parent if node.parent is not None else node, "partial"))  # %{m | k: v}: KeyError
            return
        for child in node.named_children:
            _scan(child, doc, found)
        return
    if kind == "unary_operator":
        operator = operator_of(node)
        operand = node.child_by_field_name("operand")
        if operator in ("@", "&"):
            return
        if operator in TOTAL_OPERATORS and operand is not None:
            _scan(operand, doc, found)
            return
        _partial_or_effect(node, [operand] if operand is not None else [], doc, found)
        return
    if kind == "binary_operator":
        operator = operator_of(node)
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if operator in ("=", "<-", "|>", "when", "::", "\\\\") or left is None or right is None:
            found.append((node, "effect"))  # a binding, or a call in disguise
            return
        if operator in PARTIAL_OPERATORS:
            _partial_or_effect(node, [left, right], doc, found)
            return
        if operator in TOTAL_OPERATORS:
            _scan(left, doc, found)
            _scan(right, doc, found)
            return
        found.append((node, "effect"))
        return
    if kind == "access_call":
        for child in node.named_children:
            _scan(child, doc, found)
        return
    if kind == "call":
        _scan_call(node, doc, found)
        return
    if kind == "dot":  # `Mod.field`-like reads and `__MODULE__.x` without a call
        for child in node.named_children:
            _scan(child, doc, found)
        return
    found.append((node, "effect"))


def _scan_call(node: Node, doc: Doc, found: list[tuple[Node, str]]) -> None:
    target = node.child_by_field_name("target")
    if any(c.type == "do_block" for c in node.children) or target is None:
        found.append((node, "effect"))
        return
    has_arguments = any(c.type == "arguments" for c in node.children)
    if not has_arguments and target.type == "dot":
        left = target.child_by_field_name("left") or target.children[0]
        if left.type in ("alias", "atom") or doc.node_text(left) == "__MODULE__":
            found.append((node, "effect"))  # `Counter.next`: a remote call without parentheses
            return
        # `state.workers` raises KeyError on a map without the key, and `mod.start` is a call when
        # `mod` holds a module: neither may simply disappear.
        _partial_or_effect(node, [left], doc, found)
        return
    name = doc.node_text(target)
    args = call_arguments(node)
    if name in PURE_CALLS:
        for arg in args:
            _scan(arg, doc, found)
        return
    if name in PARTIAL_CALLS:
        _partial_or_effect(node, args, doc, found)
        return
    found.append((node, "effect"))


def _partial_or_effect(node: Node, operands: list[Node], doc: Doc, found: list[tuple[Node, str]]) -> None:
    """A partial operation over pure operands is "partial"; with an impure operand, the whole
    expression is kept (its effect and its failure stay together)."""
    inner: list[tuple[Node, str]] = []
    for operand in operands:
        _scan(operand, doc, inner)
    found.append((node, "effect" if any(kind == "effect" for _, kind in inner) else "partial"))

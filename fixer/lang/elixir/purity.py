"""Which parts of an Elixir expression may disappear when a debug call around them is deleted.

Three kinds of sub-expression:
- pure: no effect and no failure, whatever the data: literals, atoms, variables, module attributes,
  `fn` and `&` captures, containers of pure values (tuples, lists and cons cells `[h | t]`, maps,
  keywords, structs), strings whose interpolations are literals or `inspect(...)`, the
  never-failing operators (`==`, `!=`, `===`, `!==`, `<`, `>`, `<=`, `>=`, `!`, `&&`, `||`,
  `x in [literal list]`, and `and`/`or` whose left side is always a boolean: `x > 1 and x < 5`),
  and the calls in PURE_CALLS: `inspect/1,2` (an inspect-only wrapper), `self()`, `node()`,
  `binding()`, the `is_*` guards, `max`/`min`, clock reads.
- partial: no effect, but may raise (on data of another type too): every other operator (`+`, `<>`,
  `++`, `..`, `and`/`or` on a left side that may not be a boolean, `not`, `-x`, `Kernel.+(x, 1)`, ...), Access and field reads (`opts[:k]`,
  `state.workers`), an interpolation of a non-literal (`"#{x}"`: String.Chars may be missing), a
  bitstring built from non-literals (`<<x::binary>>`), a map update `%{m | k: v}`, and the calls
  fixer knows do no work (`length/1`, `map_size/1`, `hd/1`, `Map.get/2`, `String.length/1`, ...):
  deleting one could turn a crash into success, so a person decides (the call is reported).
  A partial operation over work (`hd(load())`, `load() + 1`) is partial too: kept alone as a
  statement the compiler would warn that its result is ignored.
- effect: anything else (a call fixer does not know, `send/2`, `Counter.next` without parentheses,
  a `case`, a binding `x = ...`, a pipeline into an unknown call): kept, whole, as a statement of
  its own, in evaluation order. A short-circuit operator (`x && f(x)`, `||`, `and`, `or`) whose
  operands do work is kept whole, never split: its right side runs only sometimes. A bitstring
  with work inside is kept whole (building it may raise).
"""
from __future__ import annotations

import re

from tree_sitter import Node

from fixer.lang.elixir.syntax import Doc, call_arguments, has_do_block, operator_of

PURE_LEAVES = frozenset({"identifier", "atom", "integer", "float", "boolean", "nil", "char", "alias", "keyword",
                         "quoted_content", "escape_sequence", "comment", "anonymous_function", "quoted_keyword",
                         "quoted_atom", "sigil_name", "sigil_modifiers"})
# Sigils Elixir defines (no runtime work beyond building the value); a custom sigil_X may do anything.
STANDARD_SIGILS = frozenset("sScCwWrRDTNU")
# Building these never fails: only their elements can.
CONTAINERS = frozenset({"list", "tuple", "map", "map_content", "keywords", "pair", "string", "charlist", "struct",
                        "block", "arguments"})
# Operators that never fail, whatever their operands.
TOTAL_OPERATORS = frozenset({"==", "!=", "===", "!==", "<", ">", "<=", ">=", "!"})
# Their right side runs only sometimes: never split from the left.
SHORT_CIRCUIT = frozenset({"&&", "||", "and", "or"})
# `and`/`or` raise BadBooleanError on a left side that is not a boolean.
STRICT_BOOLEAN = frozenset({"and", "or"})
# Bitstring segment types and modifiers (words in `x::binary-size(4)`), not variables.
SEGMENT_WORDS = frozenset({"binary", "bits", "bitstring", "bytes", "integer", "float", "utf8", "utf16", "utf32",
                           "size", "unit", "big", "little", "native", "signed", "unsigned"})
PURE_CALLS = frozenset({
    "self", "node", "binding", "Kernel.binding", "inspect", "Kernel.inspect",
    "is_atom", "is_binary", "is_bitstring", "is_boolean", "is_float", "is_function", "is_integer", "is_list",
    "is_map", "is_nil", "is_number", "is_pid", "is_port", "is_reference", "is_tuple", "is_struct", "is_exception",
    "System.monotonic_time", "System.system_time", "System.os_time", "DateTime.utc_now", "NaiveDateTime.utc_now",
    "Time.utc_now", "Date.utc_today", ":os.system_time", ":erlang.monotonic_time", ":erlang.system_time",
    "max", "min",
})
INSPECTS = frozenset({"inspect", "Kernel.inspect"})
# Calls known to do no work but to raise on some data (reported, never deleted).
PARTIAL_CALLS = frozenset({
    "hd", "tl", "elem", "div", "rem", "Kernel.hd", "Kernel.tl", "Kernel.elem", "Map.fetch!", "Map.update!",
    "Keyword.fetch!", "Enum.fetch!", "String.to_integer", "String.to_float", "String.to_atom",
    "String.to_existing_atom", "List.to_integer", "binary_part", "Kernel.binary_part", "List.first!",
    "to_string", "Kernel.to_string", "Process.alive?",
    "length", "Kernel.length", "map_size", "tuple_size", "byte_size", "bit_size", "abs", "round", "trunc", "ceil",
    "floor", "Map.get", "Map.keys", "Map.values", "Map.take", "Map.drop", "Map.has_key?", "Map.to_list", "Map.put",
    "Map.delete", "Map.merge", "Map.new", "Keyword.get", "Keyword.keys", "Keyword.values", "Keyword.take",
    "List.first", "List.last", "Tuple.to_list", "String.length", "String.upcase", "String.downcase", "String.trim",
    "String.split", "String.slice", "Integer.to_string", "Atom.to_string", "Float.to_string", "Enum.count",
    "Enum.reverse", "Enum.sort", "Enum.at", "Enum.take", "Enum.join", "Enum.member?",
})
# `Kernel.+(x, 1)`: an operator called by name.
KERNEL_OPERATOR = re.compile(r"^Kernel\.[^\w\s]+$")


def impure_parts(nodes: list[Node], doc: Doc) -> list[tuple[Node, str]]:
    """The sub-expressions of `nodes` that may not simply disappear, in evaluation order, each with
    its kind ("effect" or "partial"). Pure parts are left out. An "effect" part is always a whole
    expression that may stand as a statement (never a bitstring segment, map pair or cons fragment).
    A missing node (None: an optional part left out) has none."""
    found: list[tuple[Node, str]] = []
    for node in nodes:
        if node is not None:
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
        _scan_children(node, doc, found)
        return
    if kind == "interpolation":
        # `#{x}` calls String.Chars.to_string: it raises when x has no implementation.
        inner = [c for c in node.named_children if c.type != "comment"]
        if all(c.type in ("string", "integer", "float", "atom", "boolean", "nil", "char") for c in inner):
            return
        if all(c.type == "call" and doc.node_text(c.child_by_field_name("target") or c) in INSPECTS for c in inner):
            _scan_children(node, doc, found)  # `#{inspect(v)}`: inspect returns a string
            return
        found.append((node, "partial"))
        return
    if kind == "bitstring":
        _scan_bitstring(node, doc, found)
        return
    if kind in CONTAINERS:
        if kind == "map_content" and any(c.type == "binary_operator" and operator_of(c) == "|" for c in node.children):
            found.append((node.parent if node.parent is not None else node, "partial"))  # %{m | k: v}: KeyError
            return
        _scan_children(node, doc, found)
        return
    if kind == "unary_operator":
        _scan_unary(node, doc, found)
        return
    if kind == "binary_operator":
        _scan_binary(node, doc, found)
        return
    if kind == "access_call":  # `opts[:k]`: Access raises on data that is not a map, list or nil
        found.append((node, "partial"))
        return
    if kind == "call":
        _scan_call(node, doc, found)
        return
    if kind == "dot":  # `Mod.field`-like reads and `__MODULE__.x` without a call
        _scan_children(node, doc, found)
        return
    found.append((node, "effect"))


def _scan_children(node: Node, doc: Doc, found: list[tuple[Node, str]]) -> None:
    for child in node.named_children:
        _scan(child, doc, found)


def _scan_unary(node: Node, doc: Doc, found: list[tuple[Node, str]]) -> None:
    operator = operator_of(node)
    operand = node.child_by_field_name("operand")
    if operator in ("@", "&"):
        return
    if operator in TOTAL_OPERATORS and operand is not None:
        _scan(operand, doc, found)
        return
    found.append((node, "partial"))  # `-x`, `not x`, `~~~x`, `^x` (a pattern out of place)


def _scan_binary(node: Node, doc: Doc, found: list[tuple[Node, str]]) -> None:
    operator = operator_of(node)
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    if left is None or right is None:
        found.append((node, "partial"))
        return
    if operator == "=":
        found.append((node, "effect"))  # a binding: kept whole
        return
    if operator == "|>":
        _scan_pipe(node, left, right, doc, found)
        return
    if operator in ("|", "=>"):  # a cons cell `[h | t]` or a map pair `k => v`: building it never fails
        parent = node.parent
        if parent is not None and parent.type in ("list", "map_content"):
            _scan(left, doc, found)
            _scan(right, doc, found)
            return
        found.append((node, "partial"))  # out of a container: a fragment fixer does not split
        return
    if operator in SHORT_CIRCUIT:
        _scan_short_circuit(node, operator, left, right, doc, found)
        return
    if operator in TOTAL_OPERATORS:
        _scan(left, doc, found)
        _scan(right, doc, found)
        return
    if operator in ("in", "not in") and right.type == "list" and not impure_parts([right], doc):
        _scan(left, doc, found)  # `x in [1, 2]` expands to comparisons: it never raises
        return
    if operator in ("::", "when", "\\\\", "<-"):
        found.append((node, "partial"))  # a segment, guard, default or generator out of its place
        return
    if operator in ("+", "-", "*", "/", "**", "<>", "++", "--", "..", "..//", "in", "not in", "=~", "|||", "&&&",
                    "<<<", ">>>", "^^^"):
        found.append((node, "partial"))
        return
    found.append((node, "effect"))  # a custom operator: a call


def _scan_short_circuit(node: Node, operator: str, left: Node, right: Node, doc: Doc,
                        found: list[tuple[Node, str]]) -> None:
    """`x && f(x)`: with work on either side, the whole expression stays (its right side runs only
    sometimes); with something that may raise, a person decides (kept alone, `x && hd(x)` would warn)."""
    inner = impure_parts([left, right], doc)
    if any(kind == "partial" for _, kind in inner):
        found.append((node, "partial"))
    elif inner:
        found.append((node, "effect"))
    elif operator in STRICT_BOOLEAN and not _boolean(left, doc):
        found.append((node, "partial"))  # BadBooleanError on a left side that is not a boolean


def _boolean(node: Node, doc: Doc) -> bool:
    """Always a boolean: `true`, a comparison (`x > 1`), `!x`, an `is_*` guard, or `and`/`or` of those."""
    if node.type == "boolean":
        return True
    if node.type == "binary_operator":
        operator = operator_of(node)
        if operator in STRICT_BOOLEAN:
            return _boolean(node.child_by_field_name("left"), doc) and _boolean(node.child_by_field_name("right"), doc)
        return operator in TOTAL_OPERATORS
    if node.type == "unary_operator":
        return operator_of(node) == "!"
    target = node.child_by_field_name("target") if node.type == "call" else None
    return target is not None and doc.node_text(target).startswith("is_") and doc.node_text(target) in PURE_CALLS


def _scan_pipe(node: Node, left: Node, right: Node, doc: Doc, found: list[tuple[Node, str]]) -> None:
    """`x |> f(a)` is `f(x, a)`: judged as that call."""
    target = right.child_by_field_name("target") if right.type == "call" else None
    if target is None or has_do_block(right):
        found.append((node, "effect"))
        return
    _scan_named_call(node, doc.node_text(target), [left] + call_arguments(right), doc, found)


def _scan_bitstring(node: Node, doc: Doc, found: list[tuple[Node, str]]) -> None:
    """`<<"ab", 1::8>>` is pure; `<<x::binary>>` raises when x is not a binary; with work inside,
    the whole bitstring stays (the work and the failure together)."""
    segments = [c for c in node.named_children if c.type != "comment"]
    values, safe = [], True
    for segment in segments:
        value, spec = segment, None
        if segment.type == "binary_operator" and operator_of(segment) == "::":
            value, spec = segment.child_by_field_name("left"), segment.child_by_field_name("right")
        if value is None or value.type not in ("integer", "char", "string") or impure_parts([value], doc):
            safe = False
        if spec is not None and any(w not in SEGMENT_WORDS for w in re.findall(r"[a-z_]\w*", doc.node_text(spec))):
            safe = False
        values.append(value)
    if safe:
        return
    inner = impure_parts(values, doc)
    found.append((node, "effect" if any(kind == "effect" for _, kind in inner) else "partial"))


def _scan_call(node: Node, doc: Doc, found: list[tuple[Node, str]]) -> None:
    target = node.child_by_field_name("target")
    if has_do_block(node) or target is None:
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
        found.append((node, "partial"))
        return
    _scan_named_call(node, doc.node_text(target), call_arguments(node), doc, found)


def _scan_named_call(node: Node, name: str, operands: list[Node], doc: Doc, found: list[tuple[Node, str]]) -> None:
    """A call of `name` on `operands`: pure when the function is and its operands are; a Kernel
    function or operator that may raise is partial; any other call is an effect."""
    if name in PURE_CALLS:
        for operand in operands:
            _scan(operand, doc, found)
    elif name in PARTIAL_CALLS or KERNEL_OPERATOR.match(name):
        found.append((node, "partial"))
    else:
        found.append((node, "effect"))

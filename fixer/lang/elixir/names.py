"""What an Elixir call names: resolved through its module's aliases, imports and local definitions.

Elixir's `alias`, `import` and `require` are lexical: a directive applies to the code after it in the
block it sits in, nested blocks and nested modules included; an inner or later directive wins. A
nested `defmodule Outer.IO` (or `defmodule IO.Helpers`) aliases `IO` for the rest of the enclosing
block. Local definitions (`def`, `defmacro`, `defdelegate`, ...) are per module, by name and arity,
and a local beats an import. Kernel is imported everywhere unless an `import Kernel, only:/except:`
says otherwise. `use` is not expanded: a module a `use` injects is not seen (documented).
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from tree_sitter import Node

from fixer.lang.elixir.syntax import BLOCKS, Doc, call_arguments, call_name, in_quote, operator_of
from fixer.lang.elixir.defs import definition_head

DEF_LIKE = frozenset({"def", "defp", "defmacro", "defmacrop", "defdelegate", "defguard", "defguardp", "defn", "defnp"})
TYPESPECS = frozenset({"spec", "callback", "macrocallback", "type", "typep", "opaque"})
MACROS = {("Kernel", "dbg"), ("IEx", "pry")}
# What the modules we care about export (name -> arities). Other modules are unknown.
EXPORTS: dict[str, dict[str, frozenset[int]]] = {
    "Kernel": {"dbg": frozenset({0, 1, 2}), "inspect": frozenset({1, 2}), "tap": frozenset({2}),
               "then": frozenset({2})},
    "IO": {"inspect": frozenset({1, 2, 3}), "puts": frozenset({1, 2}), "write": frozenset({1, 2}),
           "warn": frozenset({1, 2}), "binwrite": frozenset({1, 2}), "binread": frozenset({1, 2}),
           "gets": frozenset({1, 2}), "getn": frozenset({1, 2, 3}), "read": frozenset({1, 2}),
           "iodata_length": frozenset({1}), "iodata_to_binary": frozenset({1}),
           "chardata_to_string": frozenset({1}), "stream": frozenset({0, 1, 2}), "binstream": frozenset({0, 1, 2}),
           "warn_once": frozenset({3})},
    "IEx": {"pry": frozenset({0}), "break!": frozenset({1, 2, 3, 4}), "started?": frozenset({0})},
}
DIRECTIVE_WORDS = re.compile(r"\b(?:alias|import|require|defmodule)\b")
DEF_WORDS = re.compile(r"\b(?:def|defp|defmacro|defmacrop|defdelegate|defguard|defguardp|defn|defnp)\b")


@dataclass(frozen=True)
class Resolution:
    """`name`: the canonical callee ("IO.inspect", "Kernel.dbg", ":dbg.tracer", "My.Mod.f"), None when
    the call is not one we can name; `how`: the directive that made the name (for messages);
    `unsure`: why the name cannot be decided (the call is then reported, never edited)."""

    name: str | None
    how: str = ""
    unsure: str = ""
    could_be: str | None = None  # with `unsure`: what the plain reading would name


@dataclass
class Directive:
    kind: str  # alias / import / require / module
    node: Node
    effective: int  # byte from which it applies
    short: str | None = None  # alias: the name it defines (None: not knowable)
    target: str | None = None  # the module it names (None: not knowable)
    only: dict[str, frozenset[int] | None] | str | None = None  # import filter: names, "functions", "macros"
    exclude: dict[str, frozenset[int] | None] | None = None
    dynamic: bool = False  # an import filter we cannot read


@dataclass
class Module:
    name: str
    block: Node
    defs: dict[str, set[int]] = field(default_factory=dict)
    dynamic_defs: bool = False  # `def unquote(name)(...)`: names we cannot know


class Names:
    """Lexical name resolution for one document (indexes are built once, lookups walk ancestors).

    The index is built a top-level statement at a time, when a lookup first reaches into it: what
    a `defmodule` at the top of the file holds (its modules, definitions and directives) matters to
    nothing outside it, so a file of thousands of modules costs the modules holding a call to judge.
    Other top-level statements (a directive there applies to the rest of the file) are indexed at
    once. `modules` and `directives` hold the statements indexed so far: `cover` a range first."""

    def __init__(self, doc: Doc):
        self.doc = doc
        self.directives: dict[int, list[Directive]] = {}  # block node id -> its directives, in order
        self.modules: dict[int, Module] = {}  # do_block id -> module
        self._chunks = doc.tree.root_node.children  # top-level statements, in order
        self._chunk_starts = [chunk.start_byte for chunk in self._chunks]
        self._indexed: set[int] = set()  # positions in _chunks
        for position, chunk in enumerate(self._chunks):
            if not (chunk.type == "call" and doc.data.startswith(b"defmodule", chunk.start_byte)):
                self._index_chunk(position)

    # -- indexing ---------------------------------------------------------------------------------
    def cover(self, start_byte: int, end_byte: int) -> None:
        """Index the top-level statements that meet [start_byte, end_byte]."""
        first = max(bisect_right(self._chunk_starts, start_byte) - 1, 0)
        for position in range(first, len(self._chunks)):
            if self._chunks[position].start_byte > end_byte:
                break
            if position not in self._indexed:
                self._index_chunk(position)

    def _reach(self, node: Node) -> None:
        """Index the top-level statement holding `node` (before any lookup from it)."""
        position = bisect_right(self._chunk_starts, node.start_byte) - 1
        if position >= 0 and position not in self._indexed:
            self._index_chunk(position)

    def modules_in_order(self) -> list[Module]:
        """The indexed modules, in source order."""
        return sorted(self.modules.values(), key=lambda module: module.block.start_byte)

    def directives_in_order(self) -> list[tuple[int, list[Directive]]]:
        """(block id, its directives) of the indexed blocks, by where their first directive is written."""
        return sorted(self.directives.items(), key=lambda item: min(d.node.start_byte for d in item[1]))

    def _index_chunk(self, position: int) -> None:
        self._indexed.add(position)
        chunk = self._chunks[position]
        start, end = self.doc.char(chunk.start_byte), self.doc.char(chunk.end_byte)
        self._index(start, end)

    def _index(self, start: int, end: int) -> None:
        doc = self.doc
        seen: set[int] = set()
        touched: set[int] = set()
        for match in DIRECTIVE_WORDS.finditer(doc.text, start, end):
            node = doc.node_at(match.start(), match.end())
            call = node.parent if node is not None else None
            if call is None or call.type != "call" or call.child_by_field_name("target") != node or call.id in seen:
                continue
            seen.add(call.id)
            if in_quote(call, doc):
                continue
            word = match.group(0)
            if word == "defmodule":
                block_id = self._add_module(call)
                if block_id is not None:
                    touched.add(block_id)
            elif call.parent is not None and call.parent.type in BLOCKS:
                for directive in self._directives_of(call, word):
                    self.directives.setdefault(call.parent.id, []).append(directive)
                    touched.add(call.parent.id)
        for block_id in touched:
            self.directives[block_id].sort(key=lambda d: d.effective)
        for match in DEF_WORDS.finditer(doc.text, start, end):
            node = doc.node_at(match.start(), match.end())
            call = node.parent if node is not None else None
            if call is None or call.type != "call" or call.child_by_field_name("target") != node:
                continue
            module = self.module_of(call)
            if module is None or in_quote(call, doc):
                continue
            head = def_name_and_arities(call, doc)
            if head is None:
                module.dynamic_defs = True
                continue
            name, arities = head
            module.defs.setdefault(name, set()).update(arities)

    def _add_module(self, call: Node) -> int | None:
        """Index a defmodule; the id of the block it adds an alias to (`defmodule IO.Helpers`), if any."""
        args = call_arguments(call)
        block = next((c for c in call.children if c.type == "do_block"), None)
        if not args or block is None:
            return None
        written = self.doc.node_text(args[0])
        parent = self.module_of(call)
        if args[0].type != "alias":
            full = written
        elif written.startswith("__MODULE__") and parent is not None:
            full = parent.name + written[len("__MODULE__"):]
        elif parent is not None and not written.startswith("Elixir."):
            full = f"{parent.name}.{written}"
        else:
            full = written.removeprefix("Elixir.")
        self.modules[block.id] = Module(full, block)
        # `defmodule IO.Helpers` inside Outer aliases IO to Outer.IO, from the defmodule on.
        if parent is not None and args[0].type == "alias" and not written.startswith(("__MODULE__", "Elixir.")) \
                and call.parent is not None and call.parent.type in BLOCKS:
            head = written.split(".", 1)[0]
            directive = Directive("module", call, call.start_byte, head, f"{parent.name}.{head}")
            self.directives.setdefault(call.parent.id, []).append(directive)
            return call.parent.id
        return None

    def _directives_of(self, call: Node, word: str) -> list[Directive]:
        args = call_arguments(call)
        if not args:
            return []
        options = keyword_options(args[1:], self.doc)
        target_node = args[0]
        end = call.end_byte
        if word == "alias" and target_node.type == "dot" and _right(target_node).type == "tuple":
            return self._multi_alias(call, target_node, end)
        target = self.expand(target_node, call)
        if word == "import":
            directive = Directive("import", call, end, target=target)
            for key in ("only", "except"):
                if key in options:
                    parsed = _filter(options[key], self.doc)
                    if parsed is None:
                        directive.dynamic = True
                    elif key == "only":
                        directive.only = parsed
                    else:
                        directive.exclude = parsed if isinstance(parsed, dict) else None
            return [directive]
        if word == "require" and "as" not in options:
            return [Directive("require", call, end, target=target)]
        short: str | None
        if "as" in options:
            short = self.doc.node_text(options["as"]) if options["as"].type == "alias" else None
        elif target_node.type == "alias":
            short = self.doc.node_text(target_node).rsplit(".", 1)[-1]
        else:
            short = None
        found = [Directive("alias", call, end, short, target)]
        if word == "require":
            found.append(Directive("require", call, end, target=target))
        return found

    def _multi_alias(self, call: Node, target_node: Node, end: int) -> list[Directive]:
        """`alias Foo.{Bar, Baz.Qux}`: one alias per name in the braces."""
        prefix = self.expand(target_node.child_by_field_name("left") or target_node.children[0], call)
        found = []
        for item in _right(target_node).named_children:
            if item.type == "comment":
                continue
            if item.type != "alias":
                found.append(Directive("alias", call, end, None, None))
                continue
            written = self.doc.node_text(item)
            target = f"{prefix}.{written}" if prefix else None
            found.append(Directive("alias", call, end, written.rsplit(".", 1)[-1], target))
        return found

    # -- queries ------------------------------------------------------------------------------------
    def module_of(self, node: Node) -> Module | None:
        self._reach(node)
        current = node.parent
        while current is not None:
            module = self.modules.get(current.id)
            if module is not None:
                return module
            current = current.parent
        return None

    def in_scope(self, node: Node):
        """The directives that apply at `node`, innermost block first, later directives first."""
        self._reach(node)
        current = node.parent
        while current is not None:
            found = self.directives.get(current.id)
            if found:
                for directive in reversed(found):
                    if directive.effective <= node.start_byte and not _contains(directive.node, node) \
                            or directive.kind == "module" and _contains(directive.node, node):
                        yield directive
            current = current.parent

    def expand(self, node: Node, at: Node) -> str | None:
        """The full module name an alias expression names at `at` (None when not knowable)."""
        if node.type == "atom":
            return self.doc.node_text(node)
        if node.type == "identifier" and self.doc.node_text(node) == "__MODULE__":
            module = self.module_of(at)
            return module.name if module is not None else None
        if node.type == "dot" and _right(node).type == "alias":
            base = self.expand(node.children[0], at)
            return f"{base}.{self.doc.node_text(_right(node))}" if base is not None else None
        if node.type != "alias":
            return None
        written = self.doc.node_text(node)
        if written.startswith("Elixir."):
            return written[len("Elixir."):]
        head, _, rest = written.partition(".")
        for directive in self.in_scope(at):
            if directive.kind not in ("alias", "module"):
                continue
            if directive.short is None:
                return None  # an alias whose name we cannot read might be this one
            if directive.short == head:
                if directive.target is None:
                    return None
                return f"{directive.target}.{rest}" if rest else directive.target
        return written

    def resolve(self, call: Node) -> Resolution:
        """Name the function `call` invokes (remote through aliases, local through defs and imports)."""
        target = call.child_by_field_name("target")
        if target is None:
            return Resolution(None)
        arity = call_arity(call)
        if target.type == "dot":
            left = target.child_by_field_name("left")
            right = target.child_by_field_name("right")
            if left is None or right is None or right.type != "identifier":
                return Resolution(None)
            function = self.doc.node_text(right)
            if left.type == "atom":
                return Resolution(f"{self.doc.node_text(left)}.{function}")
            if left.type not in ("alias", "dot") and self.doc.node_text(left) != "__MODULE__":
                return Resolution(None)  # a variable or an expression: a dynamic call
            written = self.doc.node_text(left)
            module = self.expand(left, call)
            if module is None:
                return Resolution(None, unsure=f"{written} may be an alias fixer cannot read",
                                  could_be=f"{written.removeprefix('Elixir.')}.{function}")
            how = f"alias {module}, as: {written}" if module != written.removeprefix("Elixir.") else ""
            return Resolution(f"{module}.{function}", how)
        if target.type != "identifier":
            return Resolution(None)
        return self.resolve_local(self.doc.node_text(target), arity, call)

    def resolve_local(self, name: str, arity: int, at: Node) -> Resolution:
        module = self.module_of(at)
        if module is not None and arity in module.defs.get(name, ()):
            return Resolution(f"{module.name}.{name}", f"the module defines {name}/{arity}")
        imports: dict[str, Directive | None] = {}
        for directive in self.in_scope(at):
            if directive.kind != "import":
                continue
            key = directive.target or f"?{directive.node.id}"
            imports.setdefault(key, directive)  # the latest import of a module wins
        imports.setdefault("Kernel", None)
        providers, maybe = [], []
        for module_name, directive in imports.items():
            provides = _provides(module_name, directive, name, arity)
            if provides is True:
                providers.append(module_name)
            elif provides is None and module_name in EXPORTS:
                maybe.append(module_name)
        if module is not None and module.dynamic_defs and (providers or maybe):
            plain = f"{(providers or maybe)[0]}.{name}"
            return Resolution(None, unsure=f"the module defines functions with computed names; {name}/{arity} may be one",
                              could_be=plain)
        if maybe:
            reason = f"an import of {maybe[0]} with a filter fixer cannot read may cover {name}/{arity}"
            return Resolution(None, unsure=reason, could_be=f"{maybe[0]}.{name}")
        if len(providers) > 1:
            debug = next((p for p in providers if p != "Kernel" or name == "dbg"), providers[0])
            return Resolution(None, unsure=f"{name}/{arity} is imported from both {providers[0]} and {providers[1]} "
                                           "(the compiler rejects the call)", could_be=f"{debug}.{name}")
        if providers:
            how = "" if providers[0] == "Kernel" else f"import {providers[0]}"
            return Resolution(f"{providers[0]}.{name}", how)
        return Resolution(None)


def _provides(module: str, directive: Directive | None, name: str, arity: int) -> bool | None:
    """Does this import bring `name/arity`? None: cannot tell."""
    exports = EXPORTS.get(module)
    if exports is not None and arity not in exports.get(name, ()):
        return False
    if directive is None:
        return True if exports is not None else None
    if directive.dynamic:
        return None
    only, exclude = directive.only, directive.exclude
    if isinstance(only, dict):
        arities = only.get(name, frozenset())
        if arities is not None and arity not in arities:
            return False
    elif only in ("functions", "macros"):
        is_macro = (module, name) in MACROS
        if (only == "macros") != is_macro:
            return False
    if exclude is not None and name in exclude:
        arities = exclude[name]
        if arities is None or arity in arities:
            return False
    return True if exports is not None else None


def _filter(node: Node, doc: Doc) -> dict[str, frozenset[int] | None] | str | None:
    """`[inspect: 2, dbg: 1]` -> {"inspect": {2}, "dbg": {1}}; `:functions` -> "functions"; None if dynamic."""
    if node.type == "atom":
        return doc.node_text(node).lstrip(":")
    if node.type != "list":
        return None
    found: dict[str, set[int]] = {}
    for child in node.named_children:
        if child.type == "comment":
            continue
        if child.type != "keywords":
            return None
        for pair in child.named_children:
            if pair.type != "pair":
                continue
            key = pair.child_by_field_name("key")
            value = pair.child_by_field_name("value")
            if key is None or value is None or value.type != "integer":
                return None
            found.setdefault(doc.node_text(key).rstrip().rstrip(":"), set()).add(int(doc.node_text(value)))
    return {name: frozenset(arities) for name, arities in found.items()}


def keyword_options(args: list[Node], doc: Doc) -> dict[str, Node]:
    """The trailing keyword arguments of a call, by key (`as:`, `only:`, `label:`, ...)."""
    options: dict[str, Node] = {}
    for arg in args:
        if arg.type != "keywords":
            continue
        for pair in arg.named_children:
            key = pair.child_by_field_name("key")
            value = pair.child_by_field_name("value")
            if pair.type == "pair" and key is not None and value is not None:
                options[doc.node_text(key).rstrip().rstrip(":")] = value
    return options


def _right(dot: Node) -> Node:
    return dot.children[-1]


def _contains(outer: Node, inner: Node) -> bool:
    return outer.start_byte <= inner.start_byte and inner.end_byte <= outer.end_byte


def call_arity(call: Node) -> int:
    """Explicit arguments, plus one when the call is the right side of a pipe."""
    arity = len(call_arguments(call))
    parent = call.parent
    if parent is not None and parent.type == "binary_operator" and operator_of(parent) == "|>" \
            and parent.child_by_field_name("right") == call:
        arity += 1
    return arity


def def_name_and_arities(call: Node, doc: Doc) -> tuple[str, set[int]] | None:
    """("dbg", {1, 2}) for `defmacro dbg(code, opts \\\\ [])`; None for a computed name."""
    head = definition_head(call, doc)
    if head is None:
        return None
    name, fewest, most, _ = head
    return name, set(range(fewest, most + 1))


# -- where a call sits -----------------------------------------------------------------------------

def definition_part(node: Node, doc: Doc) -> str | None:
    """Why `node` is part of a definition rather than a call: the head of a def-like, a typespec
    attribute, or an import/defoverridable option list. None for code that runs."""
    current = node.parent
    while current is not None:
        if current.type == "call":
            name = call_name(current, doc)
            args = call_arguments(current)
            if name in DEF_LIKE and args and _contains(args[0], node):
                return f"the head of a {name}"
            if name in ("import", "defoverridable", "require", "alias"):
                return f"an {name} option"
        if current.type == "unary_operator" and operator_of(current) == "@":
            operand = current.child_by_field_name("operand")
            target = operand.child_by_field_name("target") if operand is not None and operand.type == "call" else None
            if target is not None and doc.node_text(target) in TYPESPECS:
                return f"a @{doc.node_text(target)}"
        if current.type in BLOCKS:
            return None
        current = current.parent
    return None

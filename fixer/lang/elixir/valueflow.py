"""Is an expression's value used? One analysis of how values flow out of Elixir constructs.

A value is discarded when it is a statement that is not the last of its block, or when it is the last
statement of a block whose own value is discarded. A block's value is the value of the construct that
holds it, so the walk climbs: the last statement of an `if`/`unless` branch (`do`/`else`, block or
keyword form), of a `case`/`cond`/`receive` clause (also `receive`'s `after` clauses), of a `with` body
or `else` clause, of a `try` body or its `rescue`/`catch`/`else` clauses, or of a parenthesised block
is the value of that construct, judged the same way, to any depth. A `try`'s `after` block, a module
body, a test body and the top level of a file discard their value; a function body returns it; the
body of an `fn` is the fn's result, used unless the fn is given to a caller that ignores it
(`Enum.each`, `tap`, `spawn`, ...). The right side of `&&`/`||`/`and`/`or` is the value of the whole.
Anything else (an argument, an operand, the right side of a match, an unknown macro's block) is used.
"""
from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from fixer.lang.elixir.syntax import Doc, call_arguments, call_name, operator_of, statements

DEFINITIONS = frozenset({"def", "defp", "defmacro", "defmacrop"})
# Constructs whose value is the value of the branch that ran.
BRANCHING = frozenset({"if", "unless", "case", "cond", "with", "receive", "try"})
# Blocks whose last value nobody reads.
DISCARDING = frozenset({"defmodule", "test", "describe", "defimpl", "defprotocol"})
SECTIONS = {"do_block": "do", "else_block": "else", "after_block": "after", "rescue_block": "rescue",
            "catch_block": "catch"}
STATEMENT_HOLDERS = frozenset({"do_block", "else_block", "after_block", "rescue_block", "catch_block", "body",
                               "block", "source"})
# Callers that ignore the result of the function they are given (as its last argument).
IGNORES_RESULT = frozenset({"Enum.each", "Stream.each", "Kernel.tap", "tap", "spawn", "Kernel.spawn", "spawn_link",
                            "Kernel.spawn_link", "spawn_monitor", "Kernel.spawn_monitor", "Process.spawn",
                            "Task.start", "Task.start_link"})
LOGICAL = frozenset({"&&", "||", "and", "or", "&&&", "|||"})


@dataclass(frozen=True)
class Flow:
    """Where a value goes. `used` is False when nobody reads it; `owner` is the construct whose value
    it becomes at the end of the walk (a def for a returned value), `why` says it in words."""

    used: bool
    why: str
    owner: Node | None = None


class ValueFlow:
    """Answers `flow(node)` for nodes of one document; `resolve(call)` names a call as the compiler
    would (it sees aliases and imports), defaulting to the written name."""

    def __init__(self, doc: Doc, resolve=None):
        self.doc = doc
        self.resolve = resolve or (lambda call: call_name(call, doc))
        self._cache: dict[int, Flow] = {}

    def used(self, node: Node) -> bool:
        return self.flow(node).used

    def flow(self, node: Node) -> Flow:
        if node.id not in self._cache:
            self._cache[node.id] = self._flow(node)
        return self._cache[node.id]

    def _flow(self, node: Node) -> Flow:
        parent = node.parent
        if parent is None:
            return Flow(False, "top level")
        if parent.type in STATEMENT_HOLDERS:
            siblings = statements(parent)
            if not siblings or siblings[-1] != node:
                return Flow(False, "a statement followed by others")
            return self._block_value(parent)
        if parent.type == "pair":
            section = self._keyword_section(parent)
            if section is not None:
                return self._section_value(*section)
            return Flow(True, "a keyword value")
        if parent.type == "binary_operator" and operator_of(parent) in LOGICAL \
                and parent.child_by_field_name("right") == node:
            return self.flow(parent)
        return Flow(True, "used by the expression around it", parent)

    def _block_value(self, block: Node) -> Flow:
        """The flow of the value of a block's last statement."""
        kind = block.type
        if kind == "source":
            return Flow(False, "the last expression of the file")
        if kind == "body":
            clause = block.parent
            holder = clause.parent if clause is not None else None
            if holder is None:
                return Flow(True, "an unknown clause")
            if holder.type == "anonymous_function":
                return self._fn_value(holder)
            if holder.type in SECTIONS:
                return self._holder_section(holder)
            if holder.type == "block":  # `else: (pattern -> value)`: the block is the section's value
                return self.flow(holder)
            return Flow(True, "an unknown clause")
        if kind == "block":
            return self.flow(block)
        return self._holder_section(block)

    def _holder_section(self, block: Node) -> Flow:
        """`block` is a do/else/after/rescue/catch block: the value goes to the call that owns it."""
        do_block = block if block.type == "do_block" else block.parent
        owner = do_block.parent if do_block is not None else None
        if owner is None or owner.type != "call":
            return Flow(True, "an unknown block")
        return self._section_value(owner, SECTIONS[block.type])

    def _keyword_section(self, pair: Node) -> tuple[Node, str] | None:
        """(owner call, section) for `do:`/`else:`/... in `if c, do: x` or `def f, do: x`."""
        keyword = pair.children[0] if pair.children else None
        if keyword is None or keyword.type != "keyword":
            return None
        word = self.doc.node_text(keyword).rstrip().rstrip(":")
        keywords = pair.parent
        arguments = keywords.parent if keywords is not None else None
        owner = arguments.parent if arguments is not None and arguments.type == "arguments" else None
        if owner is None or owner.type != "call" or keywords.type != "keywords" or keywords != call_arguments(owner)[-1]:
            return None
        if word not in ("do", "else", "after", "rescue", "catch", "reduce", "into", "uniq"):
            return None
        if word in ("reduce", "into", "uniq"):
            return None  # options, not sections: used
        return owner, word

    def _section_value(self, owner: Node, section: str) -> Flow:
        name = call_name(owner, self.doc)
        if name in DEFINITIONS:
            return Flow(True, "the function's return value", owner)
        if name in DISCARDING:
            return Flow(False, f"the last expression of a {name} body")
        if name == "try" and section == "after":
            return Flow(False, "the last expression of an `after` block (its value is dropped)")
        if name in BRANCHING:
            return self.flow(owner)
        if name == "for":
            return self._for_value(owner)
        return Flow(True, f"the value of a `{name}` block", owner)

    def _for_value(self, owner: Node) -> Flow:
        """A comprehension collects its body's values: discarded only when the `for` itself is, and
        it has no `into:` (a collectable may do work) nor `reduce:` (the value is the accumulator)."""
        options = call_arguments(owner)[-1] if call_arguments(owner) else None
        if options is not None and options.type == "keywords":
            words = {self.doc.node_text(p.children[0]).rstrip().rstrip(":") for p in options.named_children
                     if p.type == "pair" and p.children}
            if words & {"into", "reduce"}:
                return Flow(True, "collected by the comprehension", owner)
        outer = self.flow(owner)
        if outer.used:
            return Flow(True, "collected by the comprehension", owner)
        return Flow(False, "the body of a comprehension whose result is discarded")

    def _fn_value(self, fn: Node) -> Flow:
        arguments = fn.parent
        holder = arguments.parent if arguments is not None and arguments.type == "arguments" else None
        if holder is not None and holder.type == "call" and call_arguments(holder) \
                and call_arguments(holder)[-1] == fn and self.resolve(holder) in IGNORES_RESULT:
            return Flow(False, f"the result of a function {call_name(holder, self.doc)} ignores")
        return Flow(True, "the result of its fn", fn)

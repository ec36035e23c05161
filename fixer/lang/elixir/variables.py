"""Elixir variables resolved the way the compiler resolves them (Elixir 1.14 rules).

A `Variable` is one binding group: every occurrence bound together by one match (`{x, x} = pair` is
one Variable with two bindings; `x = 1; ...; x = 2` gives two Variables), with every read resolved
to the group it really refers to. `scope` is the node of the clause the binding lives in; every read
of the group lies inside it.

The scoping model, walked in evaluation order:
- A block runs its statements in order; a match (`=`) evaluates its right side, then binds its left
  side, and the new binding shadows older ones of the same name from that point on.
- Arguments of one call (and elements of tuples, lists, maps, operands of an operator) do not see
  each other's bindings; the bindings all become visible after the call (`f(x = 1, x)` reads the old
  `x`).
- `def`/`defp`/`defmacro`/`defmacrop`/`defguard`/`defdelegate` start a fresh scope: the head is a
  pattern, the guard and the body read it; module-level variables are visible only through
  `unquote(...)` (unquote fragments, e.g. a `for` that generates defs). Default values (`\\\\`)
  see no clause variables.
- `fn`, `case`, `receive`, `try` (rescue/catch/else), `with ... else`, `for ..., reduce:` clauses:
  each clause binds its pattern in a scope of its own that sees the enclosing bindings and leaks
  nothing. A guard (`when`) reads the clause's pattern; a pin (`^x`) reads the binding before the
  match; a `size(n)` in a binary pattern may read a variable bound earlier in the same pattern.
- `cond` clauses: the condition and its body share one scope. `if`/`unless` branches and the `&&`,
  `||`, `and`, `or` right operands are scopes that leak nothing; the condition / left operand (like
  a `case` subject) binds in the enclosing scope.
- `with` and `for`: each `<-` (and `=`) binds for the following clauses and the `do` body; the
  `else` clauses of `with` do not see them.
- `defmodule` bodies and do-blocks of other macros see the enclosing bindings and leak nothing.
- `assert_receive`/`assert_received` patterns bind like a match; `refute_receive`/`refute_received`
  patterns bind nothing outside.
- Quoted code is data: inside `quote` nothing is a variable of the clause except what `unquote` /
  `unquote_splicing` evaluates, in the scope around the `quote`. `quote` options (`bind_quoted:`)
  are read there too; with `bind_quoted` or `unquote: false` the body holds no unquote at all, and
  neither does a `quote` nested in quoted code (Elixir turns unquoting off inside it).
- Not variables: function names (call targets, the right of `|>`, `&name/arity`), fields after a
  dot, module attribute names, keyword keys, typespec attributes, binary type specifiers, and
  anything inside strings/sigils/comments except interpolations. Template sigils (`~H`, `~E`...
  holding `<%` or `{`) compile their text as code: a variable whose name appears there gets the
  sigil node itself as a read (not an identifier: a rename must not edit it).
A read no binding reaches (a zero-arity call without parentheses, a variable a macro binds) is
collected in `Analysis.unresolved`.
"""
from __future__ import annotations

import re
import weakref
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterable

from fixer.lang.elixir.syntax import OPAQUE, Doc, call_arguments, operator_of, word_positions

if TYPE_CHECKING:
    from tree_sitter import Node

DEFINITIONS = frozenset({"def", "defp", "defmacro", "defmacrop", "defguard", "defguardp", "defdelegate",
                         "defn", "defnp"})
TYPESPEC_ATTRIBUTES = frozenset({"spec", "type", "typep", "opaque", "callback", "macrocallback"})
SHORT_CIRCUIT = frozenset({"&&", "||", "and", "or"})
UNQUOTES = frozenset({"unquote", "unquote_splicing"})
SUB_BLOCKS = frozenset({"else_block", "after_block", "rescue_block", "catch_block"})
# Words that cannot name a variable (a rename to one of them breaks the code).
RESERVED = frozenset({"do", "end", "fn", "when", "and", "or", "not", "in", "true", "false", "nil", "catch",
                      "rescue", "after", "else", "__MODULE__", "__ENV__", "__CALLER__", "__DIR__",
                      "__STACKTRACE__"})


@dataclass(eq=False)
class Variable:
    name: str
    scope: Node
    bindings: list[Node] = field(default_factory=list)
    reads: list[Node] = field(default_factory=list)


@dataclass
class Analysis:
    variables: list[Variable]
    unresolved: list[Node]  # reads of wanted names that no binding reaches


def variables(doc: Doc, wanted: Callable[[str], bool], names: Iterable[str] | None = None,
              focus: Iterable[tuple[int, int]] | None = None) -> list[Variable]:
    """Binding groups of the variables whose name passes `wanted`, each with the reads resolved to it."""
    return analyze(doc, wanted, names, focus).variables


def analyze(doc: Doc, wanted: Callable[[str], bool], names: Iterable[str] | None = None,
            focus: Iterable[tuple[int, int]] | None = None) -> Analysis:
    """The variables whose name passes `wanted` (and, when `names` is given, is one of them).

    Only the subtrees where such a name is written are walked: with a few `names`, that is a few
    clauses of the file, whatever its size. A name's binding groups depend only on where that name
    occurs and on the scopes around it, so narrowing to `names` changes nothing for those names.

    `focus`: (start, end) byte ranges; only the variables whose scope may touch one are wanted. A
    definition touching none is then not walked (its head, guard and body bind only variables of
    its own clause), unless it holds an `unquote` (code that runs in the module body); what it
    evaluates in the module body (`defdelegate`'s `to:`) still is. Variables of the skipped
    definitions are missing from the answer, and their unresolved reads too; every other variable
    comes out exactly as without `focus`. A `defmodule` out of focus is skipped whole when no
    binding is visible around it (its body leaks nothing, and then reads nothing from outside)."""
    resolver = _Resolver(doc, wanted, None if names is None else set(names), focus)
    root = doc.tree.root_node
    resolver.block(root, _Ctx(_Env(None, root)))
    return Analysis(resolver.found, resolver.unresolved)


def name_taken(scope: Node, name: str, doc: Doc) -> bool:
    """True when an identifier spelled `name` may be a variable somewhere in the clause (generated
    code inside `quote`, function names, fields and attribute names do not count)."""
    return within(_variable_like_index(doc).get(name, ()), scope)


def within(starts, node: Node) -> bool:
    """True when one of the sorted byte offsets `starts` lies inside `node`."""
    index = bisect_left(starts, node.start_byte)
    return index < len(starts) and starts[index] < node.end_byte


_INDEXES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_BINDING_CALLS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
# `binding()`, `Kernel.binding()`, `binding(context)`: reads every variable of the clause by name.
BINDING_CALL = re.compile(rb"(?<![\w.:])(?:Kernel\.)?binding\(")


def calls_binding(scope: Node, doc: Doc) -> bool:
    """The clause calls `binding()`: renaming any of its variables changes that call's result."""
    starts = _BINDING_CALLS.get(doc)
    if starts is None:
        starts = _BINDING_CALLS[doc] = [m.start() for m in BINDING_CALL.finditer(doc.data)]
    return within(starts, scope)


def _variable_like_index(doc: Doc) -> dict[str, list[int]]:
    """name -> sorted start bytes of the identifiers that may be variables, built once per Doc (so
    checking N renames costs one walk, not N)."""
    index = _INDEXES.get(doc)
    if index is None:
        index = {}
        for node in _variable_like(doc.tree.root_node, doc):
            index.setdefault(doc.node_text(node), []).append(node.start_byte)
        for starts in index.values():
            starts.sort()
        _INDEXES[doc] = index
    return index


def template_sigils(doc: Doc) -> list[tuple[int, str]]:
    """(start byte, text) of every template sigil (see `_is_template`), in source order."""
    found = []
    stack = [doc.tree.root_node]
    while stack:
        node = stack.pop()
        if node.type == "sigil":
            text = doc.node_text(node)
            if _is_template(text):
                found.append((node.start_byte, text))
        elif node.type not in ("comment", "string", "charlist"):
            stack.extend(node.named_children)
    return sorted(found)


def may_share_a_scope(doc: Doc, names: Iterable[str]) -> set[str]:
    """The names of `names` that may be one variable written twice: written twice inside one
    definition (`def`, `defp`, ...), or written twice when one of them is outside every definition
    or inside an `unquote` (module-level code, whose variables `unquote` carries into definitions).

    A variable's bindings and reads all lie in one clause, and a clause lies in one definition unless
    it is module-level code: a name that each definition writes once is no variable written twice.
    Each occurrence is placed by climbing from the smallest node holding it, each node's answer kept
    (see `_DefinitionKeys`): the work is the nodes above the occurrences, once each."""
    keys_of = _DefinitionKeys(doc)
    shared = set()
    for name, starts in word_positions(doc.text, names).items():
        keys = [keys_of.definition_key(doc.byte(at)) for at in starts]
        if len(keys) > 1 and (None in keys or len(set(keys)) < len(keys)):
            shared.add(name)
    return shared


class _DefinitionKeys:
    """For a byte offset: the start of the outermost definition call around it (`def`, `defp`, ...);
    None outside every definition or inside an `unquote` (code that runs where the definition is
    made). The calls around a byte are the ancestors of the smallest node holding it; each node's
    answer is kept, so a node is looked at once however many occurrences lie under it (in a
    3,000-stage pipeline, climbing anew from each stage would be cubic)."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.root = doc.tree.root_node
        self.known: dict[int, tuple[int | None, bool]] = {}  # node id -> (outermost definition, in an unquote)

    def definition_key(self, at: int) -> int | None:
        node = self.root.descendant_for_byte_range(at, at + 1)
        path = []
        while node is not None and node.id not in self.known:
            path.append(node)
            node = node.parent
        state = self.known[node.id] if node is not None else (None, False)
        for current in reversed(path):
            state = self._below(state, current)
            self.known[current.id] = state
        outermost, unquoted = state
        return None if unquoted else outermost

    def _below(self, state: tuple[int | None, bool], node: Node) -> tuple[int | None, bool]:
        """The answer for `node`, given its parent's."""
        outermost, unquoted = state
        if node.type == "call":
            target = node.child_by_field_name("target")
            if target is not None and target.type == "identifier":
                name = self.doc.node_text(target)
                if name in UNQUOTES:
                    unquoted = True
                elif name in DEFINITIONS and outermost is None:
                    outermost = node.start_byte
        return outermost, unquoted


def _is_template(sigil_text: str) -> bool:
    """An uppercase sigil (no interpolation of its own) holding EEx/HEEx code: `~H"<%= x %>"`, `~H"{x}"`."""
    return len(sigil_text) > 1 and sigil_text[1].isupper() and ("<%" in sigil_text or "{" in sigil_text)


def is_variable_name(name: str) -> bool:
    return bool(name) and name not in RESERVED and (name[0] == "_" or name[0].islower()) and \
        all(c.isalnum() or c == "_" for c in name.rstrip("?!"))


# -- scopes ---------------------------------------------------------------------------------------

class _Env:
    """The bindings visible at one point: local ones, then the parent's."""

    __slots__ = ("parent", "vars", "scope")

    def __init__(self, parent: _Env | None, scope: Node):
        self.parent = parent
        self.vars: dict[str, Variable] = {}
        self.scope = scope

    def lookup(self, name: str) -> Variable | None:
        env = self
        while env is not None:
            found = env.vars.get(name)
            if found is not None:
                return found
            env = env.parent
        return None

    def empty(self) -> bool:
        """No binding is visible here."""
        env = self
        while env is not None:
            if env.vars:
                return False
            env = env.parent
        return True

    def child(self, scope: Node | None = None) -> _Env:
        return _Env(self, scope if scope is not None else self.scope)


class _Ctx:
    """Where code runs: real code with its bindings, or quoted code (data) whose `unquote`s run in
    `outer`. `outer` is also where a def's head/body `unquote`s run (the module body)."""

    __slots__ = ("env", "quoted", "outer")

    def __init__(self, env: _Env | None, quoted: bool = False, outer: _Ctx | None = None):
        self.env = env
        self.quoted = quoted
        self.outer = outer

    def with_env(self, env: _Env) -> _Ctx:
        return _Ctx(env, self.quoted, self.outer)

    def unquoted(self) -> _Ctx:
        return self.outer if self.outer is not None else self


class _Binder:
    """The occurrences bound by one match: the same name twice is one Variable."""

    __slots__ = ("resolver", "scope", "names")

    def __init__(self, resolver: _Resolver, scope: Node):
        self.resolver = resolver
        self.scope = scope
        self.names: dict[str, Variable] = {}

    def bind(self, node: Node, name: str) -> None:
        variable = self.names.get(name)
        if variable is None:
            variable = self.names[name] = Variable(name, self.scope)
            self.resolver.found.append(variable)
        variable.bindings.append(node)

    def commit(self, env: _Env) -> None:
        env.vars.update(self.names)


def _function_reference(node: Node) -> bool:
    """`name/arity` or `Mod.name/arity` (after `&`): names a function, holds no variable read."""
    if node.type != "binary_operator" or operator_of(node) != "/":
        return False
    left = node.child_by_field_name("left")
    if left.type == "identifier":
        return True
    if left.type != "call" or any(c.type == "arguments" for c in left.children):
        return False
    target = left.child_by_field_name("target")
    return target is not None and target.type == "dot" and target.child_by_field_name("left") is not None


def _chain(node: Node, op: str) -> list[Node]:
    """The operands of `a |> f() |> g()` or `a <> b <> c`, in order: one level of siblings however
    long the chain (no recursion down it). A bare name piped into (`x |> f`) is a call, not a read."""
    operands: list[Node] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "binary_operator" and operator_of(current) == op:
            right = current.child_by_field_name("right")
            if not (op == "|>" and right.type == "identifier"):
                stack.append(right)
            stack.append(current.child_by_field_name("left"))
        else:
            operands.append(current)
    return operands


def _operand(node: Node) -> Node | None:
    """The operand of a unary operator (`&(&1 + x)` has the parentheses as operands too)."""
    named = _named(node)
    return named[-1] if named else None


def _named(node: Node) -> list[Node]:
    return [c for c in node.named_children if c.type != "comment"]


WORD = re.compile(r"[^\W\d]\w*[?!]?")  # identifiers may be Unicode
TEMPLATE_WORD = re.compile(r"(?<![\w@.:])([^\W\d]\w*)(?![\w?!:(])")


class _Focus:
    """Byte ranges a caller cares about (merged), and where `unquote` is written (see `analyze`)."""

    def __init__(self, doc: Doc, ranges: Iterable[tuple[int, int]]):
        merged: list[list[int]] = []
        for start, end in sorted(ranges):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self.starts = [start for start, _ in merged]
        self.ends = [end for _, end in merged]
        self.unquotes = [m.start() for m in UNQUOTE_WORD.finditer(doc.data)]

    def skips(self, definition: Node) -> bool:
        """True when the definition (or module) touches no range (ends included) and holds no `unquote`."""
        index = bisect_left(self.ends, definition.start_byte)
        touches = index < len(self.ends) and self.starts[index] <= definition.end_byte
        return not touches and not within(self.unquotes, definition)


UNQUOTE_WORD = re.compile(rb"unquote")


class _Resolver:
    def __init__(self, doc: Doc, wanted: Callable[[str], bool], names: set[str] | None = None,
                 focus: Iterable[tuple[int, int]] | None = None):
        self.doc = doc
        self.focus = None if focus is None else _Focus(doc, focus)
        self.wanted = wanted if names is None else (lambda name: name in names and wanted(name))
        self.found: list[Variable] = []
        self.unresolved: list[Node] = []
        # Where a wanted name may occur: subtrees without one hold nothing to resolve and are skipped.
        if names is None:
            verdicts: dict[str, bool] = {}
            self.spots = [doc.byte(m.start()) for m in WORD.finditer(doc.text)
                          if verdicts.setdefault(m.group(), self._wanted_word(m.group()))]
        else:
            wanted_names = [name for name in names if self._wanted_word(name)]
            self.spots = sorted(doc.byte(at) for starts in word_positions(doc.text, wanted_names).values()
                                for at in starts)

    def _wanted_word(self, name: str) -> bool:
        return name != "_" and not name.startswith("__") and self.wanted(name)

    def relevant(self, node: Node) -> bool:
        return within(self.spots, node)

    def text(self, node: Node) -> str:
        return self.doc.node_text(node)

    def _name(self, node: Node) -> str | None:
        name = self.text(node)
        return name if name != "_" and not name.startswith("__") and self.wanted(name) else None

    def read(self, node: Node, env: _Env, binder: _Binder | None = None) -> None:
        name = self._name(node)
        if name is None:
            return
        variable = (binder.names.get(name) if binder is not None else None) or env.lookup(name)
        if variable is not None:
            variable.reads.append(node)
        else:
            self.unresolved.append(node)

    # -- expressions ------------------------------------------------------------------------------
    def expr(self, node: Node, ctx: _Ctx) -> None:
        if not self.relevant(node):
            return
        if ctx.quoted:
            self.quoted(node, ctx)
            return
        kind = node.type
        if kind == "identifier":
            self.read(node, ctx.env)
        elif kind == "call":
            self.call(node, ctx)
        elif kind == "binary_operator":
            self.binary(node, ctx)
        elif kind == "unary_operator":
            self.unary(node, ctx)
        elif kind == "anonymous_function":
            for clause in node.named_children:
                if clause.type == "stab_clause":
                    self.clause(clause, ctx)
        elif kind == "stab_clause":
            self.clause(node, ctx)
        elif kind in ("block", "body", "do_block"):
            self.block(node, ctx)
        elif kind in OPAQUE:
            self.siblings([c for c in node.named_children if c.type == "interpolation"], ctx)
            if kind == "sigil":
                self.template(node, ctx)
        elif kind == "interpolation":
            self.block(node, ctx)
        elif kind == "dot":
            left = node.child_by_field_name("left")
            if left is not None:
                self.expr(left, ctx)
        elif node.named_child_count:
            self.siblings(_named(node), ctx)

    def template(self, node: Node, ctx: _Ctx) -> None:
        """A template sigil (`~H`, `~E`, `~L`...: `<%= x %>`, `{x}`) compiles its text as code that may
        read variables. Each name it mentions counts the sigil node itself as a read, so the variable
        is never taken for unused; renaming it is then left to a person (its text is not edited)."""
        text = self.text(node)
        if not _is_template(text):
            return
        seen: set[str] = set()
        for match in TEMPLATE_WORD.finditer(text):
            name = match.group(1)
            if name in seen or name == "_" or name.startswith("__") or not self.wanted(name):
                continue
            seen.add(name)
            variable = ctx.env.lookup(name)
            if variable is not None:
                variable.reads.append(node)

    def siblings(self, nodes: list[Node], ctx: _Ctx) -> None:
        """Arguments of one call: none sees another's bindings; all bindings are visible after."""
        nodes = [node for node in nodes if self.relevant(node)]
        if len(nodes) <= 1:
            for node in nodes:
                self.expr(node, ctx)
            return
        env = ctx.env
        bound: list[_Env] = []
        for node in nodes:
            sub = env.child()
            self.expr(node, ctx.with_env(sub))
            if sub.vars:
                bound.append(sub)
        for sub in bound:
            env.vars.update(sub.vars)

    def block(self, node: Node, ctx: _Ctx) -> None:
        for child in _named(node):
            if child.type in SUB_BLOCKS or child.type in ("do", "end"):
                continue
            self.expr(child, ctx)

    def scoped_block(self, node: Node, ctx: _Ctx, scope: Node | None = None) -> None:
        self.block(node, ctx.with_env(ctx.env.child(scope if scope is not None else node)))

    def match(self, pattern: Node, ctx: _Ctx, env: _Env | None = None) -> None:
        """Bind `pattern` (one match) into `env` (default: the current one), then run its guard."""
        target = env if env is not None else ctx.env
        guard = None
        if pattern.type == "binary_operator" and operator_of(pattern) == "when":
            guard = pattern.child_by_field_name("right")
            pattern = pattern.child_by_field_name("left")
        binder = _Binder(self, target.scope)
        self.pattern(pattern, ctx, binder)
        binder.commit(target)
        if guard is not None:
            self.expr(guard, ctx.with_env(target))

    def clause(self, clause: Node, ctx: _Ctx, head: str = "pattern") -> None:
        """One `->` clause: its own scope, seeing the enclosing bindings, leaking nothing."""
        inner = ctx.with_env(ctx.env.child(clause))
        left = clause.child_by_field_name("left")
        if left is not None:
            if head == "pattern":
                self.match(left, inner)
            else:  # cond conditions, `after` timeouts
                self.block(left, inner)
        right = clause.child_by_field_name("right")
        if right is not None:
            self.block(right, inner)

    def clauses(self, container: Node, ctx: _Ctx, head: str = "pattern") -> None:
        plain = ctx.with_env(ctx.env.child(container))
        for child in _named(container):
            if child.type == "stab_clause":
                self.clause(child, ctx, head)
            elif child.type not in SUB_BLOCKS:
                self.expr(child, plain)

    # -- operators --------------------------------------------------------------------------------
    def binary(self, node: Node, ctx: _Ctx) -> None:
        op = operator_of(node)
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if op in ("=", "<-"):
            self.expr(right, ctx)
            self.match(left, ctx)
        elif op in SHORT_CIRCUIT:
            self.expr(left, ctx)
            self.expr(right, ctx.with_env(ctx.env.child()))
        elif op == "::":
            self.expr(left, ctx)
            self.bit_spec(right, ctx, None)
        else:
            self.siblings(_chain(node, op), ctx)

    def unary(self, node: Node, ctx: _Ctx) -> None:
        op = operator_of(node)
        operand = _operand(node)
        if operand is None:
            return
        if op == "@":
            self.attribute(operand, ctx)
        elif op == "&" and _function_reference(operand):
            target = operand.child_by_field_name("left")  # &name/arity, &Mod.name/arity, &mod.name/arity
            if target.type == "call":
                self.expr(target.child_by_field_name("target").child_by_field_name("left"), ctx)
        else:
            self.expr(operand, ctx)

    def attribute(self, operand: Node, ctx: _Ctx) -> None:
        if operand.type != "call":
            return  # `@name` reads an attribute, not a variable
        target = operand.child_by_field_name("target")
        if target is not None and self.text(target) in TYPESPEC_ATTRIBUTES:
            return
        self.siblings(call_arguments(operand), ctx)

    def bit_spec(self, node: Node, ctx: _Ctx, binder: _Binder | None) -> None:
        """`binary-size(n)-unit(8)`: bare names are types; arguments of size()/unit() are reads."""
        if node.type == "binary_operator":
            self.bit_spec(node.child_by_field_name("left"), ctx, binder)
            self.bit_spec(node.child_by_field_name("right"), ctx, binder)
        elif node.type == "call":
            for arg in call_arguments(node):
                self.pattern_read(arg, ctx, binder)
        elif node.type not in ("identifier", "integer"):
            self.pattern_read(node, ctx, binder)

    def pattern_read(self, node: Node, ctx: _Ctx, binder: _Binder | None) -> None:
        if node.type == "identifier":
            self.read(node, ctx.env, binder)
        elif binder is None:
            self.expr(node, ctx)
        else:
            for child in _named(node):
                self.pattern_read(child, ctx, binder)

    # -- patterns ---------------------------------------------------------------------------------
    def pattern(self, node: Node, ctx: _Ctx, binder: _Binder) -> None:
        if not self.relevant(node):
            return
        kind = node.type
        if kind == "identifier":
            name = self._name(node)
            if name is not None:
                binder.bind(node, name)
        elif kind == "unary_operator":
            op = operator_of(node)
            operand = _operand(node)
            if op == "^":
                self.expr(operand, ctx)  # a pin reads the binding from before the match
            elif op != "@" and operand is not None:
                self.pattern(operand, ctx, binder)
        elif kind == "binary_operator":
            op = operator_of(node)
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if op == "::":
                self.pattern(left, ctx, binder)
                self.bit_spec(right, ctx, binder)
            elif op == "in":  # rescue e in [A, B]
                self.pattern(left, ctx, binder)
                self.expr(right, ctx)
            elif op == "\\\\":  # a default value sees no clause variable
                self.pattern(left, ctx, binder)
                self.expr(right, _Ctx(_Env(None, ctx.env.scope), outer=ctx.outer))
            elif op == "=>":  # map keys in patterns are literals or pins
                self.expr(left, ctx)
                self.pattern(right, ctx, binder)
            elif op == "when":
                self.pattern(left, ctx, binder)
                self.pattern_read(right, ctx, binder)
            else:
                self.pattern(left, ctx, binder)
                self.pattern(right, ctx, binder)
        elif kind == "call":
            target = node.child_by_field_name("target")
            name = self.text(target) if target is not None and target.type == "identifier" else None
            if name in UNQUOTES:
                self.siblings(call_arguments(node), ctx.unquoted())
                return
            for arg in call_arguments(node):  # Record macros, var!(x): their arguments bind
                self.pattern(arg, ctx, binder)
        elif kind in OPAQUE or kind == "dot":
            return
        else:
            for child in _named(node):
                self.pattern(child, ctx, binder)

    # -- calls ------------------------------------------------------------------------------------
    def call(self, node: Node, ctx: _Ctx) -> None:
        target = node.child_by_field_name("target")
        args = call_arguments(node)
        do_block = next((c for c in node.children if c.type == "do_block"), None)
        if target is not None and target.type == "identifier":
            name = self.text(target)
            handler = SPECIAL.get(name)
            if handler is not None:
                handler(self, node, args, do_block, ctx)
                return
            if name in DEFINITIONS:
                self.definition(node, args, do_block, ctx)
                return
            self.siblings(args, ctx)
        elif target is not None and target.type == "dot":
            left = target.child_by_field_name("left")
            self.siblings(([left] if left is not None else []) + args, ctx)
        else:
            self.siblings(([target] if target is not None else []) + args, ctx)
        if do_block is not None:
            self.macro_block(do_block, ctx)

    def macro_block(self, do_block: Node, ctx: _Ctx) -> None:
        """A do-block of a macro we do not know: sees the enclosing bindings, leaks nothing."""
        self.clauses(do_block, ctx)
        for sub in do_block.named_children:
            if sub.type in SUB_BLOCKS:
                self.clauses(sub, ctx)

    def keyword_blocks(self, args: list[Node]) -> tuple[list[Node], dict[str, Node]]:
        """Split `if c, do: a, else: b` into ([c], {"do": a, "else": b})."""
        if not args or args[-1].type != "keywords":
            return args, {}
        blocks, others = {}, []
        for pair in _named(args[-1]):
            key = pair.child_by_field_name("key")
            value = pair.child_by_field_name("value")
            word = self.text(key).rstrip(": ") if key is not None else ""
            if word in ("do", "else", "after", "rescue", "catch") and value is not None:
                blocks[word] = value
            else:
                others.append(pair)
        if not blocks:
            return args, {}
        return args[:-1] + others, blocks

    def definition(self, node: Node, args: list[Node], do_block: Node | None, ctx: _Ctx) -> None:
        if not args:
            return
        args, blocks = self.keyword_blocks(args)
        # Out of focus: only what runs in the module body is walked (see `analyze`).
        local = self.focus is None or not self.focus.skips(node)
        env = _Env(None, node)
        inner = _Ctx(env, outer=ctx)
        head = args[0] if args else None
        guard = None
        if head is not None and head.type == "binary_operator" and operator_of(head) == "when":
            guard = head.child_by_field_name("right")
            head = head.child_by_field_name("left")
        binder = _Binder(self, node)
        if head is not None and head.type == "call":
            target = head.child_by_field_name("target")
            if target is not None and target.type != "identifier":
                self.expr(target, ctx)  # def unquote(name)(...)
            for param in call_arguments(head) if local else ():
                self.pattern(param, inner, binder)
        elif local and head is not None and head.type in ("binary_operator", "unary_operator"):
            self.pattern(head, inner, binder)  # operator definitions: def left ~> right
        binder.commit(env)
        if guard is not None and local:
            self.expr(guard, inner)
        self.siblings(args[1:], ctx)  # defdelegate's to:/as:
        if not local:
            return
        body = inner.with_env(env.child())
        if do_block is not None:
            self.block(do_block, body)
            self.implicit_try(do_block, inner)
        for word, value in blocks.items():
            if word in ("do", "after"):
                self.expr(value, inner.with_env(env.child()))
            else:
                self.expr(value, inner)

    def implicit_try(self, do_block: Node, ctx: _Ctx) -> None:
        for sub in do_block.named_children:
            if sub.type == "after_block":
                self.scoped_block(sub, ctx)
            elif sub.type in SUB_BLOCKS:
                self.clauses(sub, ctx)

    # -- quote ------------------------------------------------------------------------------------
    def quote(self, node: Node, args: list[Node], do_block: Node | None, ctx: _Ctx) -> None:
        options, bodies, unquoting = quote_parts(node, self.doc)
        self.siblings(options, ctx)
        if unquoting:
            quoted = _Ctx(None, quoted=True, outer=ctx)
            for body in bodies:
                self.quoted(body, quoted)

    def quoted(self, node: Node, ctx: _Ctx) -> None:
        """Generated code: only `unquote` runs, in the scope around the `quote`."""
        stack = [node]
        while stack:
            current = stack.pop()
            if current.type == "call":
                target = current.child_by_field_name("target")
                name = self.text(target) if target is not None and target.type == "identifier" else None
                if name in UNQUOTES:
                    self.siblings(call_arguments(current), ctx.unquoted())
                    continue
                if name == "quote":
                    continue  # a quote inside quoted code unquotes nothing of ours (Elixir disables it)
            if current.type in OPAQUE:
                stack.extend(c for c in current.named_children if c.type == "interpolation")
            else:
                stack.extend(c for c in current.named_children if self.relevant(c))

    # -- special forms ----------------------------------------------------------------------------
    def unquote(self, node, args, do_block, ctx) -> None:
        self.siblings(args, ctx.unquoted())

    def defmodule(self, node, args, do_block, ctx) -> None:
        args, blocks = self.keyword_blocks(args)
        self.siblings(args, ctx)
        if self.focus is not None and self.focus.skips(node) and ctx.env.empty():
            return  # out of focus, and no binding around it that its body could read (see `analyze`)
        body = ctx.with_env(ctx.env.child(node))
        for part in ([do_block] if do_block is not None else []) + list(blocks.values()):
            if part.type == "do_block":
                self.block(part, body)
            else:
                self.expr(part, body)

    def case(self, node, args, do_block, ctx) -> None:
        args, blocks = self.keyword_blocks(args)
        self.siblings(args, ctx)  # the subject binds in the enclosing scope
        for part in ([do_block] if do_block is not None else []) + list(blocks.values()):
            self.clauses(part, ctx)

    def cond(self, node, args, do_block, ctx) -> None:
        args, blocks = self.keyword_blocks(args)
        for part in ([do_block] if do_block is not None else []) + list(blocks.values()):
            self.clauses(part, ctx, head="expr")

    def if_(self, node, args, do_block, ctx) -> None:
        args, blocks = self.keyword_blocks(args)
        self.siblings(args, ctx)
        if do_block is not None:
            self.scoped_block(do_block, ctx)
            for sub in do_block.named_children:
                if sub.type == "else_block":
                    self.scoped_block(sub, ctx)
        for value in blocks.values():
            self.expr(value, ctx.with_env(ctx.env.child(value)))

    def receive(self, node, args, do_block, ctx) -> None:
        args, blocks = self.keyword_blocks(args)
        self.siblings(args, ctx)
        if do_block is not None:
            self.clauses(do_block, ctx)
            for sub in do_block.named_children:
                if sub.type == "after_block":
                    self.clauses(sub, ctx, head="expr")
        for word, value in blocks.items():
            self.clauses(value, ctx, head="expr" if word == "after" else "pattern")

    def try_(self, node, args, do_block, ctx) -> None:
        args, blocks = self.keyword_blocks(args)
        self.siblings(args, ctx)
        if do_block is not None:
            self.scoped_block(do_block, ctx)
            self.implicit_try(do_block, ctx)
        for word, value in blocks.items():
            if word in ("do", "after"):
                self.expr(value, ctx.with_env(ctx.env.child(value)))
            else:
                self.clauses(value, ctx)

    def with_(self, node, args, do_block, ctx) -> None:
        args, blocks = self.keyword_blocks(args)
        inner = ctx.with_env(ctx.env.child(node))
        for arg in args:
            self.expr(arg, inner)  # `<-` and `=` bind for what follows
        if do_block is not None:
            self.scoped_block(do_block, inner)
            for sub in do_block.named_children:
                if sub.type == "else_block":
                    self.clauses(sub, ctx)
        for word, value in blocks.items():
            if word == "do":
                self.expr(value, inner.with_env(inner.env.child()))
            else:
                self.clauses(value, ctx)

    def for_(self, node, args, do_block, ctx) -> None:
        args, blocks = self.keyword_blocks(args)
        inner = ctx.with_env(ctx.env.child(node))
        reduce = False
        for arg in args:
            if arg.type in ("keywords", "pair"):  # into:, uniq:, reduce: are evaluated outside the generators
                reduce = reduce or "reduce:" in self.text(arg).split()
                self.expr(arg, ctx)
            else:  # generators (`<-`, `<<c <- bytes>>`) and filters, in order
                self.expr(arg, inner)
        if do_block is not None:
            if reduce:
                self.clauses(do_block, inner)
            else:
                self.scoped_block(do_block, inner)
        for value in blocks.values():
            self.expr(value, inner.with_env(inner.env.child(value)))

    def match_q(self, node, args, do_block, ctx) -> None:
        if len(args) == 2:
            self.expr(args[1], ctx)
            self.match(args[0], ctx, ctx.env.child())  # match?/2 binds nothing outside
        else:
            self.siblings(args, ctx)

    def assert_receive(self, node, args, do_block, ctx) -> None:
        """`assert_receive {:error, e}` binds its pattern's variables for the code after it, like a
        match; its timeout and message are read."""
        if args:
            self.siblings(args[1:], ctx)
            self.match(args[0], ctx)

    def refute_receive(self, node, args, do_block, ctx) -> None:
        """`refute_receive {:ok, _x}`: a pattern that binds nothing outside."""
        if args:
            self.siblings(args[1:], ctx)
            self.match(args[0], ctx, ctx.env.child())

    def destructure(self, node, args, do_block, ctx) -> None:
        if len(args) == 2:
            self.expr(args[1], ctx)
            self.match(args[0], ctx)
        else:
            self.siblings(args, ctx)


SPECIAL = {
    "quote": _Resolver.quote, "unquote": _Resolver.unquote, "unquote_splicing": _Resolver.unquote,
    "defmodule": _Resolver.defmodule, "case": _Resolver.case, "cond": _Resolver.cond,
    "if": _Resolver.if_, "unless": _Resolver.if_, "receive": _Resolver.receive, "try": _Resolver.try_,
    "with": _Resolver.with_, "for": _Resolver.for_, "match?": _Resolver.match_q,
    "destructure": _Resolver.destructure,
    "assert_receive": _Resolver.assert_receive, "assert_received": _Resolver.assert_receive,
    "refute_receive": _Resolver.refute_receive, "refute_received": _Resolver.refute_receive,
}


# -- clash checks ---------------------------------------------------------------------------------

def quote_parts(node: Node, doc: Doc) -> tuple[list[Node], list[Node], bool]:
    """(options evaluated around the quote, quoted bodies, whether `unquote` works inside)."""
    options: list[Node] = []
    bodies = [c for c in node.children if c.type == "do_block"]
    unquoting = True
    for arg in call_arguments(node):
        if arg.type != "keywords":
            options.append(arg)
            continue
        for pair in _named(arg):
            key = pair.child_by_field_name("key")
            value = pair.child_by_field_name("value")
            word = doc.node_text(key).rstrip(": ") if key is not None else ""
            if word == "do" and value is not None:
                bodies.append(value)
                continue
            if word == "bind_quoted" or (word == "unquote" and value is not None and doc.node_text(value) == "false"):
                unquoting = False  # bind_quoted turns unquoting off too
            options.append(pair)
    return options, bodies, unquoting


def _variable_like(scope: Node, doc: Doc):
    """Identifiers of real code in `scope` that may name a variable (see `name_taken`)."""
    stack = [(scope, 0)]  # (node, quote depth)
    while stack:
        node, depth = stack.pop()
        kind = node.type
        if kind == "call":
            target = node.child_by_field_name("target")
            name = doc.node_text(target) if target is not None and target.type == "identifier" else None
            if name in UNQUOTES and depth:
                stack.extend((child, depth - 1) for child in call_arguments(node))
                continue
            if name == "quote":
                if depth:
                    continue  # a quote inside quoted code: no unquote in it reaches us
                options, bodies, unquoting = quote_parts(node, doc)
                stack.extend((child, depth) for child in options)
                if unquoting:
                    stack.extend((child, depth + 1) for child in bodies)
                continue
            skip = {target} if target is not None and target.type == "identifier" else set()
            if name in DEFINITIONS:
                skip.add(_defined_name(node))  # `def acc do`: the function's name
            stack.extend((child, depth) for child in _descendants_but(node, skip))
            continue
        if kind == "identifier":
            parent = node.parent
            if not depth and not (parent is not None and (
                    (parent.type == "dot" and parent.child_by_field_name("right") == node)
                    or (parent.type == "unary_operator" and operator_of(parent) == "@"))):
                yield node
            continue
        if kind in OPAQUE:
            stack.extend((c, depth) for c in node.named_children if c.type == "interpolation")
            continue
        stack.extend((child, depth) for child in node.named_children)


def _defined_name(definition: Node) -> Node | None:
    """The bare name identifier of `def name` / `def name when ...`, if the head is one."""
    args = call_arguments(definition)
    head = args[0] if args else None
    if head is not None and head.type == "binary_operator" and operator_of(head) == "when":
        head = head.child_by_field_name("left")
    return head if head is not None and head.type == "identifier" else None


def _descendants_but(node: Node, skip: set) -> list[Node]:
    """The named children of `node`, with the `arguments` wrapper opened so one argument can be left out."""
    found = []
    for child in node.named_children:
        if child in skip:
            continue
        if child.type == "arguments" and any(arg in skip for arg in child.named_children):
            found.extend(arg for arg in child.named_children if arg not in skip)
        else:
            found.append(child)
    return found

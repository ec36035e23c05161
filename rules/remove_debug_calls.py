from __future__ import annotations

import re
from typing import TYPE_CHECKING

from fixer.edits import Edit, LineIndex, delete_lines
from fixer.lang import elixir
from fixer.lang.elixir import Doc
from fixer.lang.elixir_vars import name_taken, variables
from fixer.rule import ConfigError, Example, Outcome, Param, Rule, Source

if TYPE_CHECKING:
    from tree_sitter import Node

IDENTITY_CALLS = {"IO.inspect", "dbg", "Kernel.dbg"}  # return their (first) argument
BANNER_CALLS = {"IO.puts", "IO.write"} | {
    f"Logger.{level}" for level in ("debug", "info", "notice", "warning", "warn", "error", "critical", "alert", "emergency")
}
TAP_CALLS = {"tap", "Kernel.tap"}
# Attributes Elixir itself reads: never "set but never used".
RESERVED_ATTRIBUTES = {"doc", "moduledoc", "typedoc", "impl", "spec", "type", "typep", "opaque", "callback",
                       "macrocallback", "optional_callbacks", "behaviour", "derive", "enforce_keys", "compile",
                       "deprecated", "dialyzer", "external_resource", "file", "on_load", "on_definition",
                       "before_compile", "after_compile", "after_verify", "vsn", "since"}
DEBUG_COMMENT = re.compile(r"(?i)debug|inspect|\blog(?:ging|s)?\b|\bdbg\b|\btrace\b")
PURE_LEAVES = {"identifier", "atom", "integer", "float", "boolean", "nil", "char", "alias", "keyword", "quoted_content",
               "escape_sequence", "interpolation"}
PURE_CONTAINERS = {"list", "tuple", "map", "map_content", "keywords", "pair", "string", "charlist", "struct"}
# Kernel/stdlib functions without side effects: `IO.inspect(self())` can simply go.
PURE_FUNCTIONS = {"self", "node", "inspect", "length", "map_size", "tuple_size", "hd", "tl", "elem", "is_nil",
                  "Map.get", "Map.keys", "Map.values", "Map.take", "Keyword.get", "Enum.count", "System.monotonic_time"}
OPERATOR_PARENTS = {"binary_operator", "unary_operator", "dot", "access_call"}


class RemoveDebugCalls(Rule):
    """Remove leftover `IO.inspect`/`dbg` calls and debug banners from Elixir code, keeping behaviour.

    What it does:
        Finds the calls named in `calls` (default `IO.inspect` and `dbg`) and the `IO.puts`/`IO.write`/
        `Logger.*` calls whose literal message matches one of `messages`, and removes them without
        changing what the code returns:
        - a statement whose value is unused (not the last expression of its block) is deleted, with
          all its lines;
        - `x |> IO.inspect(label: "…")` anywhere in a pipeline loses that stage, `x` stays;
        - `|> tap(fn v -> IO.inspect(v) end)` whose fn only debugs loses the whole stage;
        - where the value is used (last expression of a def/fn/case branch, right side of `=`, an
          argument, `def f(x), do: IO.inspect(x)`) the call becomes its inspected argument, in
          parentheses where an operator needs them; a banner used as a value becomes `:ok`;
        - a comment directly above a deleted statement or stage that talks about debugging goes with
          it; other comments stay;
        - a variable whose only reads were in the removed code gets a leading underscore, and a module
          attribute or an alias only it used goes too, so the compiler prints no new "unused" warning.
        Anything inside a string, heredoc, sigil, `@doc` or comment is never touched.

    Why:
        `IO.inspect` left in production code writes to stdout on every call, slows hot paths and leaks
        data into logs; the compiler does not warn about it.

    Example:
        def start(_type, _args) do
          children = [Registry] |> IO.inspect(label: "children")
          IO.inspect(self(), label: "starting")
          IO.inspect(load_config(), label: "config")
          Supervisor.start_link(children, strategy: :one_for_one)
        end
        # becomes
        def start(_type, _args) do
          children = [Registry]
          load_config()
          Supervisor.start_link(children, strategy: :one_for_one)
        end

    Fix safety:
        Safe: the inspected value is kept wherever it is used. A deleted statement whose inspected
        argument is itself a call (other than known pure ones like `self()` or `length/1`) or binds a
        variable keeps that argument as the statement. Calls nested inside inspected data (a map of
        readings) are taken as reads and go with it. Labels and options are dropped (they only
        format output). `&IO.inspect/1` captures and calls sharing a line with other code are reported
        for a person to fix, never rewritten. Every edit is a splice of one tree-sitter node, so the
        rest of the file stays byte-identical.
    """

    id = "remove-debug-calls"
    language = "elixir"
    default_paths = ("lib/**/*.ex", "apps/*/lib/**/*.ex")  # umbrella apps too
    params = {
        "calls": Param(list, ["IO.inspect", "dbg"], "Calls to remove (IO.inspect and dbg return their argument).", item_type=str),
        "messages": Param(list, [], "Regexes: IO.puts/IO.write/Logger.* calls whose literal message matches are removed.", item_type=str),
    }
    examples = (
        Example(
            before='defmodule Pool do\n  def checkout(pool) do\n    IO.inspect(pool, label: "checkout")\n'
            "    GenServer.call(pool, :checkout)\n  end\nend\n",
            after="defmodule Pool do\n  def checkout(pool) do\n    GenServer.call(pool, :checkout)\n  end\nend\n",
        ),
        Example(
            before="defmodule Pool do\n  def size(state) do\n    state.workers\n    |> IO.inspect(label: \"workers\")\n"
            "    |> length()\n  end\nend\n",
            after="defmodule Pool do\n  def size(state) do\n    state.workers\n    |> length()\n  end\nend\n",
        ),
        Example(
            before="defmodule Pool do\n  def workers(state), do: IO.inspect(state.workers)\n\n  def last(x) do\n"
            "    Logger.debug(\"last\")\n    IO.inspect(x)\n  end\nend\n",
            after="defmodule Pool do\n  def workers(state), do: state.workers\n\n  def last(x) do\n"
            "    Logger.debug(\"last\")\n    x\n  end\nend\n",
        ),
        Example(
            before="defmodule Pool do\n  def sum(a, b), do: foo(IO.inspect(a + b) * 2, 1)\nend\n",
            after="defmodule Pool do\n  def sum(a, b), do: foo((a + b) * 2, 1)\nend\n",
        ),
        Example(
            before="defmodule App do\n  def children do\n    [Registry, Pool]\n"
            "    |> tap(fn c -> IO.inspect(c, label: \"children\") end)\n    |> Enum.uniq()\n  end\nend\n",
            after="defmodule App do\n  def children do\n    [Registry, Pool]\n    |> Enum.uniq()\n  end\nend\n",
        ),
        Example(
            before='defmodule Worker do\n  def terminate(reason, state) do\n    IO.puts("\\n!!! Worker.terminate/2 CALLED !!!")\n'
            "    cleanup(state)\n  end\nend\n",
            after="defmodule Worker do\n  def terminate(reason, state) do\n    cleanup(state)\n  end\nend\n",
            params={"calls": ["IO.inspect"], "messages": ["^\\n?!!! "]},
        ),
        Example(
            before='defmodule Docs do\n  @doc """\n  Call IO.inspect(x) to look.\n  """\n'
            "  def each(list), do: Enum.each(list, &IO.inspect/1)\nend\n",
            after=None,
        ),
    )

    @classmethod
    def check_options(cls, values, where):
        for pattern in values["messages"]:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ConfigError(f"{where}'rules.{cls.id}.messages': bad regex {pattern!r}: {exc}") from None

    def anchor_patterns(self) -> list[str]:
        anchors = [r"(?<![\w.])" + re.escape(call) + r"\b" for call in self.options["calls"]]
        if self.options["messages"]:
            anchors += [re.escape(call) for call in sorted(BANNER_CALLS)]
        return anchors

    def check(self, source: Source) -> Outcome:
        doc = source.cached("elixir.doc", Doc)
        finder = _Finder(self, doc, source)
        return finder.run()


class _Finder:
    def __init__(self, rule: RemoveDebugCalls, doc: Doc, source: Source):
        self.rule = rule
        self.doc = doc
        self.source = source
        self.index = LineIndex(doc.text)
        self.comments = doc.comment_lines()
        self.messages = [re.compile(p) for p in rule.options["messages"]]
        self.calls = set(rule.options["calls"])
        if re.search(r"\bdefp?\s+dbg\b", doc.text):  # a module's own dbg/1 is not Kernel.dbg
            self.calls -= {"dbg"}
        self.outcome = Outcome()
        self.done: set[tuple[int, int]] = set()
        self.removed: list[tuple[int, int]] = []  # byte spans of code that disappears
        self.kept: list[tuple[int, int]] = []  # byte spans inside those that stay (the inspected value)

    def run(self) -> Outcome:
        for match in self.rule.anchor_regex.finditer(self.doc.text):
            node = self._call_at(match.start(), match.end())
            if node is None or elixir.in_opaque(node):
                continue
            kind = self._kind(node)
            if kind is None:
                continue
            target = self._widen_to_tap(node) or node
            span = (target.start_byte, target.end_byte)
            if span in self.done or self._inside_done(target):
                continue
            self.done.add(span)
            self._fix(target, kind if target is node else "tap")
        if self.removed:
            self._mark_unused_variables()
            self._drop_unused_attributes()
            self._drop_unused_aliases()
        return self.outcome

    def _drop_unused_aliases(self) -> None:
        """`alias A.B` whose only uses were in removed debug code would warn "unused alias B": the
        alias line goes too (a multi-alias or an alias sharing its line is reported)."""
        declared: dict[str, Node] = {}
        uses: dict[str, list[Node]] = {}
        stack = [self.doc.tree.root_node]
        while stack:
            node = stack.pop()
            stack.extend(node.children)
            if node.type == "call" and elixir.call_name(node, self.doc) == "alias":
                args = elixir.call_arguments(node)
                if args and args[0].type == "alias":
                    as_match = re.search(r"\bas:\s*([A-Z]\w*)", self.doc.node_text(node))
                    short = as_match.group(1) if as_match else self.doc.node_text(args[0]).rsplit(".", 1)[-1]
                    declared[short] = node
            elif node.type == "alias" and not (node.parent and node.parent.type == "arguments"
                                               and elixir.call_name(node.parent.parent, self.doc) == "alias"):
                uses.setdefault(self.doc.node_text(node).split(".", 1)[0], []).append(node)
        for short, declaration in declared.items():
            scope = declaration.parent  # aliases are lexical: only uses inside the declaring block count
            found = [n for n in uses.get(short, []) if not elixir.in_opaque(n)
                     and scope.start_byte <= n.start_byte and n.end_byte <= scope.end_byte]
            if not found or not all(self._gone(n) for n in found) or self._inside_alias_option(found, declaration):
                continue
            start, end = self.doc.span(declaration)
            lines = elixir.whole_lines(self.doc, start, end) if elixir.statement_of(declaration) else None
            if lines is None:
                message = f"alias {short} is only used by the removed debug code; remove it by hand"
                self.outcome.findings.append(self.rule.finding(self.source, start, message, False))
                continue
            self.outcome.edits.append(delete_lines(self.doc.text, *lines, self.rule.id, "unused alias"))
            message = f"removed alias {short}: only the removed debug code used it"
            self.outcome.findings.append(self.rule.finding(self.source, start, message, True))

    @staticmethod
    def _inside_alias_option(found: list[Node], declaration: Node) -> bool:
        return any(declaration.start_byte <= n.start_byte and n.end_byte <= declaration.end_byte for n in found)

    def _gone(self, node: Node) -> bool:
        inside = lambda spans: any(a <= node.start_byte and node.end_byte <= b for a, b in spans)
        return inside(self.removed) and not inside(self.kept)

    def _drop_unused_attributes(self) -> None:
        """A module attribute read only by removed debug code would warn "set but never used": its
        definition goes too (when its value is a plain literal), or it is reported."""
        reads: dict[str, list[Node]] = {}
        definitions: dict[str, list[Node]] = {}
        stack = [self.doc.tree.root_node]
        while stack:
            node = stack.pop()
            stack.extend(node.children)
            if node.type != "unary_operator" or elixir.operator_of(node) != "@":
                continue
            operand = node.child_by_field_name("operand")
            if operand is None:
                continue
            if operand.type == "identifier":
                reads.setdefault(self.doc.node_text(operand), []).append(node)
            elif operand.type == "call" and elixir.call_arguments(operand):
                target = operand.child_by_field_name("target")
                if target is not None and target.type == "identifier":
                    definitions.setdefault(self.doc.node_text(target), []).append(node)
        for name, nodes in reads.items():
            if name in RESERVED_ATTRIBUTES or name not in definitions or not all(self._gone(n) for n in nodes):
                continue
            for definition in definitions[name]:
                value = elixir.call_arguments(definition.child_by_field_name("operand"))[0]
                start, end = self.doc.span(definition)
                lines = elixir.whole_lines(self.doc, start, end) if elixir.statement_of(definition) else None
                if lines is None or not _pure(value):
                    message = f"@{name} is only used by the removed debug code; remove it by hand"
                    self.outcome.findings.append(self.rule.finding(self.source, start, message, False))
                    continue
                first, last = self._with_debug_comments(*lines)
                self.outcome.edits.append(delete_lines(self.doc.text, first, last, self.rule.id, "unused attribute"))
                message = f"removed @{name}: only the removed debug code used it"
                self.outcome.findings.append(self.rule.finding(self.source, start, message, True))

    def _mark_unused_variables(self) -> None:
        """Prefix with `_` a variable whose only reads were in removed debug code (no new warning)."""
        gone = self._gone
        for variable in variables(self.doc, lambda name: not name.startswith("_")):
            if not variable.reads or not all(gone(read) for read in variable.reads):
                continue
            if any(gone(binding) for binding in variable.bindings):
                continue
            new_name = "_" + variable.name
            start, _ = self.doc.span(variable.bindings[0])
            if name_taken(variable.scope, new_name, self.doc):
                message = f"{variable.name} is unused once the debug code goes, but {new_name} is taken"
                self.outcome.findings.append(self.rule.finding(self.source, start, message, False))
                continue
            for binding in variable.bindings:
                self.outcome.edits.append(Edit(*self.doc.span(binding), new_name, self.rule.id))
            message = f"renamed {variable.name} to {new_name}: its only uses were in removed debug code"
            self.outcome.findings.append(self.rule.finding(self.source, start, message, True))

    def _inside_done(self, node: Node) -> bool:
        return any(start <= node.start_byte and node.end_byte <= end for start, end in self.done)

    def _call_at(self, start: int, end: int) -> Node | None:
        node = self.doc.node_at(start, end)
        while node is not None and node.type != "call":
            if node.type in ("source", "do_block", "arguments"):
                return None
            node = node.parent
        return node

    def _kind(self, node: Node) -> str | None:
        """'identity' (returns its argument), 'banner' (returns :ok), or None (not ours)."""
        name = elixir.call_name(node, self.doc)
        if name in self.calls and name in IDENTITY_CALLS:
            return "identity"
        if name in self.calls:
            return "banner"
        if name in BANNER_CALLS and self.messages:
            message = self._message(node)
            if message is not None and any(p.search(message) for p in self.messages):
                return "banner"
        return None

    def _message(self, node: Node) -> str | None:
        args = elixir.call_arguments(node)
        strings = [a for a in args if a.type == "string"]
        if not strings:
            return None
        raw = self.doc.node_text(strings[0])
        body = raw[3:-3] if raw.startswith('"""') else raw[1:-1]
        return body.encode("utf-8").decode("unicode_escape", errors="ignore") if "\\" in body else body

    def _widen_to_tap(self, node: Node) -> Node | None:
        """The enclosing `tap(fn v -> <only debug calls> end)` call, if that is all the fn does."""
        body = node.parent
        if body is None or body.type != "body":
            return None
        clause = body.parent
        fn = clause.parent if clause is not None else None
        if fn is None or fn.type != "anonymous_function" or len([c for c in fn.named_children if c.type == "stab_clause"]) != 1:
            return None
        arguments = fn.parent
        tap = arguments.parent if arguments is not None else None
        if tap is None or tap.type != "call" or elixir.call_name(tap, self.doc) not in TAP_CALLS:
            return None
        for stmt in elixir.statements(body):
            if stmt.type != "call" or self._kind(stmt) is None:
                return None
        return tap

    # -- fixes ----------------------------------------------------------------------------
    def _fix(self, node: Node, kind: str) -> None:
        name = elixir.call_name(node, self.doc)
        start, end = self.doc.span(node)
        if self._captured(node):
            return self._report(node, f"{name} is captured as a function value; remove it by hand")
        parent = node.parent
        if parent is not None and parent.type == "binary_operator" and elixir.operator_of(parent) == "|>" \
                and parent.child_by_field_name("right") == node:
            if kind == "banner":
                return self._report(node, f"{name} banner used as a pipeline stage; remove it by hand")
            return self._remove_stage(parent, node, name)
        if elixir.statement_of(node) is not None and not elixir.is_last_statement(node):
            return self._remove_statement(node, kind, name)
        self._replace_with_value(node, kind, name)

    def _captured(self, node: Node) -> bool:
        current = node.parent
        while current is not None and current.type not in elixir.BLOCKS:
            if current.type == "unary_operator" and elixir.operator_of(current) == "&":
                return True
            current = current.parent
        return False

    def _remove_stage(self, pipe: Node, node: Node, name: str) -> None:
        left = pipe.child_by_field_name("left")
        operator = pipe.child_by_field_name("operator")
        op_start, end = self.doc.char(operator.start_byte), self.doc.char(node.end_byte)
        lines = elixir.whole_lines(self.doc, op_start, end)
        if lines is not None:
            first, last = self._with_debug_comments(*lines)
            self.outcome.edits.append(delete_lines(self.doc.text, first, last, self.rule.id, "pipeline stage"))
        else:
            self.outcome.edits.append(Edit(self.doc.char(left.end_byte), end, "", self.rule.id))
        self._fixed(node, f"removed {name} pipeline stage", removed=(operator.start_byte, node.end_byte))

    def _remove_statement(self, node: Node, kind: str, name: str) -> None:
        start, end = self.doc.span(node)
        item = self._item(node) if kind == "identity" else None
        if item is not None and _effectful(item):
            # The inspected expression is itself a call (or binds a variable): keep it as the statement.
            self.outcome.edits.append(Edit(start, end, self.doc.node_text(item), self.rule.id))
            return self._fixed(node, f"replaced {name} with its argument (it may have side effects)", kept=item)
        lines = elixir.whole_lines(self.doc, start, end)
        if lines is None:
            return self._report(node, f"{name} shares its line with other code; remove it by hand")
        first, last = self._with_debug_comments(*lines)
        self.outcome.edits.append(delete_lines(self.doc.text, first, last, self.rule.id, "statement"))
        self._fixed(node, f"removed {name} statement")

    def _replace_with_value(self, node: Node, kind: str, name: str) -> None:
        start, end = self.doc.span(node)
        if kind in ("banner",):
            self.outcome.edits.append(Edit(start, end, ":ok", self.rule.id))
            return self._fixed(node, f"replaced {name} banner (used as a value) with :ok")
        if kind == "tap":
            args = elixir.call_arguments(node)
            if len(args) != 2:
                return self._report(node, "tap/2 with a debug-only fn: remove it by hand")
            item = args[0]
        else:
            item = self._item(node)
        if item is None:
            return self._report(node, f"{name} without an argument is used as a value; remove it by hand")
        text = self.doc.node_text(item)
        if item.type == "keywords":
            text = f"[{text}]"
        elif _needs_parens(item, node.parent):
            text = f"({text})"
        self.outcome.edits.append(Edit(start, end, text, self.rule.id))
        self._fixed(node, f"replaced {name} with its argument", kept=item)

    def _item(self, node: Node) -> Node | None:
        """The argument an identity call returns: IO.inspect(item, opts) / IO.inspect(device, item, opts)."""
        args = elixir.call_arguments(node)
        if not args:
            return None
        if len(args) == 3:
            return args[1]
        if len(args) == 2 and args[0].type == "atom" and args[1].type != "keywords":
            return args[1]
        return args[0]

    def _with_debug_comments(self, first: int, last: int) -> tuple[int, int]:
        above = elixir.comment_block_above(self.doc, first, self.comments)
        if above and any(DEBUG_COMMENT.search(self.index.line_text(n)) for n in above):
            first = above[0]
        return first, last

    def _fixed(self, node: Node, message: str, removed: tuple[int, int] | None = None, kept: Node | None = None) -> None:
        self.removed.append(removed or (node.start_byte, node.end_byte))
        if kept is not None:
            self.kept.append((kept.start_byte, kept.end_byte))
        start, end = self.doc.span(node)
        self.outcome.findings.append(self.rule.finding(self.source, start, message, True, end))

    def _report(self, node: Node, message: str) -> None:
        start, end = self.doc.span(node)
        self.outcome.findings.append(self.rule.finding(self.source, start, message, False, end))


# Binary operator precedence, lowest first (Elixir's operator table).
PRECEDENCE = {op: level for level, ops in enumerate([
    ("<-", "\\\\"), ("when",), ("::",), ("|",), ("=>",), ("=",), ("||", "|||", "or"), ("&&", "&&&", "and"),
    ("==", "!=", "=~", "===", "!=="), ("<", ">", "<=", ">="),
    ("|>", "<<<", ">>>", "<<~", "~>>", "<~", "~>", "<~>"), ("in", "not in"),
    ("++", "--", "+++", "---", "..", "<>"), ("+", "-"), ("*", "/"), ("**",),
]) for op in ops}


def _needs_parens(item: Node, parent: Node | None) -> bool:
    """Would splicing `item` in place of the call change how the parent operator groups it?"""
    if parent is None or item.type not in ("binary_operator", "unary_operator"):
        return False
    if item.type == "unary_operator" or parent.type in ("unary_operator", "dot", "access_call"):
        return parent.type in OPERATOR_PARENTS
    if parent.type != "binary_operator":
        return False
    inner = PRECEDENCE.get(elixir.operator_of(item) or "", -1)
    outer = PRECEDENCE.get(elixir.operator_of(parent) or "", len(PRECEDENCE))
    return inner <= outer


def _effectful(item: Node) -> bool:
    """True when deleting the inspected expression could lose work: it is a call that is not a known
    pure function, or it binds a variable (`IO.inspect(x = compute())`). Calls nested inside inspected
    data (a map of readings) are taken as reads and go with the statement."""
    if item.type == "call":
        return not _pure(item)
    stack = [item]
    while stack:
        node = stack.pop()
        if node.type == "binary_operator" and elixir.operator_of(node) in ("=", "<-"):
            return True
        stack.extend(node.named_children)
    return item.type in ("binary_operator", "unary_operator") and not _pure(item)


def _pure(node: Node) -> bool:
    """Literals, variables, module attributes, containers of those and `var.field` reads."""
    if node.type in PURE_LEAVES:
        return all(_pure(c) for c in node.named_children) if node.type == "interpolation" else True
    if node.type in PURE_CONTAINERS:
        return all(_pure(c) for c in node.named_children)
    if node.type == "unary_operator" and elixir.operator_of(node) == "@":
        return True
    if node.type != "call":
        return False
    target = node.child_by_field_name("target")
    arguments = [c for c in node.children if c.type == "arguments"]
    if not arguments:  # `state.workers`: a field read
        return target is not None and target.type == "dot" and _pure(target.child_by_field_name("left"))
    name = target.text.decode("utf-8") if target is not None else ""
    return name in PURE_FUNCTIONS and not any(c.type == "do_block" for c in node.children) \
        and all(_pure(a) for a in arguments[0].named_children)

"""remove-debug-calls' work: find the debug calls of one Elixir file, judge each (leftover, on purpose,
or for a person), and plan edits that keep what the code returns, what it does, and its layout.

The pieces: `lang.elixir.names` says what a call names (aliases, imports, local definitions),
`lang.elixir.valueflow` whether its value is used, `intent` weighs the evidence, `lang.elixir.purity`
says what may disappear with a call (reads that only raise, private functions that do no work), and
`layout` composes the edits and checks that `mix format` would lay them out the same way.
Every file costs one pass over its candidate calls: nothing here is per-edit over the whole text.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from heapq import heappop, heappush
from dataclasses import dataclass, field, replace

from tree_sitter import Node

from fixer.lang.elixir import syntax as elixir
from fixer.lang.elixir.syntax import BLOCKS, Doc, call_arguments, call_name, in_quote, operator_of
from fixer.rules.remove_debug_calls.captured import Captured
from fixer.rules.remove_debug_calls.intent import DEBUG_COMMENT, INTENT_COMMENT, LEFTOVER, PURPOSE, Clue, Intent, Verdict
from fixer.core.textio import occurrences
from fixer.core.userregex import compile_linear
from fixer.rules.remove_debug_calls.layout import (LAYOUT_CHANGES, Keep, Pending, Placer, Plan, Rewrite, first_on_line, has_outside, line_indent,
                                      whole_lines)
from fixer.lang.elixir.names import DEF_LIKE, EXPORTS, Names, call_arity, def_name_and_arities, definition_part
from fixer.lang.elixir.purity import LocalPurity, effects, impure_parts, raising, unsure
from fixer.lang.elixir.valueflow import LOGICAL, ValueFlow
from fixer.lang.elixir.variables import WORD, calls_binding, name_taken, variables

IDENTITY = frozenset({"IO.inspect", "Kernel.dbg"})  # return their item
TAPS = frozenset({"Kernel.tap", "Kernel.then"})
LOGGER_LEVELS = ("debug", "info", "notice", "warning", "warn", "error", "critical", "alert", "emergency")
BANNERS = frozenset({"IO.puts", "IO.write"} | {f"Logger.{level}" for level in LOGGER_LEVELS})
RESERVED_ATTRIBUTES = {"doc", "moduledoc", "typedoc", "impl", "spec", "type", "typep", "opaque", "callback",
                       "macrocallback", "optional_callbacks", "behaviour", "derive", "enforce_keys", "compile",
                       "deprecated", "dialyzer", "external_resource", "file", "on_load", "on_definition",
                       "before_compile", "after_compile", "after_verify", "vsn", "since"}
# Constructs removed whole when all they do is run a debug call.
HOLLOW_CONSTRUCTS = frozenset({"if", "unless", "case", "cond", "for"})
# Rounds of settling what removed code leaves unused (private functions, then what they called).
MAX_SETTLE = 8
# Projects under test whose code is data for the tests: never edited, never reported.
FIXTURE_PROJECT = re.compile(r"/test/(?:support/)?fixtures/")
# Nx numerical definitions: `IO.inspect`/`dbg` there are compiled operations of the definition.
NUMERICAL_DEFINITIONS = frozenset({"defn", "defnp", "deftransform", "deftransformp"})
# A function named so, whose whole body is a debug call, is a debugging helper (`def pry, do: IEx.pry()`).
HELPER_WORDS = frozenset({"pry", "dbg", "debug", "inspect", "trace", "break", "breakpoint", "peek", "spy"})
# A comment right above a deleted statement goes with it when it talks about debugging.
COMMENT_GOES = re.compile(r"(?i)debug|inspect|\blog(?:ging|s)?\b|\bdbg\b|\btrace\b|\bpry\b"
                          r"|\bprint(?:s|ed|ing)?\b|\bdump(?:s|ed|ing)?\b|\bpeek\b")
LINE_LENGTH = 98
TOKEN = re.compile(r"\w+")
# Binary operator precedence, lowest first (Elixir's operator table).
PRECEDENCE = {op: level for level, ops in enumerate([
    ("<-", "\\\\"), ("when",), ("::",), ("|",), ("=>",), ("=",), ("||", "|||", "or"), ("&&", "&&&", "and"),
    ("==", "!=", "=~", "===", "!=="), ("<", ">", "<=", ">="),
    ("|>", "<<<", ">>>", "<<~", "~>>", "<~", "~>", "<~>"), ("in", "not in"),
    ("++", "--", "+++", "---", "..", "<>"), ("+", "-"), ("*", "/"), ("**",),
]) for op in ops}
RIGHT_ASSOCIATIVE = {"++", "--", "+++", "---", "..", "<>", "=", "::", "when", "|", "<-", "\\\\", "=>", "**"}
# Parent operators whose operands `mix format` always parenthesises when they are other operators.
REQUIRED_PARENS = {"|>", "<<<", ">>>", "<~", "~>", "<<~", "~>>", "<~>", "<|>", "^^^", "in", "++", "--", "..", "<>"}


@dataclass
class Target:
    call: Node
    name: str  # canonical: IO.inspect, Kernel.dbg, IEx.pry, :dbg.tracer, IO.puts, ...
    shown: str  # as written
    kind: str  # identity / banner / halt
    how: str = ""  # "through import IO", "through alias IO, as: Out"
    clues: list[Clue] = field(default_factory=list)


@dataclass
class Decision:
    plans: list[Plan] | Pending
    message: str
    removed: tuple[int, int]  # character range that disappears
    kept: list[tuple[int, int]] = field(default_factory=list)  # ranges inside it that stay
    group: tuple[int, ...] = ()  # calls whose fixes share these plans (one statement re-flow)
    finding: int = -1  # index of its finding in the outcome


class Finder:
    def __init__(self, rule, source, doc: Doc):
        self.rule = rule
        self.source = source
        self.doc = doc
        self.calls = {_canonical(c) for c in rule.options["calls"] + rule.options["debuggers"]}
        self.messages = [compile_linear(p) for p in rule.options["messages"]]  # the config's: linear time
        self.outcome_findings = []
        self.fixed: dict[int, Decision] = {}  # call node id -> what was done
        self.judged: dict[int, tuple[Target, Verdict]] = {}  # call node id -> why it was fixed
        self.pending: dict[int, list[tuple[Target, Verdict, Decision]]] = {}  # statement id -> re-flows
        self.waiting: list[tuple[int, int]] = []  # (statement end, statement id): pending, by end
        self.poisoned: set[int] = set()  # statements whose re-flow holds a call that was decided apart
        self.one_liners: set[int] = set()  # `require IEx` directives deleted with their pry
        # functions a test's capture_io reaches (the tests are read only once a call needs it)
        self.captured = Captured(doc, source.context.get(rule.id, []))
        self._every_variable = None  # every variable of the file, analysed when `dbg()` needs it

    def _prepare(self) -> None:
        """What judging a call needs: built only for a file with a call to judge (most files that
        wake the rule only mention a debug call in a doc or a comment)."""
        self.lines = self.source.lines
        self.names = Names(self.doc)
        self.comments = self.doc.comment_lines()
        self.intent = Intent(self.doc, self.names, self.source.path, self.comments, self.lines)
        self.rewrite = Rewrite(self.doc.text, self.lines, self.rule.id)
        self.placer = Placer(self.doc, self.lines, self.rule.options.get("line_length", LINE_LENGTH),
                             self.rewrite.render)
        self.flow = ValueFlow(self.doc, lambda call: self.names.resolve(call).name or call_name(call, self.doc))
        self.local = LocalPurity(self.doc, self.names.module_of)

    # -- the pass -------------------------------------------------------------------------------------
    def run(self):
        from fixer.core.rule import Outcome

        if FIXTURE_PROJECT.search("/" + self.source.path.replace("\\", "/")):
            return Outcome([], [])  # a project the tests run (a debugger's tests step through its dbg)
        candidates = self._candidates()
        if not candidates:
            return Outcome([], [])
        self._prepare()
        targets = [t for t in map(self._target, candidates) if t is not None]
        # Inner calls first: an outer call then knows which of its parts are fixed debug calls.
        for target in sorted(targets, key=lambda t: (t.call.end_byte, -t.call.start_byte)):
            # A statement re-flow is decided once all of its calls are seen, before any call around it.
            while self.waiting and self.waiting[0][0] < target.call.end_byte:
                _, root_id = heappop(self.waiting)
                self._reflow(self.pending.pop(root_id))
            self._handle(target)
        while self.waiting:
            self._reflow(self.pending.pop(heappop(self.waiting)[1]))
        if self.fixed:
            self._bookkeeping()
        return Outcome(self.rewrite.edits(), [f for f in self.outcome_findings if f is not None])

    def _candidates(self) -> list[Node]:
        import_io = "import IO" in self.doc.text
        pattern = _candidate_pattern(self.calls, bool(self.messages), import_io)
        literals = _candidate_literals(self.calls, bool(self.messages), import_io)
        found: dict[int, Node] = {}
        for match in _finditer_near(pattern, literals, self.doc.text):
            node = self.doc.node_at(match.start(), match.end())
            start_byte = self.doc.byte(match.start())
            while node is not None and node.type not in BLOCKS:
                target = node.child_by_field_name("target") if node.type == "call" else None
                if target is not None and target.start_byte == start_byte:
                    found.setdefault(node.id, node)
                    break
                node = node.parent
        return list(found.values())

    def _target(self, call: Node) -> Target | None:
        if elixir.in_opaque(call) or in_quote(call, self.doc) or self._deliberate(call):
            return None
        part = definition_part(call, self.doc)
        default = part is not None and part.startswith("the head") and _in_default(call)
        if part is not None and not default:
            return None
        shown = call_name(call, self.doc) or ""
        resolution = self.names.resolve(call)
        if resolution.unsure:
            if resolution.could_be and self._kind(call, resolution.could_be, shown)[0] is not None:
                self._review(call, f"{shown} may not be the debug call it looks like: {resolution.unsure}",
                             "name not resolved: " + resolution.unsure)
            return None
        name = resolution.name
        if name is None:
            return None
        how = f" (through {resolution.how})" if resolution.how and resolution.how.startswith(("import", "alias")) else ""
        kind, clue = self._kind(call, name, shown)
        if kind is None or self._helper(call):
            return None
        if default:  # runs on every call that omits the argument, but heads are never edited
            self._review(call, f"{shown}{how} needs review: it is in a default argument (`\\\\`), and fixer "
                         "never edits a definition head", "in a default argument")
            return None
        return Target(call, name, shown, kind, how, [clue] if clue else [])

    def _deliberate(self, call: Node) -> bool:
        """Uses of a debug call that are on purpose by their shape, not even worth a report: inside an
        Nx `defn`/`deftransform`, a function value `&IO.inspect/1` (a callback, a struct default),
        a helper whose whole body is the call on its own parameters (`def pry, do: IEx.pry()`), and a call
        whose output a test captures (`capture_io(fn -> assert dbg(x) == 1 end)`)."""
        if self.intent.swallowed(call):
            return True
        parent = call.parent
        if parent is not None and parent.type == "binary_operator" and operator_of(parent) == "/" \
                and parent.parent is not None and parent.parent.type == "unary_operator" \
                and operator_of(parent.parent) == "&" and not self._in_tap(parent.parent):
            return True
        return self.intent.enclosing(call, NUMERICAL_DEFINITIONS) is not None

    def _in_tap(self, capture: Node) -> bool:
        holder = capture.parent.parent if capture.parent is not None and capture.parent.type == "arguments" else None
        return holder is not None and holder.type == "call" and call_name(holder, self.doc) in ("tap", "then", "Kernel.tap",
                                                                                               "Kernel.then")

    def _helper(self, call: Node) -> bool:
        """`def pry, do: IEx.pry()`, `def inspect_state(s), do: IO.inspect(s)`: the function is the debug call."""
        function = self.intent.function_of(call)
        definition = function.node if function is not None else None
        if definition is None or call_name(definition, self.doc) not in DEF_LIKE:
            return False
        block = next((c for c in definition.children if c.type == "do_block"), None)
        if block is not None:
            body = elixir.statements(block)
        else:
            pair = call.parent
            body = [call] if pair is not None and pair.type == "pair" and self._is_def_do(pair) else []
        if body != [call]:
            return False
        head = def_name_and_arities(definition, self.doc)
        words = set(re.split(r"_+", head[0].rstrip("?!").lower())) if head is not None else set()
        return bool(words & HELPER_WORDS) and all(a.type in ("identifier", "keywords") for a in call_arguments(call))

    def _captured_by(self, call: Node) -> str | None:
        """The call of a test's capture_io that reaches the function `call` is in, if any."""
        function = self.intent.function_of(call)
        if function is None or call_name(function.node, self.doc) not in DEF_LIKE:
            return None
        head = def_name_and_arities(function.node, self.doc)
        return self.captured.by(self.names.module_of(call), head[0]) if head is not None else None

    def _kind(self, call: Node, name: str, shown: str) -> tuple[str | None, Clue | None]:
        if name in IDENTITY and name in self.calls:
            strong = name == "Kernel.dbg"
            return "identity", Clue(LEFTOVER, "dbg is a debugging macro", True) if strong else None
        if name == "IEx.pry" and name in self.calls:
            return "halt", Clue(LEFTOVER, "IEx.pry stops the process for a debugger", True)
        if name.startswith(":dbg.") and ":dbg" in self.calls:
            return "halt", Clue(LEFTOVER, ":dbg traces calls (the Erlang debugger)", True)
        if name in self.calls or "." not in shown and shown in self.calls and call_name(call, self.doc) == shown:
            return "banner", Clue(LEFTOVER, f"{shown} is listed in `calls`", True)
        if name in BANNERS and self.messages:
            message = self._message(call)
            for pattern in self.messages:
                if message is not None and pattern.search(message):
                    return "banner", Clue(LEFTOVER, f"its message matches `{pattern.pattern}`", True)
        return None, None

    def _message(self, node: Node) -> str | None:
        strings = [a for a in call_arguments(node) if a.type == "string"]
        if not strings:
            return None
        raw = self.doc.node_text(strings[0])
        body = raw[3:-3] if raw.startswith('"""') else raw[1:-1]
        return body.encode("utf-8").decode("unicode_escape", errors="ignore") if "\\" in body else body

    # -- one call ---------------------------------------------------------------------------------------
    def _handle(self, target: Target) -> None:
        call = target.call
        where = self._position(target)
        kind, node = where[0], where[1]
        options, device = self._options_and_device(target)
        clues = list(target.clues)
        if kind in ("stage", "tap"):
            clues.append(self._stage_clue(node, kind))
        elif kind == "value":
            # Inside `assert`, the value is what the test checks: weaker evidence.
            asserted = self.intent.asserted(call)
            clues.append(Clue(LEFTOVER, "wraps a value other code uses", not asserted))
        elif kind == "return" and target.kind == "identity":
            function = self.intent.function_of(call)
            owner = function.label if function is not None else "its block"
            clues.append(Clue(LEFTOVER, f"returns its argument as the value of {owner}"))
        verdict = self.intent.judge(call, clues, options, device, discarded=kind in ("statement", "hollow"))
        # One more reason to leave it cannot change "leave": the tests are read only when it can.
        by = self._captured_by(call) if verdict.action != "leave" else None
        if by is not None:
            clues.append(Clue(PURPOSE, f"a test captures its output (capture_io of {by})"))
            verdict = self.intent.judge(call, clues, options, device, discarded=kind in ("statement", "hollow"))
        if verdict.action == "leave":
            return
        decision = self._decide(target, kind, node)
        if verdict.action == "review":
            reason = verdict.reason() if not isinstance(decision, str) else f"{decision}, and {verdict.reason()}"
            self._review(call, f"{target.shown}{target.how} needs review: {reason}", verdict.evidence())
            return
        if self._around_pending(call):
            decision = LAYOUT_CHANGES  # its statement's re-flow waits on a call inside it: both for a person
        if isinstance(decision, str):
            self._not_fixed(target, verdict, decision)
        elif isinstance(decision.plans, Pending):
            root = decision.plans.root
            if root.id not in self.pending:
                heappush(self.waiting, (root.end_byte, root.id))
            self.pending.setdefault(root.id, []).append((target, verdict, decision))
        else:
            self._fixed(target, verdict, decision)

    def _fixed(self, target: Target, verdict: Verdict, decision: Decision) -> None:
        for plan in decision.plans:
            self.rewrite.add(plan)
        self.fixed[target.call.id] = replace(decision, finding=len(self.outcome_findings))
        self.judged[target.call.id] = (target, verdict)
        message = f"{decision.message}{target.how} (debug leftover: {_phrases(verdict)})"
        self._finding(target.call, message, True, verdict.evidence())

    def _not_fixed(self, target: Target, verdict: Verdict, reason: str) -> None:
        message = f"{target.shown}{target.how} is a debug leftover ({_phrases(verdict)}) but {reason}; " \
            "remove it by hand"
        self._review(target.call, message, verdict.evidence() + "; not fixed: " + reason)

    def _around_pending(self, call: Node) -> bool:
        """A pending statement re-flow holds this call and a replacement inside it: poison that group
        (decided apart, the two could disagree with what a second pass would do)."""
        current = call.parent
        while current is not None:
            group = self.pending.get(current.id)
            if group is not None:
                inside = [d for t, _, d in group if call.start_byte <= t.call.start_byte and t.call.end_byte <= call.end_byte]
                if inside:
                    self.poisoned.add(current.id)
                    return True
            current = current.parent
        return False

    def _reflow(self, group: list[tuple[Target, Verdict, Decision]]) -> None:
        """Replacements in one statement that re-flow it: all made, in one plan, or all reported."""
        root = group[0][2].plans.root
        placed = LAYOUT_CHANGES if root.id in self.poisoned else \
            self.placer.reflow([decision.plans for _, _, decision in group])
        members = tuple(target.call.id for target, _, _ in group)
        for number, (target, verdict, decision) in enumerate(group):
            if isinstance(placed, str):
                self._not_fixed(target, verdict, placed)
            else:
                self._fixed(target, verdict, replace(decision, plans=placed if number == 0 else [], group=members))

    def _position(self, target: Target) -> tuple[str, Node]:
        """("stage"|"tap"|"capture"|"hollow"|"statement"|"return"|"value", the node that goes).

        Whether the value is used comes from the value-flow analysis alone (ValueFlow)."""
        call = target.call
        tap = self._tap_stage(call)
        if tap is not None:
            return "tap", tap
        capture = self._capture_of(call)
        if capture is not None:
            return "capture", capture
        parent = call.parent
        node = call
        rebound = self._self_rebinding(target)
        if rebound is not None:
            node = rebound  # `x = x |> IO.inspect()`: without the call the match is `x = x`, so it goes whole
        elif parent is not None and parent.type == "binary_operator" and operator_of(parent) == "|>" \
                and parent.child_by_field_name("right") == call:
            if self.flow.used(parent):
                return "stage", parent
            node = parent  # `state |> IO.inspect()` on its own: the whole statement goes
        elif self._discarded_match(parent, call) and (target.kind == "halt" or _ignored(parent.child_by_field_name("left"))):
            # `{:ok, _} = :dbg.tracer()` only checks the call; `_ = IO.inspect(x)` cannot fail: either way the
            # match goes with the call (`_ = x` would be a statement that does nothing).
            node = parent
        elif self.flow.used(call):
            if parent is not None and (parent.type in BLOCKS or parent.type == "pair" and self._is_def_do(parent)):
                return "return", call
            return "value", call
        holder = node.parent
        if holder is None or holder.type not in BLOCKS:
            return "hollow", node  # `if c, do: IO.inspect(x)`, `ok && IO.inspect(x)`: all that branch does
        if len(elixir.statements(holder)) == 1 and self._branch(holder):
            if node != call and effects(self._impure([node.child_by_field_name("left")])):
                return "stage", node  # `work() |> IO.inspect()`: the work stays as the branch's statement
            if node == call and effects(self._impure(call_arguments(call))):
                return "statement", node  # its work stays as the branch's statement
            return "hollow", node
        return "statement", node

    def _self_rebinding(self, target: Target) -> Node | None:
        """The statement `x = x |> IO.inspect(...)` or `x = IO.inspect(x, ...)` (nobody reads its value)."""
        call = target.call
        if target.kind != "identity":
            return None
        pipe = call.parent
        if pipe is not None and pipe.type == "binary_operator" and operator_of(pipe) == "|>" \
                and pipe.child_by_field_name("right") == call:
            expression, value = pipe, pipe.child_by_field_name("left")
        else:
            arguments = call_arguments(call)
            expression, value = call, arguments[0] if arguments else None
        match = expression.parent
        if value is None or value.type != "identifier" or match is None or match.type != "binary_operator" \
                or operator_of(match) != "=" or match.child_by_field_name("right") != expression:
            return None
        left = match.child_by_field_name("left")
        if left is None or left.type != "identifier" or self.doc.node_text(left) != self.doc.node_text(value):
            return None
        return match if match.parent is not None and match.parent.type in BLOCKS and not self.flow.used(match) else None

    def _branch(self, block: Node) -> bool:
        """A block that deleting its only statement would leave empty and doing nothing: a branch,
        a clause, an fn or a loop body (a module, test or file body may end up empty)."""
        if block.type in ("source", "block"):
            return False
        if block.type == "do_block":
            owner = block.parent
            return call_name(owner, self.doc) not in ("defmodule", "test", "describe", "setup", "setup_all")
        return True

    def _discarded_match(self, match: Node | None, call: Node) -> bool:
        """`pattern = call` as a discarded statement whose pattern binds nothing anyone reads."""
        if match is None or match.type != "binary_operator" or operator_of(match) != "=" \
                or match.child_by_field_name("right") != call or self.flow.used(match):
            return False
        left = match.child_by_field_name("left")
        stack = [left]
        while stack:
            node = stack.pop()
            if node.type == "identifier" and (not self.doc.node_text(node).startswith("_")
                                              or self._read_after(self.doc.node_text(node), match)):
                return False
            if node.type in ("unary_operator",) and operator_of(node) == "^":
                return False  # a pinned value: the match is a check on it
            stack.extend(node.children)
        return True

    def _read_after(self, name: str, match: Node) -> bool:
        """`_v = ...` whose `_v` is read later in its function (the compiler warns, but it is read)."""
        if name == "_":
            return False
        function = self.intent.function_of(match)
        end = self.doc.char(function.node.end_byte) if function is not None else len(self.doc.text)
        after = self.doc.text[self.doc.char(match.end_byte):end]
        return re.search(rf"(?<![\w@.:]){re.escape(name)}(?![\w?!:])", after) is not None

    def _owner_name(self, pair: Node) -> str | None:
        call = pair.parent.parent.parent if pair.parent is not None and pair.parent.parent is not None else None
        return call_name(call, self.doc) if call is not None and call.type == "call" else None

    def _is_def_do(self, pair: Node) -> bool:
        return self._owner_name(pair) in ("def", "defp", "defmacro", "defmacrop")

    def _stage_clue(self, pipe: Node, kind: str) -> Clue:
        if kind == "tap":
            return Clue(LEFTOVER, "a tap/then stage that only inspects", True)
        parent = pipe.parent
        continues = parent is not None and parent.type == "binary_operator" and operator_of(parent) == "|>"
        used = continues or not (parent is not None and parent.type in BLOCKS)
        if used:
            return Clue(LEFTOVER, "a pipeline stage that passes the value through", True)
        return Clue(LEFTOVER, "ends a pipeline")

    def _capture_of(self, node: Node) -> Node | None:
        current = node.parent
        while current is not None and current.type not in BLOCKS:
            if current.type == "unary_operator" and operator_of(current) == "&":
                return current
            current = current.parent
        return None

    def _tap_stage(self, call: Node) -> Node | None:
        """The `|> tap(...)`/`|> then(...)` pipe whose function only inspects its argument."""
        holder = self._tap_holder(call)
        if holder is None:
            return None
        pipe = holder.parent
        if pipe is None or pipe.type != "binary_operator" or operator_of(pipe) != "|>" \
                or pipe.child_by_field_name("right") != holder:
            return None
        return pipe

    def _tap_holder(self, call: Node) -> Node | None:
        resolution_of = self.names.resolve
        node = call
        capture = None
        while node.parent is not None and node.parent.type == "binary_operator" and operator_of(node.parent) == "/":
            node = node.parent
        if node.parent is not None and node.parent.type == "unary_operator" and operator_of(node.parent) == "&":
            capture = node.parent
        if capture is not None:
            holder = capture.parent.parent if capture.parent is not None and capture.parent.type == "arguments" else None
            if holder is None or holder.type != "call" or resolution_of(holder).name not in TAPS:
                return None
            if len(call_arguments(holder)) != 1:
                return None
            return holder if self._passes_through(call, holder, captured=True) else None
        body = call.parent
        if body is None or body.type != "body":
            return None
        fn = body.parent.parent if body.parent is not None else None
        if fn is None or fn.type != "anonymous_function" or sum(c.type == "stab_clause" for c in fn.children) != 1:
            return None
        arguments = fn.parent
        holder = arguments.parent if arguments is not None and arguments.type == "arguments" else None
        if holder is None or holder.type != "call" or resolution_of(holder).name not in TAPS \
                or len(call_arguments(holder)) != 1:
            return None
        return holder if self._passes_through(call, holder, captured=False, body=body) else None

    def _passes_through(self, call: Node, holder: Node, captured: bool, body: Node | None = None) -> bool:
        """tap ignores its function's value; then returns it, so it must be the debug call's item."""
        is_tap = self.names.resolve(holder).name == "Kernel.tap"
        if body is not None:
            for statement in elixir.statements(body):
                if statement.type != "call" or statement != call and not self._is_debug_call(statement):
                    return False
                if impure_parts(call_arguments(statement), self.doc):
                    return False
            if not is_tap and elixir.statements(body)[-1] != call:
                return False
        clause = body.parent if body is not None else None
        params = clause.child_by_field_name("left") if clause is not None else None
        if not captured and (params is None or not re.fullmatch(r"\(?\s*[a-z_]\w*\s*\)?", self.doc.node_text(params))):
            return False  # `fn %{a: a} -> ...`: the pattern may not match (FunctionClauseError)
        if captured:
            # `&IO.inspect(&1.a)` reads a field (it may raise): only `&1` itself may be inspected.
            args = call_arguments(call)
            if args and (self.doc.node_text(args[0]) != "&1" or impure_parts(args[1:], self.doc)):
                return False
        if is_tap:
            return True
        if self.names.resolve(call).name not in IDENTITY:
            return False
        if captured:
            return True
        item = self._item(call, call_arity(call))
        return params is not None and item is not None and self.doc.node_text(params).strip() == self.doc.node_text(item)

    def _is_debug_call(self, node: Node) -> bool:
        name = self.names.resolve(node).name
        return name is not None and self._kind(node, name, call_name(node, self.doc) or "")[0] is not None

    def _options_and_device(self, target: Target) -> tuple[list[Node], Node | None]:
        """The arguments that only shape the output (options, label), and the device if any."""
        if target.name != "IO.inspect" and target.name != "Kernel.dbg":
            args = call_arguments(target.call)
            device = args[0] if target.name in ("IO.puts", "IO.write") and len(args) == 2 else None
            return [], device
        args = call_arguments(target.call)
        arity = call_arity(target.call)
        if target.name == "IO.inspect" and arity == 3:
            explicit_device = len(args) == 3
            return args[2:] if explicit_device else args[1:], args[0] if explicit_device else None
        if arity == 2:
            return args[-1:], None
        return [], None

    # -- planning ---------------------------------------------------------------------------------------
    def _decide(self, target: Target, kind: str, node: Node) -> Decision | str:
        """The plans that remove the call (a Decision), or why it cannot be fixed safely (a str)."""
        if kind == "capture":
            whole = self._remove_construct(target, node) if self._each_capture(node) is not None else None
            return whole if whole is not None else f"it is captured as a function value (`{self._short(node)}`)"
        if kind == "hollow":
            whole = self._remove_after(target, node) or self._remove_construct(target, node)
            return whole if whole is not None else self._hollow(node)
        if kind in ("stage", "tap"):
            return self._remove_stage(target, node)
        if kind == "statement":
            unused = self._reads_every_variable(target, node)
            if unused:
                return unused
            return self._remove_statement(target, node)
        if target.kind == "halt":
            return "its result is used"
        if target.kind == "banner":
            return self._banner_value(target)
        return self._unwrap(target)

    def _remove_construct(self, target: Target, node: Node) -> Decision | str | None:
        """`if c, do: IO.inspect(x)`, `case`/`cond` clauses, `for`, `Enum.each(l, fn x -> ... end)`
        or `ok && IO.inspect(x)` that only run the debug call, as a statement nobody reads: the whole
        construct goes when nothing else in it does work. None when that cannot be shown."""
        construct = self._construct_of(node)
        if construct is None or self.flow.used(construct) or construct.parent is None \
                or construct.parent.type not in BLOCKS:
            return None
        if len(elixir.statements(construct.parent)) == 1 and self._branch(construct.parent):
            return None  # removing it would hollow out the branch around it in turn
        parts = []
        for part in self._construct_parts(construct):
            if part == node or part == target.call:
                continue
            parts.extend(self._impure([part]))
        if effects(parts) or unsure(parts) or self._caught_read(construct, raising(parts)):
            return None
        unused = self._reads_every_variable(target, construct)
        if unused:
            return unused
        start, end = self.doc.span(construct)
        lines = whole_lines(self.lines, start, end)
        if lines is None:
            return None
        first, last = self._with_debug_comments(*lines)
        plan = self._lines_plan(first, last, "statement", code_end=end, indent_line=lines[0])
        what = operator_of(construct) if construct.type == "binary_operator" else call_name(construct, self.doc)
        return Decision([plan], f"removed the `{what}` that only ran {target.shown}", (start, end))

    def _remove_after(self, target: Target, node: Node) -> Decision | None:
        """A `try`'s `after` that only runs the debug call goes, `after` line and all, while a `rescue`
        or `catch` keeps the `try` valid (an `after` whose value nobody reads changes no value)."""
        block = node.parent
        holder = block.parent if block is not None else None
        if block is None or block.type != "after_block" or holder is None or holder.parent is None \
                or call_name(holder.parent, self.doc) != "try" or block.named_children != [node] \
                or not any(c.type in ("rescue_block", "catch_block") for c in holder.named_children):
            return None
        parts = self._impure(call_arguments(target.call))
        if effects(parts) or unsure(parts) or raising(parts):
            return None
        start, end = self.doc.span(block)
        lines = whole_lines(self.lines, start, self.doc.span(node)[1])
        if lines is None:
            return None
        plan = self._lines_plan(*lines, "statement", code_end=self.doc.span(node)[1], indent_line=lines[1])
        return Decision([plan], f"removed the `try`'s `after` that only ran {target.shown}", (start, end))

    def _each_capture(self, capture: Node) -> Node | None:
        """The `Enum.each` whose function is `capture`, when the capture is only the call
        (`Enum.each(rows, &IO.inspect(&1, label: "row"))`)."""
        operand = capture.named_children[-1] if capture.named_children else None
        arguments = capture.parent
        caller = arguments.parent if arguments is not None and arguments.type == "arguments" else None
        if operand is None or operand.type != "call" or caller is None or caller.type != "call" \
                or call_arguments(caller)[-1] != capture:
            return None
        return caller if self.names.resolve(caller).name == "Enum.each" else None

    def _construct_of(self, node: Node) -> Node | None:
        if node.type == "unary_operator":
            return self._each_capture(node)
        holder = node.parent
        if holder.type == "binary_operator":
            return holder
        if holder.type == "pair":  # `if c, do: call`: pair < keywords < arguments < call
            owner = holder.parent.parent.parent if holder.parent is not None and holder.parent.parent is not None else None
        else:
            owner = holder.parent
            if owner is not None and owner.type == "stab_clause":
                owner = owner.parent
            if owner is not None and owner.type in ("else_block", "do_block"):
                owner = owner if owner.type == "do_block" else owner.parent
                owner = owner.parent if owner is not None else None
        if owner is not None and owner.type == "anonymous_function":
            arguments = owner.parent
            caller = arguments.parent if arguments is not None and arguments.type == "arguments" else None
            resolved = self.names.resolve(caller).name if caller is not None and caller.type == "call" else None
            return caller if resolved in ("Enum.each", "Stream.each") and call_arguments(caller)[-1] == owner else None
        if owner is not None and owner.type == "call" and call_name(owner, self.doc) in HOLLOW_CONSTRUCTS:
            return owner
        return None

    def _construct_parts(self, construct: Node) -> list[Node]:
        """The expressions of a construct that run (not its clause patterns): conditions, subjects,
        generators' enumerables, filters and every branch's statements."""
        if construct.type == "binary_operator":
            return [construct.child_by_field_name("left"), construct.child_by_field_name("right")]
        found: list[Node] = []
        name = call_name(construct, self.doc)
        for argument in call_arguments(construct):
            if argument.type == "keywords":
                found.extend(p.named_children[-1] for p in argument.named_children if p.type == "pair")
            elif argument.type == "anonymous_function":
                for clause in (c for c in argument.named_children if c.type == "stab_clause"):
                    body = clause.child_by_field_name("right")
                    found.extend(elixir.statements(body) if body is not None else [])
            elif argument.type == "binary_operator" and operator_of(argument) == "<-":
                found.append(argument.child_by_field_name("right"))
            else:
                found.append(argument)
        block = next((c for c in construct.children if c.type == "do_block"), None)
        for section in [block] + ([c for c in block.named_children if c.type == "else_block"] if block else []):
            if section is None:
                continue
            for child in section.named_children:
                if child.type == "stab_clause":
                    body = child.child_by_field_name("right")
                    found.extend(elixir.statements(body) if body is not None else [])
                    condition = child.child_by_field_name("left")
                    if name == "cond" and condition is not None:
                        found.append(condition)
                elif child.type not in ("comment", "else_block"):
                    found.append(child)
        return [f for f in found if f is not None]

    def _hollow(self, node: Node) -> str:
        """Why a call whose value nobody reads, and that is all its branch does, is reported."""
        holder = node.parent
        if holder.type == "binary_operator":
            return f"it is all the `{operator_of(holder)}` around it does, and that value is unused " \
                "(remove the whole expression by hand if its condition does no work)"
        if holder.type == "after_block" and holder.parent is not None and call_name(holder.parent.parent, self.doc) == "try":
            return "it is all that the `after` of its `try` does, and a `try` needs a `rescue`, `catch` or `after` " \
                "(replace the `try` with its body by hand)"
        owner = holder
        while owner is not None and not (owner.type == "call" or owner.type == "anonymous_function"):
            owner = owner.parent
        what = "fn" if owner is not None and owner.type == "anonymous_function" else \
            f"`{call_name(owner, self.doc)}`" if owner is not None else "block"
        return f"it is all that a branch of its {what} does and nobody uses the value, so deleting it " \
            f"would leave an empty branch (remove the whole {what} by hand if nothing else in it does work)"

    def _reads_every_variable(self, target: Target, statement: Node) -> str | None:
        """`dbg()` and `binding()` read every variable in scope: deleting the statement must not
        leave one of them unused (the compiler would warn). Why not, or None."""
        call = target.call
        bare_dbg = target.name == "Kernel.dbg" and call_arity(call) == 0
        if not bare_dbg and not any(self._is_binding_call(n) for n in elixir.descendants(statement)):
            return None
        start, end = statement.start_byte, statement.end_byte
        unused = []
        if self._every_variable is None:  # one analysis per file, however many such calls
            self._every_variable = variables(self.doc, lambda name: not name.startswith("_"))
        for variable in self._every_variable:
            scope = variable.scope
            if not (scope.start_byte <= start and end <= scope.end_byte) or not variable.bindings \
                    or variable.bindings[0].start_byte >= start:
                continue
            if all(start <= read.start_byte < end for read in variable.reads):
                unused.append(variable.name)
        if not unused:
            return None
        names = ", ".join(sorted(set(unused)))
        return f"it reads every variable in scope (binding), and {names} would be unused once it goes"

    def _is_binding_call(self, node: Node) -> bool:
        return node.type == "call" and call_name(node, self.doc) in ("binding", "Kernel.binding") \
            and not call_arguments(node)

    def _remove_stage(self, target: Target, pipe: Node) -> Decision | str:
        if target.kind != "identity" and pipe.child_by_field_name("right") == target.call:
            return "a banner or trace call used as a pipeline stage returns something else"
        call = pipe.child_by_field_name("right")
        if call == target.call:
            arity = call_arity(call)
            if target.name == "IO.inspect" and arity == 3:
                return "the piped value is the device, not the item it returns"
            bad = self._impure_options(target)
            if bad:
                return bad
        left = pipe.child_by_field_name("left")
        operator = pipe.child_by_field_name("operator") or pipe.children[1]
        op_start, end = self.doc.char(operator.start_byte), self.doc.char(pipe.end_byte)
        removed = (op_start, end)
        message = f"removed {target.shown} pipeline stage" if target.kind == "identity" or call != target.call \
            else f"removed {target.shown} stage"
        left_is_pipe = left.type == "binary_operator" and operator_of(left) == "|>"
        continues = pipe.parent is not None and pipe.parent.type == "binary_operator" and operator_of(pipe.parent) == "|>"
        if not left_is_pipe and not continues and left.end_point[0] != pipe.end_point[0]:
            # `x =\n  value\n  |> IO.inspect()`: what is left is no pipeline; lay it out as a value.
            placed = self.placer.place(pipe, [Keep(*self.doc.span(left))], left)
            if isinstance(placed, str):
                return placed
            return Decision(placed, message, removed, [self.doc.span(left)])
        lines = whole_lines(self.lines, op_start, end)
        if lines is not None:
            first, last = self._with_debug_comments(*lines)
            plan = self._lines_plan(first, last, "pipeline stage", code_end=end, indent_line=lines[0])
        else:
            plan = Plan(self.doc.char(left.end_byte), end, [])
        return Decision([plan], message, removed)

    def _remove_statement(self, target: Target, statement: Node) -> Decision | str:
        """Delete a statement whose value is discarded, keeping the work inside its arguments."""
        start, end = self.doc.span(statement)
        scanned = call_arguments(target.call)
        if statement != target.call and operator_of(statement) == "|>":  # `value |> IO.inspect(...)`
            scanned = [statement.child_by_field_name("left")] + scanned
        found = self._impure(scanned)
        bad = self._unsure(found) or self._caught_read(statement, raising(found))
        if bad:
            return bad
        parts = effects(found)
        one_liner = self._require_one_liner(target, statement)
        if one_liner is not None and not parts:
            start = self.doc.char(one_liner.start_byte)
        elif not first_on_line(self.lines, start):
            if len(parts) == 1 and parts[0].start_point[0] == parts[0].end_point[0]:
                # `fn -> IO.inspect(send(p, m)) end`: the work takes the call's place on its line
                return Decision([Plan(start, end, [Keep(*self.doc.span(parts[0]))])],
                                f"replaced {target.shown} with `{self._short(parts[0])}`, the work inside it",
                                (start, end), [self.doc.span(parts[0])])
            return "it shares its line with other code"
        if parts:
            return self._keep_parts(target, statement, parts)
        collapsed = self._collapse_block(target, statement)
        if collapsed is not None:
            return collapsed
        lines = whole_lines(self.lines, start, end)
        if lines is None:
            return "it shares its line with other code"
        first, last = self._with_debug_comments(*lines)
        plan = self._lines_plan(first, last, "statement", code_end=end, indent_line=lines[0])
        also = " and the `require IEx` on its line" if one_liner is not None else ""
        return Decision([plan], f"removed {target.shown} statement{also}", (start, end))

    def _collapse_block(self, target: Target, statement: Node) -> Decision | str | None:
        """`do: (IO.inspect(x); value)` losing its inspect: the parenthesised block is left with one
        expression, which `mix format` would put right after `do:`. Done here the same way (or
        reported); None when the statement is not in such a block."""
        block = statement.parent
        rest = [s for s in elixir.statements(block) if s != statement] if block.type == "block" else []
        pair = block.parent
        if len(rest) != 1 or pair is None or pair.type != "pair" or not pair.children \
                or pair.children[0].type != "keyword":
            return None
        if has_outside(block, statement, rest[0]) or rest[0].start_point[0] != rest[0].end_point[0]:
            return LAYOUT_CHANGES
        keyword = pair.children[0]
        colon = self.doc.char(keyword.start_byte) + self.doc.node_text(keyword).index(":") + 1
        start, end = self.doc.span(block)
        line = self.lines.line_of(colon)
        width = colon - self.lines.line_start(line) + 1 + len(self.doc.node_text(rest[0])) \
            + len(self.doc.text[end:self.lines.line_end(self.lines.line_of(end))].rstrip("\n"))
        if width > self.placer.line_length:
            return LAYOUT_CHANGES
        plan = Plan(colon, end, [" ", Keep(*self.doc.span(rest[0]))])
        return Decision([plan], f"removed {target.shown} statement", (start, end), [self.doc.span(rest[0])])

    def _unsure(self, parts: list[tuple[Node, str]]) -> str | None:
        found = unsure(parts)
        if not found:
            return None
        return f"`{self._short(found[0])}` may call a function of a module held in a variable, or read a field"

    def _caught_read(self, node: Node, reads: list[Node]) -> str | None:
        """Why dropping these reads would change what runs: they may raise where a handler around
        them in the same function would catch it (then a different branch runs). None otherwise."""
        if not reads:
            return None
        handler = self._handler_around(node)
        if handler is None:
            return None
        effect = "that would catch it" if handler == "try/rescue" else "whose branches a failure would change"
        return f"deleting it would skip `{self._short(reads[0])}`, which may raise, inside a {handler} {effect}"

    def _handler_around(self, node: Node) -> str | None:
        """"try/rescue" (or catch) or "with/else" when `node` sits where such a handler of its
        function sees it raise; None otherwise."""
        previous, current = node, node.parent
        from_section = False  # reached the do block through its else/rescue/catch/after part
        while current is not None:
            if current.type == "do_block":
                from_section = previous.type in ("else_block", "rescue_block", "catch_block", "after_block")
            elif current.type == "call":
                name = call_name(current, self.doc)
                block = next((c for c in current.children if c.type == "do_block"), None)
                sections = {c.type for c in block.named_children} if block is not None else set()
                came_from_section = previous == block and from_section
                keywords = {self.doc.node_text(p.children[0]).rstrip(": ") for a in call_arguments(current)
                            if a.type == "keywords" for p in a.named_children if p.type == "pair" and p.children}
                if name == "try" or name in DEF_LIKE:
                    if (sections & {"rescue_block", "catch_block"} or keywords & {"rescue", "catch"}) \
                            and not came_from_section:
                        return "try/rescue"
                if name == "with" and ("else_block" in sections or "else" in keywords) and not came_from_section:
                    return "with/else"
                if name in DEF_LIKE or name == "defmodule":
                    return None
            previous, current = current, current.parent
        return None

    def _require_one_liner(self, target: Target, statement: Node) -> Node | None:
        """`require IEx; IEx.pry()` on one line: the `require IEx` right before the pry statement,
        when nothing else on the line and nothing after it uses IEx."""
        if target.name != "IEx.pry":
            return None
        previous = statement.prev_named_sibling
        if previous is None or previous.type != "call" or call_name(previous, self.doc) != "require" \
                or self.doc.node_text(previous).split() != ["require", "IEx"] \
                or previous.start_point[0] != statement.start_point[0]:
            return None
        if not first_on_line(self.lines, self.doc.char(previous.start_byte)):
            return None
        if self._alias_uses_after(statement, "IEx"):
            return None  # another pry may stay (reported): it needs the require
        self.one_liners.add(previous.id)
        return previous

    def _keep_parts(self, target: Target, statement: Node, parts: list[Node]) -> Decision | str:
        """Replace the statement by the parts of its arguments that do work, one statement each."""
        start, end = self.doc.span(statement)
        if len(parts) > 1 and any(p.start_point[0] != p.end_point[0] for p in parts):
            return "the work inside it spans several lines"
        indent = line_indent(self.lines, self.lines.line_of(start))
        pieces: list[str | Keep] = []
        for number, part in enumerate(parts):
            keep = self.placer.keep(part, indent)
            if keep is None:
                return "the work inside it holds a multi-line string that cannot move"
            if number:
                pieces.append("\n" + " " * indent)
            pieces.append(keep)
        kept = [self.doc.span(p) for p in parts]
        shown = ", ".join(f"`{self._short(p)}`" for p in parts)
        message = f"replaced {target.shown} with {shown}, the work inside it"
        return Decision([Plan(start, end, pieces)], message, (start, end), kept)

    def _banner_value(self, target: Target) -> Decision | str:
        parts = self._impure(call_arguments(target.call))
        if effects(parts) or unsure(parts):
            return "its result is used and its arguments do work"
        caught = self._caught_read(target.call, raising(parts))
        if caught:
            return caught
        placed = self.placer.place(target.call, [":ok"], None)
        if isinstance(placed, str):
            return placed
        return Decision(placed, f"replaced {target.shown} (used as a value) with :ok", self.doc.span(target.call))

    def _unwrap(self, target: Target) -> Decision | str:
        call = target.call
        item = self._item(call, call_arity(call))
        if item is None:
            return "it has no argument to keep, and its value is used"
        bad = self._impure_options(target)
        if bad:
            return bad
        if has_outside(call, item):
            return "a comment inside it would be lost"
        if item.type == "call" and _no_parens_with_args(item) and not _stands_alone(call):
            # `if x, do: 1, else: 2` or `Enum.map list, f` spliced into an operand, an argument or a
            # `<-` would take in what follows it; wrapped in parentheses, `mix format` rewrites it.
            return "its argument is a call without parentheses"
        prefix, suffix = ("[", "]") if item.type == "keywords" else \
            ("(", ")") if _needs_parens(item, call, self.doc) else ("", "")
        keep = Keep(*self.doc.span(item))
        pieces = [p for p in (prefix, keep, suffix) if p != ""]
        placed = self.placer.place(call, pieces, item)
        if isinstance(placed, str):
            return placed
        return Decision(placed, f"replaced {target.shown} with its argument", self.doc.span(call), [self.doc.span(item)])

    def _impure_options(self, target: Target) -> str | None:
        options, device = self._options_and_device(target)
        parts = self._impure(options + ([device] if device is not None else []))
        work = effects(parts) + unsure(parts)
        if work:
            return f"its options do work (`{self._short(work[0])}`)"
        return self._caught_read(target.call, raising(parts))

    def _item(self, call: Node, arity: int) -> Node | None:
        """What IO.inspect/dbg return: IO.inspect(item, opts), IO.inspect(device, item, opts), dbg(code, opts)."""
        args = call_arguments(call)
        piped = arity > len(args)
        if piped:
            parent = call.parent
            return parent.child_by_field_name("left") if arity != 3 else (args[0] if args else None)
        if not args:
            return None
        if arity == 3 and self.names.resolve(call).name == "IO.inspect":
            return args[1]
        return args[0]

    def _impure(self, nodes: list[Node]) -> list[tuple[Node, str]]:
        """Impure parts, seeing through debug calls that are themselves being fixed."""
        parts: list[tuple[Node, str]] = []
        for node, kind in impure_parts(nodes, self.doc, self.local):
            decision = self.fixed.get(node.id) if node.type == "call" else None
            if decision is None:
                parts.append((node, kind))
                continue
            inner = [n for n in (self._item(node, call_arity(node)),) if n is not None]
            parts.extend(self._impure(inner))
        return parts

    # -- bookkeeping after removals -----------------------------------------------------------------------
    def _bookkeeping(self) -> None:
        # A fix that would leave a variable unused where the `_` rename is blocked (or would change
        # what `binding()` returns) is taken back, and the regions recomputed without it.
        self.dropped_functions: dict[tuple[int, str], list[tuple[int, int]]] = {}
        self.dropped_bindings: dict[int, tuple[Plan, tuple[int, int], str, int]] = {}
        renames: list = []
        for _ in range(MAX_SETTLE):
            self._gone_index = self._regions()
            orphans, stuck = self._unused_private_functions()
            for spans, reason in stuck:
                self._retract_spans(spans, reason)
            if stuck:
                if not self.fixed:
                    return
                continue
            if orphans:
                self.dropped_functions.update(orphans)
                continue  # what they called may now be unused too
            renames, blocked = self._unused_variables()
            if not blocked:
                unbound = self._unbind(renames)
                if not unbound:
                    break
                self.dropped_bindings.update(unbound)
                continue  # what their right sides read may now be unused too
            for variable, reason in blocked:
                self._retract(variable, reason)
            if not self.fixed:
                return
        self._drop_functions()
        for plan, _, message, at in self.dropped_bindings.values():
            self.rewrite.add(plan)
            self._finding_at(at, message, True, "no dead code: a binding only removed debug code read")
        for variable, new_name in renames:
            self._rename(variable, new_name)
        self._drop_unused_attributes()
        self._drop_unused_directives()

    def _regions(self) -> _Regions:
        # A fix whose edit overlaps another one is made in the engine's next pass: not gone yet.
        deferred = {id(plan) for plan in self.rewrite.overlapping()}
        regions = []
        for decision in self.fixed.values():
            if not any(id(plan) in deferred for plan in decision.plans):
                regions.append((*decision.removed, False))
                regions.extend((start, end, True) for start, end in decision.kept)
        for spans in getattr(self, "dropped_functions", {}).values():
            regions.extend((start, end, False) for start, end in spans)
        for _, (start, end), _, _ in getattr(self, "dropped_bindings", {}).values():
            regions.append((start, end, False))
        return _Regions(regions)

    def _unbind(self, renames) -> dict[int, tuple[Plan, tuple[int, int], str, int]]:
        """`ready = x > 0` whose only reader was removed: renamed `_ready` it would be a dead
        statement. The whole statement goes when its right side does no work, or the binding goes
        and the work stays (`load()`); otherwise the rename stands."""
        found = {}
        for variable, _ in renames:
            binding = variable.bindings[0] if len(variable.bindings) == 1 else None
            match = binding.parent if binding is not None else None
            if match is None or match.type != "binary_operator" or operator_of(match) != "=" \
                    or match.child_by_field_name("left") != binding or match.parent is None \
                    or match.parent.type not in BLOCKS or self.flow.used(match):
                continue
            right = match.child_by_field_name("right")
            parts = self._impure([right])
            if unsure(parts) or self._caught_read(match, raising(parts)):
                continue
            start, end = self.doc.span(match)
            work = effects(parts)
            lines = whole_lines(self.lines, start, end)
            if not work and lines is not None:
                plan = self._lines_plan(*lines, "unused binding", code_end=end, indent_line=lines[0])
                found[binding.id] = (plan, (start, end), f"removed `{self._short(match)}`: only the removed debug "
                                     "code read it", start)
            elif work == [right] and match.start_point[0] == match.end_point[0]:
                right_start = self.doc.char(right.start_byte)
                found[binding.id] = (Plan(start, right_start, []), (start, right_start),
                                     f"removed the binding of {variable.name}: only the removed debug code read it "
                                     "(its work stays)", start)
        return found

    def _unused_private_functions(self):
        """Private functions whose every reference lay in removed code: ({(module, name): line spans
        to delete}, [(reference spans, why the fix is taken back)] when one cannot be deleted whole)."""
        orphans, stuck = {}, []
        # Such a function is called in removed code: only the names written there are looked up.
        removed = {m.group() for start, end, kept in self._gone_index.regions if not kept
                   for m in WORD.finditer(self.doc.text, start, end)}
        self._cover_removed()
        for module in self.names.modules_in_order():
            if not self._gone_index.touches_removed(*self.doc.span(module.block)):
                continue  # no reference in it can be gone
            definitions: dict[str, list[Node]] = {}
            for statement in elixir.statements(module.block):
                if statement.type == "call" and call_name(statement, self.doc) == "defp":
                    head = def_name_and_arities(statement, self.doc)
                    if head is not None:
                        definitions.setdefault(head[0], []).append(statement)
            for name, clauses in definitions.items():
                key = (module.block.id, name)
                if name not in removed or key in self.dropped_functions:
                    continue
                references = self._references(module.block, name, clauses)
                if references is None or not references or not all(self._gone(n) for n in references):
                    continue
                spans = self._function_lines(clauses, name)
                if spans is None:
                    stuck.append(([self.doc.span(n) for n in references],
                                  f"{name} would be unused once it goes, and fixer cannot delete it whole"))
                else:
                    orphans[key] = spans
        return orphans, stuck

    def _references(self, block: Node, name: str, clauses: list[Node]) -> list[Node] | None:
        """Where `name` is written in the module outside its own clauses and their @spec (calls,
        captures, atoms alike); None when one of them is in code fixer cannot see through."""
        start, end = self.doc.span(block)
        found = []
        inside = [self.doc.span(c) for c in clauses]
        for at in elixir.word_starts(self.doc.text[start:end], name):
            offset = start + at
            if any(a <= offset < b for a, b in inside):
                continue
            node = self.doc.node_at(offset, offset + len(name))
            if node is None or node.type == "comment" or elixir.in_opaque(node) and node.type not in ("atom", "quoted_atom"):
                continue
            if self._spec_of(node, name) is not None:
                continue
            found.append(node)
        return found

    def _spec_of(self, node: Node, name: str) -> Node | None:
        """The `@spec name(...)` statement holding `node`, if any."""
        current = node
        while current is not None and current.parent is not None and current.parent.type not in BLOCKS:
            current = current.parent
        if current is not None and current.type == "unary_operator" and operator_of(current) == "@" \
                and re.match(rf"@spec\s+{re.escape(name)}\b", self.doc.node_text(current)):
            return current
        return None

    def _function_lines(self, clauses: list[Node], name: str) -> list[tuple[int, int]] | None:
        """Character spans of the whole lines that hold the clauses, with the @spec, `@doc false` and
        comment lines right above each; None when a clause shares a line with other code."""
        spans = []
        for clause in clauses:
            lines = whole_lines(self.lines, *self.doc.span(clause))
            if lines is None:
                return None
            first, last = lines
            while first > 1:
                above = self.lines.line_text(first - 1).strip()
                if first - 1 in self.comments or re.match(rf"@spec\s+{re.escape(name)}\b|@doc\s+false\b", above):
                    first -= 1
                else:
                    break
            spans.append((self.lines.line_start(first), self.lines.line_end(last)))
        return spans

    def _drop_functions(self) -> None:
        for (_, name), spans in self.dropped_functions.items():
            for start, end in spans:
                self.rewrite.add(Plan(start, end, tidy=True, message="unused private function"))
            self._finding_at(spans[0][0], f"removed {name}: only the removed debug code called it", True,
                             "keeps the compiler quiet: private function only called by debug code")

    def _retract_spans(self, spans: list[tuple[int, int]], reason: str) -> None:
        """Undo the fixes that removed these spans: the calls stay, reported with `reason`."""
        for call_id, decision in list(self.fixed.items()):
            if call_id not in self.fixed or not any(_removes(decision, span) for span in spans):
                continue
            for member in decision.group or (call_id,):
                undone = self.fixed.pop(member, None)
                if undone is None:
                    continue
                self.rewrite.remove(undone.plans)
                self.outcome_findings[undone.finding] = None
                target, verdict = self.judged.pop(member)
                self._not_fixed(target, verdict, reason)

    def _retract(self, variable, reason: str) -> None:
        """Undo the fixes that removed the variable's reads: the calls stay, reported with `reason`."""
        self._retract_spans([self.doc.span(read) for read in variable.reads], reason)

    def _gone(self, node: Node) -> bool:
        return self._gone_index.gone(*self.doc.span(node))

    def _unused_variables(self) -> tuple[list, list]:
        """Variables whose only reads were in removed debug code: (variable, new name) to rename
        with `_` (no new warning), and (variable, why not) where the rename is blocked."""
        # Such a variable is read in removed code: only the names written there need resolving.
        removed = {m.group() for start, end, kept in self._gone_index.regions if not kept
                   for m in WORD.finditer(self.doc.text, start, end)}
        renames, blocked = [], []
        if not removed:
            return renames, blocked
        # ...and only the definitions holding removed code: a variable none of whose reads and
        # bindings is gone is left alone whatever it is.
        focus = [(self.doc.byte(start), self.doc.byte(end)) for start, end, kept in self._gone_index.regions if not kept]
        found = list(variables(self.doc, lambda name: not name.startswith("_"), removed, focus))
        # `x = x |> IO.inspect()` removed: the reads of that rebinding now read the x before it.
        inherited = [v for v in found if any(self._gone(b) for b in v.bindings)
                     and not all(self._gone(read) for read in v.reads)]
        for variable in found:
            if not variable.reads or not all(self._gone(read) for read in variable.reads):
                continue
            if any(v.name == variable.name and variable.scope.start_byte <= v.scope.start_byte
                   and v.scope.end_byte <= variable.scope.end_byte for v in inherited):
                continue
            if any(self._gone(binding) for binding in variable.bindings):
                continue
            if len(variable.bindings) > 1:
                continue  # `{x, x} = pair`: the repeat is a use; `{_x, _x}` would warn instead
            new_name = "_" + variable.name
            start, _ = self.doc.span(variable.bindings[0])
            unused = f"{variable.name} would be unused once it goes"
            if calls_binding(variable.scope, self.doc):
                blocked.append((variable, f"{unused}, and renaming it to {new_name} would change what binding() "
                                          "returns in this clause"))
            elif _in_chained_match(variable.bindings[0]):
                blocked.append((variable, f"{unused}, and renaming it to {new_name} in a chained match "
                                          "(`a = b = ...`) would make the compiler warn that a result is ignored"))
            elif name_taken(variable.scope, new_name, self.doc):
                blocked.append((variable, f"{unused}, and {new_name} (the rename that keeps the compiler quiet) is taken"))
            elif len(self.lines.line_text(self.lines.line_of(start))) >= self.placer.line_length:
                blocked.append((variable, f"{unused}, and renaming it to {new_name} would make its line too long"))
            else:
                renames.append((variable, new_name))
        return renames, blocked

    def _rename(self, variable, new_name: str) -> None:
        for binding in variable.bindings:
            self.rewrite.add(Plan(*self.doc.span(binding), [new_name]))
        start, _ = self.doc.span(variable.bindings[0])
        message = f"renamed {variable.name} to {new_name}: its only uses were in removed debug code"
        self._finding_at(start, message, True, "keeps the compiler quiet: variable only read by debug code")

    def _drop_unused_attributes(self) -> None:
        """A module attribute read only by removed debug code would warn "set but never used": its
        definitions in that module go too (plain literal values), or it is reported."""
        reads: dict[tuple[int, str], list[Node]] = {}
        definitions: dict[tuple[int, str], list[tuple[Node, Node]]] = {}
        # An attribute matters only when a read of it is gone: its name is written in removed code.
        written = self._removed_tokens()
        for match in re.finditer(r"@([a-z_]\w*)", self.doc.text):
            if match.group(1) not in written:
                continue
            node = self.doc.node_at(match.start(), match.start() + 1)
            attribute = node.parent if node is not None and node.type == "@" else None
            if attribute is None or attribute.type != "unary_operator" or elixir.in_opaque(attribute):
                continue
            module = self.names.module_of(attribute)
            if module is None:
                continue
            operand = attribute.child_by_field_name("operand")
            key = (module.block.id, match.group(1))
            if operand is not None and operand.type == "identifier":
                reads.setdefault(key, []).append(attribute)
            elif operand is not None and operand.type == "call" and call_arguments(operand):
                definitions.setdefault(key, []).append((attribute, call_arguments(operand)[0]))
        for key, nodes in reads.items():
            name = key[1]
            if name in RESERVED_ATTRIBUTES or key not in definitions or not all(self._gone(n) for n in nodes):
                continue
            if re.search(rf"Module\.\w+\([^)]*:{re.escape(name)}\b", self.doc.text):
                continue  # read through Module functions too
            for definition, value in definitions[key]:
                self._drop_attribute(name, definition, value)

    def _drop_attribute(self, name: str, definition: Node, value: Node) -> None:
        start, end = self.doc.span(definition)
        statement = definition.parent is not None and definition.parent.type in BLOCKS
        lines = whole_lines(self.lines, start, end) if statement else None
        if lines is None or impure_parts([value], self.doc):
            message = f"@{name} is only used by the removed debug code; remove it by hand"
            self._finding_at(start, message, False, "attribute only read by debug code; its value may do work")
            return
        first, last = self._with_debug_comments(*lines)
        self.rewrite.add(self._lines_plan(first, last, "unused attribute"))
        self._finding_at(start, f"removed @{name}: only the removed debug code used it", True,
                         "keeps the compiler quiet: attribute only read by debug code")

    def _drop_unused_directives(self) -> None:
        """`alias`, `import IO` and `require IEx` whose only uses were in removed debug code would warn
        "unused alias/import": they go too (or are reported when they share a line)."""
        # A directive matters only when a use of it is gone: the name it makes is written in removed code.
        written = self._removed_tokens()
        io_names = not written.isdisjoint(EXPORTS["IO"])
        self._cover_removed()
        for block_id, directives in self.names.directives_in_order():
            for directive in directives:
                if directive.kind == "alias" and directive.short and directive.short not in written:
                    continue
                if directive.kind == "import" and directive.target == "IO" and not io_names:
                    continue
                if directive.kind == "require" and directive.target == "IEx" and "IEx" not in written:
                    continue
                if directive.kind == "alias" and directive.short:
                    uses = self._alias_uses(directive)
                    label = f"alias {directive.short}"
                elif directive.kind == "import" and directive.target == "IO":
                    uses = self._import_uses(directive)
                    label = "import IO"
                elif directive.kind == "require" and directive.target == "IEx" \
                        and directive.node.id not in self.one_liners and "as" not in self.doc.node_text(directive.node):
                    uses = self._alias_uses(replace(directive, short="IEx"))
                    label = "require IEx"
                else:
                    continue
                if not uses or not all(self._gone(n) for n in uses):
                    continue
                self._drop_directive(directive.node, label)

    def _cover_removed(self) -> None:
        """Index the names of every top-level statement holding removed code (see `Names`)."""
        for start, end in self._gone_index.removed():
            self.names.cover(self.doc.byte(start), self.doc.byte(end))

    def _removed_tokens(self) -> set[str]:
        """The `\\w+` runs written in removed code (a name used there is one of them, whole)."""
        return {m.group() for start, end in self._gone_index.removed() for m in TOKEN.finditer(self.doc.text, start, end)}

    def _alias_uses(self, directive) -> list[Node]:
        return self._alias_uses_after(directive.node, directive.short)

    def _alias_uses_after(self, node: Node, short: str) -> list[Node]:
        """Uses of the alias `short` after `node`, in the block that holds it (its lexical scope)."""
        scope = node.parent
        text = self.doc.text
        uses = []
        pattern = re.compile(rf"(?<![\w.]){re.escape(short)}\b")
        _, end = self.doc.span(scope)
        for match in pattern.finditer(text, self.doc.char(node.end_byte), end):
            node = self.doc.node_at(match.start(), match.end())
            if node is not None and node.type == "alias" and not elixir.in_opaque(node):
                uses.append(node)
        return uses

    def _import_uses(self, directive) -> list[Node]:
        scope = directive.node.parent
        names = "|".join(sorted(EXPORTS["IO"]))
        uses = []
        _, end = self.doc.span(scope)
        pattern = re.compile(rf"(?<![\w.:@])(?:{names})\b")
        for match in pattern.finditer(self.doc.text, self.doc.char(directive.node.end_byte), end):
            node = self.doc.node_at(match.start(), match.end())
            if node is None or node.type != "identifier" or elixir.in_opaque(node):
                continue
            call = node.parent
            if call is not None and call.type == "call" and call.child_by_field_name("target") == node:
                if self.names.resolve(call).name and self.names.resolve(call).name.startswith("IO."):
                    uses.append(call)
            else:
                uses.append(node)  # a variable of that name, or a capture: count it as a use
        return uses

    def _drop_directive(self, node: Node, label: str) -> None:
        start, end = self.doc.span(node)
        lines = whole_lines(self.lines, start, end)
        if lines is None:
            self._finding_at(start, f"{label} is only used by the removed debug code; remove it by hand", False,
                             "directive only used by debug code")
            return
        self.rewrite.add(self._lines_plan(*lines, label))
        self._finding_at(start, f"removed {label}: only the removed debug code used it", True,
                         "keeps the compiler quiet: directive only used by debug code")

    # -- helpers --------------------------------------------------------------------------------------------
    def _lines_plan(self, first: int, last: int, message: str, code_end: int | None = None,
                    indent_line: int | None = None) -> Plan:
        """Delete lines first..last (edits.py tidies the blank lines around them). A comment after
        the code (ending at `code_end`) on the last line stays on a line of its own, indented as
        `indent_line`, unless it is about debugging."""
        if code_end is not None:
            tail = self.lines.line_text(last)
            hash_at = tail.find("#", code_end - self.lines.line_start(last))
            comment = tail[hash_at:] if hash_at >= 0 else ""
            if comment and not COMMENT_GOES.search(comment) and not DEBUG_COMMENT.search(comment):
                indent = " " * line_indent(self.lines, indent_line if indent_line is not None else first)
                # A comment closing its block: `mix format` puts a blank line above it.
                closing = last < self.lines.line_count and re.match(r"\s*(?:end\b|[)\]}])", self.lines.line_text(last + 1))
                return Plan(self.lines.line_start(first), self.lines.line_start(last) + hash_at,
                            ["\n" + indent if closing else indent], message=message)
        return Plan(self.lines.line_start(first), self.lines.line_end(last), tidy=True, message=message)

    def _with_debug_comments(self, first: int, last: int) -> tuple[int, int]:
        """Widen a deletion to the comment lines right above it that describe only it: all of them
        when they and the deleted lines make a paragraph of their own (a blank line or the block's
        edge on both sides), else those about debugging (up to the first that is not: a comment
        about the code around it stays)."""
        block = first
        while block - 1 in self.comments:
            block -= 1
        texts = [self.lines.line_text(line) for line in range(block, first)]
        if texts and not any(INTENT_COMMENT.search(t) for t in texts) \
                and self._paragraph_edge(block - 1, above=True) and self._paragraph_edge(last + 1, above=False):
            return block, last
        while first - 1 in self.comments:
            text = self.lines.line_text(first - 1)
            if not COMMENT_GOES.search(text) or INTENT_COMMENT.search(text):
                break
            first -= 1
        return first, last

    def _paragraph_edge(self, line: int, above: bool) -> bool:
        """The line ends a paragraph: blank, outside the file, or the edge of its block (a line
        opening one above, `end` or a closing bracket below)."""
        if line < 1 or line > self.lines.line_count:
            return True
        text = self.lines.line_text(line).strip()
        if not text:
            return True
        if above:
            return bool(re.search(r"(?:\bdo|->|\bfn|[(\[{])$", text.split(" #")[0].rstrip()))
        return bool(re.match(r"(?:end\b|[)\]}]|else\b|rescue\b|catch\b|after\b)", text))

    def _short(self, node: Node) -> str:
        text = " ".join(self.doc.node_text(node).split())
        return text if len(text) <= 40 else text[:37] + "..."

    def _review(self, node: Node, message: str, evidence: str) -> None:
        self._finding(node, message, False, evidence)

    def _finding(self, node: Node, message: str, fixed: bool, evidence: str) -> None:
        start, end = self.doc.span(node)
        self.outcome_findings.append(self.rule.finding(self.source, start, message, fixed, end, evidence=evidence))

    def _finding_at(self, offset: int, message: str, fixed: bool, evidence: str) -> None:
        self.outcome_findings.append(self.rule.finding(self.source, offset, message, fixed, evidence=evidence))


class _Regions:
    """Removed and kept character ranges, properly nested; a range is gone when the innermost region
    holding it was removed."""

    def __init__(self, regions: list[tuple[int, int, bool]]):
        ordered = sorted(set(regions), key=lambda r: (r[0], -r[1], r[2]))
        self.regions = ordered
        self.starts = [r[0] for r in ordered]
        self._merged: tuple[list[int], list[int]] | None = None
        self.parent: list[int] = []
        stack: list[int] = []
        for index, (start, end, _) in enumerate(ordered):
            while stack and not (ordered[stack[-1]][0] <= start and end <= ordered[stack[-1]][1]):
                stack.pop()
            self.parent.append(stack[-1] if stack else -1)
            stack.append(index)

    def removed(self) -> list[tuple[int, int]]:
        """The removed ranges (the kept ones inside them not taken out)."""
        return [(start, end) for start, end, kept in self.regions if not kept]

    def touches_removed(self, start: int, end: int) -> bool:
        """Some removed range meets [start, end] (ends included): only then can a node in it be gone."""
        if self._merged is None:
            merged: list[list[int]] = []
            for a, b in sorted(self.removed()):
                if merged and a <= merged[-1][1]:
                    merged[-1][1] = max(merged[-1][1], b)
                else:
                    merged.append([a, b])
            self._merged = ([a for a, _ in merged], [b for _, b in merged])
        starts, ends = self._merged
        index = bisect_left(ends, start)
        return index < len(ends) and starts[index] <= end

    def gone(self, start: int, end: int) -> bool:
        index = bisect_right(self.starts, start) - 1
        while index >= 0:
            region_start, region_end, kept = self.regions[index]
            if region_start <= start and end <= region_end:
                return not kept
            index = self.parent[index]
        return False


def _removes(decision: Decision, span: tuple[int, int]) -> bool:
    """The span lies in what the decision removes, not in a part it keeps."""
    def inside(outer):
        return outer[0] <= span[0] and span[1] <= outer[1]
    return inside(decision.removed) and not any(inside(kept) for kept in decision.kept)


def _in_default(node: Node) -> bool:
    """The node is inside the default value (right of `\\\\`) of a parameter."""
    current = node
    while current.parent is not None and current.parent.type not in BLOCKS:
        parent = current.parent
        if parent.type == "binary_operator" and operator_of(parent) == "\\\\" \
                and parent.child_by_field_name("right") == current:
            return True
        current = parent
    return False


def _in_chained_match(binding: Node) -> bool:
    """`y = z = x + 1`: the identifier is the left of a match that is itself matched (or matches one)."""
    match = binding.parent
    if match is None or match.type != "binary_operator" or operator_of(match) != "=" \
            or match.child_by_field_name("left") != binding:
        return False
    right, outer = match.child_by_field_name("right"), match.parent
    nested = outer is not None and outer.type == "binary_operator" and operator_of(outer) == "="
    return nested or right is not None and right.type == "binary_operator" and operator_of(right) == "="


def _phrases(verdict: Verdict) -> str:
    return ", ".join(c.phrase for c in verdict.side(LEFTOVER))


def _canonical(name: str) -> str:
    return {"dbg": "Kernel.dbg", "pry": "IEx.pry"}.get(name, name.removeprefix("Elixir."))


def _candidate_pattern(calls: set[str], banners: bool, import_io: bool) -> re.Pattern[str]:
    # Bare `inspect`/`puts`/`write` are Kernel's (or not debug calls) unless IO is imported.
    bare = ["dbg", "pry"] + (["inspect", "puts", "write"] if import_io else [])
    qualified = ["inspect", "dbg", "pry"] + (["puts", "write"] if banners or import_io else [])
    alternatives = [r"(?:[A-Z]\w*\.)+(?:" + "|".join(qualified) + r")\b", r"(?:" + "|".join(bare) + r")\b",
                    r":dbg\.\w+"]
    if banners:
        alternatives.append(r"Logger\.\w+")
    for call in sorted(calls):
        if call not in IDENTITY and call not in ("IEx.pry", ":dbg"):
            alternatives.append(re.escape(call) + r"\b")
    return re.compile(r"(?<![\w.:@])(?:" + "|".join(alternatives) + r")")


def _candidate_literals(calls: set[str], banners: bool, import_io: bool) -> set[str]:
    """Strings one of which every match of `_candidate_pattern` (same arguments) holds."""
    words = {"inspect", "dbg", "pry"} | ({"puts", "write"} if banners or import_io else set())
    if banners:
        words.add("Logger")
    return words | {call for call in calls if call not in IDENTITY and call not in ("IEx.pry", ":dbg")}


CHAIN_CHAR = re.compile(r"[\w.:@]")


def _finditer_near(pattern: re.Pattern[str], literals: set[str], text: str):
    """`pattern.finditer(text)`, for a pattern each of whose matches holds one of `literals` and has
    only `[\\w.:@]` characters before it: the pattern is tried only at the starts of the runs of
    such characters that lead to a literal (found by literal search), not at every position of the
    text (a scan of a 5 MB file took 0.3-0.45 s)."""
    found = sorted({at for literal in literals for at in occurrences(text, literal)})
    position = 0  # where the last match ended: matches do not overlap, as with finditer
    for at in found:
        if at < position:
            continue
        start = at
        while start > position and CHAIN_CHAR.match(text, start - 1):
            start -= 1
        for candidate in range(start, at + 1):
            match = pattern.match(text, candidate)
            if match is not None:
                yield match
                position = max(match.end(), candidate + 1)
                break


def _no_parens_with_args(node: Node) -> bool:
    """`f a, b` (a do-block call, `case x do ... end`, is delimited by its `end`: not one of them)."""
    if elixir.has_do_block(node):
        return False
    return bool(call_arguments(node)) and not any(
        c.type == "arguments" and c.children and c.children[0].type == "(" for c in node.children)


def _stands_alone(call: Node) -> bool:
    """The call is a whole statement, or the right side of a match that is one: a call without
    parentheses put there keeps every argument it had (`y = if x, do: 1, else: 2`)."""
    parent = call.parent
    if parent is None or parent.type in BLOCKS:
        return True
    return parent.type == "binary_operator" and operator_of(parent) == "=" \
        and parent.child_by_field_name("right") == call and parent.parent is not None and parent.parent.type in BLOCKS


def _needs_parens(item: Node, call: Node, doc: Doc) -> bool:
    """Would splicing `item` in place of the call change how the parent operator groups it, or would
    `mix format` put parentheses there (it follows the same rule, in Code.Formatter)?"""
    parent = call.parent
    if parent is None:
        return False
    if item.type == "unary_operator":
        return operator_of(item) == "&" and parent.type in ("binary_operator", "unary_operator", "dot", "access_call")
    if item.type != "binary_operator":
        return False
    if parent.type in ("unary_operator", "dot", "access_call"):
        return True
    if parent.type != "binary_operator":
        return False
    inner_op, outer_op = operator_of(item) or "", operator_of(parent) or ""
    if inner_op in LOGICAL and outer_op in LOGICAL and inner_op != outer_op:
        return True
    inner = PRECEDENCE.get(inner_op, -1)
    outer = PRECEDENCE.get(outer_op, len(PRECEDENCE))
    side = "left" if parent.child_by_field_name("left") == call else "right"
    assoc = "right" if outer_op in RIGHT_ASSOCIATIVE else "left"
    if inner == outer and side == assoc:
        return False
    return outer_op in REQUIRED_PARENS or outer > inner or inner == outer


def _ignored(pattern: Node | None) -> bool:
    """`_` or `_name`: a pattern that matches anything and binds nothing anyone may read."""
    return pattern is not None and pattern.type == "identifier" and pattern.text.decode().startswith("_")

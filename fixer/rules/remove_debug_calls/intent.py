"""Is this debug-looking call a leftover, or output on purpose? Evidence both ways, and a verdict.

Evidence that a call is a debug leftover ("leftover" clues; strong ones marked *):
  * `dbg`, `IEx.pry`, `:dbg` tracing; a call named in `calls` or a banner matching `messages`
  * a comment right above it (or after it) that says debug / dbg / XXX / temporary / remove, unless
    one there says the output is wanted
  * it passes a value through: a middle pipeline stage, a `tap`/`then` stage, or a value another
    expression uses (an argument, an operand, the right side of `=`)
  - a `label:` (it names what is being looked at)
  - its value is discarded in a function that does other work, or returned as the function's value
  - it runs at compile time in a module body, or at load time in a file outside any module
Evidence that the output is on purpose ("purpose" clues):
  - a comment right above it (or after it) says so: "do not remove", "keep this", "intentional", "on
    purpose", "not a debug ...", "scraped", "expected output"; or a `credo:disable` comment for the
    line or the file
  - it names a device other than `:stdio`; it prints a deprecation or usage notice; its label is a
    sentence for a person (`"Failed to create contact!"`) on an error path (rescue, catch, an
    `{:error, _}`/`error ->` clause)
  - it is in a test support file that captures output
  - the output is captured or asserted by a test (`capture_io`, `with_io`, `assert IO.inspect(..)`)
  - the device or the inspect options come from the caller or are computed (`IO.inspect(x, opts)`)
  - printing is the enclosing function's job: its name says so (inspect/print/pp/puts/flush/dump/
    show/display/main/write/echo/render/report/output/trace/debug/log/banner), or all it does is print
    (with `IO.puts`/`IO.write`/`Mix.shell`; a body of only `IO.inspect`s is debugging)
  - a flag or an option switches it on: an enclosing `if`/`unless`/`case` subject or `cond`
    condition on verbose/debug/trace/print/display/show/quiet/log or an option read (`opts[:x]`),
    or such a flag left of an enclosing `&&`/`||`/`and`/`or`
  - a `:dbg` call in tracing tooling: a function that only makes `:dbg` calls (and returns a
    plain value), or a module whose name or `@moduledoc` says trace/tracer/tracing/debug/dbg
  - the module is a Mix task (`Mix.Tasks.*`, `use Mix.Task`) or a command-line module (`main/1`)
  - the file is a script whose output is its job (`.exs` outside `test/`, `config/` and `mix.exs`)
Verdict: leftover clues and no purpose clue -> fix; a purpose clue and a strong leftover clue ->
needs review (both reasons given); a purpose clue otherwise -> left alone; no clue -> needs review.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from tree_sitter import Node

from fixer.lang.elixir.syntax import Doc, call_arguments, call_name, operator_of, statements
from fixer.lang.elixir.names import DEF_LIKE, Names, def_name_and_arities, keyword_options

PRINTING_WORDS = frozenset({"inspect", "print", "pp", "puts", "flush", "dump", "show", "display", "main", "write",
                            "echo", "render", "report", "output", "trace", "debug", "log", "banner", "pretty",
                            "verbose", "tell", "say"})
TEST_BLOCKS = frozenset({"test", "setup", "setup_all", "describe"})
IO_CAPTURES = frozenset({"capture_io", "with_io", "ExUnit.CaptureIO.capture_io", "ExUnit.CaptureIO.with_io"})
CAPTURES = IO_CAPTURES | {"capture_log", "ExUnit.CaptureLog.capture_log", "with_log"}
ASSERTIONS = frozenset({"assert", "refute", "assert_raise", "assert_received", "assert_receive", "assert_in_delta"})
OUTPUT_PREFIXES = ("IO.", "Mix.shell", "Mix.Shell", ":io.")  # printing for a user (Logger is another channel)
DEBUG_COMMENT = re.compile(r"(?i)\b(?:debug(?:ging)?|dbg|xxx|temp(?:orary)?|tmp|remove\b)")
# A comment saying the output is wanted: evidence of purpose, and it silences the debug words around
# it ("not a debug leftover", "do not remove").
INTENT_COMMENT = re.compile(r"(?i)\b(?:do\s+not|don'?t|never|must\s+not)\s+(?:remove|delete|drop|touch)"
                            r"|\bkeep\s+(?:it|this|that|the\s+(?:output|line|call|print))\b"
                            r"|\bneeds?\s+(?:this|the|that)\s+output\b"
                            r"|\bintentional|\bon\s+purpose\b|\bdeliberate|\bnot?\s+(?:a\s+)?debug|\bscrape"
                            r"|\bexpected\s+output\b")
FLAG = re.compile(r"(?i)verbos|debug|trace|print|quiet|silent|\blog|display|show|output|echo|dump|inspect|interactive"
                  r"|\b(?:opts|options|config|flags|settings)\b\s*(?:\[|\.)|Keyword\.get\(\s*(?:opts|options)\b")
# `# credo:disable-for-next-line Credo.Check.Warning.IoInspect` (or a check-less disable): wanted output.
CREDO = re.compile(r"credo:disable-for-(?:next-line|this-line|lines:\d+)(?:\s+Credo\.Check\.Warning\.(?:IoInspect|Dbg))?\s*$")
CREDO_FILE = re.compile(r"#\s*credo:disable-for-this-file(?:\s+Credo\.Check\.Warning\.(?:IoInspect|Dbg))?\s*$", re.M)
CAPTURE_WORDS = re.compile(r"\b(?:capture_io|with_io|CaptureIO)\b")
CONTROLLER = re.compile(r"^\s*use\s+[\w.]+,\s*:controller\b|^\s*use\s+Phoenix\.Controller\b", re.M)
# A notice for the users of an API (not a look at a value).
NOTICE = re.compile(r"(?i)deprecat|please use|\binstead\b|no longer|obsolete|not doing anything|will be removed")
# On an error path, a label of words for a person (`"Failed to create contact!"`, "READ ERROR",
# "Error loading #{file}"), not a single location word ("upload").
SENTENCE = re.compile(r"[^\W\d_]{2,}\S*\s+\S*[^\W\d_]{2,}")
ERROR_PATTERN = re.compile(r"(?i)\berr|error|fail|reason|exception|^\s*e\s*$|:exit\b|:throw\b|timeout")
LEFTOVER, PURPOSE = "leftover", "purpose"
DEBUGGERS = (":dbg.", "IEx.")
TOOLING_WORDS = re.compile(r"(?i)\b(?:trac(?:e|er|ers|ing)|debug(?:ger|ging)?|dbg)\b")
MODULEDOC = re.compile(r'@moduledoc\s+(?:"""(.*?)"""|"((?:[^"\\]|\\.)*)")', re.S)


@dataclass(frozen=True)
class Clue:
    side: str
    phrase: str
    strong: bool = False


@dataclass
class Verdict:
    clues: list[Clue] = field(default_factory=list)

    def side(self, side: str) -> list[Clue]:
        return [c for c in self.clues if c.side == side]

    @property
    def action(self) -> str:
        """"fix", "leave" (output on purpose) or "review"."""
        leftover, purpose = self.side(LEFTOVER), self.side(PURPOSE)
        if purpose:
            return "review" if any(c.strong for c in leftover) else "leave"
        return "fix" if leftover else "review"

    def evidence(self) -> str:
        parts = []
        for side, title in ((LEFTOVER, "leftover"), (PURPOSE, "on purpose")):
            phrases = [c.phrase for c in self.side(side)]
            if phrases:
                parts.append(f"{title}: {', '.join(phrases)}")
        return "; ".join(parts) or "no evidence either way"

    def reason(self) -> str:
        """Why a person should look (for a "review" verdict)."""
        leftover = ", ".join(c.phrase for c in self.side(LEFTOVER))
        purpose = ", ".join(c.phrase for c in self.side(PURPOSE))
        if leftover and purpose:
            return f"it looks like a debug leftover ({leftover}) but may be there on purpose ({purpose})"
        return "nothing shows whether it is a debug leftover or output on purpose"


@dataclass(frozen=True)
class Function:
    """The def (or test block) a call runs in: its name/arity, parameters and body statements."""

    node: Node
    label: str  # "print_tree/1", "test", ...
    words: frozenset[str]
    params: frozenset[str]
    body: tuple[Node, ...]


class Intent:
    """Gathers the clues for calls of one file (module and function facts are cached)."""

    def __init__(self, doc: Doc, names: Names, path: str, comment_lines: set[int], lines):
        self.doc = doc
        self.names = names
        self.path = path.replace("\\", "/")
        self.comment_lines = comment_lines
        self.lines = lines
        self._functions: dict[int, Function | None] = {}
        self._module_purpose: dict[int, str | None] = {}
        self._module_tooling: dict[int, str | None] = {}
        self._module_controller: dict[int, bool] = {}
        self.script = _is_script(self.path)
        # A test support file that captures output: its prints are what the tests check.
        self.test_helper = "test/support/" in "/" + self.path and bool(CAPTURE_WORDS.search(doc.text))
        self.credo_file = bool(CREDO_FILE.search(doc.text))

    # -- the verdict ------------------------------------------------------------------------------
    def judge(self, call: Node, leftover: list[Clue], option_nodes: list[Node], device: Node | None,
              discarded: bool) -> Verdict:
        """`leftover`: clues the caller already knows (the call's kind and position)."""
        verdict = Verdict(list(leftover))
        add = verdict.clues.append
        comments = self._comments(call)
        if any(INTENT_COMMENT.search(c) for c in comments):
            add(Clue(PURPOSE, "a comment says the output is wanted"))
        elif any(DEBUG_COMMENT.search(c) for c in comments):
            add(Clue(LEFTOVER, "under a debug comment", True))
        label = self._label(option_nodes)
        if label is not None:
            add(Clue(LEFTOVER, label))
        function = self.function_of(call)
        if discarded:
            if function is not None and not self._only_prints(function) and not self._only_tooling(function):
                add(Clue(LEFTOVER, f"its value is discarded in {function.label}, which does other work"))
            elif function is None:
                where = "a module body (runs at compile time)" if self.names.module_of(call) else "top-level code"
                add(Clue(LEFTOVER, f"runs in {where}"))
        for clue in self._purpose(call, function, option_nodes, device):
            add(clue)
        return verdict

    def _purpose(self, call: Node, function: Function | None, option_nodes: list[Node], device: Node | None):
        captured = self.enclosing(call, CAPTURES)
        if captured:
            yield Clue(PURPOSE, f"its output is captured by {captured} in a test")
        asserted = self.enclosing(call, ASSERTIONS, stop_at_fn=True)
        if asserted:
            yield Clue(PURPOSE, f"a test asserts on it ({asserted})")
        if device is not None and device.type != "atom":
            yield Clue(PURPOSE, f"prints to a device chosen by the code ({self.doc.node_text(device)})")
        elif device is not None and self.doc.node_text(device) != ":stdio":
            yield Clue(PURPOSE, f"it writes to {self.doc.node_text(device)} on purpose (a debug look names no device)")
        credo = self._credo(call)
        if credo:
            yield Clue(PURPOSE, credo)
        notice = self._notice(call)
        if notice:
            yield Clue(PURPOSE, notice)
        sentence = self._sentence_label(option_nodes)
        if sentence is not None:
            error_path = self._error_path(call)
            if error_path:
                yield Clue(PURPOSE, f"its label {sentence} is a sentence for a person, on {error_path}")
        if self.test_helper:
            yield Clue(PURPOSE, f"a test helper whose output tests capture ({self.path})")
        variables = [self.doc.node_text(n) for n in option_nodes if n.type == "identifier"]
        # A value interpolated into a written label (`label: "order #{id}"`) is not the caller's choice.
        passed = sorted({self.doc.node_text(n) for opt in option_nodes for n in _identifiers(opt) if not _in_string(n, opt)}
                        & (function.params if function is not None else frozenset()))
        if passed:
            yield Clue(PURPOSE, f"the caller passes its options ({', '.join(passed)})")
        elif variables:
            yield Clue(PURPOSE, f"its options are computed ({variables[0]}), not written for a quick look")
        if function is not None:
            if function.words & PRINTING_WORDS - self._action_words(call):
                yield Clue(PURPOSE, f"printing is the job of {function.label}")
            elif self._only_prints(function) and len(function.body) > 1:
                yield Clue(PURPOSE, f"{function.label} only prints")
        if (self.names.resolve(call).name or "").startswith(":dbg."):
            tooling = self._tooling(call, function)
            if tooling:
                yield Clue(PURPOSE, tooling)
        flag = self._flag(call)
        if flag:
            yield Clue(PURPOSE, f"a flag switches it on (`{flag}`)")
        module_reason = self._module_reason(call)
        if module_reason:
            yield Clue(PURPOSE, module_reason)
        if self.script:
            yield Clue(PURPOSE, f"a script's output is its job ({self.path})")

    def swallowed(self, call: Node) -> bool:
        """Inside a test's `capture_io`/`with_io`: its output goes to the test, never to a terminal, so
        it cannot be a look someone forgot; it is what the test checks."""
        return self.enclosing(call, IO_CAPTURES) is not None

    # -- facts ------------------------------------------------------------------------------------
    def function_of(self, node: Node) -> Function | None:
        current = node.parent
        while current is not None:
            if current.type == "call":
                name = call_name(current, self.doc)
                if name in DEF_LIKE or name in TEST_BLOCKS:
                    if current.id not in self._functions:
                        self._functions[current.id] = self._function(current, name)
                    return self._functions[current.id]
                if name == "defmodule":
                    return None
            current = current.parent
        return None

    def _function(self, node: Node, kind: str) -> Function | None:
        if kind in TEST_BLOCKS:
            return Function(node, kind, frozenset(), frozenset(), tuple(self._body(node)))
        head = def_name_and_arities(node, self.doc)
        if head is None:
            return None
        name, arities = head
        params = frozenset(self.doc.node_text(n) for n in _head_identifiers(node, self.doc))
        words = frozenset(w for w in re.split(r"_+", name.rstrip("?!").lower()) if w)
        return Function(node, f"{name}/{max(arities)}", words, params, tuple(self._body(node)))

    def _body(self, node: Node) -> list[Node]:
        block = next((c for c in node.children if c.type == "do_block"), None)
        if block is not None:
            return statements(block)
        options = keyword_options(call_arguments(node)[1:], self.doc)
        value = options.get("do")
        if value is not None and value.type == "block":  # `do: (a(); b)`
            return [c for c in value.named_children if c.type != "comment"]
        return [value] if value is not None else []

    def _only_prints(self, function: Function) -> bool:
        """Every statement prints, and at least one prints for a user (`IO.puts`, not `IO.inspect`)."""
        names = [self._output_name(s) for s in function.body]
        return bool(names) and all(names) and any(n not in ("IO.inspect", "dbg") for n in names)

    def _only_tooling(self, function: Function) -> bool:
        """Every statement is a `:dbg`/`IEx` call or a literal (`:ok`), and one is `:dbg`:
        a tracing helper (`def calls(m, f) do :dbg.tracer(); ...; :ok end`)."""
        from fixer.lang.elixir.purity import impure_parts

        names = [(self.names.resolve(s).name or "") if s.type == "call" else "" for s in function.body]
        def literal(node: Node) -> bool:
            return not impure_parts([node], self.doc) and not any(True for _ in _identifiers(node))

        return any(n.startswith(":dbg.") for n in names) and all(
            n.startswith(DEBUGGERS) or literal(s) for n, s in zip(names, function.body))

    def _tooling(self, call: Node, function: Function | None) -> str | None:
        """Why a debugger call is debugging tooling rather than a leftover."""
        if function is not None and self._only_tooling(function):
            return f"{function.label} is tracing tooling (all it does is :dbg calls)"
        return self._per_module(call, self._module_tooling, self._module_says_tooling)

    def _module_says_tooling(self, module) -> str | None:
        if any(TOOLING_WORDS.match(part) for part in module.name.split(".")):
            return f"{module.name} is debugging tooling (its name says so)"
        doc = MODULEDOC.search(self.doc.node_text(module.block))
        if doc and TOOLING_WORDS.search(doc.group(1) or doc.group(2)):
            return f"{module.name} is debugging tooling (its @moduledoc says so)"
        return None

    def _output_name(self, node: Node) -> str | None:
        while node.type == "binary_operator" and operator_of(node) == "|>":
            node = node.child_by_field_name("right")
        if node.type != "call":
            return None
        # `puts` under `import IO`, `Out.puts` under `alias IO, as: Out`: resolved like the compiler.
        name = self.names.resolve(node).name or call_name(node, self.doc)
        name = name.removeprefix("Elixir.") if name else None
        return name if name and name.startswith(OUTPUT_PREFIXES) else None

    def _module_reason(self, node: Node) -> str | None:
        return self._per_module(node, self._module_purpose, self._module_kind)

    def _per_module(self, node: Node, cache: dict, compute) -> str | None:
        """`compute(module)` for the module around `node`, once per module."""
        module = self.names.module_of(node)
        if module is None:
            return None
        if module.block.id not in cache:
            cache[module.block.id] = compute(module)
        return cache[module.block.id]

    def _module_kind(self, module) -> str | None:
        if module.name.startswith("Mix.Tasks."):
            return f"a Mix task's output ({module.name})"
        text = self.doc.node_text(module.block)
        if re.search(r"^\s*use Mix\.Task\b", text, re.M):
            return f"a Mix task's output ({module.name})"
        if 1 in module.defs.get("main", set()):
            return f"a command-line module ({module.name}.main/1)"
        return None

    def _flag(self, node: Node) -> str | None:
        """The condition of an enclosing `if`/`unless`, or the left operand of an enclosing `&&`,
        `||`, `and`, `or` (`opts[:verbose] && IO.inspect(rows)`), the subject of a `case`, or a `cond`
        condition, that names a verbosity or debug switch or reads an option (`opts[:display]`)."""
        current = node.parent
        while current is not None:
            if current.type == "stab_clause" and current.parent is not None and current.parent.parent is not None \
                    and call_name(current.parent.parent, self.doc) == "cond":
                condition = current.child_by_field_name("left")
                if condition is not None and FLAG.search(self.doc.node_text(condition)):
                    return f"cond {' '.join(self.doc.node_text(condition).split())[:40]}"
            if current.type == "binary_operator" and operator_of(current) in ("&&", "||", "and", "or"):
                left = current.child_by_field_name("left")
                if left is not None and node.start_byte >= left.end_byte and FLAG.search(self.doc.node_text(left)):
                    return f"{' '.join(self.doc.node_text(left).split())[:40]} {operator_of(current)}"
            if current.type == "call":
                name = call_name(current, self.doc)
                if name in ("if", "unless", "case"):
                    args = call_arguments(current)
                    condition = args[0] if args else None
                    inside = condition is not None and condition.start_byte <= node.start_byte < condition.end_byte
                    if condition is not None and not inside and FLAG.search(self.doc.node_text(condition)):
                        return f"{name} {' '.join(self.doc.node_text(condition).split())[:40]}"
                if name in DEF_LIKE or name == "defmodule":
                    return None
            current = current.parent
        return None

    def _action_words(self, call: Node) -> frozenset[str]:
        """In a Phoenix controller, `show` is an action that renders a page, not a printer."""
        controller = self._per_module(call, self._module_controller,
                                      lambda module: bool(CONTROLLER.search(self.doc.node_text(module.block))))
        return frozenset({"show", "render"}) if controller else frozenset()

    def _credo(self, call: Node) -> str | None:
        """A credo disable for the line (above it, or after it) or the file: the output is wanted."""
        if self.credo_file:
            return "a credo:disable-for-this-file comment allows its output"
        first = self.lines.line_of(self.doc.char(call.start_byte))
        last = self.lines.line_of(self.doc.char(call.end_byte))
        texts = [self.lines.line_text(first - 1)] if first - 1 in self.comment_lines else []
        tail = self.lines.line_text(last)
        hash_at = tail.find("#", self.doc.char(call.end_byte) - self.lines.line_start(last))
        if hash_at >= 0:
            texts.append(tail[hash_at:])
        if any(CREDO.search(t.strip()) for t in texts):
            return "a credo:disable comment says its output is wanted"
        return None

    def _notice(self, call: Node) -> str | None:
        """The call prints a literal notice for users (a deprecation warning)."""
        strings = [a for a in call_arguments(call) if a.type == "string"]
        if strings and NOTICE.search(self.doc.node_text(strings[0])):
            return "it prints a notice for users (a deprecation or usage message)"
        return None

    def _sentence_label(self, option_nodes: list[Node]) -> str | None:
        label = self._options(option_nodes).get("label")
        if label is None or label.type != "string":
            return None
        text = "".join("x" if c.type == "interpolation" else self.doc.node_text(c) for c in label.named_children)
        return self.doc.node_text(label) if SENTENCE.search(text) else None

    def _error_path(self, call: Node) -> str | None:
        """"an error path" when the call runs in a rescue/catch, a `with` else, or a clause whose
        pattern is an error (`{:error, reason} ->`, `error ->`)."""
        current = call.parent
        while current is not None:
            if current.type in ("rescue_block", "catch_block"):
                return "an error path (a rescue)"
            if current.type == "stab_clause":
                pattern = current.child_by_field_name("left")
                if pattern is not None and ERROR_PATTERN.search(self.doc.node_text(pattern)):
                    return f"an error path (`{' '.join(self.doc.node_text(pattern).split())[:30]} ->`)"
            if current.type == "call" and call_name(current, self.doc) in DEF_LIKE:
                return None
            current = current.parent
        return None

    def asserted(self, node: Node) -> bool:
        return self.enclosing(node, ASSERTIONS, stop_at_fn=True) is not None

    def enclosing(self, node: Node, names: frozenset[str], stop_at_fn: bool = False) -> str | None:
        """The name of the nearest call around `node` named in `names`, within its definition (None
        past a def-like call or defmodule, or past an anonymous function with `stop_at_fn`)."""
        current = node.parent
        while current is not None:
            if stop_at_fn and current.type == "anonymous_function":
                return None
            if current.type == "call":
                name = call_name(current, self.doc)
                if name in names:
                    return name
                if name in DEF_LIKE or name == "defmodule":
                    return None
            current = current.parent
        return None

    def _comments(self, call: Node) -> list[str]:
        """The comment lines right above the call, the comment after it on its last line, and an
        intent comment on the line below it."""
        first = self.lines.line_of(self.doc.char(call.start_byte))
        last = self.lines.line_of(self.doc.char(call.end_byte))
        found = []
        line = first - 1
        while line in self.comment_lines:
            found.append(self.lines.line_text(line))
            line -= 1
        tail = self.lines.line_text(last)
        hash_at = tail.find("#", self.doc.char(call.end_byte) - self.lines.line_start(last))
        if hash_at >= 0:
            found.append(tail[hash_at:])
        below = last + 1  # `# ^ intentional, do not remove` under the call: only a word of intent counts
        if below in self.comment_lines and INTENT_COMMENT.search(self.lines.line_text(below)):
            found.append(self.lines.line_text(below))
        return found

    def _options(self, option_nodes: list[Node]) -> dict[str, Node]:
        options: dict[str, Node] = {}
        for node in option_nodes:
            if node.type == "keywords":
                options.update(keyword_options([node], self.doc))
            elif node.type == "list":
                for child in node.named_children:
                    options.update(keyword_options([child], self.doc))
        return options

    def _label(self, option_nodes: list[Node]) -> str | None:
        label = self._options(option_nodes).get("label")
        if label is None:
            return None
        text = self.doc.node_text(label)
        return f"label {text}" if len(text) <= 40 else "a label"


def _is_script(path: str) -> bool:
    if not path.endswith(".exs"):
        return False
    parts = path.split("/")
    return parts[-1] != "mix.exs" and "test" not in parts[:-1] and "config" not in parts[:-1] \
        and not parts[-1].endswith("_test.exs")


def _identifiers(node: Node):
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "identifier":
            yield current
        stack.extend(current.children)


def _in_string(node: Node, top: Node) -> bool:
    current = node.parent
    while current is not None and current != top:
        if current.type in ("string", "charlist", "sigil"):
            return True
        current = current.parent
    return False


def _head_identifiers(def_call: Node, doc: Doc):
    args = call_arguments(def_call)
    if not args:
        return
    head = args[0]
    if head.type == "binary_operator" and operator_of(head) == "when":
        head = head.child_by_field_name("left")
    if head.type != "call":
        return
    for param in call_arguments(head):
        yield from _identifiers(param)


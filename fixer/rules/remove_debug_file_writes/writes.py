"""Finding writes to debug log files in a Python module, and deciding for each: remove it (keeping
any effectful part as a statement of its own) or report it with the exact reason.

Everything is decided on CPython's ast. A module whose string literals never end with a `files` file
name, or that opens no such path for writing, costs one ast parse and one walk.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from fixer.lang.python.nodes import BLOCK_FIELDS, Spans, argument, contains, last_name, of_type, string, walk
from fixer.lang.python.effects import Effect, Policy
from fixer.lang.python.names import Binding, Names
from fixer.rules.remove_debug_file_writes.paths import HOLE, PATH_TYPES, Evaluator, Matcher
from fixer.lang.python.blocks import EXPORTED, TAKEN, collapse_guards, exported, joined, kept_message


@dataclass(frozen=True)
class OpenerSpec:
    kind: str  # file, async, fd, handler
    path: tuple[int, str]  # position and keyword of the path argument
    mode: tuple[int, str] | None  # of the mode (or flags) argument; None: always writes


OPENERS = {
    "builtins.open": OpenerSpec("file", (0, "file"), (1, "mode")),
    "io.open": OpenerSpec("file", (0, "file"), (1, "mode")),
    "codecs.open": OpenerSpec("file", (0, "filename"), (1, "mode")),
    "aiofiles.open": OpenerSpec("async", (0, "file"), (1, "mode")),
    "anyio.open_file": OpenerSpec("async", (0, "file"), (1, "mode")),
    "os.open": OpenerSpec("fd", (0, "path"), (1, "flags")),
    "logging.FileHandler": OpenerSpec("handler", (0, "filename"), None),
    "logging.handlers.RotatingFileHandler": OpenerSpec("handler", (0, "filename"), None),
    "logging.handlers.TimedRotatingFileHandler": OpenerSpec("handler", (0, "filename"), None),
    "logging.handlers.WatchedFileHandler": OpenerSpec("handler", (0, "filename"), None),
    "logging.basicConfig": OpenerSpec("handler", (99, "filename"), None),
}
PATH_METHODS = {"open": "file", "write_text": "writer", "write_bytes": "writer"}
OPENER_NAMES = {name.rpartition(".")[2] for name in OPENERS} | set(PATH_METHODS)
# Functions writing to a file passed as (position, keyword).
WRITERS = {
    "builtins.print": (99, "file"), "traceback.print_exc": (1, "file"), "traceback.print_exception": (99, "file"),
    "traceback.print_stack": (2, "file"), "traceback.print_tb": (2, "file"), "traceback.print_last": (1, "file"),
    "pprint.pprint": (1, "stream"), "json.dump": (1, "fp"), "faulthandler.dump_traceback": (0, "file"),
}
HANDLE_METHODS = {"write", "writelines", "flush", "close"}
FD_FUNCTIONS = {"os.write", "os.close", "os.fsync"}
# Functions taking a path among their first two arguments: reading, checking, moving or deleting a file.
FILE_FUNCTIONS = ("os.", "shutil.", "builtins.open", "io.open", "codecs.open", "aiofiles.", "anyio.open_file")
USED = "log used by the program"
# Keyword arguments a writing call invokes: `open(…, opener=f)`, `json.dump(…, default=f, cls=C)`.
INVOKED = ("opener", "default", "cls", "object_hook", "object_pairs_hook")
WRITE_FLAGS = re.compile(r"\bO_(?:WRONLY|RDWR|APPEND|CREAT|TRUNC)\b")


@dataclass
class Opener:
    call: ast.Call
    kind: str
    path_node: ast.AST
    shown: str
    certainty: str  # sure, maybe
    problem: str = ""  # why it can never be removed (a shadowed open, an unreadable mode)
    evidence: str = ""


@dataclass
class Decision:
    stmt: ast.stmt  # what the finding points at; removed when `fixed`
    path: str
    fixed: bool
    message: str
    evidence: str
    keep: list[str] = field(default_factory=list)  # statements kept in the write's place
    also: list[ast.stmt] = field(default_factory=list)  # removed with it (its path variable)


class Refusal(Exception):
    def __init__(self, reason: str, evidence: str):
        super().__init__(reason)
        self.reason, self.evidence = reason, evidence


class Analysis:
    def __init__(self, tree: ast.Module, spans: Spans, patterns: list[str], pure_calls=(), configured=True,
                 taken=lambda name: None, star_exports=None):
        self.tree = tree
        self.star_exports = star_exports  # whether a `from M import *` binds `open`/`print` (py_stars)
        self.taken = taken  # another file taking a module-level name (py_importers)
        self.spans = spans
        self.patterns = patterns
        self.matcher = Matcher(patterns)
        self.pure_calls = pure_calls
        self.configured = configured
        self.names: Names | None = None
        self.openers: dict[int, Opener] = {}
        self.handled: set[int] = set()
        self._uncovered_cache: dict[tuple, list[ast.Name]] = {}
        self._may_cache: dict = {}

    # -- entry --------------------------------------------------------------------------------------
    def decisions(self, name_regex: re.Pattern[str]) -> list[Decision]:
        candidates = self._candidates(name_regex)
        if not candidates:
            return []
        self.names = Names(self.tree, self.star_exports)
        self.evaluator = Evaluator(self.names)
        self.policy = Policy(self.names, self.spans, self.pure_calls)
        for call in candidates:
            opener = self._opener(call)
            if opener is not None:
                self.openers[id(call)] = opener
        decisions: list[Decision] = []
        for opener in sorted(self.openers.values(), key=lambda o: (o.call.lineno, o.call.col_offset)):
            if id(opener.call) not in self.handled:
                decisions += self._decide(opener)
        decisions = self._shared_lines(decisions)
        decisions = self._used_logs(decisions)
        if not self.configured:
            decisions = [self._unconfigured(d) if d.fixed else d for d in decisions]
        return decisions

    def _candidates(self, name_regex: re.Pattern[str]) -> list[ast.Call]:
        """Calls that may open a debug log, if any literal ends with a `files` file name."""
        calls, literal, aliases = [], False, set(OPENER_NAMES)
        for node in walk(self.tree):
            if isinstance(node, ast.Call):
                calls.append(node)
            elif isinstance(node, ast.Constant) and not literal:
                literal = isinstance(node.value, (str, bytes)) and bool(name_regex.search(string(node) or ""))
            elif isinstance(node, ast.ImportFrom):
                aliases.update(a.asname for a in node.names if a.asname and a.name in OPENER_NAMES)
        if not literal:
            return []
        return [c for c in calls if last_name(c.func) in aliases]

    # -- openers --------------------------------------------------------------------------------------
    def _opener(self, call: ast.Call) -> Opener | None:
        func = call.func
        name = self.names.qualified(func)
        spec = OPENERS.get(name)
        problem = evidence = ""
        star = self.names.star_source(func)
        if star:  # `from .compat import *` may rebind `open`
            name = None
        if spec is not None and not star:
            kind, path_node = spec.kind, argument(call, *spec.path)
            mode_node = argument(call, *spec.mode) if spec.mode else None
        elif isinstance(func, ast.Attribute) and func.attr in PATH_METHODS and \
                self.evaluator.is_path_object(func.value):
            kind, path_node = PATH_METHODS[func.attr], func.value
            mode_node = argument(call, 0, "mode") if kind == "file" else None
        elif last_name(func) == "open" and (name is None or not name.startswith("builtins.")):
            kind, path_node, mode_node = "file", argument(call, 0, "file"), argument(call, 1, "mode")
            if star:
                problem, evidence = f"`open` may come from `from {star} import *`", "name not resolved"
            elif isinstance(func, ast.Name):
                problem = f"`open` here is {self._describe(func)}, not the builtin"
                evidence = "`open` is not the builtin"
            else:
                problem = f"`{self.spans.short(func)}` is not the builtin `open`"
                evidence = "`open` is not the builtin"
        else:
            return None
        if path_node is None:
            return None
        certainty = self.matcher.judge(self.evaluator.templates(path_node))
        if certainty is None:
            return None
        if kind in ("file", "async", "fd") and not problem:
            writes = self._writes(kind, mode_node)
            if writes is False:
                return None
            if writes is None:
                mode = self.spans.short(mode_node)
                problem, evidence = f"it is opened with a mode the rule cannot read (`{mode}`)", "mode unknown"
        return Opener(call, kind, path_node, self._shown(path_node), certainty, problem, evidence)

    def _writes(self, kind: str, mode: ast.AST | None) -> bool | None:
        """Whether the mode (or os.open flags) writes: True, False, or None if it cannot be read."""
        if mode is None:
            return False  # open()'s default mode reads
        if kind == "fd":
            text = self.spans.text(mode)
            return True if WRITE_FLAGS.search(text) else (False if "O_RDONLY" in text else None)
        values = self.evaluator.templates(mode)
        if any(HOLE in t for t in values):
            return None
        return all(any(flag in "".join(t) for flag in "wax+") for t in values)

    def _shown(self, node: ast.AST) -> str:
        templates = self.evaluator.templates(node)
        if len(templates) == 1 and HOLE not in templates[0]:
            return "".join(templates[0])
        return f"`{self.spans.short(node)}`"

    def _describe(self, func: ast.Name) -> str:
        bindings = self.names.resolve_node(func)
        return bindings[0].describe() if bindings else "bound by a `from … import *`"

    def _evaluated(self, opener: Opener) -> list[ast.AST]:
        """What opening evaluates: the arguments, and the receiver of `Path(P).open(...)`."""
        func = opener.call.func
        receiver = [func.value] if isinstance(func, ast.Attribute) and opener.path_node is func.value else []
        return receiver + _arguments(opener.call)

    # -- what goes ----------------------------------------------------------------------------------------
    def removals(self, decisions: list[Decision]) -> list[tuple[ast.stmt, list[str]]]:
        """The statements to remove (with what to keep in their place). A guard left with nothing to
        do goes whole: `try:` whose body was only debug writes and whose handlers only `pass`, and
        `if <pure test>:` (no `else`) whose body was only debug writes."""
        chosen = {id(d.stmt): (d.stmt, d.keep) for d in decisions if d.fixed}
        for site in {id(s): s for d in decisions if d.fixed for s in d.also}.values():
            if all(any(id(a) in chosen for a in self.names.ancestors(use)) for use in self._reads(site)):
                chosen[id(site)] = (site, [])  # a local path variable nothing else reads
        if not chosen:
            return []
        return collapse_guards(chosen, self.names.parent, lambda test: None if self.policy.effects([test]) else [])

    # -- forms ------------------------------------------------------------------------------------------
    def _decide(self, opener: Opener) -> list[Decision]:
        call = opener.call
        stmt = self.names.statement(call)
        parent = self.names.parent(call)
        if any(isinstance(a, ast.Lambda) for a in self._ancestors_within(call, stmt)):
            self.handled.add(id(call))
            return [self._report(stmt, opener, "it sits inside a lambda: remove the lambda and its calls by hand",
                                 "inside a lambda")]
        if opener.kind == "handler":
            self.handled.add(id(call))
            what = self.spans.short(call.func)
            return [self._report(stmt, opener, f"`{what}` sends logging output there: remove the handler by hand",
                                 "logging handler")]
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is call and isinstance(_target(stmt), ast.Name):
            return self._binding(stmt, opener)
        try:
            if isinstance(parent, ast.withitem):
                decision = self._with(stmt)
            elif isinstance(stmt, ast.Expr) and self._one_liner(stmt) is not None:
                decision = self._settle(stmt, opener, [self._one_liner(stmt)])
            else:
                raise Refusal(f"the rule does not remove this form (`{self.spans.short(stmt)}`)", "form not removable")
        except Refusal as refusal:
            items = stmt.items if isinstance(parent, ast.withitem) else []
            self.handled.update([id(call), *(id(i.context_expr) for i in items)])
            return [self._report(stmt, opener, refusal.reason, refusal.evidence)]
        self.handled.update(id(node) for node in ast.walk(stmt))  # nested debug writes went with it
        return [decision]

    def _ancestors_within(self, node: ast.AST, stmt: ast.stmt):
        for ancestor in self.names.ancestors(node):
            if ancestor is stmt:
                return
            yield ancestor

    def _check(self, opener: Opener) -> None:
        if opener.problem:
            raise Refusal(opener.problem, opener.evidence)
        if opener.certainty != "sure":
            raise Refusal("", "path only sometimes matches")

    def _one_liner(self, stmt: ast.Expr) -> list[ast.AST] | None:
        """The expressions a one-line write evaluates (None if it is not one): `open(P).write(x)`,
        `print(x, file=open(P))`, `Path(P).write_text(x)`."""
        call = stmt.value.value if isinstance(stmt.value, ast.Await) else stmt.value
        if not isinstance(call, ast.Call):
            return None
        opener = self.openers.get(id(call))
        if opener is not None and opener.kind == "writer":
            return self._evaluated(opener)
        if isinstance(call.func, ast.Attribute) and call.func.attr in HANDLE_METHODS:
            inner = self.openers.get(id(call.func.value))
            if inner is not None and inner.kind in ("file", "async"):
                return [*self._evaluated(inner), *_arguments(call)]
        target = self._written_file(call)
        if target is not None and id(target) in self.openers and self.openers[id(target)].kind == "file":
            return [*self._evaluated(self.openers[id(target)]), *(a for a in _arguments(call) if a is not target)]
        return None

    def _written_file(self, call: ast.Call) -> ast.AST | None:
        if self.names.star_source(call.func):  # a `print` a star import may rebind writes nowhere known
            return None
        spec = WRITERS.get(self.names.qualified(call.func))
        return argument(call, *spec) if spec else None

    def _handle_write(self, stmt: ast.stmt, handles: set[str]) -> list[ast.AST] | None:
        """The expressions a write to one of `handles` evaluates (None if `stmt` is not one)."""
        if isinstance(stmt, ast.Pass) or (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)):
            return []
        if not isinstance(stmt, ast.Expr):
            return None
        call = stmt.value.value if isinstance(stmt.value, ast.Await) else stmt.value
        if not isinstance(call, ast.Call):
            return None
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in HANDLE_METHODS and isinstance(func.value, ast.Name) \
                and func.value.id in handles:
            return _arguments(call)
        target = self._written_file(call)
        if target is None and self.names.qualified(func) in FD_FUNCTIONS:
            target = call.args[0] if call.args else None
        if isinstance(target, ast.Name) and target.id in handles:
            return [a for a in _arguments(call) if a is not target]
        return None

    def _with(self, stmt: ast.With | ast.AsyncWith) -> Decision:
        openers, handles, evaluated = [], set(), []
        for item in stmt.items:
            opener = self.openers.get(id(item.context_expr))
            if opener is None or opener.kind not in ("file", "async"):
                verb = "opens" if last_name(getattr(item.context_expr, "func", None)) == "open" else "enters"
                raise Refusal(f"the `with` also {verb} `{self.spans.short(item.context_expr)}`", "with does other work")
            self._check(opener)
            openers.append(opener)
            evaluated += self._evaluated(opener)
            if isinstance(item.optional_vars, ast.Name):
                handles.add(item.optional_vars.id)
            elif item.optional_vars is not None:
                raise Refusal("the handle is unpacked", "with does other work")
        keep_order: list = [evaluated]
        for inner in stmt.body:
            written = self._handle_write(inner, handles)
            if written is not None:
                keep_order.append(written)
                continue
            nested = self._nested(inner)
            if nested is None:
                raise Refusal(f"the `with` block also runs `{self.spans.short(inner)}`", "with does other work")
            keep_order.append(nested)
        self._handles_stay_inside(stmt, handles)
        return self._settle(stmt, openers[0], keep_order)

    def _nested(self, stmt: ast.stmt) -> Decision | None:
        """A debug write nested in a debug `with` that can go with it."""
        calls = [n for n in ast.walk(stmt) if id(n) in self.openers]
        if not calls or not isinstance(stmt, (ast.With, ast.AsyncWith, ast.Expr)):
            return None
        try:
            if isinstance(stmt, ast.Expr):
                evaluated = self._one_liner(stmt)
                return self._settle(stmt, self.openers[id(calls[0])], [evaluated]) if evaluated is not None else None
            return self._with(stmt)
        except Refusal:
            return None

    def _handles_stay_inside(self, stmt: ast.With | ast.AsyncWith, handles: set[str]) -> None:
        """Refuse when a handle is read after the block (removing it would leave a NameError)."""
        in_class = self.names.scope(stmt).kind == "class"
        for item in stmt.items:
            if not isinstance(item.optional_vars, ast.Name):
                continue
            name = item.optional_vars.id
            if in_class and any(isinstance(n, ast.Attribute) and n.attr == name for n in ast.walk(self.tree)):
                raise Refusal(f"the handle `{name}` becomes a class attribute, and `.{name}` is read in this "
                              f"module", "handle used after the block")
            binding = self._binding_of(name, item)
            for use in self._uncovered(binding) if binding else ():
                line = self.spans.short(self.names.statement(use))
                raise Refusal(f"`{use.id}` is used after the block (line {use.lineno}: `{line}`)",
                              "handle used after the block")

    def _uncovered(self, binding: Binding) -> list[ast.Name]:
        """Reads of a `with` handle's name outside every `with … as name` / `for name in` around
        them (computed once for all the handles sharing the name in one scope)."""
        key = (binding.name, id(binding.scope))
        if key not in self._uncovered_cache:
            self._uncovered_cache[key] = [use for use in self.names.uses(binding)
                                          if not self._inside_other_with(use, binding.name)]
        return self._uncovered_cache[key]

    def _inside_other_with(self, use: ast.Name, name: str) -> bool:
        """The use reads the handle of another `with … as name` (or `for name in …`) around it."""
        for ancestor in self.names.ancestors(use):
            if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                return False
            if isinstance(ancestor, (ast.With, ast.AsyncWith)) and any(
                    isinstance(i.optional_vars, ast.Name) and i.optional_vars.id == name for i in ancestor.items):
                return any(contains(s, use) for s in ancestor.body)
            if isinstance(ancestor, (ast.For, ast.AsyncFor)) and isinstance(ancestor.target, ast.Name) and \
                    ancestor.target.id == name:
                return any(contains(s, use) for s in ancestor.body)
        return False

    def _binding_of(self, name: str, site: ast.AST) -> Binding | None:
        bindings = self.names.resolve(name, self.names.scope(site)) or []
        return next((b for b in bindings if b.node is site), None)

    def _binding(self, stmt: ast.Assign | ast.AnnAssign, opener: Opener) -> list[Decision]:
        """`LOG = open(P, "a")` used later: removed with its writes when every use is a write."""
        self.handled.add(id(opener.call))
        name = _target(stmt).id
        binding = self._binding_of(name, stmt)
        everywhere = self.names.resolve(name, self.names.scope(stmt)) or []
        writes, other = [], None
        for use in self.names.uses(binding) if binding else ():
            use_stmt = self.names.statement(use)
            evaluated = self._handle_write(use_stmt, {name})
            if evaluated is None:
                other = other or use_stmt
            elif use_stmt not in [w for w, _ in writes]:
                writes.append((use_stmt, evaluated))
        statements = [stmt] + [w for w, _ in writes]
        try:
            if len(everywhere) != 1 or other is not None:
                where = other or next(b.node for b in everywhere if b is not binding)
                raise Refusal(f"`{name}` (opened at line {stmt.lineno}) is also used at line {where.lineno}: "
                              f"`{self.spans.short(where)}`", "handle used for other work")
            if opener.kind not in ("file", "fd"):
                raise Refusal("the rule does not remove this form", "form not removable")
            decisions = [self._settle(stmt, opener, [self._evaluated(opener)])]
            module_level = binding.scope.kind == "module"
            who = self.taken(name) if module_level else None
            if who is not None:  # the handle stays for the other file; its writes here still go
                decisions = [Decision(stmt, opener.shown, False, kept_message(self.spans.short(stmt), who), TAKEN)]
            elif module_level and name in exported(self.tree):  # so does one the module exports
                message = f"kept `{self.spans.short(stmt)}`: `{name}` is listed in the module's `__all__`"
                decisions = [Decision(stmt, opener.shown, False, message, EXPORTED)]
            return decisions + [self._settle(w, opener, [evaluated]) for w, evaluated in writes]
        except Refusal as refusal:
            return [self._report(s, opener, refusal.reason, refusal.evidence) for s in statements]

    # -- verdicts -----------------------------------------------------------------------------------------
    def _settle(self, stmt: ast.stmt, opener: Opener, groups: list) -> Decision:
        """Remove `stmt`, keeping its effects as statements, or refuse naming the effect that blocks it.
        `groups` are, in evaluation order, lists of evaluated expressions or nested removed writes."""
        self._check(opener)
        self._hidden_effects(stmt)
        keep: list[str] = []
        why, evidence = "it may have side effects", "may have side effects"
        for group in groups:
            if isinstance(group, Decision):
                keep += group.keep
                continue
            for effect in self.policy.effects(group):
                text = self.policy.statement(effect)
                if text is None:
                    raise Refusal(_blocking(effect), f"keeps `{effect.text}`: may have side effects")
                if effect.reason.startswith("may raise"):  # a read under a handler that could catch it
                    why, evidence = f"`{text}` {effect.reason}", "may raise into a handler"
                keep.append(text)
        path = opener.shown
        if keep:
            shown = ", ".join(f"`{k}`" for k in keep)
            message = f"removed debug write to {path}; kept {shown} as a statement: {why}"
            evidence = f"keeps `{keep[0]}`: {evidence}"
        else:
            message, evidence = f"removed debug write to {path}", "writes only to a debug log"
        return Decision(stmt, path, True, message, evidence, keep, self._path_variables(stmt, opener))

    def _hidden_effects(self, stmt: ast.stmt) -> None:
        """Refuse what evaluating the arguments does not show: a callable the write invokes
        (`opener=`, `default=`, `cls=` …) and an iterator `writelines` consumes."""
        short = self.spans.short
        for node in ast.walk(stmt):
            if not isinstance(node, ast.Call):
                continue
            invoked = [(k.arg, k.value) for k in node.keywords if k.arg in INVOKED]
            if self.names.qualified(node.func) in ("builtins.open", "io.open") and len(node.args) > 7:
                invoked.append(("opener", node.args[7]))  # open(file, mode, buffering, …, closefd, opener)
            for keyword, value in invoked:
                if not isinstance(value, ast.Constant) and self.names.qualified(value) not in self.policy.pure:
                    raise Refusal(f"`{short(node)}` calls `{short(value)}` (its `{keyword}`), which may have "
                                  f"side effects", f"calls `{short(value, 30)}`: may have side effects")
            if isinstance(node.func, ast.Attribute) and node.func.attr == "writelines" and node.args and \
                    not self.policy.safe_iterable(node.args[0]):
                what = short(node.args[0], 30)
                raise Refusal(f"`{short(node)}` iterates `{what}`, which may be an iterator",
                              f"iterates `{what}`: may be an iterator")

    def _report(self, stmt: ast.stmt, opener: Opener, reason: str, evidence: str) -> Decision:
        if opener.certainty != "sure" and not opener.problem:
            message = f"may write to debug log {opener.shown}: the path is not known to match `files`; not removed"
            return Decision(stmt, opener.shown, False, message, "path only sometimes matches")
        return Decision(stmt, opener.shown, False, f"writes to debug log {opener.shown}, but {reason}; not removed",
                        evidence)

    def _unconfigured(self, decision: Decision) -> Decision:
        patterns = ", ".join(self.patterns)
        message = (f"debug write to {decision.path} matches the default `files` pattern {patterns}: not removed "
                   f"until `files` lists the logs to remove (rules.remove-debug-file-writes)")
        return Decision(decision.stmt, decision.path, False, message, "default files pattern: configure `files`")

    def _path_variables(self, stmt: ast.stmt, opener: Opener) -> list[ast.stmt]:
        """A function-local `path = "/tmp/x_debug.log"` this write reads: it goes too when nothing
        but removed writes reads it (decided in `removals`)."""
        node = opener.path_node
        if not isinstance(node, ast.Name):
            return []
        bindings = self.names.resolve_node(node) or []
        if len(bindings) != 1 or bindings[0].kind != "assign" or bindings[0].scope.kind != "function":
            return []
        site = bindings[0].node
        if not isinstance(site, ast.Assign) or len(site.targets) != 1 or self.policy.effects([site.value]):
            return []
        return [site]

    def _reads(self, site: ast.Assign) -> list[ast.Name]:
        name = site.targets[0].id
        binding = self._binding_of(name, site)
        return self.names.uses(binding) if binding else [site]

    def _used_logs(self, decisions: list[Decision]) -> list[Decision]:
        """Every write to a log this module also reads, checks, deletes or creates is reported:
        without the writes, `open(P).read()`, `os.remove(P)` or `P.stat()` would fail."""
        uses = self._other_uses({d.path for d in decisions if d.fixed and not d.path.startswith("`")})
        out = []
        for decision in decisions:
            use = uses.get(decision.path) if decision.fixed else None
            if use is not None:
                message = (f"writes to debug log {decision.path}, but this module also uses the log at line "
                           f"{use.lineno} (`{self.spans.short(use)}`); not removed")
                decision = Decision(decision.stmt, decision.path, False, message, USED)
            out.append(decision)
        return out

    def _other_uses(self, paths: set[str]) -> dict[str, ast.Call]:
        """For each of `paths`: the first call (other than a write) that reads, checks, deletes or
        creates that file, the path given literally or through the same constant or `Path`."""
        found: dict[str, ast.Call] = {}
        if not paths:
            return found
        # In the file's order, a statement after another: the names' index of a huge module is kept
        # for the statements asked about last (see fixer.lang.python.names).
        # (Within a line, in the walk's order, which picks the call reported: the sort is stable.)
        for node in sorted(of_type(self.tree, ast.Call), key=lambda call: call.lineno):
            for target in self._path_arguments(node):
                shown = self._shown(target)
                if shown in paths and (shown not in found or node.lineno < found[shown].lineno):
                    found[shown] = node
        return found

    def _path_arguments(self, call: ast.Call) -> list[ast.AST]:
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr == "close" and id(func.value) in self.openers:
            return [self.openers[id(func.value)].path_node]  # `open(P, "a").close()` creates the file
        if id(call) in self.openers:
            return []
        if self._may_name(func, FILE_FUNCTIONS) and (self.names.qualified(func) or "").startswith(FILE_FUNCTIONS):
            return list(call.args[:2])
        if isinstance(func, ast.Attribute) and self._may_be_path(func.value) and \
                self.evaluator.is_path_object(func.value):
            return [func.value]  # `P.stat()`, `P.read_text()`, `P.unlink()`
        return []

    # Resolving a name takes its statement's names index; asked for every call of a huge module, that
    # indexes the whole module again. These answer "certainly not" from the names alone first.
    def _may_name(self, func: ast.AST, prefixes: tuple[str, ...]) -> bool:
        """Whether `names.qualified(func)` may start with one of `prefixes`: its root name is a
        builtin that may (`open` for "builtins.open") or is imported somewhere as a module or name
        that may."""
        root = func
        while isinstance(root, ast.Attribute):
            root = root.value
        if not isinstance(root, ast.Name):
            return False  # qualified() is None
        if any(p.startswith("builtins." + root.id) or root.id.startswith(p[len("builtins."):])
               for p in prefixes if p.startswith("builtins.")):
            return True
        key = ("imports", prefixes)
        if key not in self._may_cache:
            self._may_cache[key] = self.names.bound_names(
                lambda b: b.kind == "import" and any(b.qualified.startswith(p) or p.startswith(b.qualified)
                                                     for p in prefixes))
        return root.id in self._may_cache[key]

    def _may_be_path(self, node: ast.AST) -> bool:
        """Whether `evaluator.is_path_object(node)` may hold (it needs a Path call, a `/` on one, or a
        name assigned somewhere)."""
        if isinstance(node, ast.Call):
            return self._may_name(node.func, tuple(sorted(PATH_TYPES)))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            return self._may_be_path(node.left)
        if isinstance(node, ast.Name):
            if "assigned" not in self._may_cache:  # names assigned a value that may be a path somewhere
                self._may_cache["assigned"] = self.names.bound_names(
                    lambda b: b.kind == "assign" and b.value is not None and
                    (isinstance(b.value, ast.Name) or self._may_be_path(b.value)))
            return node.id in self._may_cache["assigned"]
        return False

    def _shared_lines(self, decisions: list[Decision]) -> list[Decision]:
        """A write sharing its line (`x = 1; open(P).write(s)`) with code that stays is reported."""
        removed = {id(d.stmt) for d in decisions if d.fixed}
        lines: dict[int, list[ast.stmt]] = {}
        for decision in decisions:
            if decision.fixed and id(decision.stmt) not in lines:
                lines[id(decision.stmt)] = self._neighbours(decision.stmt)
        out = []
        for decision in decisions:
            if decision.fixed and any(id(s) not in removed for s in lines[id(decision.stmt)]):
                decision = Decision(decision.stmt, decision.path, False,
                                    f"writes to debug log {decision.path}, but it shares its line with other "
                                    f"statements; not removed", "shares a line with other code")
            out.append(decision)
        return out

    def _neighbours(self, stmt: ast.stmt) -> list[ast.stmt]:
        """Sibling statements on the same line(s) as `stmt`, or on its logical line (`x += 1; \\`)."""
        block = self._block_of(stmt)
        index = next((n for n, s in enumerate(block) if s is stmt), 0)
        lines = range(stmt.lineno, stmt.end_lineno + 1)
        found = [s for s in block if s is not stmt and (s.lineno in lines or s.end_lineno in lines)]
        if index and joined(self.spans, block[index - 1], stmt):
            found.append(block[index - 1])
        if index + 1 < len(block) and joined(self.spans, stmt, block[index + 1]):
            found.append(block[index + 1])
        return found

    def _block_of(self, stmt: ast.stmt) -> list[ast.stmt]:
        """The statement list holding `stmt` (found through its parent: only the statements of the
        writes' own blocks are looked at, not every block of a huge module)."""
        owner = self.names.parent(stmt)
        for field in BLOCK_FIELDS:
            block = getattr(owner, field, None)
            if isinstance(block, list) and any(s is stmt for s in block):
                return block
        return [stmt]


def _blocking(effect: Effect) -> str:
    if effect.reason.startswith("iterates"):
        return effect.describe()
    return f"{effect.describe()} and cannot be kept as a statement of its own"


def _arguments(call: ast.Call) -> list[ast.AST]:
    return [*call.args, *(k.value for k in call.keywords)]


def _target(stmt: ast.Assign | ast.AnnAssign) -> ast.AST | None:
    if isinstance(stmt, ast.AnnAssign):
        return stmt.target
    return stmt.targets[0] if len(stmt.targets) == 1 else None

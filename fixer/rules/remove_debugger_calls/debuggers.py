"""Debugger calls in a Python module (`breakpoint()`, `pdb.set_trace()`, `IPython.embed()` …), each
resolved through the module's imports, and the verdict on each: a leftover to remove, or debugger
tooling / opt-in debugging / a form that cannot simply go, reported with the reason.
"""
from __future__ import annotations

import ast
import re
from pathlib import PurePosixPath

from fixer.core.anchors import Anchor
from fixer.lang.python.nodes import Spans, last_name
from fixer.lang.python.leftovers import DUNDER_DEBUG, Analysis, Blocked, Module, Verdict, dunder_debug, kept_note, \
    name_parts, only_used_by, switch_in
from fixer.lang.python.nodes import of_type, walk

STOP, SHELL, POST = "stops in the debugger", "opens an interactive shell", "enters post-mortem debugging"
TRACERS = ("pdb", "ipdb", "pudb", "pudb.remote", "remote_pdb", "rpdb", "web_pdb", "wdb", "pdbr", "pdbpp",
           "celery.contrib.rdb", "IPython.core.debugger", "trepan.api", "madbg")
ENTRIES = {
    "builtins.breakpoint": STOP, "sys.breakpointhook": STOP, "sys.__breakpointhook__": STOP,
    **{f"{module}.set_trace": STOP for module in TRACERS},
    "ipdb.sset_trace": STOP, "debugpy.breakpoint": STOP, "ptvsd.break_into_debugger": STOP,
    **{f"{module}.{name}": POST for module in ("pdb", "ipdb", "pudb", "pdbr") for name in ("post_mortem", "pm")},
    "IPython.embed": SHELL, "IPython.terminal.embed.embed": SHELL, "code.interact": SHELL,
    "ptpython.repl.embed": SHELL, "bpython.embed": SHELL,
}
# What can follow a dot in an entry's name (`set_trace`, `terminal.embed.embed`...): a string or an
# attribute that is none of these cannot complete one, whatever it is read on (see `_patches`).
ENTRY_TAILS = frozenset(entry[dot + 1:] for entry in ENTRIES for dot, char in enumerate(entry) if char == ".")
# `pdb.Pdb(...).set_trace()`
DEBUGGER_CLASSES = {"pdb.Pdb", "IPython.core.debugger.Pdb", "ipdb.__main__.Pdb", "bdb.Bdb"}
TOOLING_BASES = DEBUGGER_CLASSES | {"cmd.Cmd", "code.InteractiveConsole", "code.InteractiveInterpreter"}
RUNNERS = {f"{module}.{name}" for module in ("pdb", "ipdb", "pudb") for name in ("run", "runcall", "runeval", "runctx")}
ATTACH = {"debugpy.listen", "debugpy.wait_for_client", "debugpy.connect", "ptvsd.enable_attach",
          "ptvsd.wait_for_attach", "pydevd.settrace", "pydevd_pycharm.settrace"}
KNOWN = set(ENTRIES) | RUNNERS | ATTACH
CALL_NAMES = {name.rpartition(".")[2] for name in KNOWN}
MODULES = {name.split(".")[0] for name in KNOWN} - {"builtins", "sys", "code"}
ENTRY_NAMES = {"set_trace", "sset_trace", "post_mortem", "pm", "embed", "breakpoint"}  # as a module defines them
TOOLING_WORDS = {"settrace", "breakpoint", "breakpointhook", "postmortem", "debugger", "pdb", "ipdb", "pudb",
                 "excepthook", "embed", "interact", "pm", "repl", "shell", "break", "breaker"}
TOOLING_PAIRS = {("set", "trace"), ("post", "mortem")}
SWITCH = re.compile(r"(?i)pdb|debug|break|post_?mortem|interactive|trace|embed|shell")
SHELL_MODULES = {"shell", "console", "repl", "cli", "manage", "__main__", "commands", "command"}
# Hooks a function is installed as: the debugger it starts runs when the hook fires, on purpose.
HOOKS = {"sys.excepthook", "threading.excepthook", "sys.breakpointhook", "sys.displayhook", "sys.unraisablehook"}
# A module-level entry a debugger package defines (`def set_trace(…)`, `set_trace = …`, re-exported).
PROVIDES = re.compile(r"(?m)^(?:def (?:set_trace|post_mortem|pm|sset_trace)\b|(?:set_trace|post_mortem)\s*=|"
                      r"from\s+\S+\s+import\b[^\n]*\b(?:set_trace|post_mortem)\b)")
PROVIDED = Anchor(PROVIDES.pattern)  # searched in every file of the repo: RE2 first (fixer.core.anchors)
COMMENTS = re.compile(r"(?i)debug|breakpoint|\bpdb\b|set_trace|tombstone|\bstop (?:here|in)\b")


def provided(path: str, text: str) -> str:
    """The module this file is when it defines a debugger entry of its own ('' otherwise)."""
    from fixer.lang.python.importers import module_name

    return module_name(path) if PROVIDED.search(text) else ""


def analyse(tree: ast.Module, spans: Spans, path: str, extra_pure=(), debuggers: dict[str, str] | None = None,
            star_exports=None) -> "Debuggers | None":
    """The analysis, or None when no call in the module can be a debugger's (one cheap walk)."""
    aliases = set(CALL_NAMES)
    for node in of_type(tree, ast.ImportFrom):  # `from pdb import set_trace as st`
        aliases.update(a.asname for a in node.names if a.asname and a.name in CALL_NAMES)
    calls = [call for call in of_type(tree, ast.Call) if last_name(call.func) in aliases]
    assigns = of_type(tree, ast.Assign)
    # `trace = pdb.set_trace`: a debugger entry given another name
    bound = [a for a in assigns if isinstance(a.value, (ast.Name, ast.Attribute)) and last_name(a.value) in aliases]
    if not calls and not bound:
        return None
    return Debuggers(Module(tree, spans, extra_pure, star_exports), calls, path, bound, debuggers or {})


class Debuggers(Analysis):
    def __init__(self, module: Module, calls: list[ast.Call], path: str, bound: list[ast.Assign] = (),
                 debuggers: dict[str, str] | None = None):
        self.module = module
        self.debuggers = debuggers or {}  # top-level package -> the repo module defining its entry
        self.calls = calls
        self.bound = bound
        self.path = PurePosixPath(path)
        self._patch: tuple | None = None
        self._tooling: tuple | None = None

    def verdicts(self) -> list[Verdict]:
        out = []
        for call in self.calls:
            verdict = self._verdict(call)
            if verdict is not None:
                out.append(verdict)
        for stmt in self.bound:
            out += self._bound_entry(stmt)
        return out

    def _bound_entry(self, stmt: ast.Assign) -> list[Verdict]:
        """`trace = pdb.set_trace`: the binding and every call through it, reported (removing the
        calls would leave the binding, and the binding may be used elsewhere)."""
        names = self.module.names
        name = names.qualified(stmt.value)
        if name not in ENTRIES or names.star_source(stmt.value):
            return []
        calls = []
        for target in (t for t in stmt.targets if isinstance(t, ast.Name)):
            binding = next((b for b in names.resolve(target.id, names.scope(stmt)) or [] if b.node is stmt), None)
            calls += [(target.id, use) for use in (names.uses(binding) if binding else [])
                      if isinstance(names.parent(use), ast.Call) and names.parent(use).func is use]
        lines = ", ".join(str(use.lineno) for _, use in calls)
        through = f"; it is called at line{'s' if len(calls) > 1 else ''} {lines}" if calls else ""
        out = [Verdict(stmt, False, f"`{self.module.short(stmt)}` gives the debugger entry `{name}` another name"
                                    f"{through}: remove the binding and its calls by hand; not removed",
                       "debugger bound to a name")]
        for target, use in calls:
            call = names.parent(use)
            out.append(Verdict(names.statement(call), False,
                               f"`{self.module.short(call)}` calls `{name}` through `{target}` (bound at line "
                               f"{stmt.lineno}): remove it by hand with the binding; not removed",
                               "debugger bound to a name"))
        return out

    def also(self, removed: list[ast.AST]) -> list[ast.stmt]:
        """A debugger import sharing its line with other statements (`import pdb; pdb.set_trace()`)
        and read only by removed calls goes with them (on a line of its own, the usual import
        cleanup removes it)."""
        names = self.module.names
        found = []
        for node in of_type(self.module.tree, (ast.Import, ast.ImportFrom)):
            if _debugger_import(node) and \
                    self._shares_line(node) and only_used_by(self.module, node, removed):
                found.append(node)
        return [stmt for stmt in found if names.parent(stmt) is not None]

    # -- one call -----------------------------------------------------------------------------------------
    def _verdict(self, call: ast.Call) -> Verdict | None:
        module = self.module
        name, evaluated = self._classify(call)
        stmt = module.names.statement(call)
        shown = f"`{module.short(call)}`"
        if name is None:
            instance = self._instance(call.func)
            if instance:
                return self._report(stmt, shown, f"`{instance[0]}` is a `{instance[1]}` (line {instance[2]}): "
                                                  "remove the debugger by hand", "debugger instance")
            reason = self._unresolved(call)
            return Verdict(stmt, False, f"{shown} may be a debugger call, but {reason}; not removed",
                           "name not resolved") if reason else None
        if name in RUNNERS:
            return self._report(stmt, shown, f"`{name}` runs code under the debugger: replace it with a plain call "
                                              "by hand", "runs code under the debugger")
        if name in ATTACH:
            return self._report(stmt, shown, "it sets up remote debugging, which may be a development hook kept on "
                                              "purpose", "remote debugging setup")
        what = ENTRIES[name]
        if module.statement_of(call) is None:
            return self._report(stmt, shown, "its value is used (it is not a statement of its own)", "value is used")
        left = self._own_debugger(name) or self._intent(call, stmt, what)
        if left is not None:
            return self._report(stmt, shown, *left)
        try:
            keep = module.kept_effects(evaluated)
        except Blocked as blocked:
            return self._report(stmt, shown, blocked.reason, blocked.evidence)
        return Verdict(stmt, True, f"removed debugger call {shown}: it {what}{kept_note(keep, module.raising)}", what, keep)

    def _own_debugger(self, name: str) -> tuple[str, str] | None:
        """The repository is the debugger it calls (its package defines `set_trace`): its manual tests
        and demos call it on purpose."""
        package = name.split(".")[0]
        if package in self.debuggers:
            return (f"the repository is the debugger `{package}` (`{self.debuggers[package]}` defines its entry): "
                    "its own code calls it on purpose", "the project is the debugger")
        return None

    def _report(self, stmt, shown: str, reason: str, evidence: str) -> Verdict:
        return Verdict(stmt, False, f"debugger call {shown}: {reason}; not removed", evidence)

    def _classify(self, call: ast.Call) -> tuple[str | None, list[ast.AST]]:
        """The debugger entry the call is (None if it is not one), and what the call evaluates."""
        names = self.module.names
        func = call.func
        arguments = [*call.args, *(k.value for k in call.keywords)]
        name = names.qualified(func)
        if name in KNOWN and not names.star_source(func):
            return name, arguments
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call):
            inner = func.value
            owner = names.qualified(inner.func)
            if func.attr == "set_trace" and owner in DEBUGGER_CLASSES:  # pdb.Pdb(skip=…).set_trace()
                return "pdb.set_trace", [*inner.args, *(k.value for k in inner.keywords), *arguments]
            imported = _dunder_import(inner, owner)
            if imported and f"{imported}.{func.attr}" in KNOWN:  # __import__("pdb").set_trace()
                return f"{imported}.{func.attr}", arguments
        return None, arguments

    def _instance(self, func: ast.AST) -> tuple[str, str, int] | None:
        """`p.set_trace()` with `p = pdb.Pdb()`: (name, debugger class, line of the binding)."""
        if not (isinstance(func, ast.Attribute) and func.attr in CALL_NAMES and isinstance(func.value, ast.Name)):
            return None
        names = self.module.names
        for binding in names.resolve_node(func.value) or []:
            value = binding.value
            if isinstance(value, ast.Call) and names.qualified(value.func) in DEBUGGER_CLASSES:
                return func.value.id, names.qualified(value.func), value.lineno
        return None

    def _unresolved(self, call: ast.Call) -> str:
        """Why a call that looks like a debugger's cannot be resolved ('' if it plainly is not one)."""
        names = self.module.names
        func = call.func
        if isinstance(func, ast.Name) and func.id in ENTRY_NAMES and names.resolve_node(func) is None:
            return f"`{func.id}` may come from a `from … import *`"
        star = names.star_source(func)
        if star and func.id in ENTRY_NAMES:
            return f"`{func.id}` may come from `from {star} import *`"
        base = func
        while isinstance(base, ast.Attribute):
            base = base.value
        if isinstance(base, ast.Name) and base.id in MODULES and names.resolve_node(base) == [] and \
                isinstance(func, ast.Attribute) and func.attr in CALL_NAMES:
            return f"`{base.id}` is not imported in this module"
        return ""

    # -- intent ---------------------------------------------------------------------------------------------
    def _intent(self, call: ast.Call, stmt: ast.stmt, what: str) -> tuple[str, str] | None:
        """Why the debugger call may be there on purpose: (reason, evidence), or None."""
        module = self.module
        mark = module.noqa(stmt, "T100")
        if mark:
            return f"it is marked `{mark}`", "marked `# noqa`"
        comment = module.intended(stmt)
        if comment:
            return f"a comment says it is there on purpose (`{comment}`)", "a comment says it is intended"
        if what == SHELL:
            entry = module.entry_function(call)
            if entry:
                return f"opening a shell is the job of `{entry[0]}`, a command ({entry[1]})", "a shell command"
            if self.path.stem in SHELL_MODULES:
                return f"opening a shell is the job of `{self.path.name}`, a console module", "a shell command"
        patch = self._patches()
        if patch:
            return f"the module patches the debugger (line {patch[0]}: `{patch[1]}`)", "the module patches the debugger"
        for function in module.functions(call):
            parts = name_parts(function.name)
            if set(parts) & TOOLING_WORDS or set(zip(parts, parts[1:])) & TOOLING_PAIRS:
                return f"it is inside `{function.name}`, a function that starts the debugger", "debugger tooling"
            reached = self._reached(function)
            if reached:
                return reached
        tooling = self._module_tooling()
        if tooling:
            return f"the module defines its own debugger entry `{tooling[1]}` (line {tooling[0]})", "debugger tooling"
        for guard in module.guards(call):
            if dunder_debug(guard.test):
                return DUNDER_DEBUG
            switch = switch_in(guard.test, module, SWITCH, strings=True)
            if switch:
                return f"it is guarded by `{switch}`, an opt-in debugging switch", "opt-in debugging switch"
        return None

    def _reached(self, function) -> tuple[str, str] | None:
        """A function installed as a hook (`sys.excepthook = on_crash`), or one every use of which (a
        call, a reference) sits under an opt-in switch (`if args.pdb:`): debugging through an option."""
        names, uses = self.module.names, []
        for node in names.loads.get(function.name, []):
            if names.resolve_node(node) and any(b.node is function for b in names.resolve_node(node)):
                uses.append(node)
        for use in uses:
            stmt = names.statement(use)
            if isinstance(stmt, ast.Assign) and stmt.value is use and \
                    any(names.qualified(t) in HOOKS for t in stmt.targets):
                hook = next(names.qualified(t) for t in stmt.targets if names.qualified(t) in HOOKS)
                return (f"it is inside `{function.name}`, installed as `{hook}` (line {stmt.lineno}): a debugging "
                        "hook on purpose", "debugger hook")
        switches = [self._switch(use) for use in uses]
        if switches and all(switches):
            return (f"it is inside `{function.name}`, reached only under `{switches[0]}`, an opt-in debugging "
                    "switch", "opt-in debugging switch")
        return None

    def _switch(self, node: ast.AST) -> str:
        for guard in self.module.guards(node):
            switch = switch_in(guard.test, self.module, SWITCH, strings=True)
            if switch:
                return switch
        return ""

    def _patches(self) -> tuple[int, str] | None:
        """Where the module patches or stubs a debugger entry (tests of debugger hooks), once."""
        if self._patch is None:
            self._patch = (0, "")
            tree = self.module.tree
            hits = {id(node) for kind, hit in ((ast.Constant, self._patches_string), (ast.Call, self._patches_call),
                                               ((ast.Assign, ast.AugAssign, ast.AnnAssign), self._patches_entry))
                    for node in of_type(tree, kind) if hit(node)}
            if hits:  # the first in the tree's order
                node = next(node for node in walk(tree) if id(node) in hits)
                stmt = self.module.names.statement(node) or node
                self._patch = (stmt.lineno, self.module.short(stmt))
        return self._patch if self._patch[0] else None

    @staticmethod
    def _patches_string(node: ast.Constant) -> bool:
        return isinstance(node.value, str) and (node.value in ENTRIES or node.value == "PYTHONBREAKPOINT")

    def _patches_call(self, node: ast.Call) -> bool:
        """`mock.patch.object(pdb, "set_trace")`, `setattr(pdb, "set_trace", …)`."""
        strings = {a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)}
        if not strings & ENTRY_TAILS:  # (most calls: no name of any argument is worth resolving)
            return False
        owners = {self.module.names.qualified(a) for a in node.args}
        return any(f"{owner}.{text}" in ENTRIES for owner in owners if owner for text in strings)

    def _patches_entry(self, node: ast.Assign | ast.AugAssign | ast.AnnAssign) -> bool:
        """`pdb.set_trace = …`."""
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return any(self.module.names.qualified(t) in ENTRIES for t in targets
                   if isinstance(t, ast.Attribute) and t.attr in ENTRY_TAILS)

    def _module_tooling(self) -> tuple[int, str] | None:
        """A module-level debugger entry point of the module's own (`def set_trace`, a `Pdb` subclass)."""
        if self._tooling is None:
            self._tooling = (0, "")
            for stmt in self.module.tree.body:
                if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name in ENTRY_NAMES or \
                        isinstance(stmt, ast.ClassDef) and \
                        any(self.module.names.qualified(b) in TOOLING_BASES for b in stmt.bases):
                    self._tooling = (stmt.lineno, stmt.name)
                    break
        return self._tooling if self._tooling[0] else None

    def _shares_line(self, stmt: ast.stmt) -> bool:
        siblings = self.module.siblings(stmt)
        return any(s is not stmt and s.lineno <= stmt.end_lineno and stmt.lineno <= s.end_lineno for s in siblings)


def _dunder_import(call: ast.Call, owner: str | None) -> str | None:
    if owner == "builtins.__import__" and call.args and isinstance(call.args[0], ast.Constant) and \
            isinstance(call.args[0].value, str):
        return call.args[0].value
    return None


def _debugger_import(stmt: ast.Import | ast.ImportFrom) -> bool:
    if isinstance(stmt, ast.Import):
        return all(a.name.split(".")[0] in MODULES for a in stmt.names)
    return (stmt.module or "").split(".")[0] in MODULES and stmt.level == 0 and all(a.name != "*" for a in stmt.names)

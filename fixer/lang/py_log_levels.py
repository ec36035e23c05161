"""The logging levels a Python module configures, and rewriting them from one level to another.

Sites: `logging.basicConfig(level=…)`, `<logger or handler>.setLevel(…)` and the `"level"` keys of a
`logging.config.dictConfig(…)` dict, all resolved through the module's imports (`import logging as
lg`, `from logging import basicConfig`). A level is followed into constants and parameters' defaults
(`LEVEL = logging.INFO`), environment lookups' defaults (`os.getenv("LOG_LEVEL", "info").upper()`,
`os.getenv("LOG_LEVEL") or "INFO"`), `getattr(logging, …)`, `logging.getLevelName(…)` and both
branches of a conditional. `setLevel` is changed only on receivers known to be loggers or handlers.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from fixer.lang.py_ast import Spans, argument, keyword
from fixer.lang.py_names import Names

LEVELS = {"DEBUG": 10, "INFO": 20, "WARNING": 30, "ERROR": 40, "CRITICAL": 50}
ENV_LOOKUPS = {"os.getenv", "os.environ.get"}
SITE_NAMES = {"basicConfig", "setLevel", "dictConfig"}
LOGGER_FACTORIES = {"logging.getLogger", "logging.Logger", "logging.LoggerAdapter", "logging.getLoggerClass"}
QUOTED = re.compile(r"^([rRuU]?)('''|\"\"\"|'|\")(\w+)\2$")


@dataclass(frozen=True)
class Change:
    start: int
    end: int
    text: str
    problem: str = ""  # set instead of a change: why the level cannot be rewritten


def _problem(reason: str) -> Change:
    return Change(-1, -1, "", reason)


@dataclass
class Site:
    call: ast.Call
    changes: list[Change] = field(default_factory=list)
    problem: str = ""


class Levels:
    def __init__(self, tree: ast.Module, spans: Spans, old: str, new: str):
        self.tree, self.spans, self.old, self.new = tree, spans, old, new
        self._names: Names | None = None
        self.renamed: list[ast.Name] = []  # bare `INFO` names replaced
        self.import_new = False  # the new level's name must be imported

    @property
    def names(self) -> Names:
        if self._names is None:
            self._names = Names(self.tree)
        return self._names

    def sites(self) -> list[Site]:
        calls = [n for n in ast.walk(self.tree) if isinstance(n, ast.Call) and _last(n.func) in SITE_NAMES]
        found = []
        for call in sorted(calls, key=lambda c: (c.lineno, c.col_offset)):
            site = self._site(call)
            if site is not None:
                found.append(site)
        return found

    def _site(self, call: ast.Call) -> Site | None:
        renamed, import_new = len(self.renamed), self.import_new
        site = self._changes(call)
        if site is None or site.problem:  # nothing renamed here after all
            del self.renamed[renamed:]
            self.import_new = import_new
        return site

    def _changes(self, call: ast.Call) -> Site | None:
        name = self.names.qualified(call.func)
        if name == "logging.basicConfig":
            level = keyword(call, "level")
            changes = self._level(level) if level is not None else None
        elif name == "logging.config.dictConfig" and call.args:
            changes = self._dict_config(call.args[0])
        elif isinstance(call.func, ast.Attribute) and call.func.attr == "setLevel":
            level = argument(call, 0, "level")
            changes = self._level(level) if level is not None else None
            if changes and not self._logger(call.func.value, frozenset()):
                receiver = self.spans.short(call.func.value, 40)
                return Site(call, problem=f"`{receiver}.setLevel(…)` sets {self.old}, but `{receiver}` is not known "
                                          f"to be a logger or handler; not changed")
        else:
            return None
        if not changes:
            return None
        problem = next((c.problem for c in changes if c.problem), "")
        return Site(call, [] if problem else changes, problem)

    # -- levels ---------------------------------------------------------------------------------------------
    def _level(self, node: ast.AST, any_case: bool = False, seen: frozenset = frozenset()) -> list | None:
        """Changes turning `node` from the old level into the new one (None: it is not the old level)."""
        if isinstance(node, ast.Attribute):
            if self.names.qualified(node) == f"logging.{self.old}":
                end = self.spans.end(node)
                return [Change(end - len(self.old), end, self.new)]
            return None
        if isinstance(node, ast.Name):
            return self._name(node, seen)
        if isinstance(node, ast.Constant):
            return self._constant(node, any_case)
        if isinstance(node, ast.Call):
            return self._call(node, any_case, seen)
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
            return self._any([self._level(v, any_case, seen) for v in node.values[1:]])
        if isinstance(node, ast.IfExp):
            return self._any([self._level(node.body, any_case, seen), self._level(node.orelse, any_case, seen)])
        return None

    @staticmethod
    def _any(results: list) -> list | None:
        found = [c for r in results if r for c in r]
        return found or None

    def _constant(self, node: ast.Constant, any_case: bool) -> list | None:
        value = node.value
        if isinstance(value, bool):
            return None
        if isinstance(value, int) and value == LEVELS[self.old]:
            return [Change(self.spans.start(node), self.spans.end(node), str(LEVELS[self.new]))]
        if not isinstance(value, str) or (value != self.old and not (any_case and value.upper() == self.old)):
            return None
        match = QUOTED.match(self.spans.text(node))
        if match is None:
            return [_problem(f"the level {value!r} is written in a form the rule cannot rewrite")]
        prefix, quote, inner = match.groups()
        new = self.new.lower() if inner.islower() else self.new.title() if inner.istitle() else self.new
        return [Change(self.spans.start(node), self.spans.end(node), f"{prefix}{quote}{new}{quote}")]

    def _call(self, node: ast.Call, any_case: bool, seen) -> list | None:
        name = self.names.qualified(node.func)
        if name in ("logging.getLevelName", "builtins.int", "builtins.str") and len(node.args) == 1:
            return self._level(node.args[0], False, seen)
        if name in ENV_LOOKUPS:  # the default is the level the code ships with
            default = argument(node, 1, "default")
            return self._level(default, any_case, seen) if default is not None else None
        if name == "builtins.getattr" and len(node.args) >= 2 and self.names.qualified(node.args[0]) == "logging":
            return self._any([self._level(a, False, seen) for a in node.args[1:]])
        if isinstance(node.func, ast.Attribute) and node.func.attr in ("upper", "lower") and not node.args:
            return self._level(node.func.value, True, seen)
        return None

    def _name(self, node: ast.Name, seen: frozenset) -> list | None:
        if self.names.qualified(node) == f"logging.{self.old}":
            return self._bare_name(node)
        bindings = self.names.resolve_node(node) or []
        if len(bindings) != 1 or bindings[0].value is None or bindings[0].kind not in ("assign", "param"):
            return None
        value = bindings[0].value
        if value in seen:
            return None
        return self._level(value, False, seen | {value})  # `LEVEL = logging.INFO`: rewritten where defined

    def _bare_name(self, node: ast.Name) -> list:
        """`INFO` imported from logging: use the new level's imported name, importing it if needed."""
        scope = self.names.scope(node)
        available = self._imported_as(f"logging.{self.new}", scope)
        if available is None:
            old = self.names.resolve_node(node) or []
            if self.names.resolve(self.new, scope) or any(b.scope is not self.names.module for b in old):
                return [_problem(f"{self.new} is not imported from logging here; not changed")]
            available = self.new
            self.import_new = True
        self.renamed.append(node)
        return [Change(self.spans.start(node), self.spans.end(node), available)]

    def _imported_as(self, qualified: str, scope) -> str | None:
        for bindings in self.names.module.bindings.values():
            for binding in bindings:
                if binding.kind == "import" and binding.qualified == qualified:
                    resolved = self.names.resolve(binding.name, scope) or []
                    if binding in resolved:
                        return binding.name
        return None

    def _dict_config(self, node: ast.AST, seen: frozenset = frozenset()) -> list | None:
        if isinstance(node, ast.Name):
            bindings = self.names.resolve_node(node) or []
            if len(bindings) == 1 and bindings[0].kind == "assign" and bindings[0].value not in seen:
                return self._dict_config(bindings[0].value, seen | {bindings[0].value})
            return None
        if not isinstance(node, ast.Dict):
            return None
        results = []
        for key, value in zip(node.keys, node.values):
            if isinstance(key, ast.Constant) and key.value == "level":
                results.append(self._level(value))
            elif isinstance(value, ast.Dict):
                results.append(self._dict_config(value, seen))
        return self._any(results)

    # -- receivers ------------------------------------------------------------------------------------------
    def _logger(self, node: ast.AST, seen: frozenset) -> bool:
        """`node` is known to be a logger or a handler."""
        if node in seen:
            return False
        seen = seen | {node}
        if isinstance(node, ast.Call):
            name = self.names.qualified(node.func) or ""
            if name in LOGGER_FACTORIES or (name.startswith("logging.") and name.endswith("Handler")):
                return True
            return isinstance(node.func, ast.Attribute) and node.func.attr == "getChild" and \
                self._logger(node.func.value, seen)
        if isinstance(node, ast.Attribute):
            if self.names.qualified(node) == "logging.root":
                return True
            return self._attribute(node, seen)
        if isinstance(node, ast.Subscript):
            return self._handlers(node.value, seen)
        if isinstance(node, ast.Name):
            if self.names.qualified(node) == "logging.root":
                return True
            bindings = [b for b in self.names.resolve_node(node) or [] if b.kind != "del" and not _none(b)]
            return bool(bindings) and all(self._bound_logger(b, seen) for b in bindings)
        return False

    def _bound_logger(self, binding, seen) -> bool:
        if binding.kind == "assign" and binding.value is not None:
            return self._logger(binding.value, seen)
        if binding.kind == "for" and binding.value is not None:
            return self._handlers(binding.value, seen)  # for handler in logger.handlers
        return False

    def _handlers(self, node: ast.AST, seen) -> bool:
        return isinstance(node, ast.Attribute) and node.attr == "handlers" and self._logger(node.value, seen)

    def _attribute(self, node: ast.Attribute, seen) -> bool:
        """`self.logger`: every assignment to it in the class is a logger or handler."""
        if not isinstance(node.value, ast.Name):
            return False
        cls = next((a for a in self.names.ancestors(node) if isinstance(a, ast.ClassDef)), None)
        if cls is None:
            return False
        values = [s.value for s in ast.walk(cls) if isinstance(s, ast.Assign) for t in s.targets
                  if isinstance(t, ast.Attribute) and t.attr == node.attr and isinstance(t.value, ast.Name)
                  and t.value.id == node.value.id]
        values += [s.value for s in cls.body if isinstance(s, ast.Assign)
                   for t in s.targets if isinstance(t, ast.Name) and t.id == node.attr]
        return bool(values) and all(self._logger(v, seen) for v in values)

    # -- imports ------------------------------------------------------------------------------------------
    def import_changes(self) -> list[tuple[ast.ImportFrom, set[str], tuple[str, ...]]]:
        """For `from logging import INFO`: (statement, names to drop, names to add) after renaming."""
        out = []
        renamed = {id(n) for n in self.renamed}
        old_bindings = [b for bs in self.names.module.bindings.values() for b in bs
                        if b.kind == "import" and b.qualified == f"logging.{self.old}"]
        needs_new = self.import_new
        for binding in old_bindings:
            stmt = self.names.parent(binding.node)
            unused = all(id(use) in renamed for use in self.names.uses(binding))
            drop = {binding.name} if unused else set()
            add = (self.new,) if needs_new else ()
            needs_new = False
            if drop or add:
                out.append((stmt, drop, add))
        return out


def _none(binding) -> bool:
    """`_logger = None` before `_logger = logging.getLogger(…)`: calling setLevel rules None out."""
    return binding.kind == "assign" and isinstance(binding.value, ast.Constant) and binding.value.value is None


def _last(func: ast.AST) -> str:
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""

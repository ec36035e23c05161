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
from functools import cached_property

from fixer.lang.python.nodes import Spans, argument, keyword, last_name
from fixer.lang.python.names import FUNCTIONS, Names
from fixer.rules.set_log_level.switches import guard, switched

LEVELS = {"DEBUG": 10, "INFO": 20, "WARNING": 30, "ERROR": 40, "CRITICAL": 50}
ENV_LOOKUPS = {"os.getenv", "os.environ.get"}
SITE_NAMES = {"basicConfig", "setLevel", "dictConfig", "fileConfig"}
KNOWN_NAMES = {*LEVELS, "NOTSET", "WARN", "FATAL"}  # logging's level constants
CANNOT_TELL = "cannot tell the level"
DICT_SECTIONS = ("loggers", "handlers")  # dictConfig sections whose entries' "level" is a level setting
LOGGER_FACTORIES = {"logging.getLogger", "logging.Logger", "logging.LoggerAdapter", "logging.getLoggerClass"}
QUOTED = re.compile(r"^([rRuU]?)('''|\"\"\"|'|\")(\w+)\2$")


@dataclass(frozen=True)
class Change:
    start: int
    end: int
    text: str
    problem: str = ""  # set instead of a change: why the level cannot be rewritten
    aside: bool = False  # a problem reported beside the site's other changes, not blocking them


def _problem(reason: str) -> Change:
    return Change(-1, -1, "", reason)


def _unknown(reason: str) -> list[Change]:
    return [_problem(f"{CANNOT_TELL} ({reason}); not changed")]


@dataclass
class Site:
    call: ast.Call
    changes: list[Change] = field(default_factory=list)
    problem: str = ""  # the site is reported (needs review) instead of changed
    aside: str = ""  # reported besides its changes (dictConfig keys that are not level settings)


class Levels:
    def __init__(self, tree: ast.Module, spans: Spans, old: str, new: str, callers=lambda name: []):
        """`callers(name)`: (the switch each call of a function so named is under, "" for none; the
        function making the call) in the whole repo (see fixer.rules.set_log_level.switches)."""
        self.tree, self.spans, self.old, self.new = tree, spans, old, new
        self.callers = callers
        self._names: Names | None = None
        self.renamed: list[ast.Name] = []  # bare `INFO` names replaced
        self.import_new = False  # the new level's name must be imported

    @property
    def names(self) -> Names:
        if self._names is None:
            self._names = Names(self.tree)
        return self._names

    def sites(self) -> list[Site]:
        calls = [n for n in ast.walk(self.tree) if isinstance(n, ast.Call) and last_name(n.func) in SITE_NAMES]
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
        elif name == "logging.config.fileConfig":
            source = self.spans.short(call.args[0], 40) if call.args else "its file"
            return Site(call, problem=f"{CANNOT_TELL}: `fileConfig` sets levels from {source}, a file this rule does not "
                                      "rewrite; check its `level=` lines by hand")
        elif isinstance(call.func, ast.Attribute) and call.func.attr == "setLevel":
            level = argument(call, 0, "level")
            changes = self._level(level) if level is not None else None
            if changes and not self._logger(call.func.value, frozenset()):
                if all(c.problem.startswith(CANNOT_TELL) for c in changes) or self._own_object(call.func.value):
                    return None  # not a logger (`Volume().setLevel(20)`), or no evidence either way
                receiver = self.spans.short(call.func.value, 40)
                return Site(call, problem=f"`{receiver}.setLevel(…)` sets {self.old}, but `{receiver}` is not known "
                                          f"to be a logger or handler; not changed")
            if changes and not any(c.problem for c in changes):
                beside = self._handlers_beside(call.func.value)
                if beside:
                    return Site(call, problem=beside)
        else:
            return None
        if not changes:
            return None
        aside = "; ".join(c.problem for c in changes if c.aside)
        changes = [c for c in changes if not c.aside]
        problem = next((c.problem for c in changes if c.problem), "")
        if changes and not problem:
            problem = self._switch(call)
        return Site(call, [] if problem else changes, problem, aside)

    def _switch(self, call: ast.Call) -> str:
        """An `if` on a verbosity option or an environment variable around the call, or a function
        around it that is called only under one: the level is opt-in, not the shipped one."""
        test = guard(call, self.names.ancestors, self.spans.text)
        if test:
            return f"it sets {self.old} under `if {_short(test)}:`, an opt-in switch; not changed"
        function = next((a for a in self.names.ancestors(call) if isinstance(a, (*FUNCTIONS, ast.Lambda))), None)
        if not isinstance(function, FUNCTIONS):
            return ""
        test = switched(function.name, self.callers)
        if test:
            return f"it sets {self.old} in `{function.name}`, which is called only under an opt-in switch " \
                   f"(`if {_short(test)}:`); not changed"
        return ""

    def _handlers_beside(self, logger: ast.AST) -> str:
        """A logger that gets handlers in this module: their levels decide what each shows, and the
        logger's own level lets records through to all of them (a `--debug-file` handler at DEBUG)."""
        shown, named = self.spans.text(logger), self._logger_name(logger)
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                    node.func.attr == "addHandler" and (self.spans.text(node.func.value) == shown or
                                                        named and self._logger_name(node.func.value) == named):
                return f"`{_short(shown)}` gets handlers beside it (`{self.spans.short(node, 40)}`, line " \
                       f"{node.lineno}), whose levels decide what is shown; its own level lets records through " \
                       "to them all; not changed"
        return ""

    def _logger_name(self, node: ast.AST) -> str:
        """"tool" for `logging.getLogger("tool")` or a name bound only to it ('' when not known)."""
        if isinstance(node, ast.Name):
            bindings = self.names.resolve_node(node) or []
            node = bindings[0].value if len(bindings) == 1 and bindings[0].kind == "assign" else None
        if isinstance(node, ast.Call) and self.names.qualified(node.func) == "logging.getLogger" and node.args and \
                isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            return node.args[0].value
        return ""

    def _own_object(self, node: ast.AST) -> bool:
        """An instance of a class this module defines that is not a logging class (`v = Volume()`,
        `self` in `Volume`'s methods): its `setLevel` is its own, not a logger's."""
        if isinstance(node, ast.Name) and node.id == "self":
            cls = next((a for a in self.names.ancestors(node) if isinstance(a, ast.ClassDef)), None)
            return cls is not None and self._own_class(cls)
        if isinstance(node, ast.Name):
            bindings = self.names.resolve_node(node) or []
            return bool(bindings) and all(b.kind == "assign" and b.value is not None and self._own_object(b.value)
                                          for b in bindings)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            bindings = self.names.resolve_node(node.func) or []
            return len(bindings) == 1 and bindings[0].kind == "class" and self._own_class(bindings[0].node)
        return False

    def _own_class(self, cls: ast.ClassDef, seen: frozenset = frozenset()) -> bool:
        """A class of this module whose bases are `object` or such classes (an imported base may be a
        logger class)."""
        for base in cls.bases:
            if self.names.qualified(base) == "builtins.object":
                continue
            bindings = self.names.resolve_node(base) if isinstance(base, ast.Name) else None
            if not bindings or len(bindings) != 1 or bindings[0].kind != "class" or base.id in seen or \
                    not self._own_class(bindings[0].node, seen | {base.id}):
                return False
        return True

    # -- levels ---------------------------------------------------------------------------------------------
    def _level(self, node: ast.AST, any_case: bool = False, seen: frozenset = frozenset(),
               digits: bool = False) -> list | None:
        """Changes turning `node` from the old level into the new one (None: it is known to be another
        level; a "cannot tell the level" problem when it is not a literal or a known constant)."""
        if isinstance(node, ast.Attribute):
            qualified = self.names.qualified(node) or ""
            if qualified == f"logging.{self.old}":
                end = self.spans.end(node)
                return [Change(end - len(self.old), end, self.new)]
            if qualified.startswith("logging.") and qualified[len("logging."):] in KNOWN_NAMES:
                return None
            return _unknown(f"`{self.spans.short(node, 40)}` is not a literal or a known constant")
        if isinstance(node, ast.Name):
            return self._name(node, seen)
        if isinstance(node, ast.Constant):
            return self._constant(node, any_case, digits)
        if isinstance(node, ast.Call):
            return self._call(node, any_case, seen, digits)
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
            return self._any([self._level(v, any_case, seen, digits) for v in node.values[1:]])
        if isinstance(node, ast.IfExp):
            found = self._any([self._level(node.body, any_case, seen, digits),
                               self._level(node.orelse, any_case, seen, digits)])
            if found and not any(c.problem for c in found):  # `DEBUG if args.verbose else INFO`: a switch's two arms
                return [_problem(f"the level is chosen by `{self.spans.short(node, 50)}`: each arm is what a switch "
                                 "selects; not changed")]
            return found
        return _unknown(f"`{self.spans.short(node, 40)}` is computed")

    @staticmethod
    def _any(results: list) -> list | None:
        found = [c for r in results if r for c in r]
        return found or None

    def _constant(self, node: ast.Constant, any_case: bool, digits: bool = False) -> list | None:
        value = node.value
        if isinstance(value, bool):
            return None
        if isinstance(value, int) and value == LEVELS[self.old]:
            return [Change(self.spans.start(node), self.spans.end(node), str(LEVELS[self.new]))]
        if digits and isinstance(value, str) and value.isdigit() and int(value) == LEVELS[self.old]:
            return self._quoted(node, str(LEVELS[self.new]))  # `int(os.getenv("LVL", "20"))`
        if not isinstance(value, str) or (value != self.old and not (any_case and value.upper() == self.old)):
            return None
        inner = QUOTED.match(self.spans.text(node))
        new = self.new if inner is None else self.new.lower() if inner.group(3).islower() else \
            self.new.title() if inner.group(3).istitle() else self.new
        return self._quoted(node, new)

    def _quoted(self, node: ast.Constant, new: str) -> list:
        match = QUOTED.match(self.spans.text(node))
        if match is None:
            return [_problem(f"the level {node.value!r} is written in a form the rule cannot rewrite")]
        prefix, quote, _ = match.groups()
        return [Change(self.spans.start(node), self.spans.end(node), f"{prefix}{quote}{new}{quote}")]

    def _call(self, node: ast.Call, any_case: bool, seen, digits: bool = False) -> list | None:
        name = self.names.qualified(node.func)
        if name in ("logging.getLevelName", "builtins.int", "builtins.str") and len(node.args) == 1:
            return self._level(node.args[0], False, seen, digits or name == "builtins.int")
        default = argument(node, 1, "default")
        if name in ENV_LOOKUPS or isinstance(node.func, ast.Attribute) and node.func.attr == "get":
            # the default is the level the code ships with (`os.getenv("LOG_LEVEL", "INFO")`, `cfg.get("level", …)`)
            if default is not None:
                return self._level(default, any_case, seen, digits)
            return _unknown(f"`{self.spans.short(node, 40)}` has no default")
        if name == "builtins.getattr" and len(node.args) >= 2 and self.names.qualified(node.args[0]) == "logging":
            return self._any([self._level(a, False, seen, digits) for a in node.args[1:]])
        if isinstance(node.func, ast.Attribute) and node.func.attr in ("upper", "lower") and not node.args:
            return self._level(node.func.value, True, seen, digits)
        return _unknown(f"`{self.spans.short(node, 40)}` is computed")

    def _name(self, node: ast.Name, seen: frozenset) -> list | None:
        qualified = self.names.qualified(node) or ""
        if qualified == f"logging.{self.old}":
            return self._bare_name(node)
        if qualified.startswith("logging.") and qualified[len("logging."):] in KNOWN_NAMES:
            return None
        bindings = self.names.resolve_node(node) or []
        if len(bindings) != 1 or bindings[0].value is None or bindings[0].kind not in ("assign", "param"):
            return _unknown(f"`{node.id}` is not a constant or a parameter's default")
        value = bindings[0].value
        if value in seen:
            return None
        changes = self._level(value, False, seen | {value})  # `LEVEL = logging.INFO`: rewritten where defined
        if changes and not any(c.problem for c in changes) and bindings[0].kind == "param":
            return [_problem(f"`{node.id}` is a parameter whose default is {self.old}: its callers choose the level "
                             "(a user-facing default); not changed")]
        if changes and not any(c.problem for c in changes):
            other = next((use for use in self.names.uses(bindings[0]) if id(use) not in self._level_positions), None)
            if other is not None:
                used = self.spans.short(self.names.statement(other) or other, 40)
                return [_problem(f"`{node.id}` is also used by `{used}` (line {other.lineno}): rewriting it where it is "
                                 "defined would change that too; not changed")]
        return changes

    @cached_property
    def _level_positions(self) -> set[int]:
        """The nodes that are (parts of) a level given to a level-setting call."""
        found = set()
        for call in (n for n in ast.walk(self.tree) if isinstance(n, ast.Call) and last_name(n.func) in SITE_NAMES):
            level = keyword(call, "level") if last_name(call.func) == "basicConfig" else \
                argument(call, 0, "level") if last_name(call.func) == "setLevel" else None
            parts = [level] if level is not None else []
            if last_name(call.func) == "dictConfig" and call.args:
                parts += [v for d in self._dicts(call.args[0]) for k, v in zip(d.keys, d.values)
                          if isinstance(k, ast.Constant) and k.value == "level"]
            found.update(id(n) for part in parts for n in ast.walk(part))
        return found

    def _dicts(self, node: ast.AST, seen: frozenset = frozenset()) -> list[ast.Dict]:
        """The dict literals of a dictConfig argument, nested ones and those reached through names."""
        node = self._dict(node, seen)
        if node is None:
            return []
        return [node, *(d for v in node.values for d in self._dicts(v, seen | {node}))]

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

    def _dict(self, node: ast.AST, seen: frozenset = frozenset()) -> ast.Dict | None:
        """The dict literal a dictConfig value is, through a name bound once (None if not one)."""
        while isinstance(node, ast.Name):
            bindings = self.names.resolve_node(node) or []
            if len(bindings) != 1 or bindings[0].kind != "assign" or bindings[0].value in seen:
                return None
            seen = seen | {bindings[0].value}
            node = bindings[0].value
        return node if isinstance(node, ast.Dict) else None

    def _dict_config(self, node: ast.AST) -> list | None:
        """Levels of `root`, `loggers.*` and `handlers.*`; a `"level"` anywhere else (filters, formatters,
        a `"()"` factory's arguments) is reported aside when it is the old level."""
        config = self._dict(node)
        if config is None:
            return _unknown(f"the configuration `{self.spans.short(node, 40)}` is not a dict literal")
        results, aside = [], []
        for key, value in _items(config):
            if key == "root":
                results.append(self._entry_level(value, "root", aside))
            elif key in DICT_SECTIONS and (section := self._dict(value)) is not None:
                results += [self._entry_level(v, f"{key}.{k}", aside) for k, v in _items(section)]
            elif (section := self._dict(value)) is not None:
                aside += [f"{key}.{k}" for k, v in _items(section) if self._old_level_in(v)]
        changes = self._any(results) or []
        if aside:
            listed = ", ".join(f"`{where}`" for where in aside)
            changes.append(Change(-1, -1, "", f'"level": {self.old} under {listed} is not a logger or handler level '
                                             "(a filter's or formatter's option, or a `()` factory's argument); not "
                                             "changed", aside=True))
        return changes or None

    def _entry_level(self, node: ast.AST, where: str, aside: list[str]) -> list | None:
        entry = self._dict(node)
        if entry is None:
            return None
        keys = {k: v for k, v in _items(entry)}
        if "level" not in keys:
            return None
        if "()" in keys:  # a factory gets "level" as an argument: what it means is the factory's business
            if self._old_level_in(entry):
                aside.append(where)
            return None
        return self._level(keys["level"])

    def _old_level_in(self, node: ast.AST) -> bool:
        """The entry's "level" is the old level (only looked at: nothing is renamed or imported for it)."""
        entry = self._dict(node)
        level = next((v for k, v in _items(entry) if k == "level"), None) if entry is not None else None
        renamed, import_new = len(self.renamed), self.import_new
        changes = self._level(level) if level is not None else None
        del self.renamed[renamed:]
        self.import_new = import_new
        return bool(changes) and not any(c.problem for c in changes)

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


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _items(node: ast.Dict) -> list[tuple[str, ast.AST]]:
    return [(k.value, v) for k, v in zip(node.keys, node.values) if isinstance(k, ast.Constant) and isinstance(k.value, str)]


def _none(binding) -> bool:
    """`_logger = None` before `_logger = logging.getLogger(…)`: calling setLevel rules None out."""
    return binding.kind == "assign" and isinstance(binding.value, ast.Constant) and binding.value.value is None

"""What remove-debugger-calls and remove-debug-prints share: a verdict per call (removed as a
leftover, or left for a person, each with the evidence), the facts about a call's surroundings they
both read (its statement, enclosing functions and guards, comments, `# noqa`), and the way from
verdicts to an Outcome (statements removed through `pyblocks.Layout`, findings with evidence).

Everything is decided on CPython's ast; side effects follow `py_effects.Policy`.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Callable, Iterator

from fixer.lang.python import nodes as py_ast
from fixer.lang.python.nodes import Spans, last_name, of_type
from fixer.lang.python.effects import Policy
from fixer.lang.python.names import FUNCTIONS, Names
from fixer.lang.python.blocks import Kept, Layout, Removal, collapse_guards, kept_message

ENTRY_NAMES = {"main", "cli", "run_cli", "entrypoint", "entry_point", "console_main"}
CLI_DECORATORS = {"command", "group", "callback", "result_callback"}
INTENDED = re.compile(r"(?i)\bintentional(?:ly)?\b|\bon purpose\b|\bdeliberate(?:ly)?\b|^#\s*keep\b"
                      r"|\bnot an? (?:leftover|mistake|check-?in error)\b|\bdo(?: not|n'?t) remove\b")
NOQA = re.compile(r"#\s*noqa\b(?::\s*(?P<codes>[A-Za-z]+[0-9]+(?:[\s,]+[A-Za-z]+[0-9]+)*))?", re.I)


@dataclass
class Verdict:
    stmt: ast.AST  # what the finding points at; the statement removed when `fixed`
    fixed: bool
    message: str
    evidence: str
    keep: list[str] = field(default_factory=list)  # statements kept in its place (its effects)


class Blocked(Exception):
    """An effect in the arguments that cannot be kept as a statement of its own."""

    def __init__(self, reason: str, evidence: str):
        super().__init__(reason)
        self.reason, self.evidence = reason, evidence


class Module:
    """One module's names, side-effect policy and lines, for deciding about calls in it."""

    def __init__(self, tree: ast.Module, spans: Spans, extra_pure=(), star_exports=None):
        self.tree, self.spans = tree, spans
        self.names = Names(tree, star_exports)
        self.policy = Policy(self.names, spans, extra_pure)
        self._entries: dict[tuple, str] = {}
        self.raising: dict[str, str] = {}  # a kept read's text -> the handler it may raise into

    # -- where a call stands ------------------------------------------------------------------------
    def statement_of(self, call: ast.Call) -> ast.Expr | None:
        """The expression statement that is exactly this call (None when its value is used)."""
        stmt = self.names.statement(call)
        return stmt if isinstance(stmt, ast.Expr) and stmt.value is call else None

    def functions(self, node: ast.AST) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
        """Enclosing function definitions, innermost first."""
        for ancestor in self.names.ancestors(node):
            if isinstance(ancestor, FUNCTIONS):
                yield ancestor

    def guards(self, node: ast.AST) -> Iterator[ast.If]:
        """Enclosing `if`s whose body holds the node, up to its function."""
        child = node
        for ancestor in self.names.ancestors(node):
            if isinstance(ancestor, (*FUNCTIONS, ast.Lambda, ast.ClassDef)):
                return
            if isinstance(ancestor, ast.If) and child is not ancestor.test:
                yield ancestor
            child = ancestor

    def in_main_block(self, node: ast.AST) -> bool:
        return any(_is_main_guard(g.test) for g in self.guards(node))

    # -- command-line entry points ------------------------------------------------------------------------
    def entry_point(self, function, targets=frozenset()) -> str:
        """Why `function` is a command-line entry point ('' if nothing shows it is): its name, a
        click/typer decorator or registration, an argparse `set_defaults(func=…)`, a call from the
        `__main__` block, a console script (`targets`), a Django `Command.handle`, or parsing argv.
        Decided once per function (a function with N prints costs one walk, not N)."""
        key = (id(function), frozenset(targets))
        if key not in self._entries:
            self._entries[key] = self._entry_point(function, targets)
        return self._entries[key]

    def _entry_point(self, function, targets) -> str:
        names = self.names
        if function.name in ENTRY_NAMES:
            return f"named `{function.name}`"
        for decorator in function.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            if last_name(target) in CLI_DECORATORS:
                return f"decorated `@{self.short(decorator, 30)}`"
        owner = names.parent(function)
        if isinstance(owner, ast.Module):
            if function.name in targets:
                return "a console script of the project"
            if function.name in self.registered:
                return self.registered[function.name]
        if function.name == "handle" and isinstance(owner, ast.ClassDef) and \
                any(last_name(b).endswith("Command") for b in owner.bases):
            return "a management command"
        for node in own_nodes(function):
            if isinstance(node, ast.Call) and (names.qualified(node.func) == "argparse.ArgumentParser" or
                                               last_name(node.func) in ("parse_args", "parse_known_args")):
                return "it parses the command line"
            if isinstance(node, ast.Attribute) and names.qualified(node) == "sys.argv":
                return "it reads `sys.argv`"
        return ""

    def entry_function(self, node: ast.AST, targets=()) -> tuple[str, str] | None:
        """(name, why) of the innermost enclosing function that is an entry point, if any."""
        for function in self.functions(node):
            why = self.entry_point(function, targets)
            if why:
                return function.name, why
        return None

    @cached_property
    def registered(self) -> dict[str, str]:
        """Module-level functions made commands by a call: `app.command()(f)`, `cli.add_command(f)`,
        `parser.set_defaults(func=f)`, or a call from the `__main__` block."""
        found: dict[str, str] = {}
        for node in of_type(self.tree, ast.Call):
            func = node.func
            if isinstance(func, ast.Call) and last_name(func.func) in CLI_DECORATORS:
                how = f"registered by `{self.short(func, 30)}`"
                found.update({a.id: how for a in node.args if isinstance(a, ast.Name)})
            elif last_name(func) == "add_command" and node.args and isinstance(node.args[0], ast.Name):
                found[node.args[0].id] = "registered by `add_command`"
            elif last_name(func) == "set_defaults":
                found.update({k.value.id: "an argparse sub-command (`set_defaults(func=…)`)" for k in node.keywords
                              if k.arg == "func" and isinstance(k.value, ast.Name)})
            elif isinstance(func, ast.Name) and self.in_main_block(node):
                found.setdefault(func.id, "called from the `__main__` block")
        return found

    # -- comments -----------------------------------------------------------------------------------------
    def trailing_comment(self, stmt: ast.stmt) -> str:
        """The comment after the statement on its last line ('' if none)."""
        line = self.spans.lines.line_text(stmt.end_lineno)
        rest = line[self.spans.column(stmt.end_lineno, stmt.end_col_offset):].strip()
        return rest if rest.startswith("#") else ""

    def comment_above(self, stmt: ast.stmt) -> str:
        """The comment line directly above a statement that starts its line, at its indent ('' if none)."""
        lines = self.spans.lines
        if stmt.lineno < 2 or lines.line_text(stmt.lineno)[: self._column(stmt)].strip():
            return ""
        above = lines.line_text(stmt.lineno - 1)
        if not above.lstrip().startswith("#") or self.spans.indent(stmt.lineno - 1) != self.spans.indent(stmt.lineno):
            return ""
        return above.strip()

    def intended(self, stmt: ast.stmt) -> str:
        """A comment on the statement's line or directly above it saying it is there on purpose."""
        for comment in (self.trailing_comment(stmt), self.comment_above(stmt)):
            if comment and INTENDED.search(comment):
                return comment if len(comment) <= 50 else comment[:49] + "…"
        return ""

    def siblings(self, stmt: ast.stmt) -> list[ast.stmt]:
        """The statement list `stmt` belongs to."""
        parent = self.names.parent(stmt)
        for field_name in ("body", "orelse", "finalbody"):
            block = getattr(parent, field_name, None)
            if isinstance(block, list) and any(s is stmt for s in block):
                return block
        return [stmt]

    def noqa(self, stmt: ast.stmt, code: str) -> str:
        """`# noqa` or `# noqa: CODE` on the statement's lines, as written ('' if none)."""
        for n in range(stmt.lineno, stmt.end_lineno + 1):
            match = NOQA.search(self.spans.lines.line_text(n))
            if match and (not match.group("codes") or code.upper() in match.group("codes").upper()):
                return match.group(0).strip()
        return ""

    def _column(self, stmt: ast.stmt) -> int:
        return self.spans.column(stmt.lineno, stmt.col_offset)

    # -- effects ------------------------------------------------------------------------------------------
    def kept_effects(self, nodes: list[ast.AST]) -> list[str]:
        """The statements that keep the effects of evaluating `nodes`; Blocked if one cannot stand alone."""
        keep = []
        for effect in self.policy.effects(nodes):
            text = self.policy.statement(effect)
            if text is None:
                reason = effect.describe() if effect.reason.startswith("iterates") else \
                    f"{effect.describe()} and cannot be kept as a statement of its own"
                raise Blocked(reason, f"keeps `{effect.text}`: may have side effects")
            if effect.reason.startswith("may raise"):
                self.raising[text] = effect.reason
            keep.append(text)
        return keep

    def test_keep(self, test: ast.expr) -> list[str] | None:
        """What to keep of an `if` test when the `if` goes: its effects as statements, or None."""
        try:
            return self.kept_effects([test])
        except Blocked:
            return None

    def short(self, node: ast.AST, limit: int = 60) -> str:
        return self.spans.short(node, limit)


def kept_note(keep: list[str], raising: dict[str, str] | None = None) -> str:
    """Why the kept statements stay: side effects, or (`raising`: text -> reason) a read that may
    raise into a handler around it."""
    if not keep:
        return ""
    shown = ", ".join(f"`{k}`" for k in keep)
    reads = [f"`{k}` {raising[k]}" for k in keep if raising and k in raising]
    others = len(reads) < len(keep)
    why = "; ".join(["it may have side effects"] * others + reads)
    return f"; kept {shown} as a statement: {why}"


def only_used_by(module: Module, stmt: ast.Import | ast.ImportFrom, removed: list[ast.AST]) -> bool:
    """Every name the import binds is read, and only inside `removed` statements."""
    names = module.names
    removed_ids = {id(s) for s in removed}
    for alias in stmt.names:
        bindings = names.resolve(alias.asname or alias.name.split(".")[0], names.scope(alias)) or []
        binding = next((b for b in bindings if b.node is alias), None)
        uses = names.uses(binding) if binding else []
        if not uses or not all(any(id(a) in removed_ids for a in names.ancestors(u)) for u in uses):
            return False
    return True


def outcome(rule, source, analyse: Callable[[ast.Module, Spans], "Analysis | None"], comments: re.Pattern[str],
            taken=None):
    """The Outcome of a leftover rule on one source: findings with evidence, and the removals.
    `taken(name)`: another file taking a module-level name through this module (py_importers)."""
    from fixer.core.rule import Outcome

    tree, spans = py_ast.for_source(source)
    analysis = analyse(tree, spans)
    if analysis is None:
        return Outcome()
    verdicts = analysis.verdicts()
    result = Outcome()
    for verdict in verdicts:
        start, end = spans.start(verdict.stmt), spans.end(verdict.stmt)
        finding = rule.finding(source, start, verdict.message, verdict.fixed, end)
        result.findings.append(replace(finding, evidence=verdict.evidence))
    chosen = {id(v.stmt): (v.stmt, v.keep) for v in verdicts if v.fixed}
    layout = Layout(rule.id, tree, spans, comments, taken)
    for stmt in analysis.also([s for s, _ in chosen.values()]):
        who = _taken(stmt, analysis.module, layout.taken)
        if who is None:
            chosen[id(stmt)] = (stmt, [])
        else:
            layout.kept.append(Kept(stmt, kept_message(spans.short(stmt), who)))
    if chosen:
        module = analysis.module
        removals = collapse_guards(chosen, module.names.parent, module.test_keep)
        result.edits = layout.remove([Removal(s, k) for s, k in removals])
    result.findings = layout.settle(result.findings) + layout.findings(rule, source)
    return result


def _taken(stmt: ast.Import | ast.ImportFrom, module: Module, taken):
    """Another file taking a name this module-level import binds (None: none, or not module-level)."""
    if not isinstance(module.names.parent(stmt), ast.Module):
        return None
    plain = isinstance(stmt, ast.Import)
    return next(filter(None, (taken(a.asname or (a.name.split(".")[0] if plain else a.name)) for a in stmt.names)),
                None)


class Analysis:
    """One rule's decisions on one module (subclasses: debugger calls, prints)."""

    module: Module

    def verdicts(self) -> list[Verdict]:
        raise NotImplementedError

    def also(self, removed: list[ast.AST]) -> list[ast.stmt]:
        """Statements that go with the removed ones (e.g. `import pdb` in `import pdb; pdb.set_trace()`)."""
        return []


def _is_main_guard(test: ast.expr) -> bool:
    """`if __name__ == "__main__":` (either order)."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = [test.left, test.comparators[0]]
    return any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides) and \
        any(isinstance(s, ast.Constant) and s.value == "__main__" for s in sides)


DUNDER_DEBUG = ("it is guarded by `__debug__`, but `__debug__` is true unless Python runs with -O: decide whether "
                "it ships", "guarded by `__debug__`")


def dunder_debug(test: ast.expr) -> bool:
    """An `if` test reading `__debug__` (no switch: it is true unless Python runs with -O)."""
    return any(isinstance(n, ast.Name) and n.id == "__debug__" for n in ast.walk(test))


def switch_in(test: ast.expr, module: Module, switch: re.Pattern[str], strings: bool = False) -> str:
    """The part of an `if` test naming a switch (`args.pdb`, `self.verbose`, with `strings` also
    `"APP_DEBUG"`), or ''."""
    for node in ast.walk(test):
        text = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else \
            node.value if strings and isinstance(node, ast.Constant) and isinstance(node.value, str) else ""
        if text and switch.search(text):
            return module.short(node, 40)
    return ""


def own_nodes(function):
    """The nodes of a function's own body (not those of nested functions, lambdas or classes)."""
    pending = [s for s in function.body if not isinstance(s, (*FUNCTIONS, ast.ClassDef))]
    while pending:
        node = pending.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, (*FUNCTIONS, ast.Lambda, ast.ClassDef)):
                pending.append(child)


def name_parts(name: str) -> list[str]:
    """`_pdb_excepthook` -> ["pdb", "excepthook"]; `showTable` -> ["show", "table"]."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return [part for part in spaced.lower().split("_") if part]

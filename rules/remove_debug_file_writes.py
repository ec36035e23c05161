from __future__ import annotations

import re

from fixer.edits import Edit
from fixer.globs import glob_regex
from fixer.lang import python
from fixer.lang.pyblocks import (
    Removal,
    blocks,
    dotted,
    format_string_matches,
    module_constants,
    string_value,
    unused_import_edits,
)
from fixer.lazy import LazyModule
from fixer.rule import Example, Outcome, Param, Rule, Source

cst = LazyModule("libcst")

OPEN_FUNCS = {"open", "io.open", "builtins.open", "codecs.open"}
HANDLE_METHODS = {"write", "writelines", "flush"}
# Functions writing to their `file=` argument, matched by their last name so `import traceback as tb` works.
FILE_KW_FUNCS = {"print", "print_exc", "print_exception", "print_stack", "print_tb", "pprint"}
# Calls allowed inside the arguments of a removed write: formatting and reading, no side effects.
PURE_CALLS = {"str", "repr", "len", "format", "int", "float", "bool", "list", "dict", "tuple", "set", "sorted",
              "type", "id", "hex", "map", "filter", "enumerate", "zip", "range", "reversed", "any", "all", "isinstance", "getattr", "hasattr", "min", "max", "sum", "abs", "round", "vars",
              "time.time", "time.monotonic", "time.perf_counter", "time.strftime", "time.ctime", "os.getpid",
              "os.getppid", "threading.get_ident", "threading.current_thread", "datetime.now", "datetime.utcnow",
              "datetime.datetime.now", "datetime.datetime.utcnow", "json.dumps", "traceback.format_exc",
              "traceback.format_exception", "traceback.format_stack", "pprint.pformat", "asyncio.current_task"}
PURE_METHODS = {"format", "join", "get", "items", "keys", "values", "strip", "rstrip", "lstrip", "lower", "upper",
                "isoformat", "strftime", "hex", "total_seconds", "copy", "decode", "encode", "peer", "getName"}
DEBUG_COMMENT = r"(?i)debug|tombstone|\blog(?:ging)?\s+(?:it\s+)?to\s+(?:a\s+|the\s+)?file"


class RemoveDebugFileWrites(Rule):
    """Remove writes to leftover debug log files (`with open("/tmp/…debug.log", "a") as f: f.write(…)`).

    What it does:
        Deletes `with open(PATH, "a"|"w"|…) as f:` blocks whose body only writes to that handle
        (`f.write`, `f.writelines`, `f.flush`, `print(…, file=f)`, `traceback.print_exc(file=f)`), and
        one-line `open(PATH, …).write(…)` statements, where PATH matches one of `files` (exact paths or
        globs). PATH may be a literal, an f-string that matches whatever its placeholders hold, a
        module-level constant, or `Path(<literal>)`
        (placeholders are taken to stay within one path component). A block left empty gets `pass`. A comment directly
        above a removed write that talks about debugging (debug, tombstone, "log to file") goes with it;
        other comments stay and now sit above the code that follows. Imports that were used only by
        the removed code are removed too; imports that were already unused are left alone.

    Why:
        Debug writes to `/tmp` files survive into releases: they cost a syscall per event, leak data
        into world-readable files and fill disks on long-running workers.

    Example:
        with open("/tmp/python_worker_debug.log", "a") as f:
            f.write(f"got signal {signum}\\n")
        logger.info("shutting down")
        # becomes
        logger.info("shutting down")

    Fix safety:
        Safe: only statements whose sole effect is writing to a matching file are removed. A `with`
        block that does anything else, a write whose arguments call something that may have side
        effects (`f.write(str(queue.pop()))`; formatting and reads such as `str()`, `time.time()`,
        `os.getpid()`, `.format()` are fine), a read-mode open, or a path that only sometimes
        matches is reported, not touched. Writes to other files are never touched.
    """

    id = "remove-debug-file-writes"
    language = "python"
    default_paths = ("**/*.py",)
    params = {
        "files": Param(list, ["/tmp/*debug*.log"], "Exact paths or globs of debug log files.", item_type=str),
    }
    examples = (
        Example(
            before='import os\n\n\ndef start():\n    with open("/tmp/python_worker_debug.log", "a") as f:\n'
            '        f.write(f"pid={os.getpid()}\\n")\n    serve()\n',
            after="def start():\n    serve()\n",
        ),
        Example(
            before='def on_signal(signum, frame):\n    # DEBUG: log to file\n'
            '    with open("/tmp/python_worker_debug.log", "a") as f:\n        print("signal", signum, file=f)\n',
            after="def on_signal(signum, frame):\n    pass\n",
        ),
        Example(
            before='def record(event):\n    open("/tmp/worker_debug.log", "a").write(str(event))\n'
            '    # Persist the event before acknowledging it\n    store.save(event)\n',
            after="def record(event):\n    # Persist the event before acknowledging it\n    store.save(event)\n",
        ),
        Example(
            before='def fail(exc):\n    with open("/var/log/worker/errors.log", "a") as f:\n        f.write(str(exc))\n',
            after=None,
        ),
        Example(
            before='def dump(state):\n    with open("/tmp/python_worker_debug.log", "a") as f:\n'
            "        f.write(repr(state))\n        state.clear()\n",
            after=None,
        ),
    )

    def anchor_patterns(self) -> list[str]:
        pieces = set()
        for pattern in self.options["files"]:
            literal = [p for p in re.split(r"[*?\[\]]+", pattern) if p.strip("/")]
            pieces.update(re.escape(p) for p in literal)
        return sorted(pieces) or [r"\bopen\("]

    @classmethod
    def check_options(cls, values, where):
        from fixer.rule import ConfigError

        if not values["files"]:
            raise ConfigError(f"{where}'rules.{cls.id}.files' must name at least one path or glob")

    def path_matches(self, path: str) -> bool:
        return any(glob_regex(pattern).match(path) for pattern in self.options["files"])

    def check(self, source: Source) -> Outcome:
        from libcst.metadata import PositionProvider

        wrapper = source.cached("python.wrapper", python.wrapper)
        positions = wrapper.resolve(PositionProvider)
        module = wrapper.module
        scan = _Scanner(self, module_constants(module))
        removal = Removal(self.id, source.lines, positions, re.compile(DEBUG_COMMENT))
        outcome = Outcome()
        for block, owner, body in blocks(module):
            chosen = []
            for stmt in body:
                verdict, path = scan.statement(stmt)
                if verdict == "remove":
                    chosen.append(stmt)
                    end = source.lines.offset(positions[stmt].end.line, positions[stmt].end.column)
                    outcome.findings.append(
                        self.finding(source, _offset(source, positions[stmt]), f"removed debug write to {path}", True, end)
                    )
                elif verdict in ("report", "effects"):
                    why = "its arguments may have side effects" if verdict == "effects" else "it also does other work"
                    message = f"writes to debug log {path}, but {why}; not removed"
                    outcome.findings.append(self.finding(source, _offset(source, positions[stmt]), message, False))
            if chosen:
                removal.remove_block_statements(block, owner, chosen, len(body))
        for suite in _suites(module):  # `if TRACE: open(LOG, "a").write(x)` on one line
            paths = [scan._one_liner(small) for small in suite.body]
            if paths and all(paths) and all(_side_effect_free(small) for small in suite.body):
                first, last = positions[suite.body[0]], positions[suite.body[-1]]
                start = source.lines.offset(first.start.line, first.start.column)
                end = source.lines.offset(last.end.line, last.end.column)
                # Not recorded as removed lines: the line keeps its header, so names on it stay "used".
                removal.edits.append(Edit(start, end, "pass", self.id, "one-line block left empty"))
                outcome.findings.append(self.finding(source, start, f"removed debug write to {paths[0]}", True, end))
        outcome.edits = removal.edits + (unused_import_edits(wrapper, removal) if removal.edits else [])
        return outcome


def _suites(module: cst.Module) -> list[cst.SimpleStatementSuite]:
    found: list[cst.SimpleStatementSuite] = []

    class Collector(cst.CSTVisitor):
        def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
            found.append(node)

    module.visit(Collector())
    return found


def _offset(source: Source, where) -> int:
    return source.lines.offset(where.start.line, where.start.column)


class _Scanner:
    """Classifies statements: 'remove', 'report' or 'keep'."""

    def __init__(self, rule: RemoveDebugFileWrites, constants: dict[str, str]):
        self.rule = rule
        self.constants = constants

    def debug_path(self, call: cst.BaseExpression) -> str | None:
        """The matching debug path if `call` opens one for writing."""
        if not isinstance(call, cst.Call):
            return None
        name = dotted(call.func)
        positional = [a for a in call.args if a.keyword is None and a.star == ""]
        keywords = {a.keyword.value: a.value for a in call.args if a.keyword is not None}
        if name in OPEN_FUNCS:
            target = positional[0].value if positional else keywords.get("file")
            mode = positional[1].value if len(positional) > 1 else keywords.get("mode")
        elif isinstance(call.func, cst.Attribute) and call.func.attr.value == "open":
            target = call.func.value  # Path("...").open("a")
            mode = positional[0].value if positional else keywords.get("mode")
        else:
            return None
        if target is None or not _writes(mode, self.constants):
            return None
        if isinstance(target, cst.FormattedString):
            text = cst.Module(body=[]).code_for_node(target)
            return text if format_string_matches(target, self.rule.path_matches) else None
        value = string_value(target, self.constants)
        return value if value is not None and self.rule.path_matches(value) else None

    def statement(self, stmt: cst.BaseStatement) -> tuple[str, str | None]:
        if isinstance(stmt, cst.With):
            return self._with(stmt)
        if isinstance(stmt, cst.SimpleStatementLine):
            paths = [self._one_liner(small) for small in stmt.body]
            if all(paths) and all(_side_effect_free(small) for small in stmt.body):
                return "remove", paths[0]
            if all(paths):
                return "effects", paths[0]
            found = next((p for p in paths if p), None)
            return ("report", found) if found else ("keep", None)
        return "keep", None

    def _with(self, stmt: cst.With) -> tuple[str, str | None]:
        if len(stmt.items) != 1 or stmt.asynchronous is not None:
            paths = [self.debug_path(item.item) for item in stmt.items]
            found = next((p for p in paths if p), None)
            return ("report", found) if found else ("keep", None)
        item = stmt.items[0]
        path = self.debug_path(item.item)
        if path is None:
            return "keep", None
        handle = item.asname.name.value if item.asname and isinstance(item.asname.name, cst.Name) else None
        body = stmt.body.body
        statements = body if isinstance(stmt.body, cst.IndentedBlock) else [stmt.body]
        smalls = []
        for inner in statements:
            if not isinstance(inner, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
                return "report", path
            smalls.extend(inner.body)
        if handle and all(_writes_to_handle(small, handle) for small in smalls):
            if all(_side_effect_free(small) for small in smalls):
                return "remove", path
            return "effects", path
        return "report", path

    def _one_liner(self, small: cst.BaseSmallStatement) -> str | None:
        if not isinstance(small, cst.Expr) or not isinstance(small.value, cst.Call):
            return None
        call = small.value
        if isinstance(call.func, cst.Attribute) and call.func.attr.value in HANDLE_METHODS:
            return self.debug_path(call.func.value)
        if _last_name(call.func) in FILE_KW_FUNCS:
            for arg in call.args:
                if arg.keyword is not None and arg.keyword.value == "file":
                    return self.debug_path(arg.value)
        return None


def _writes(mode: cst.BaseExpression | None, constants: dict[str, str]) -> bool:
    if mode is None:
        return False
    value = string_value(mode, constants)
    return value is not None and any(flag in value for flag in "wax+")


def _writes_to_handle(small: cst.BaseSmallStatement, handle: str) -> bool:
    if isinstance(small, cst.Pass):
        return True
    if not isinstance(small, cst.Expr) or not isinstance(small.value, cst.Call):
        return False
    call = small.value
    func = call.func
    if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
        if func.value.value == handle and func.attr.value in HANDLE_METHODS:
            return True
    if _last_name(func) in FILE_KW_FUNCS:
        return any(
            arg.keyword is not None and arg.keyword.value == "file" and isinstance(arg.value, cst.Name)
            and arg.value.value == handle
            for arg in call.args
        )
    return False


def _last_name(func: cst.BaseExpression) -> str:
    return (dotted(func) or "").rsplit(".", 1)[-1]


def _side_effect_free(small: cst.BaseSmallStatement) -> bool:
    """The write's arguments only format and read (no `queue.pop()` that removal would lose)."""
    if not isinstance(small, cst.Expr) or not isinstance(small.value, cst.Call):
        return True  # `pass`
    ok = True

    class Calls(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> bool:
            nonlocal ok
            if node is small.value:
                return True  # the write itself
            name = dotted(node.func) or ""
            method = node.func.attr.value if isinstance(node.func, cst.Attribute) else ""
            if name not in PURE_CALLS and method not in PURE_METHODS and name != "open":
                ok = False
            return ok

        def visit_NamedExpr(self, node: cst.NamedExpr) -> bool:
            nonlocal ok
            ok = False  # `:=` binds a name the rest of the code may read
            return False

    small.value.visit(Calls())
    return ok

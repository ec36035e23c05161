"""Which parts of an expression may have side effects (the policy behind removing a debug write).

Pure: literals, names, attribute reads, subscripts, f-strings / `%` / `.format` of pure parts,
arithmetic, comparisons, displays, and calls to PURE_CALLS (or the user's `pure_calls`) resolved
through the module's imports, plus a few methods on values whose type is known (a str literal's
`.format`, `datetime.now().isoformat()`). A call that iterates its argument (`sorted`, `list`,
`", ".join`, a comprehension, `*x`) is pure only over a literal display, a string or
`*args`/`**kwargs`: over another name it may consume an iterator. Everything else is an effect:
calls on objects of unknown type, `await`, `yield`, `:=`. An effect can be kept as a statement of its
own when it is evaluated unconditionally and does not sit inside a comprehension or lambda; otherwise
it blocks the removal.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Iterable

from fixer.lang.python.nodes import Spans
from fixer.lang.python.names import Names

STR, BYTES, NUMBER, DATETIME, THREAD, TASK, ENUM = "str", "bytes", "number", "datetime", "thread", "task", "enum"

# qualified name -> the type of its result (None: a value no method is allowed on)
PURE_CALLS: dict[str, str | None] = {
    **{f"builtins.{name}": STR for name in ("str", "repr", "ascii", "format", "hex", "oct", "bin", "chr")},
    **{f"builtins.{name}": NUMBER for name in ("len", "id", "hash", "int", "float", "abs", "round", "ord")},
    **{f"builtins.{name}": None for name in ("type", "bool", "isinstance", "issubclass", "callable", "getattr",
                                             "hasattr", "vars", "range", "slice")},
    **{f"time.{name}": NUMBER for name in ("time", "monotonic", "perf_counter", "process_time", "time_ns",
                                           "monotonic_ns", "perf_counter_ns", "thread_time")},
    **{f"time.{name}": STR for name in ("strftime", "ctime", "asctime")},
    "time.localtime": None, "time.gmtime": None,
    **{f"os.{name}": NUMBER for name in ("getpid", "getppid", "getuid", "getgid")},
    "os.getcwd": STR, "os.getenv": None, "os.environ.get": None, "os.path.basename": STR, "os.path.dirname": STR,
    "os.path.join": STR, "os.fspath": None, "socket.gethostname": STR, "platform.node": STR,
    **{f"pathlib.{name}": None for name in ("Path", "PurePath", "PosixPath")},
    "threading.current_thread": THREAD, "threading.main_thread": THREAD, "threading.get_ident": NUMBER,
    "threading.get_native_id": NUMBER, "threading.active_count": NUMBER,
    **{f"traceback.{name}": None for name in ("format_exc", "format_exception", "format_exception_only",
                                               "format_stack", "format_tb", "extract_stack")},
    "traceback.format_exc": STR,
    "signal.Signals": ENUM, "signal.strsignal": STR, "signal.getsignal": None, "http.HTTPStatus": ENUM,
    **{f"datetime.datetime.{name}": DATETIME for name in ("now", "utcnow", "today", "fromtimestamp",
                                                           "utcfromtimestamp")},
    "datetime.date.today": DATETIME, "datetime.timedelta": None,
    "json.dumps": STR, "pprint.pformat": STR, "reprlib.repr": STR, "textwrap.shorten": STR,
    "asyncio.current_task": TASK, "sys.exc_info": None, "sys.getrecursionlimit": NUMBER,
}
# Calls that iterate over their (first) argument; "join" is str.join.
ITERATING = {f"builtins.{name}" for name in ("sorted", "list", "tuple", "set", "frozenset", "dict", "min", "max",
                                             "sum", "any", "all", "enumerate", "zip", "map", "filter", "reversed")}
METHODS: dict[str, dict[str, str | None]] = {
    STR: {**{m: STR for m in ("format", "format_map", "join", "upper", "lower", "strip", "lstrip", "rstrip",
                             "replace", "center", "ljust", "rjust", "zfill", "title", "capitalize", "casefold",
                             "swapcase", "expandtabs", "removeprefix", "removesuffix")},
          **{m: None for m in ("split", "rsplit", "splitlines", "partition", "rpartition", "startswith",
                               "endswith", "count", "find", "rfind", "isdigit", "isalpha", "isspace")},
          "encode": BYTES},
    BYTES: {"decode": STR, "hex": STR},
    NUMBER: {"hex": STR, "is_integer": None, "bit_length": NUMBER, "conjugate": NUMBER},
    DATETIME: {"isoformat": STR, "strftime": STR, "ctime": STR, "timestamp": NUMBER, "date": DATETIME,
               "time": DATETIME, "astimezone": DATETIME, "utcoffset": None, "tzname": STR, "weekday": NUMBER},
    THREAD: {"getName": STR, "is_alive": None, "isDaemon": None},
    TASK: {"get_name": STR},
    ENUM: {},
}


@dataclass(frozen=True)
class Effect:
    node: ast.AST
    text: str  # the source of the effectful part, one line
    reason: str  # "may have side effects", "iterates `x`, which may be an iterator"
    standalone: bool  # can be kept as a statement of its own, in the same place

    def describe(self) -> str:
        return f"`{self.text}` {self.reason}"


class Policy:
    """Side effects of expressions in one module (names resolve through its imports)."""

    def __init__(self, names: Names, spans: Spans, extra_pure: Iterable[str] = ()):
        self.names = names
        self.spans = spans
        self.pure = {**PURE_CALLS, **{name: None for name in extra_pure if not name.startswith(".")}}
        self.pure_methods = {name[1:] for name in extra_pure if name.startswith(".")}  # ".peer": any x.peer()

    def effects(self, nodes: Iterable[ast.AST | None]) -> list[Effect]:
        """The effects of evaluating `nodes` in order, outermost effect first within each."""
        found: list[Effect] = []
        for node in nodes:
            if node is not None:
                self._walk(node, found, conditional=False, nested=False)
        return found

    def statement(self, effect: Effect) -> str | None:
        """Source for keeping `effect` as a statement of its own (None if it cannot stand alone)."""
        if not effect.standalone:
            return None
        node = effect.node
        text = self.spans.text(node)
        if isinstance(node, ast.NamedExpr):
            text = f"({text})"
        try:
            same = ast.dump(ast.parse(text).body[0].value) == ast.dump(node)
        except SyntaxError:
            same = False
        if not same:  # a position ast reports imprecisely: fall back to its own rendering
            text = ast.unparse(node)
            text = f"({text})" if isinstance(node, ast.NamedExpr) else text
        return text

    # -- the walk ---------------------------------------------------------------------------------
    def _effect(self, node, found, reason: str, standalone: bool) -> None:
        found.append(Effect(node, self.spans.short(node), reason, standalone))

    def _walk(self, node: ast.AST, found: list[Effect], conditional: bool, nested: bool) -> None:
        alone = not conditional and not nested
        if isinstance(node, (ast.Constant, ast.Name)):
            return
        if isinstance(node, ast.Call):
            self._call(node, found, conditional, nested)
        elif isinstance(node, (ast.Await, ast.Yield, ast.YieldFrom)):
            self._effect(node, found, "may have side effects", alone)
        elif isinstance(node, ast.NamedExpr):
            self._effect(node, found, f"binds `{node.target.id}`", alone)
        elif isinstance(node, ast.BoolOp):
            self._walk(node.values[0], found, conditional, nested)
            for value in node.values[1:]:
                self._walk(value, found, True, nested)
        elif isinstance(node, ast.IfExp):
            self._walk(node.test, found, conditional, nested)
            self._walk(node.body, found, True, nested)
            self._walk(node.orelse, found, True, nested)
        elif isinstance(node, ast.Lambda):
            self._walk(node.body, found, conditional, True)
        elif isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            self._comprehension(node, found, conditional, nested)
        elif isinstance(node, ast.Starred):
            self._iterated(node, node.value, found)
            self._walk(node.value, found, conditional, nested)
        elif isinstance(node, (ast.Attribute, ast.Subscript, ast.Slice, ast.JoinedStr, ast.FormattedValue, ast.BinOp,
                               ast.UnaryOp, ast.Compare, ast.Tuple, ast.List, ast.Set, ast.Dict, ast.keyword)):
            for child in ast.iter_child_nodes(node):
                if not isinstance(child, (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop)):
                    self._walk(child, found, conditional, nested)
        else:
            self._effect(node, found, "may have side effects", False)

    def _comprehension(self, node, found, conditional: bool, nested: bool) -> None:
        first, *rest = node.generators
        self._iterated(node, first.iter, found)
        self._walk(first.iter, found, conditional, nested)
        parts = [first.target, *first.ifs, *(n for g in rest for n in (g.target, g.iter, *g.ifs))]
        parts += [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
        for part in parts:
            self._walk(part, found, True, True)

    def _call(self, node: ast.Call, found, conditional: bool, nested: bool) -> None:
        func = node.func
        # A builtin a `from … import *` may rebind is not known to be pure.
        name = None if self.names.star_source(func) else self.names.qualified(func)
        receiver = self.kind(func.value) if isinstance(func, ast.Attribute) and name is None else None
        if name in self.pure or name in ITERATING:
            iterated = _iterated_arguments(name, node.args)
        elif (receiver is not None and func.attr in METHODS[receiver]) or \
                (isinstance(func, ast.Attribute) and func.attr in self.pure_methods):
            iterated = node.args[:1] if func.attr == "join" else []
            self._walk(func.value, found, conditional, nested)
        else:
            self._effect(node, found, "may have side effects", not conditional and not nested)
            return
        for argument in iterated:
            self._iterated(node, argument, found)
        for child in [*node.args, *(k.value for k in node.keywords)]:
            self._walk(child, found, conditional, nested)

    def _iterated(self, owner: ast.AST, iterable: ast.AST, found) -> None:
        """Iterating a name may consume an iterator (`list(it)`): only displays, strings and `*args` are safe."""
        if not self.safe_iterable(iterable):
            self._effect(owner, found, f"iterates `{self.spans.short(iterable, 30)}`, which may be an iterator", False)

    def safe_iterable(self, node: ast.AST) -> bool:
        if isinstance(node, (ast.List, ast.Tuple, ast.Set, ast.Dict, ast.ListComp, ast.SetComp, ast.DictComp,
                             ast.GeneratorExp, ast.JoinedStr)):
            return True
        if isinstance(node, ast.Call) and self.names.qualified(node.func) in ITERATING | {"builtins.range"}:
            return True
        if isinstance(node, ast.Name):  # `*args` and `**kwargs` are a tuple and a dict
            bindings = self.names.resolve_node(node)
            return bool(bindings) and all(b.kind == "varargs" for b in bindings)
        return self.kind(node) in (STR, BYTES)

    def kind(self, node: ast.AST) -> str | None:
        """The type of a value when it is known (a literal, or the result of a pure call)."""
        if isinstance(node, ast.Constant):
            return STR if isinstance(node.value, str) else BYTES if isinstance(node.value, bytes) else \
                NUMBER if isinstance(node.value, (int, float)) else None
        if isinstance(node, ast.JoinedStr):
            return STR
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)):
            return self.kind(node.left) if self.kind(node.left) in (STR, BYTES) else None
        if isinstance(node, ast.Call):
            name = self.names.qualified(node.func)
            if name is not None:
                return self.pure.get(name)
            if isinstance(node.func, ast.Attribute):
                receiver = self.kind(node.func.value)
                return METHODS.get(receiver, {}).get(node.func.attr) if receiver else None
        return None


def _iterated_arguments(name: str | None, args: list[ast.expr]) -> list[ast.expr]:
    """The arguments a call iterates over (`map(f, xs)` iterates xs; `max(a, b)` iterates nothing)."""
    if name not in ITERATING:
        return []
    if name in ("builtins.map", "builtins.filter"):
        return args[1:]
    if name == "builtins.zip":
        return list(args)
    if name in ("builtins.min", "builtins.max") and len(args) > 1:
        return []
    return args[:1]

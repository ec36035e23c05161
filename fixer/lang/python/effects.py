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

Reads that can raise (`d["key"]`, `obj.name`, `int(s)`, `a / b`) are pure unless an enclosing
`try` of the same function has a handler that could catch what they raise (`except KeyError`,
`except LookupError`, `except Exception`, a bare `except`, a handler of a class fixer cannot place,
`with contextlib.suppress(…)`): deleting the read would skip the handler and change what the
function does. Under such a handler the read is an effect of its own (kept as a statement, or the
site is reported when it runs only sometimes). The same policy as the Elixir rules' partial reads.
"""
from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass
from typing import Iterable

from fixer.lang.python.nodes import Spans
from fixer.lang.python.names import FUNCTIONS, Names

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


# What a read may raise when its data is of the wrong shape (builtin exception names).
SUBSCRIPT_RAISES = ("KeyError", "IndexError", "TypeError")
ATTRIBUTE_RAISES = ("AttributeError",)
CALL_RAISES = ("TypeError", "ValueError", "OverflowError")
ARITHMETIC_RAISES = ("TypeError", "ZeroDivisionError", "OverflowError")
FORMAT_RAISES = ("TypeError", "ValueError", "KeyError")
ORDERING = (ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn)
SUPPRESSORS = {"contextlib.suppress"}


@dataclass(frozen=True)
class Catcher:
    """An `except` clause (or `suppress(…)`) around a statement, in the same function."""

    types: tuple[str | None, ...]  # builtin exception names; None: a class fixer cannot place (or bare)
    text: str  # "`except KeyError` (line 4)"

    def catches(self, raised: tuple[str, ...]) -> str:
        """The first of `raised` this clause could catch ('' if none)."""
        for name in raised:
            kind = getattr(builtins, name)
            if any(t is None or issubclass(kind, getattr(builtins, t)) for t in self.types):
                return name
        return ""


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
        self._catchers: list[Catcher] = []

    def effects(self, nodes: Iterable[ast.AST | None]) -> list[Effect]:
        """The effects of evaluating `nodes` in order, outermost effect first within each."""
        found: list[Effect] = []
        nodes = [n for n in nodes if n is not None]
        self._catchers = self.catchers(nodes[0]) if nodes else []
        for node in nodes:
            self._walk(node, found, conditional=False, nested=False)
        return found

    # -- handlers around a read ------------------------------------------------------------------
    def catchers(self, node: ast.AST) -> list[Catcher]:
        """The handlers that could see an exception raised at `node`: the `except` clauses of each
        enclosing `try` whose body holds it, and `with suppress(…)`, up to its function. An `except:
        pass` around the last thing a try does is left out: caught or not, the same runs next."""
        found, child, last = [], node, True  # last: a raise here would skip nothing up to `ancestor`
        for ancestor in self.names.ancestors(node):
            if isinstance(ancestor, (*FUNCTIONS, ast.Lambda, ast.ClassDef)):
                break
            if isinstance(ancestor, (ast.Try, getattr(ast, "TryStar", ast.Try))) and \
                    any(s is child for s in ancestor.body):
                tail = last and child is ancestor.body[-1]
                found += [self._catcher(h.type, _except_text(h, self.spans)) for h in ancestor.handlers
                          if not (tail and _does_nothing(h.body))]
            elif isinstance(ancestor, (ast.With, ast.AsyncWith)):
                found += [self._catcher(ast.Tuple(elts=list(item.context_expr.args)),
                                        f"`{self.spans.short(item.context_expr, 30)}` (line {ancestor.lineno})")
                          for item in ancestor.items if isinstance(item.context_expr, ast.Call)
                          and self.names.qualified(item.context_expr.func) in SUPPRESSORS]
            if isinstance(child, ast.stmt):
                last = last and _last_of_its_block(child, ancestor)
            child = ancestor
        return found

    def _catcher(self, kind: ast.expr | None, text: str) -> Catcher:
        if kind is None:
            return Catcher((None,), text)
        parts = kind.elts if isinstance(kind, ast.Tuple) else [kind]
        return Catcher(tuple(t for part in parts for t in self._exception_types(part, frozenset())), text)

    def _exception_types(self, node: ast.expr, seen: frozenset) -> tuple[str | None, ...]:
        """The builtin exception classes `node` names or (a class of this module) derives from; None
        for one fixer cannot place (imported, computed): it may catch anything."""
        name = self.names.qualified(node) or ""
        if name.startswith("builtins.") and isinstance(getattr(builtins, name[9:], None), type) and \
                issubclass(getattr(builtins, name[9:]), BaseException):
            return (name[9:],)
        bindings = self.names.resolve_node(node) if isinstance(node, ast.Name) else None
        if bindings and len(bindings) == 1 and bindings[0].kind == "class" and node.id not in seen:
            bases = bindings[0].node.bases
            found = tuple(t for base in bases for t in self._exception_types(base, seen | {node.id}))
            return found if found else (None,)
        return (None,)

    def _caught(self, node: ast.AST) -> str:
        """Why deleting the read `node` could skip a handler ('' when nothing around it could catch it)."""
        if not self._catchers:
            return ""
        raised = self._raises(node)
        for catcher in self._catchers:
            name = catcher.catches(raised) if raised else ""
            if name:
                return f"may raise {name}, which {catcher.text} catches"
        return ""

    def _raises(self, node: ast.AST) -> tuple[str, ...]:
        """What evaluating the read `node` itself (not its parts) may raise on data of the wrong shape."""
        if isinstance(node, ast.Subscript):
            return () if self.kind(node) else SUBSCRIPT_RAISES  # `text[:200]`: slicing a str never fails
        if isinstance(node, ast.Attribute):
            return () if self.names.qualified(node) else ATTRIBUTE_RAISES  # `logging.INFO`: a module's name
        if isinstance(node, ast.Call):
            if not node.args and not node.keywords:
                return ()
            name = self.names.qualified(node.func)
            return (*CALL_RAISES, "AttributeError") if name == "builtins.getattr" else CALL_RAISES
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.Add) and self.kind(node.left) == self.kind(node.right) == STR:
                return ()
            return FORMAT_RAISES if isinstance(node.op, ast.Mod) else ARITHMETIC_RAISES
        if isinstance(node, ast.UnaryOp) and not isinstance(node.op, ast.Not):
            return ("TypeError",)
        if isinstance(node, ast.Compare) and any(isinstance(op, ORDERING) for op in node.ops):
            return ("TypeError",)
        if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            return ("ValueError", "TypeError")
        return ()

    def _read(self, node: ast.AST, found, conditional: bool, nested: bool) -> bool:
        """Record a read that a handler around it could catch as an effect (True if it is one)."""
        why = self._caught(node)
        if why:
            self._effect(node, found, why, not conditional and not nested)
        return bool(why)

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
            if self._read(node, found, conditional, nested):
                return
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
            if self._read(node, found, conditional, nested):
                return
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
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
            return self.kind(node.value) if self.kind(node.value) in (STR, BYTES) else None
        if isinstance(node, ast.Call):
            name = self.names.qualified(node.func)
            if name is not None:
                return self.pure.get(name)
            if isinstance(node.func, ast.Attribute):
                receiver = self.kind(node.func.value)
                return METHODS.get(receiver, {}).get(node.func.attr) if receiver else None
        return None


def _except_text(handler: ast.ExceptHandler, spans: Spans) -> str:
    kind = f" {spans.short(handler.type, 30)}" if handler.type is not None else ""
    return f"`except{kind}` (line {handler.lineno})"


def _last_of_its_block(stmt: ast.stmt, parent: ast.AST) -> bool:
    """Nothing runs after `stmt` in its block (and the block is not a loop's body, which runs again)."""
    if isinstance(parent, (ast.For, ast.AsyncFor, ast.While)):
        return False
    for name in ("body", "orelse", "finalbody"):
        block = getattr(parent, name, None)
        if isinstance(block, list) and any(s is stmt for s in block):
            return block[-1] is stmt
    return True


def _does_nothing(body: list[ast.stmt]) -> bool:
    """`pass`, `...` or a docstring only."""
    return all(isinstance(s, ast.Pass) or isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant) for s in body)


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

"""What a Python name refers to: scopes, bindings and imports, read from CPython's ast.

`Names(tree)` walks a module once. `qualified(expr)` resolves `time.time` to "time.time" only when
`time` is the module bound by `import time` (not a parameter, a local `def`, `from clock import time`
or `import vendored as time`), and an unbound builtin name such as `str` to "builtins.str".
Class bodies are invisible to the functions nested in them, as in Python.

The bindings and the reads are gathered for the whole module at once, but a node's scope and parent
(a dict entry per node: half the memory of a huge module's tree again) are indexed only for the
top-level statements a rule asks about, the first time it asks: a rule looks closely at its
candidates' statements, not at the whole module. Past INDEXED entries the statements asked about
longest ago are dropped from the index (and indexed again if asked about again).
"""
from __future__ import annotations

import ast
import builtins
import weakref
from bisect import bisect_right
from collections import OrderedDict
from dataclasses import dataclass, field

BUILTINS = frozenset(dir(builtins))


@dataclass(eq=False)
class Scope:
    node: ast.AST
    kind: str  # module, function, lambda, class, comprehension
    parent: Scope | None
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    # Shared empty values until a statement declares one: an empty set is 216 bytes, and a huge
    # module opens tens of thousands of scopes that declare none (12 MB for 5 MB of source).
    globals: frozenset[str] = frozenset()
    nonlocals: frozenset[str] = frozenset()
    stars: tuple[str, ...] = ()  # the modules of its `from … import *`


class Binding:
    """One binding of a name. It refers to its scope weakly: a scope holds its bindings, and a cycle
    between them would keep a huge module's tree alive until a full garbage collection (0.7 s for 5
    MB); without one the tree goes as soon as the rule drops its `Names`."""

    __slots__ = ("name", "kind", "node", "_scope", "qualified", "value")

    def __init__(self, name: str, kind: str, node: ast.AST, scope: Scope, qualified: str | None = None,
                 value: ast.expr | None = None):
        self.name = name
        self.kind = kind  # import, def, class, param, varargs, assign, for, with, walrus, del, other
        self.node = node  # the binding site
        self._scope = weakref.ref(scope)
        self.qualified = qualified  # imports: the dotted name bound
        self.value = value  # `name = value`, a parameter's default, a for loop's iterable, a with's item

    @property
    def scope(self) -> Scope:
        return self._scope()  # alive while the Names that made it is

    def __repr__(self) -> str:
        return f"Binding({self.name!r}, {self.kind!r}, line {getattr(self.node, 'lineno', '?')})"

    def describe(self) -> str:
        what = {"import": "an import", "def": "a local def", "class": "a class", "param": "a parameter",
                "assign": "an assignment"}.get(self.kind, "a binding")
        return f"{what} (line {self.node.lineno})" if hasattr(self.node, "lineno") else what


INDEXED = 200_000  # index entries kept (a module of up to about 100,000 nodes is never re-indexed)
COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


class Names:
    """Scopes and bindings of one module; any node can be asked for its scope and its parent."""

    def __init__(self, tree: ast.Module, star_exports=None):
        """`star_exports(module, name)`: whether `from module import *` binds the builtin `name`
        (fixer.lang.python.stars); without it every star import may rebind every builtin."""
        self.star_exports = star_exports
        self.module = Scope(tree, "module", None)
        # Filled a top-level statement at a time, on the first question about a node in it.
        self.scopes: dict[int, Scope] = {}
        self.parents: dict[int, ast.AST] = {}
        self.loads: dict[str, list[ast.Name]] = {}  # every Name read (or deleted)
        self._load_scopes: dict[str, list[Scope]] = {}  # the scope of each of `loads`, in step
        self._bound: set[int] = set()  # Name targets already bound by their statement
        self._groups: dict[str, dict[int, list[ast.Name]]] = {}
        self._inner: dict[int, Scope] = {}  # the scope each function, lambda, class, comprehension opens
        self._indexing = False  # re-walking a statement for its index: bind nothing again
        self._tops = [child for name in tree._fields for child in getattr(tree, name, None) or ()
                      if isinstance(child, ast.AST)]
        self._firsts = [_first_line(stmt) for stmt in self._tops]
        self._lasts = [getattr(stmt, "end_lineno", None) or first for stmt, first in zip(self._tops, self._firsts)]
        # position in _tops -> (scopes, parents) of its nodes, the most recently asked last
        self._indexed: OrderedDict[int, tuple[dict[int, Scope], dict[int, ast.AST]]] = OrderedDict()
        self._size = 0
        self._hot: tuple[dict[int, Scope], dict[int, ast.AST]] = ({}, {})  # the entry last answering
        for stmt in self._tops:
            self._visit(stmt, self.module)
            self.scopes.clear()
            self.parents.clear()
            self._bound.clear()

    # -- queries ------------------------------------------------------------------------------
    def scope(self, node: ast.AST) -> Scope:
        return self._lookup(node, 0) or self.module

    def parent(self, node: ast.AST) -> ast.AST | None:
        return self._lookup(node, 1)

    def ancestors(self, node: ast.AST):
        current = self.parent(node)
        while current is not None:
            yield current
            current = self.parent(current)

    def statement(self, node: ast.AST) -> ast.stmt | None:
        """The innermost statement containing `node` (itself if it is one)."""
        current: ast.AST | None = node
        while current is not None and not isinstance(current, ast.stmt):
            current = self.parent(current)
        return current

    def resolve(self, name: str, scope: Scope) -> list[Binding] | None:
        """The bindings `name` may refer to from `scope`: [] if unbound here (a builtin or undefined),
        None if unknowable (a `from x import *` could have bound it; it is taken not to rebind builtins)."""
        current: Scope | None = scope
        first = True
        while current is not None:
            if current.kind == "class" and not first:
                current = current.parent
                continue
            if name in current.globals:
                current = self.module
                continue
            if name in current.bindings and name not in current.nonlocals:
                return current.bindings[name]
            if current.stars and name not in BUILTINS:  # taken not to rebind builtins
                return None
            first = False
            current = current.parent
        return []

    def star_source(self, node: ast.AST) -> str:
        """For a builtin name (`open`, `print`, `breakpoint`) no binding shadows, the module of a
        `from … import *` that may rebind it ('' if none): `resolve` takes it for the builtin, a rule
        removing a call to it must not."""
        # Python allows `import *` only at module level.
        if not self.module.stars or not isinstance(node, ast.Name) or node.id not in BUILTINS or \
                self.resolve_node(node) != []:
            return ""
        exports = self.star_exports or (lambda module, name: True)
        return next((module for module in self.module.stars if exports(module, node.id)), "")

    def bound_names(self, accept) -> set[str]:
        """The names of the bindings anywhere in the module (any scope) that `accept(binding)`."""
        found = set()
        for scope in (self.module, *self._inner.values()):
            for name, bindings in scope.bindings.items():
                if name not in found and any(accept(b) for b in bindings):
                    found.add(name)
        return found

    def resolve_node(self, node: ast.Name) -> list[Binding] | None:
        return self.resolve(node.id, self.scope(node))

    def qualified(self, node: ast.AST) -> str | None:
        """`time.time`, `builtins.open`, `datetime.datetime.now`: the dotted name an expression
        stands for, through the module's imports; None when it is not an imported or builtin name."""
        if isinstance(node, ast.Attribute):
            base = self.qualified(node.value)
            return f"{base}.{node.attr}" if base else None
        if not isinstance(node, ast.Name):
            return None
        bindings = self.resolve_node(node)
        if bindings is None:
            return None
        if not bindings:
            return f"builtins.{node.id}" if node.id in BUILTINS else None
        if not all(b.kind == "import" for b in bindings):
            return None
        names = {b.qualified for b in bindings}
        if len(names) == 1:
            return names.pop()
        fallback = [b for b in bindings if self._import_fallback(b)]
        return fallback[0].qualified if len(fallback) == 1 else None

    def _import_fallback(self, binding: Binding) -> bool:
        """`try: import ujson as json / except ImportError: import json`: the fallback names the API
        the code relies on (the first import is a drop-in replacement)."""
        handler = self.parent(self.parent(binding.node))
        return isinstance(handler, ast.ExceptHandler) and \
            any(name in ("ImportError", "ModuleNotFoundError") for name in _names(handler.type))

    def uses(self, binding: Binding) -> list[ast.Name]:
        """Every load of the binding's name that may read this binding (those resolving to the list of
        bindings it belongs to; grouped once per name, so asking for N bindings costs O(loads))."""
        groups = self._groups.get(binding.name)
        if groups is None:
            groups = self._groups[binding.name] = {}
            for load, scope in zip(self.loads.get(binding.name, ()), self._load_scopes.get(binding.name, ())):
                resolved = self.resolve(load.id, scope)
                if resolved:
                    groups.setdefault(id(resolved), []).append(load)
        return groups.get(id(binding.scope.bindings.get(binding.name)), [])

    # -- the lazy index -----------------------------------------------------------------------
    def _lookup(self, node: ast.AST, which: int):
        """The node's scope (which=0) or parent (1) from the index of its top-level statement."""
        key = id(node)
        found = self._hot[which].get(key)
        if found is not None or node is self.module.node:
            return found
        line = getattr(node, "lineno", None)
        for place in self._places(line) if isinstance(line, int) else range(len(self._tops)):
            entry = self._entry(place)
            found = entry[which].get(key)
            if found is not None:
                self._hot = entry
                return found
        return None

    def _places(self, line: int) -> range:
        """The top-level statements that may hold a node starting on `line` (several share a line
        when separated by `;`)."""
        last = bisect_right(self._firsts, line) - 1
        first = last
        while first > 0 and self._lasts[first - 1] >= line:
            first -= 1
        return range(max(first, 0), last + 1)

    def _entry(self, place: int) -> tuple[dict[int, Scope], dict[int, ast.AST]]:
        entry = self._indexed.get(place)
        if entry is not None:
            self._indexed.move_to_end(place)
            return entry
        stmt = self._tops[place]
        self.scopes, self.parents = entry = ({}, {id(stmt): self.module.node})
        self._indexing = True
        try:
            self._visit(stmt, self.module)
        finally:
            self._indexing = False
            self._bound.clear()
            self.scopes, self.parents = {}, {}
        self._indexed[place] = entry
        self._size += len(entry[0])
        while self._size > INDEXED and len(self._indexed) > 1:
            _, (scopes, _) = self._indexed.popitem(last=False)
            self._size -= len(scopes)
        return entry

    def _open(self, node: ast.AST, kind: str, parent: Scope) -> Scope:
        """The scope `node` opens: made by the first walk, found again by an index walk."""
        if self._indexing:
            return self._inner[id(node)]
        inner = self._inner[id(node)] = Scope(node, kind, parent)
        return inner

    # -- building -----------------------------------------------------------------------------
    def _bind(self, scope: Scope, name: str, kind: str, node: ast.AST, qualified=None, value=None) -> None:
        if self._indexing:
            return
        if name in scope.globals:
            scope = self.module
        elif name in scope.nonlocals:
            outer = scope.parent
            while outer is not None and (outer.kind == "class" or name not in outer.bindings):
                outer = outer.parent
            scope = outer or self.module
        scope.bindings.setdefault(name, []).append(Binding(name, kind, node, scope, qualified, value))

    def _visit(self, node: ast.AST, scope: Scope) -> None:
        self.scopes[id(node)] = scope
        handler = getattr(self, f"_visit_{type(node).__name__}", None)
        if handler is not None:
            handler(node, scope)
        else:
            self._children(node, scope)

    def _children(self, node: ast.AST, scope: Scope, skip: tuple = ()) -> None:
        for name in node._fields:  # ast.iter_fields, without a generator per node
            if name in skip:
                continue
            value = getattr(node, name, None)
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST):
                        self.parents[id(item)] = node
                        self._visit(item, scope)
            elif isinstance(value, ast.AST):
                self.parents[id(value)] = node
                self._visit(value, scope)

    def _adopt(self, node: ast.AST, child: ast.AST | None, scope: Scope) -> None:
        if child is not None:
            self.parents[id(child)] = node
            self._visit(child, scope)

    def _visit_Name(self, node: ast.Name, scope: Scope) -> None:
        if self._indexing:
            return
        if not isinstance(node.ctx, ast.Store):  # `del name` reads the binding too
            self.loads.setdefault(node.id, []).append(node)
            self._load_scopes.setdefault(node.id, []).append(scope)
        if not isinstance(node.ctx, ast.Load) and id(node) not in self._bound:
            self._bind(scope, node.id, "del" if isinstance(node.ctx, ast.Del) else "other", node)

    def _bind_target(self, target: ast.AST, scope: Scope, kind: str, site: ast.AST, value: ast.expr | None) -> None:
        if isinstance(target, ast.Name):
            self._bound.add(id(target))
            self._bind(scope, target.id, kind, site, value=value)

    def _visit_Assign(self, node: ast.Assign, scope: Scope) -> None:
        for target in node.targets:
            self._bind_target(target, scope, "assign", node, node.value)
        self._children(node, scope)

    def _visit_AnnAssign(self, node: ast.AnnAssign, scope: Scope) -> None:
        if node.value is not None:
            self._bind_target(node.target, scope, "assign", node, node.value)
        self._children(node, scope)

    def _visit_For(self, node: ast.For | ast.AsyncFor, scope: Scope) -> None:
        self._bind_target(node.target, scope, "for", node, node.iter)
        self._children(node, scope)

    _visit_AsyncFor = _visit_For

    def _visit_withitem(self, node: ast.withitem, scope: Scope) -> None:
        if node.optional_vars is not None:
            self._bind_target(node.optional_vars, scope, "with", node, node.context_expr)
        self._children(node, scope)

    def _visit_NamedExpr(self, node: ast.NamedExpr, scope: Scope) -> None:
        target_scope = scope
        while target_scope.kind == "comprehension" and target_scope.parent is not None:
            target_scope = target_scope.parent
        self._bound.add(id(node.target))
        self._bind(target_scope, node.target.id, "walrus", node, value=node.value)
        self._children(node, scope)

    def _visit_Import(self, node: ast.Import, scope: Scope) -> None:
        for alias in node.names:
            top = alias.name.split(".")[0]
            self._bind(scope, alias.asname or top, "import", alias, alias.name if alias.asname else top)
            self.scopes[id(alias)] = scope
            self.parents[id(alias)] = node

    def _visit_ImportFrom(self, node: ast.ImportFrom, scope: Scope) -> None:
        module = "." * node.level + (node.module or "")
        for alias in node.names:
            self.scopes[id(alias)] = scope
            self.parents[id(alias)] = node
            if alias.name == "*":
                if not self._indexing:
                    scope.stars = (*scope.stars, module)
            else:
                self._bind(scope, alias.asname or alias.name, "import", alias, f"{module}.{alias.name}")

    def _visit_Global(self, node: ast.Global, scope: Scope) -> None:
        scope.globals = scope.globals.union(node.names)

    def _visit_Nonlocal(self, node: ast.Nonlocal, scope: Scope) -> None:
        scope.nonlocals = scope.nonlocals.union(node.names)

    def _visit_ExceptHandler(self, node: ast.ExceptHandler, scope: Scope) -> None:
        if node.name:
            self._bind(scope, node.name, "other", node)
        self._children(node, scope)

    def _visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef, scope: Scope) -> None:
        self._bind(scope, node.name, "def", node)
        for child in [*node.decorator_list, *node.args.defaults, *filter(None, node.args.kw_defaults), node.returns]:
            self._adopt(node, child, scope)
        inner = self._open(node, "function", scope)
        self._parameters(node, node.args, inner, annotations=scope)
        for stmt in node.body:
            self._adopt(node, stmt, inner)

    _visit_AsyncFunctionDef = _visit_FunctionDef

    def _visit_Lambda(self, node: ast.Lambda, scope: Scope) -> None:
        for child in [*node.args.defaults, *filter(None, node.args.kw_defaults)]:
            self._adopt(node, child, scope)
        inner = self._open(node, "lambda", scope)
        self._parameters(node, node.args, inner)
        self._adopt(node, node.body, inner)

    def _parameters(self, owner: ast.AST, args: ast.arguments, inner: Scope, annotations: Scope | None = None) -> None:
        self.parents[id(args)] = owner
        positional = [*args.posonlyargs, *args.args]
        defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
        pairs = [(a, d, "param") for a, d in zip(positional, defaults)]
        pairs += [(a, d, "param") for a, d in zip(args.kwonlyargs, args.kw_defaults)]
        pairs += [(a, None, "varargs") for a in (args.vararg, args.kwarg) if a is not None]  # a tuple, a dict
        for arg, default, kind in pairs:
            self.parents[id(arg)] = args
            self.scopes[id(arg)] = inner
            self._bind(inner, arg.arg, kind, arg, value=default)
            if annotations is not None and arg.annotation is not None:
                self._adopt(arg, arg.annotation, annotations)

    def _visit_ClassDef(self, node: ast.ClassDef, scope: Scope) -> None:
        self._bind(scope, node.name, "class", node)
        for child in [*node.decorator_list, *node.bases, *node.keywords]:
            self._adopt(node, child, scope)
        inner = self._open(node, "class", scope)
        for stmt in node.body:
            self._adopt(node, stmt, inner)

    def _comprehension(self, node, scope: Scope, parts: list[ast.AST]) -> None:
        first, *rest = node.generators
        self.parents[id(first)] = node
        self._adopt(first, first.iter, scope)  # the first iterable is evaluated outside
        inner = self._open(node, "comprehension", scope)
        self.scopes[id(first)] = inner
        self._adopt(first, first.target, inner)
        for condition in first.ifs:
            self._adopt(first, condition, inner)
        for generator in rest:
            self.parents[id(generator)] = node
            self.scopes[id(generator)] = inner
            self._children(generator, inner)
        for part in parts:
            self._adopt(node, part, inner)

    def _visit_ListComp(self, node, scope: Scope) -> None:
        self._comprehension(node, scope, [node.elt])

    _visit_SetComp = _visit_GeneratorExp = _visit_ListComp

    def _visit_DictComp(self, node: ast.DictComp, scope: Scope) -> None:
        self._comprehension(node, scope, [node.key, node.value])


def _first_line(stmt: ast.AST) -> int:
    """A statement's first line: its first decorator's, if any."""
    lines = [getattr(stmt, "lineno", 0)] + [d.lineno for d in getattr(stmt, "decorator_list", ())]
    return min(lines)


def _names(node: ast.AST | None) -> list[str]:
    if isinstance(node, ast.Tuple):
        return [n.id for n in node.elts if isinstance(n, ast.Name)]
    return [node.id] if isinstance(node, ast.Name) else []

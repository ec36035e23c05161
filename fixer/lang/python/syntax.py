"""Python: validation with CPython's own compiler, LibCST trees for the rules that need one.

The engine never parses with LibCST: `compile()` says whether a text is valid Python (several times
faster), and a rule asks for the LibCST tree only once it knows the file is worth it. LibCST is
imported on first use, so reading this module costs nothing at start-up.
"""
from __future__ import annotations

import ast
import builtins
import re
import symtable
from collections import Counter
from typing import TYPE_CHECKING

from fixer.core import textcache
from fixer.core.languages import LANGUAGE_EXTENSIONS
from fixer.lang.python import pieces
from fixer.lang.python.pieces import in_pieces

if TYPE_CHECKING:
    import libcst as cst
    from libcst.metadata import MetadataWrapper

EXTENSIONS = LANGUAGE_EXTENSIONS["python"]
# Names every module has without binding them.
IMPLICIT = frozenset(dir(builtins)) | {"__file__", "__name__", "__doc__", "__builtins__", "__spec__", "__loader__",
                                       "__package__", "__path__", "__annotations__", "__cached__", "__debug__",
                                       "__module__", "__qualname__", "__class__", "__dict__"}


class ParseFailure(Exception):
    pass


def parse(text: str) -> cst.Module:
    """The LibCST module of this text (built once while the text is current; modules are immutable)."""
    return textcache.per_text("python.cst", text, lambda: _parse(text))


def _parse(text: str) -> cst.Module:
    import libcst as cst

    try:
        return cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        raise ParseFailure(f"syntax error at line {exc.raw_line}, column {exc.raw_column}: {exc.message}") from None


def wrapper(text: str) -> MetadataWrapper:
    from libcst.metadata import MetadataWrapper

    return MetadataWrapper(parse(text), unsafe_skip_copy=True)


def validate(path: str, text: str, original: str | None = None) -> str | None:
    """None if CPython compiles the text, else the reason (a huge text a piece at a time: see pieces)."""
    try:
        # The whole compiler (`return` outside a def too); the code objects are dropped at once.
        in_pieces(text, lambda piece: compile(piece, path, "exec", dont_inherit=True) and None, memo="compiles")
    except SyntaxError as exc:
        return f"syntax error at line {exc.lineno}, column {exc.offset or 1}: {exc.msg}"
    except (ValueError, RecursionError, MemoryError) as exc:  # e.g. NUL bytes, absurd nesting
        return f"cannot compile: {type(exc).__name__}: {exc}"
    return None


def unresolved_names(path: str, text: str) -> set[str]:
    """Names the code reads as globals that nothing in the module binds (nor the builtins).

    A huge text is scoped a piece at a time: pieces are whole top-level statements, so a name read in
    one and bound in another is a module-level name, read in the one and bound in the other."""
    bound: set[str] = set()
    read: set[str] = set()
    for piece_bound, piece_read in in_pieces(text, lambda piece: _module_names(path, piece), memo="names"):
        bound |= piece_bound
        read |= piece_read
    return read - bound - IMPLICIT


def newly_unresolved(path: str, original: str, new: str) -> set[str]:
    """`unresolved_names(new) - unresolved_names(original)`, for two valid texts. A huge pair is
    compared piece by piece: only the pieces the edit changed are scoped, and of the others only
    those holding, as a word, a name those pieces bind or read (a name the unchanged pieces never
    mention is neither bound nor read there)."""
    if pieces.whole(original) or pieces.whole(new):
        return _whole_difference(path, original, new)  # one piece each: nothing to compare piecewise
    compiles = lambda piece: compile(piece, path, "exec", dont_inherit=True) and None  # noqa: E731
    old_spans = pieces.spans(original, compiles, memo="compiles")  # cut as validation cut them: known
    new_spans = pieces.spans(new, compiles, memo="compiles")
    if len(old_spans) == 1 or len(new_spans) == 1 or not (original.isascii() and new.isascii()):
        return _whole_difference(path, original, new)  # (names are NFKC-normalised: not their words)
    left = Counter(original[start:end] for start, end, _ in old_spans)
    changed_new, same = [], []
    for start, end, _ in new_spans:
        piece = new[start:end]
        if left[piece]:
            left[piece] -= 1
            same.append(piece)
        else:
            changed_new.append(piece)
    changed_old = [piece for piece, count in left.items() for _ in range(count)]
    bound_old, read_old = _names_of(path, changed_old)
    bound_new, read_new = _names_of(path, changed_new)
    suspects = (bound_old | read_new) - bound_new - IMPLICIT
    if any("__" in name.strip("_") for name in suspects):  # a class-private name is mangled: not its word
        return _whole_difference(path, original, new)
    lost = set()
    for name in suspects:
        word = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")
        bound_same, read_same = _binding_of(path, name, [piece for piece in same if name in piece and word.search(piece)])
        if bound_same or name not in read_same | read_new:
            continue  # bound in the new text, or not read there
        if name not in bound_old and name in read_same | read_old:
            continue  # unresolved in the original already
        lost.add(name)
    return lost


def _whole_difference(path: str, original: str, new: str) -> set[str]:
    lost = unresolved_names(path, new)
    if lost:  # the original is scoped only when the new text reads a name nothing binds
        lost -= unresolved_names(path, original)
    return lost


def _binding_of(path: str, name: str, texts: list[str]) -> tuple[bool, set[str]]:
    """(whether one of `texts` binds `name` at module level, the names they read as globals): the
    texts are scoped in order until one binds it (a suspect read after an edit is most often bound
    in a piece that did not change, near the top: the pieces after it are not scoped for it)."""
    read: set[str] = set()
    for text in texts:
        piece_bound, piece_read = _names_of(path, [text])
        if name in piece_bound:
            return True, read | piece_read
        read |= piece_read
    return False, read


def _names_of(path: str, texts: list[str]) -> tuple[set[str], set[str]]:
    bound: set[str] = set()
    read: set[str] = set()
    for text in texts:
        piece_bound, piece_read = pieces.remembered("names", text, lambda piece: _module_names(path, piece))
        bound |= piece_bound
        read |= piece_read
    return bound, read


def _module_names(path: str, text: str) -> tuple[set[str], set[str]]:
    """(names bound at module level, names read as globals) of a module."""
    top = symtable.symtable(text, path, "exec")
    bound = {s.get_name() for s in _symbols(top)
             if s.is_assigned() or s.is_imported() or s.is_namespace() or s.is_parameter()}
    read = set()
    tables = [top]
    while tables:
        table = tables.pop()
        tables.extend(table.get_children())
        for symbol in _symbols(table):
            if symbol.is_referenced() and (table is top or symbol.is_global()):
                read.add(symbol.get_name())
    return bound, read


def _symbols(table: symtable.SymbolTable) -> list[symtable.Symbol]:
    """`table.get_symbols()` in linear time. The standard method looks for each symbol's namespaces
    among all the table's children: quadratic for a module of thousands of functions. These are the
    same Symbol objects, built from the same flags, with the children grouped by name once."""
    raw = getattr(table, "_table", None)
    if raw is None or not isinstance(getattr(raw, "symbols", None), dict):
        return table.get_symbols()  # another Python's symtable: the standard way
    children: dict[str, list] = {}
    for child in table.get_children():
        children.setdefault(child.get_name(), []).append(child)
    module_scope = raw.name == "top"
    try:
        return [symtable.Symbol(name, flags, children.get(name), module_scope=module_scope)
                for name, flags in raw.symbols.items()]
    except TypeError:
        return table.get_symbols()


def binding_lines(text: str, names: set[str]) -> list[tuple[int, int]]:
    """(first, last) line of every statement of `text` that binds one of `names`."""
    found = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.stmt) and names & _bound_by(node):
            found.append((node.lineno, _header_end(node)))
    return found


def _bound_by(stmt: ast.stmt) -> set[str]:
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in stmt.names}
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {stmt.name}
    targets: list[ast.AST] = []
    if isinstance(stmt, ast.Assign):
        targets = list(stmt.targets)
    elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor)):
        targets = [stmt.target]
    elif isinstance(stmt, (ast.With, ast.AsyncWith)):
        targets = [item.optional_vars for item in stmt.items if item.optional_vars is not None]
    names = {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    names |= {n.target.id for n in ast.walk(stmt) if isinstance(n, ast.NamedExpr) and isinstance(n.target, ast.Name)}
    return names


def _header_end(stmt: ast.stmt) -> int:
    """The last line of a statement, or of a compound statement's header (its body is not the binding)."""
    body = getattr(stmt, "body", None)
    if isinstance(body, list) and body:
        return max(stmt.lineno, body[0].lineno - 1)
    return stmt.end_lineno or stmt.lineno

"""Debug-log paths: the anchor regex for a `files` glob, and what path an expression opens.

Kept free of LibCST (rules build their anchors from it at import time of the rule class).

An expression evaluates to templates: literal pieces and holes (a placeholder, an unknown directory).
A path *matches* when every template matches whatever its holes hold (a hole is taken to stay within
one path component); it *may* match when some do, or when its literal file name matches the glob's
file name under a directory the rule cannot read (`os.path.join(tempfile.gettempdir(), "x_debug.log")`).
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from itertools import product

from fixer.core.globs import glob_regex

HOLE = None
PROBES = ("", "0-x.y")
MAX_TEMPLATES = 16
JOINS = {"os.path.join", "posixpath.join"}
PATH_TYPES = {"pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "pathlib.PurePosixPath"}
PASS_THROUGH = {"builtins.str", "os.fspath", "os.fsencode", "os.fsdecode"}
_QUOTED_CHAR = r"[^/\"'\n\\]"


def anchor_pattern(pattern: str) -> str:
    """A regex for source text that can only match where a string literal ends with the glob's file
    name (so a literal path, a constant, an `os.path.join` part and an f-string all match, and a file
    that merely mentions "debug" does not)."""
    directory, _, name = pattern.rpartition("/")
    if not re.sub(r"[*?]|\[[^\]]*\]", "", name):  # "/tmp/debug/*": anchor on the directory instead
        last = directory.rpartition("/")[2] or directory
        return _glob_to_source_regex(last) + r"(?:/|[\"'])"
    return _glob_to_source_regex(name.lstrip("*")) + r"[\"']"  # a leading * only slows the search


def literal_pattern(pattern: str) -> str:
    """A regex for string *values* that end with the glob's file name (the ast-level confirmation)."""
    directory, _, name = pattern.rpartition("/")
    if not re.sub(r"[*?]|\[[^\]]*\]", "", name):
        last = directory.rpartition("/")[2] or directory
        return _glob_to_source_regex(last, "[^/]") + r"(?:/|\z)"
    return _glob_to_source_regex(name.lstrip("*"), "[^/]") + r"\z"


def _glob_to_source_regex(glob: str, char: str = _QUOTED_CHAR) -> str:
    out = []
    for token in re.findall(r"\*+|\?|\[[^\]]*\]|.", glob, re.S):
        if token.startswith("*"):
            out.append(char + "*")
        elif token == "?":
            out.append(char)
        elif token.startswith("[") and len(token) > 1:
            out.append(token.replace("[!", "[^", 1))
        else:
            out.append(re.escape(token))
    return "".join(out)


@dataclass(frozen=True)
class PathVerdict:
    certainty: str  # "sure" or "maybe"
    shown: str  # the path for messages: the literal value, or the source expression


class Matcher:
    def __init__(self, patterns: list[str]):
        self.full = [glob_regex(p) for p in patterns]
        self.names = [glob_regex(p.rpartition("/")[2]) for p in patterns]

    def matches(self, path: str) -> bool:
        return any(r.match(path) for r in self.full)

    def judge(self, templates: list[tuple]) -> str | None:
        """"sure", "maybe" or None for a set of templates."""
        verdicts = [self._template(t) for t in templates]
        if verdicts and all(v == "sure" for v in verdicts):
            return "sure"
        return "maybe" if any(verdicts) else None

    def _template(self, template: tuple) -> str | None:
        hits = [self.matches("".join(probe if p is HOLE else p for p in template)) for probe in PROBES]
        if all(hits):
            return "sure"
        if any(hits):
            return "maybe"
        last = template[-1] if template else HOLE
        if HOLE in template and last is not HOLE and "/" in last:  # a known file name, an unknown directory
            name = last.rpartition("/")[2]
            if any(r.match(name) for r in self.names):
                return "maybe"
        return None


class Evaluator:
    """Turns path expressions into templates, through constants, parameters' defaults and joins."""

    def __init__(self, names):
        self.names = names  # a py_names.Names, built only when a path is not a plain literal

    def templates(self, node: ast.AST, seen: frozenset = frozenset()) -> list[tuple]:
        found = self._templates(node, seen)
        return found[:MAX_TEMPLATES]

    def _templates(self, node: ast.AST, seen: frozenset) -> list[tuple]:
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
            value = node.value
            return [(value if isinstance(value, str) else value.decode("utf-8", "replace"),)]
        if isinstance(node, ast.JoinedStr):
            parts = []
            for part in node.values:
                if isinstance(part, ast.FormattedValue):
                    plain = part.conversion == -1 and part.format_spec is None
                    parts.append(self._templates(part.value, seen) if plain else [(HOLE,)])
                else:
                    parts.append(self._templates(part, seen))
            return _concat(parts)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return _concat([self._templates(node.left, seen), self._templates(node.right, seen)])
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div) and self.is_path_object(node.left):
            return _join([self._templates(node.left, seen), self._templates(node.right, seen)])
        if isinstance(node, ast.Call) and self.names is not None:
            name = self.names.qualified(node.func)
            if name in JOINS or name in PATH_TYPES:
                return _join([self._templates(a, seen) for a in node.args]) if node.args else [(".",)]
            if name in PASS_THROUGH and len(node.args) == 1:
                return self._templates(node.args[0], seen)
        if isinstance(node, ast.Call):  # os.environ.get("LOG", "/tmp/x_debug.log"): it may be that path
            literals = [a for a in [*node.args, *(k.value for k in node.keywords)]
                        if isinstance(a, (ast.Constant, ast.JoinedStr))]
            return [(HOLE,)] + [t for a in literals for t in self._templates(a, seen)]
        if isinstance(node, ast.Name) and self.names is not None and node not in seen:
            return self._name(node, seen | {node})
        return [(HOLE,)]

    def _name(self, node: ast.Name, seen: frozenset) -> list[tuple]:
        bindings = self.names.resolve_node(node)
        if not bindings:
            return [(HOLE,)]
        found: list[tuple] = []
        for binding in bindings:
            if binding.kind == "assign" and binding.value is not None and binding.value not in seen:
                found += self._templates(binding.value, seen | {binding.value})
            elif binding.kind == "param" and binding.value is not None:
                found += self._templates(binding.value, seen) + [(HOLE,)]  # a caller may pass another path
            else:
                found.append((HOLE,))
        return found

    def is_path_object(self, node: ast.AST) -> bool:
        """`Path(...)`, `Path(...) / "x"`, or a name bound only to one of those."""
        if self.names is None:
            return False
        if isinstance(node, ast.Call):
            return self.names.qualified(node.func) in PATH_TYPES
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            return self.is_path_object(node.left)
        if isinstance(node, ast.Name):
            bindings = self.names.resolve_node(node) or []
            return bool(bindings) and all(b.kind == "assign" and b.value is not None and b.value is not node
                                          and self.is_path_object(b.value) for b in bindings)
        return False


def _concat(parts: list[list[tuple]]) -> list[tuple]:
    combos = list(product(*parts))[:MAX_TEMPLATES]
    return [_merge(sum(combo, ())) for combo in combos]


def _join(parts: list[list[tuple]]) -> list[tuple]:
    """os.path.join semantics: a separator between parts, an absolute part restarts the path."""
    out = []
    for combo in list(product(*parts))[:MAX_TEMPLATES]:
        joined: tuple = ()
        for piece in combo:
            if piece and isinstance(piece[0], str) and piece[0].startswith("/"):
                joined = piece
            elif joined:
                ends = isinstance(joined[-1], str) and joined[-1].endswith("/")
                joined = joined + (() if ends else ("/",)) + piece
            else:
                joined = piece
        out.append(_merge(joined))
    return out


def _merge(template: tuple) -> tuple:
    """Adjacent literal pieces joined, so a template reads ("/tmp/", HOLE, "_debug.log")."""
    merged: list = []
    for piece in template:
        if piece is not HOLE and merged and merged[-1] is not HOLE:
            merged[-1] += piece
        elif piece == "":
            continue
        else:
            merged.append(piece)
    return tuple(merged)

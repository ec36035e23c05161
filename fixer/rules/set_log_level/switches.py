"""Which functions are called only under an opt-in switch (`if args.debug: enable_logging()`, `if
os.environ.get("APP_DEBUG"): …`, `if verbose: …`): a level such a function sets is what the switch
turns on, not the service's standing configuration.

`calls(tree, text)` maps each called name of a module (`enable_logging`, or the method name of
`self.enable_logging()`) to the switches its calls sit under ("" for a call under none); the rule
reads it for its own module and, through its gathered facts, for every module of the repo.
"""
from __future__ import annotations

import ast
import re

from fixer.lang.python.nodes import last_name
from fixer.lang.python.names import FUNCTIONS

# An `if` that makes what it runs opt-in: `if args.verbose:`, `if options.debug:`, `if self.quiet:`,
# `if os.environ.get("APP_DEBUG"):`, `if opts.log_level == "debug":`.
SWITCH = re.compile(r"(?i)verbos|debug|quiet|\bloud|\btrace|\bargs\.|\boptions\.|\bopts\.")
# Reading the environment in a test makes it a switch the user sets (`if os.getenv("TRACE_SQL"):`).
ENVIRONMENT = re.compile(r"\b(?:os\.)?(?:environ\b|getenv\s*\()")


def switch_of(test_text: str) -> bool:
    return bool(SWITCH.search(test_text) or ENVIRONMENT.search(test_text))


def guard(node: ast.AST, parents, text) -> str:
    """The test of the innermost enclosing `if` (body or else) of `node` that is a switch, up to its
    function ('' if none). `parents(node)` walks the ancestors; `text(node)` is a node's source."""
    child = node
    for ancestor in parents(node):
        if isinstance(ancestor, (*FUNCTIONS, ast.Lambda, ast.ClassDef)):
            return ""
        if isinstance(ancestor, (ast.If, ast.IfExp)) and child is not ancestor.test and switch_of(text(ancestor.test)):
            return text(ancestor.test)
        child = ancestor
    return ""


def calls(tree: ast.Module, text: str) -> dict[str, list[str]]:
    """Called name -> the switch each call is under ('' for a call under no switch)."""
    parents: dict[int, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node

    def ancestors(node):
        while (node := parents.get(id(node))) is not None:
            yield node

    def source(node):
        return ast.get_source_segment(text, node) or ""

    found: dict[str, list[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute)):
            found.setdefault(last_name(node.func), []).append(guard(node, ancestors, source))
    return found

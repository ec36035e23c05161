"""Which functions are called only under an opt-in switch (`if args.debug: enable_logging()`, `if
os.environ.get("APP_DEBUG"): …`, `if verbose: …`): a level such a function sets is what the switch
turns on, not the service's standing configuration.

`calls(tree, text)` maps each called name of a module (`enable_logging`, or the method name of
`self.enable_logging()`) to the switch each call sits under ("" for none) and the function making
it; the rule reads it for its own module and, through its gathered facts, for every module of the
repo, and `switched` follows plain calls up through their callers.
"""
from __future__ import annotations

import ast
import re

from fixer.core.edits import LineIndex
from fixer.lang.python.nodes import Spans, last_name
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


def calls(tree: ast.Module, text: str) -> dict[str, list[tuple[str, str]]]:
    """Called name -> (the switch each call is under ('' for none), the function making the call ('' at
    module level))."""
    parents: dict[int, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node

    def ancestors(node):
        while (node := parents.get(id(node))) is not None:
            yield node

    # Slices from one line table: ast.get_source_segment splits the whole module into lines on every
    # call, which made this quadratic in the module's size (minutes on a 220 KB module).
    source = Spans(LineIndex(text)).text

    found: dict[str, list[tuple[str, str]]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute)):
            caller = next((a for a in ancestors(node) if isinstance(a, (*FUNCTIONS, ast.Lambda, ast.ClassDef))), None)
            name = caller.name if isinstance(caller, FUNCTIONS) else ""
            found.setdefault(last_name(node.func), []).append((guard(node, ancestors, source), name))
    return found


def switched(name: str, callers, seen: frozenset = frozenset()) -> str:
    """The switch every call of `name` is under, directly or through the functions making the calls
    (`if args.debug: setup()`, `setup()` calling `enable_logging()`); '' when one call is not, or
    there is none. `callers(name)` lists (switch, calling function) for each call in the repository."""
    found = callers(name)
    if not found or name in seen:
        return ""
    first = ""
    for test, caller in found:
        test = test or (switched(caller, callers, seen | {name}) if caller else "")
        if not test:
            return ""
        first = first or test
    return first

"""The per-tree node list and index the Python rules share instead of walking a tree again
(fixer.lang.python.nodes.walk / of_type): the same nodes, in ast.walk's order, as ast.walk gives."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from fixer.lang.python import nodes
from fixer.lang.python.names import FUNCTIONS

FIXTURES = sorted(Path(__file__).parent.joinpath("fixtures").rglob("*.py"))
MODULE = '''
import os, sys as system
from pdb import set_trace as st
__all__ = ["Report"]


class Report:
    """>>> Report().show()"""
    rows: list[int] = []

    def show(self, *, verbose=False, **extra):
        global COUNT
        for row in self.rows:
            if verbose and (n := len(self.rows)):
                print(f"{row=}", n, file=system.stderr)
        try:
            st()
        except* ValueError as error:
            raise RuntimeError(error) from None
        return [x for x in range(3) if x] or {k: v for k, v in extra.items()}

    async def stream(self):
        async with self.lock as held, open(os.devnull) as out:
            async for item in self.items():
                match item:
                    case {"kind": "row", **rest} if rest:
                        yield lambda value=1: value + item
                    case [first, *others]:
                        await out.write(first, *others)
                    case _:
                        del item


def main():
    nonlocal_free = 1
    def inner():
        nonlocal nonlocal_free
        nonlocal_free += 1
    breakpoint()
'''


def trees():
    yield "module", ast.parse(MODULE)
    for path in FIXTURES:
        yield path.name, ast.parse(path.read_text())


@pytest.mark.parametrize("name, tree", list(trees()), ids=lambda value: value if isinstance(value, str) else "")
def test_walk_is_ast_walk(name, tree):
    expected = list(ast.walk(tree))
    assert nodes.walk(tree) == expected
    assert nodes.walk(tree) == expected  # again, from the list the tree keeps


@pytest.mark.parametrize("name, tree", list(trees()), ids=lambda value: value if isinstance(value, str) else "")
def test_of_type_is_a_filtered_walk_in_order(name, tree):
    everything = list(ast.walk(tree))
    kinds = {type(node) for node in everything} - {ast.Module}
    queries = [*kinds, FUNCTIONS, (ast.ClassDef, *FUNCTIONS), (ast.Import, ast.ImportFrom),
               (ast.Assign, ast.AugAssign, ast.AnnAssign), (ast.Nonlocal, ast.MatchStar)]
    for query in queries:
        expected = [node for node in everything[1:] if isinstance(node, query)]
        assert nodes.of_type(tree, query) == expected, query
        assert nodes.of_type(tree, query) == expected, query  # the kept answer
    assert tree not in nodes.of_type(tree, ast.Module)


def test_the_index_does_not_keep_its_tree_alive():
    """The list and the index hang on the tree without the tree itself: dropping the tree frees it
    at once (reference counting), with the collector off."""
    import gc
    import weakref

    tree = ast.parse(MODULE)
    nodes.of_type(tree, ast.Call)
    gone = weakref.ref(tree)
    enabled = gc.isenabled()
    gc.disable()
    try:
        del tree
        assert gone() is None
    finally:
        if enabled:
            gc.enable()

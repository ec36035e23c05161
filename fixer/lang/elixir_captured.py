"""Functions whose output a test captures (`capture_io(fn -> Greeter.greet("bob") end)` in a
`test/**/*_test.exs` file): printing is their job, and the job of the private helpers they call.

`captured_calls` is remove-debug-calls' repo-wide gather step (one test file at a time);
`Captured` answers, for a function of a module in the file being fixed, which captured call
reaches it.
"""
from __future__ import annotations

import re

from tree_sitter import Node

from fixer.lang.elixir import Doc, call_name
from fixer.lang.elixir_names import DEF_LIKE, Module, def_name_and_arities

CAPTURES = frozenset({"capture_io", "with_io", "ExUnit.CaptureIO.capture_io", "ExUnit.CaptureIO.with_io"})
TEST_FILE = re.compile(r"(?:^|/)test/(?:.*/)?[^/]*_test\.exs$")
REMOTE = re.compile(r"^((?:[A-Z]\w*\.)*[A-Z]\w*)\.([a-z_]\w*[?!]?)$")


def captured_calls(path: str, text: str) -> list[str]:
    """`Alias.fun` for every remote call inside a capture_io/with_io block of a test file."""
    if not TEST_FILE.search(path):
        return []
    doc = Doc(text)
    found: set[str] = set()
    for capture in _calls(doc.tree.root_node, doc, lambda name: name in CAPTURES):
        for call in _calls(capture, doc, lambda name: REMOTE.match(name) is not None):
            found.add(call_name(call, doc) or "")
    return sorted(found - {""})


def _calls(root: Node, doc: Doc, wanted):
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "call" and node is not root:
            name = call_name(node, doc)
            if name is not None and wanted(name):
                yield node
        stack.extend(node.named_children)


class Captured:
    """Which functions of the file's modules a test's capture_io reaches (directly, or through the
    module's own local calls)."""

    def __init__(self, doc: Doc, calls: list[str]):
        self.doc = doc
        self.calls = [REMOTE.match(c).groups() for c in calls if REMOTE.match(c)]
        self._reached: dict[int, dict[str, str]] = {}

    def by(self, module: Module | None, function: str) -> str | None:
        """The captured call that reaches `function` (a name) of `module`, or None."""
        if module is None or not self.calls:
            return None
        if module.block.id not in self._reached:
            self._reached[module.block.id] = self._reach(module)
        return self._reached[module.block.id].get(function)

    def _reach(self, module: Module) -> dict[str, str]:
        # An alias names the module by its full name or a last part of it (`alias MyApp.Greeter`).
        roots = {fun: f"{alias}.{fun}" for alias, fun in self.calls
                 if module.name == alias or module.name.endswith("." + alias)}
        definitions: dict[str, list[Node]] = {}
        for call in _calls(module.block, self.doc, lambda name: name in DEF_LIKE):
            head = def_name_and_arities(call, self.doc)
            if head is not None:
                definitions.setdefault(head[0], []).append(call)
        reached = dict(roots)
        pending = list(roots)
        while pending:
            name = pending.pop()
            for definition in definitions.get(name, []):
                for local in _calls(definition, self.doc, lambda n: n in definitions and n not in reached):
                    callee = call_name(local, self.doc)
                    reached[callee] = reached[name]
                    pending.append(callee)
        return reached

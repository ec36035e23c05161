"""Functions whose output a test captures (`capture_io(fn -> Greeter.greet("bob") end)` in a
`test/**/*_test.exs` file): printing is their job, and the job of the private helpers they call.

`captured_calls` is remove-debug-calls' repo-wide gather step (one test file at a time);
`Captured` answers, for a function of a module in the file being fixed, which captured call
reaches it.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from tree_sitter import Node

from fixer.lang.elixir.syntax import Doc, call_name, descendants, outermost
from fixer.lang.elixir.names import DEF_LIKE, Module, def_name_and_arities
from fixer.core.model import Gathered

CAPTURES = frozenset({"capture_io", "with_io", "ExUnit.CaptureIO.capture_io", "ExUnit.CaptureIO.with_io"})
TEST_FILE = re.compile(r"(?:^|/)test/(?:.*/)?[^/]*_test\.exs$")
REMOTE = re.compile(r"^((?:[A-Z]\w*\.)*[A-Z]\w*)\.([a-z_]\w*[?!]?)$")
CAPTURE_WORD = re.compile(rb"\b(?:capture_io|with_io)\b")
REMOTE_WORD = re.compile(rb"(?<![\w.])(?:[A-Z]\w*\.)+[a-z_]\w*")  # a start: the tree gives the whole name


def captured_calls(path: str, text: str) -> list[str]:
    """`Alias.fun` for every remote call inside a capture_io/with_io block of a test file."""
    if not TEST_FILE.search(path):
        return []
    doc = Doc(text)
    # Words found by a regex, then confirmed as call targets by the tree: a test file has thousands
    # of nodes and few captures (a walk or a query over all of them costs several times as much).
    captures = [call for call in _calls_named(doc, CAPTURE_WORD.finditer(doc.data)) if call[2] in CAPTURES]
    found: set[str] = set()
    for start, end in outermost([(c_start, c_end) for c_start, c_end, _ in captures]):
        for c_start, c_end, name in _calls_named(doc, REMOTE_WORD.finditer(doc.data, start, end)):
            if start <= c_start and c_end <= end and (c_start, c_end) != (start, end) and REMOTE.match(name):
                found.add(name)
    return sorted(found)


def _calls_named(doc: Doc, words):
    """(start byte, end byte, target text) of each call whose target holds one of the `words` (byte matches)."""
    root = doc.tree.root_node
    for word in words:
        node = root.descendant_for_byte_range(word.start(), word.end())
        while node is not None and node.type != "call":
            node = node.parent
        target = node.child_by_field_name("target") if node is not None else None
        if target is not None and target.start_byte <= word.start() and word.end() <= target.end_byte:
            yield node.start_byte, node.end_byte, doc.node_text(target)


def _calls(root: Node, doc: Doc, wanted):
    for node in descendants(root):
        if node.type == "call" and node is not root:
            name = call_name(node, doc)
            if name is not None and wanted(name):
                yield node


class Captured:
    """Which functions of the file's modules a test's capture_io reaches (directly, or through the
    module's own local calls)."""

    def __init__(self, doc: Doc, gathered: Sequence[list[str] | None]):
        self.doc = doc
        self.gathered = gathered  # captured_calls of each test file (read lazily: see Gathered)
        self._reached: dict[int, dict[str, str]] = {}

    def by(self, module: Module | None, function: str) -> str | None:
        """The captured call that reaches `function` (a name) of `module`, or None."""
        if module is None:
            return None
        if module.block.id not in self._reached:
            self._reached[module.block.id] = self._reach(module)
        return self._reached[module.block.id].get(function)

    def _calls_naming(self, module: Module) -> list[tuple[str, str]]:
        # A test names the module by its full name or by a last part of it (`alias MyApp.Greeter`):
        # either way its text holds the last part, and only such tests are read.
        last = module.name.rpartition(".")[2]
        facts = self.gathered.where(last) if isinstance(self.gathered, Gathered) else self.gathered
        calls = [REMOTE.match(c).groups() for names in facts for c in names or () if REMOTE.match(c)]
        return [(alias, fun) for alias, fun in calls if module.name == alias or module.name.endswith("." + alias)]

    def _reach(self, module: Module) -> dict[str, str]:
        roots = {fun: f"{alias}.{fun}" for alias, fun in self._calls_naming(module)}
        if not roots:
            return {}
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

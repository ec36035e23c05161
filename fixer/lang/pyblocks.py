"""Statement-level helpers for Python rules: block walking, line ranges, comments, unused imports."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable, Iterator, Sequence

from typing import TYPE_CHECKING

from fixer.lazy import LazyModule

if TYPE_CHECKING:
    from libcst.metadata import CodeRange, MetadataWrapper

cst = LazyModule("libcst")

from fixer.edits import Edit, LineIndex, delete_lines


def blocks(module: cst.Module) -> list[tuple[cst.CSTNode, cst.CSTNode | None, Sequence[cst.BaseStatement]]]:
    """Every statement list in the module as (block, owner, statements): the module body and each
    indented block, with the node that owns the block (a def, an `else:`, a `finally:` ...)."""
    found: list[tuple[cst.CSTNode, cst.CSTNode | None, Sequence[cst.BaseStatement]]] = [(module, None, module.body)]
    owners: list[cst.CSTNode] = []

    class Collector(cst.CSTVisitor):  # one visit: `node.children` would re-visit at every level
        def on_visit(self, node: cst.CSTNode) -> bool:
            if isinstance(node, cst.IndentedBlock):
                found.append((node, owners[-1] if owners else None, node.body))
            owners.append(node)
            return True

        def on_leave(self, original_node: cst.CSTNode) -> None:
            owners.pop()

    module.visit(Collector())
    return found


def dotted(node: cst.BaseExpression) -> str | None:
    """`logging.INFO` for an Attribute chain of Names, `open` for a Name, else None."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr.value}" if base else None
    return None


def statement_lines(stmt: cst.BaseStatement, positions) -> tuple[int, int]:
    """First and last line of a statement, including the trailing comments of its own block."""
    where: CodeRange = positions[stmt]
    last = where.end.line
    body = getattr(stmt, "body", None)
    if isinstance(body, cst.IndentedBlock):
        commented = [n for n, line in enumerate(body.footer, 1) if line.comment is not None]
        last += commented[-1] if commented else 0
    return where.start.line, last


def attached_comments(stmt: cst.BaseStatement) -> list[str]:
    """The comment lines directly above a statement (no blank line between), top to bottom."""
    comments: list[str] = []
    for line in reversed(stmt.leading_lines):
        if line.comment is None:
            break
        comments.insert(0, line.comment.value)
    return comments


@dataclass
class Removal:
    """Statements chosen for removal in one file, turned into edits block by block."""

    rule: str
    index: LineIndex
    positions: object
    comment_pattern: re.Pattern[str]
    edits: list[Edit] = field(default_factory=list)
    removed_ranges: list[tuple[int, int]] = field(default_factory=list)  # 1-based inclusive lines

    def remove_block_statements(
        self, block: cst.CSTNode, owner: cst.CSTNode | None, chosen: list[cst.BaseStatement], total: int
    ) -> None:
        if len(chosen) == total and self._drop_clause(owner):
            return
        for position, stmt in enumerate(chosen):
            first, last = statement_lines(stmt, self.positions)
            comments = attached_comments(stmt)
            if comments and any(self.comment_pattern.search(c) for c in comments):
                first -= len(comments)
            self.removed_ranges.append((first, last))
            if position == 0 and len(chosen) == total and not isinstance(block, cst.Module):
                stmt_line = self.positions[stmt].start.line
                line = self.index.line_text(stmt_line)
                indent = line[: len(line) - len(line.lstrip(" \t"))]  # the block's own tabs or spaces
                start = self.index.line_start(first)
                self.edits.append(Edit(start, self.index.line_end(last), f"{indent}pass\n", self.rule, "block left empty"))
            else:
                self.edits.append(delete_lines(self.index.text, first, last, self.rule))

    def _drop_clause(self, owner: cst.CSTNode | None) -> bool:
        """An `else:`, or a `finally:` beside an `except`, left empty goes away whole (no `pass`)."""
        if not isinstance(owner, (cst.Else, cst.Finally)):
            return False
        if isinstance(owner, cst.Finally) and owner not in self._finally_with_handlers:
            return False
        first, last = statement_lines(owner, self.positions)
        comments = attached_comments(owner)
        if any(self.comment_pattern.search(c) for c in comments):
            first -= len(comments)
        self.removed_ranges.append((first, last))
        self.edits.append(delete_lines(self.index.text, first, last, self.rule, "clause left empty"))
        return True

    @cached_property
    def _finally_with_handlers(self) -> set[cst.Finally]:
        return {node.finalbody for node in self.positions if isinstance(node, cst.Try) and node.handlers and node.finalbody}

    def contains(self, line: int) -> bool:
        return any(first <= line <= last for first, last in self.removed_ranges)


def unused_import_edits(wrapper: MetadataWrapper, removal: Removal) -> list[Edit]:
    """Edits removing imports whose every use sat in removed code (imports unused before stay).

    A name counts as still used if it occurs anywhere outside the removed lines, as code or as text
    (a string annotation, `__all__`, a comment): deliberately more conservative than scope analysis.
    """
    positions = removal.positions
    orphaned = _orphaned_aliases(wrapper.module, positions, removal)
    if not orphaned:
        return []
    edits = []
    for stmt_line in _import_lines(wrapper.module):
        small = stmt_line.body[0]
        names = small.names if not isinstance(small.names, cst.ImportStar) else ()
        if not any(alias in orphaned for alias in names):
            continue
        first, last = positions[stmt_line].start.line, positions[stmt_line].end.line
        if removal.contains(first):
            continue
        keep = [alias for alias in names if alias not in orphaned]
        if not keep:
            edits.append(delete_lines(removal.index.text, first, last, removal.rule, "import left unused"))
        else:
            keep[-1] = keep[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            new = stmt_line.with_changes(body=[small.with_changes(names=keep)], leading_lines=[])
            code = cst.Module(body=[new]).code
            line = removal.index.line_text(first)
            indent = line[: len(line) - len(line.lstrip(" \t"))]
            start = removal.index.line_start(first)
            edits.append(Edit(start, removal.index.line_end(last), indent + code.lstrip(), removal.rule, "import left unused"))
    return edits


def _orphaned_aliases(module: cst.Module, positions, removal: Removal) -> set[cst.ImportAlias]:
    bound: dict[cst.ImportAlias, str] = {}
    import_lines: set[int] = set()
    inside: set[str] = set()
    outside: set[str] = set()

    class Names(cst.CSTVisitor):
        def _imports(self, node: cst.Import | cst.ImportFrom) -> bool:
            where = positions[node]
            import_lines.update(range(where.start.line, where.end.line + 1))
            if not isinstance(node.names, cst.ImportStar):
                for alias in node.names:
                    bound[alias] = alias.asname.name.value if alias.asname else _top_name(alias.name, isinstance(node, cst.Import))
            return False

        def visit_Import(self, node: cst.Import) -> bool:
            return self._imports(node)

        def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
            return self._imports(node)

        def visit_Name(self, node: cst.Name) -> None:
            (inside if removal.contains(positions[node].start.line) else outside).add(node.value)

    module.visit(Names())
    candidates = {name for name in bound.values() if name in inside and name not in outside}
    if not candidates:
        return set()
    kept_text = "\n".join(
        removal.index.line_text(n) for n in range(1, removal.index.line_count + 1)
        if not removal.contains(n) and n not in import_lines
    )
    still_mentioned = {name for name in candidates if re.search(rf"(?<![\w]){re.escape(name)}(?!\w)", kept_text)}
    return {alias for alias, name in bound.items() if name in candidates - still_mentioned}


def _top_name(name: cst.BaseExpression, plain_import: bool) -> str:
    text = dotted(name) or ""
    return text.split(".")[0] if plain_import else text.split(".")[-1]


def _import_lines(module: cst.Module) -> Iterator[cst.SimpleStatementLine]:
    for _, _, body in blocks(module):
        for stmt in body:
            if (
                isinstance(stmt, cst.SimpleStatementLine)
                and len(stmt.body) == 1
                and isinstance(stmt.body[0], (cst.Import, cst.ImportFrom))
            ):
                yield stmt


def string_value(node: cst.BaseExpression, constants: dict[str, str]) -> str | None:
    """The value of a literal string, a constant name bound to one, or Path(<literal>)."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    if isinstance(node, cst.Name):
        return constants.get(node.value)
    if isinstance(node, cst.Call) and dotted(node.func) in ("Path", "pathlib.Path", "PurePath") and len(node.args) == 1:
        return string_value(node.args[0].value, constants)
    return None


def module_constants(module: cst.Module) -> dict[str, str]:
    """Module-level names assigned exactly once, to a literal string."""
    seen: dict[str, int] = {}
    values: dict[str, str] = {}
    for stmt in module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            targets = []
            if isinstance(small, cst.Assign):
                targets = [t.target for t in small.targets]
                value = small.value
            elif isinstance(small, cst.AnnAssign) and small.value is not None:
                targets = [small.target]
                value = small.value
            for target in targets:
                if isinstance(target, cst.Name):
                    seen[target.value] = seen.get(target.value, 0) + 1
                    literal = string_value(value, {})
                    if literal is not None:
                        values[target.value] = literal
    return {name: value for name, value in values.items() if seen[name] == 1}


def format_string_matches(node: cst.FormattedString, accept: Callable[[str], bool]) -> bool:
    """An f-string matches only if it does so whatever its placeholders hold (probed with an empty
    and a non-empty value; a placeholder is taken to stay within one path component)."""
    for probe in ("", "0-x.y"):
        pieces = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                pieces.append(part.value)
            else:
                pieces.append(probe)
        if not accept("".join(pieces)):
            return False
    return True

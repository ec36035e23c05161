"""Statement-level helpers for Python rules: block walking, line ranges, comments, unused imports."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterator, Sequence

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider, ScopeProvider

from fixer.edits import Edit, LineIndex, delete_lines


def blocks(module: cst.Module) -> Iterator[tuple[cst.CSTNode, cst.CSTNode | None, Sequence[cst.BaseStatement]]]:
    """Every statement list in the module as (block, owner, statements): the module body and each
    indented block, with the node that owns the block (a def, an `else:`, a `finally:` ...)."""
    yield module, None, module.body
    stack: list[tuple[cst.CSTNode, cst.CSTNode | None]] = [(module, None)]
    while stack:
        node, parent = stack.pop()
        for child in node.children:
            if isinstance(child, cst.IndentedBlock):
                yield child, node, child.body
            stack.append((child, node))


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
        if isinstance(owner, cst.Finally) and not any(
            isinstance(node, cst.Try) and node.finalbody is owner and node.handlers for node in self.positions
        ):
            return False
        first, last = statement_lines(owner, self.positions)
        comments = attached_comments(owner)
        if any(self.comment_pattern.search(c) for c in comments):
            first -= len(comments)
        self.removed_ranges.append((first, last))
        self.edits.append(delete_lines(self.index.text, first, last, self.rule, "clause left empty"))
        return True

    def contains(self, line: int) -> bool:
        return any(first <= line <= last for first, last in self.removed_ranges)


def unused_import_edits(wrapper: MetadataWrapper, removal: Removal) -> list[Edit]:
    """Edits removing imports whose every use sat in removed code (imports unused before stay)."""
    scopes = wrapper.resolve(ScopeProvider)
    positions = removal.positions
    orphaned: set[cst.CSTNode] = set()
    for scope in set(scopes.values()):
        if scope is None:
            continue
        for assignment in scope.assignments:
            node = getattr(assignment, "node", None)
            if not isinstance(node, (cst.Import, cst.ImportFrom)):
                continue
            refs = list(assignment.references)
            if refs and all(removal.contains(positions[ref.node].start.line) for ref in refs):
                orphaned.add(_alias_for(node, assignment.name))
    edits = []
    for stmt_line in _import_lines(wrapper.module):
        small = stmt_line.body[0]
        names = small.names if not isinstance(small.names, cst.ImportStar) else ()
        gone = [alias for alias in names if alias in orphaned]
        if not gone:
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


def _alias_for(node: cst.Import | cst.ImportFrom, name: str) -> cst.ImportAlias | None:
    if isinstance(node.names, cst.ImportStar):
        return None
    for alias in node.names:
        bound = alias.asname.name.value if alias.asname else _top_name(alias.name, isinstance(node, cst.Import))
        if bound == name:
            return alias
    return None


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

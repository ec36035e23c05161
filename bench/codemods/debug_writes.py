"""The LibCST codemod the benchmark races fixer's remove-debug-file-writes against (never shipped).

    python -m libcst.tool codemod -x debug_writes.RemoveDebugWrites -j 2 --no-format PATH

(with this folder on PYTHONPATH). It removes what fixer removes in the benchmark's trees:
`with open(PATH, …) as f:` blocks whose body only writes to `f`, and `open(PATH, …).write(…)`
statements, where PATH is a string literal matching the glob; a block left empty gets `pass`.
"""
from __future__ import annotations

import fnmatch

import libcst as cst
import libcst.matchers as m
from libcst.codemod import CodemodContext, VisitorBasedCodemodCommand

GLOB = "/tmp/*debug*.log"


def _debug_open(node: cst.BaseExpression) -> bool:
    if not (isinstance(node, cst.Call) and m.matches(node.func, m.Name("open")) and node.args):
        return False
    first = node.args[0].value
    return isinstance(first, cst.SimpleString) and fnmatch.fnmatchcase(first.evaluated_value, GLOB)


def _writes_to(stmt: cst.BaseStatement, handle: str) -> bool:
    if not isinstance(stmt, cst.SimpleStatementLine):
        return False
    for small in stmt.body:
        call = small.value if isinstance(small, cst.Expr) else None
        if not isinstance(call, cst.Call):
            return False
        if m.matches(call.func, m.Attribute(value=m.Name(handle), attr=m.Name("write") | m.Name("writelines"))):
            continue
        if m.matches(call.func, m.Name("print")) and any(
            a.keyword is not None and a.keyword.value == "file" and m.matches(a.value, m.Name(handle)) for a in call.args
        ):
            continue
        return False
    return True


class RemoveDebugWrites(VisitorBasedCodemodCommand):
    DESCRIPTION = "Remove writes to /tmp/*debug*.log files."

    def __init__(self, context: CodemodContext) -> None:
        super().__init__(context)

    def leave_With(self, original: cst.With, updated: cst.With):
        if len(updated.items) != 1:
            return updated
        item = updated.items[0]
        if not _debug_open(item.item) or item.asname is None or not isinstance(item.asname.name, cst.Name):
            return updated
        body = updated.body.body if isinstance(updated.body, cst.IndentedBlock) else ()
        if body and all(_writes_to(stmt, item.asname.name.value) for stmt in body):
            return cst.RemovalSentinel.REMOVE
        return updated

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine):
        if len(updated.body) == 1 and isinstance(updated.body[0], cst.Expr):
            call = updated.body[0].value
            if (isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) and call.func.attr.value == "write"
                    and _debug_open(call.func.value)):
                return cst.RemovalSentinel.REMOVE
        return updated

    def leave_IndentedBlock(self, original: cst.IndentedBlock, updated: cst.IndentedBlock):
        if not updated.body:
            return updated.with_changes(body=[cst.SimpleStatementLine([cst.Pass()])])
        return updated

"""Rewriting one import statement with LibCST (only that statement's text is parsed)."""
from __future__ import annotations


def without_names(text: str, drop: set[str], add: tuple[str, ...] = ()) -> str | None:
    """`text` (one import statement, whole lines) without the aliases binding `drop` and with `add`
    appended to a `from … import`; None if it cannot be rewritten cleanly."""
    import libcst as cst

    indent = text[: len(text) - len(text.lstrip(" \t"))]
    try:
        module = cst.parse_module(text[len(indent):])
    except cst.ParserSyntaxError:
        return None
    if len(module.body) != 1 or not isinstance(module.body[0], cst.SimpleStatementLine):
        return None
    line = module.body[0]
    stmt = line.body[0]
    if len(line.body) != 1 or not isinstance(stmt, (cst.Import, cst.ImportFrom)) or \
            isinstance(stmt.names, cst.ImportStar):
        return None
    plain = isinstance(stmt, cst.Import)
    pending = [] if plain else list(add)
    keep = []
    for alias in stmt.names:
        if _bound(alias, plain) not in drop:
            keep.append(alias)
        elif pending:  # the new name takes the old one's place (and its layout)
            keep.append(alias.with_changes(name=cst.Name(pending.pop(0)), asname=None))
    if not keep:
        return None
    for name in pending:
        comma = keep[-2].comma if len(keep) > 1 else cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        keep[-1] = keep[-1].with_changes(comma=comma)
        keep.append(cst.ImportAlias(name=cst.Name(name)))
    last_comma = stmt.names[-1].comma
    keep[-1] = keep[-1].with_changes(comma=last_comma)
    for index, alias in enumerate(keep[:-1]):
        if isinstance(alias.comma, cst.MaybeSentinel):
            keep[index] = alias.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    new = module.with_changes(body=[line.with_changes(body=[stmt.with_changes(names=keep)])])
    return indent + new.code


def _bound(alias, plain: bool) -> str:
    if alias.asname is not None:
        return alias.asname.name.value
    name = _dotted(alias.name)
    return name.split(".")[0] if plain else name


def _dotted(node) -> str:
    import libcst as cst

    if isinstance(node, cst.Name):
        return node.value
    return f"{_dotted(node.value)}.{node.attr.value}"

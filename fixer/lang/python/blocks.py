"""Removing whole statements from Python source: line ranges, comments, emptied blocks, imports.

Works on CPython's ast and the text's lines. Lines strictly between two sibling statements can only be
blank lines, comments and clause headers, so comments are found by reading those lines; a comment
indented deeper than a compound statement, after its last line, belongs to its block (LibCST's
"footer"). Decisions:
- a comment directly above a removed statement goes with it when it talks about debugging (debug,
  tombstone, "log to file") and names nothing in the code that follows; otherwise it stays, attached to
  that code (no blank line left between);
- a comment inside a removed block after its last statement stays unless it is about the removed code;
- a block left empty gets `pass`; an `else:` (or a `finally:` beside handlers) left empty goes, and so
  does an `elif` chain tail left empty whose tests are pure; an `elif` with effects in its test keeps it
  (`elif q.pop(): pass`): moved out of the chain it would run every time;
- no blank line is left right after a docstring or a signature;
- a statement sharing its line with code that stays (`x = 1; breakpoint()`, `if x: y(); breakpoint()`)
  is cut out with its `;`, the rest of the line untouched; so is one on the same logical line through a
  backslash (`x += 1; \\` + `breakpoint()`): deleting only its physical line would join the next
  statement to the kept one;
- whole lines are never deleted right after a line ending in a backslash (the next line would join
  it): such a statement is left in place and reported (`Layout.refused`);
- imports used only by removed code go, even inside `try/except ImportError`;
- a guard left with nothing to do goes whole (`collapse_guards`).
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from fixer.core.edits import Edit, LineIndex
from fixer.lang.python.nodes import Spans, blocks, of_type

DEBUG_COMMENT = re.compile(r"(?i)debug|tombstone|\blog(?:ging)?\s+(?:it\s+)?to\s+(?:a\s+|the\s+)?file")
STOP_WORDS = {"log", "logs", "logging", "file", "files", "write", "writes", "written", "the", "and", "for",
              "this", "that", "with", "from", "into", "to", "a", "an", "of", "in", "on", "at", "is", "it"}
WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
DEFINITIONS = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


TAKEN = "used through this module by another file"
CONTINUED = "follows a backslash continuation"
EXPORTED = "exported in `__all__`"


def exported(tree: ast.Module) -> set[str]:
    """The names the module lists in `__all__` (`__all__ = [...]`, `+=`, `.append`/`.extend`)."""
    return {n.value for stmt in tree.body if _names_all(stmt) for n in ast.walk(stmt.value)
            if isinstance(n, ast.Constant) and isinstance(n.value, str)}
# What may separate two statements of one logical line: a `;` and backslash-newlines.
_JOIN = re.compile(r"[ \t\f]*(?:\\(?:\r\n|\r|\n)[ \t\f]*)*;[ \t\f]*(?:\\(?:\r\n|\r|\n)[ \t\f]*)*")


def joined(spans: Spans, first: ast.stmt, second: ast.stmt) -> bool:
    """Sibling statements `first` then `second` on one logical line (`a; b`, or `a; \\` + `b`)."""
    if first.end_lineno == second.lineno:
        return True
    return bool(_JOIN.fullmatch(spans.lines.text[spans.end(first):spans.start(second)]))


def continues(line: str) -> bool:
    """A line of code ending in a backslash: the next line joins it (a comment line never does)."""
    return line.rstrip("\r\n").endswith("\\") and not line.lstrip().startswith("#")


@dataclass
class Kept:
    stmt: ast.stmt
    message: str
    evidence: str = TAKEN


def kept_message(shown: str, taken) -> str:
    return f"kept `{shown}`: only removed code used it here, but {taken.describe()}"


@dataclass
class Removal:
    stmt: ast.stmt
    keep: list[str] = field(default_factory=list)  # statements put in its place


@dataclass
class _Unit:
    """Removed statements sharing lines (`a; b`), as one range of lines."""

    stmts: list[ast.stmt]
    keep: list[str]
    first: int = 0
    last: int = 0


class Layout:
    def __init__(self, rule: str, tree: ast.Module, spans: Spans, comments: re.Pattern[str] = DEBUG_COMMENT,
                 taken=None):
        self.rule = rule
        self.taken = taken or (lambda name: None)  # another file taking a module-level name (py_importers)
        self.kept: list[Kept] = []  # imports left in place for another file, reported
        self.tree = tree
        self.spans = spans
        self.comments = comments  # what a comment about the removed code says
        self.lines: LineIndex = spans.lines
        self.removed: list[tuple[int, int]] = []  # 1-based inclusive line ranges
        self.cuts: list[tuple[int, int]] = []  # character ranges cut out of lines that stay
        self.added: list[str] = []  # text put in place of removed code
        self.edits: list[Edit] = []
        self.where: dict[int, tuple[int, ast.AST]] = {}  # statement -> (position in its block, owner)
        self.refused: list[ast.stmt] = []  # left in place: deleting their lines would join two lines

    def remove(self, removals: list[Removal]) -> list[Edit]:
        chosen = {id(r.stmt): r for r in removals}
        # Only the blocks holding a removal are worked on (and their statements looked up in
        # `where`): a huge module's other statements are not indexed (150,000 entries for 5 MB).
        touched = [(owner, field_name, block, [s for s in block if id(s) in chosen])
                   for owner, field_name, block in blocks(self.tree)]
        touched = [entry for entry in touched if entry[3]]
        for owner, _, block, _ in touched:
            for position, stmt in enumerate(block):
                self.where[id(stmt)] = (position, owner)
        for owner, field_name, block, picked in touched:
            self._block(owner, field_name, block, picked, chosen)
        removed_ids = set(chosen)
        self.edits += unused_import_edits(self.rule, self.tree, self.spans, self.removed, "\n".join(self.added),
                                          removed_ids, self.cuts, self.taken, self.kept)
        return self.edits

    def findings(self, rule, source) -> list:
        """"needs review" findings for the imports kept because another file takes them."""
        return [rule.finding(source, self.spans.start(k.stmt), k.message, False, self.spans.end(k.stmt),
                             evidence=k.evidence) for k in self.kept]

    def settle(self, findings: list) -> list:
        """`findings` with those of the statements left in place (`refused`) turned "needs review"."""
        from dataclasses import replace

        spans = [(s.lineno, s.end_lineno) for s in self.refused]
        if not spans:
            return findings
        return [replace(f, fixed=False, evidence=CONTINUED, message=f"{f.message}; not removed: the line before "
                        f"ends in a backslash, so deleting this line would join the next one to it")
                if f.fixed and any(a <= f.line <= b for a, b in spans) else f for f in findings]

    # -- one block ----------------------------------------------------------------------------------------
    def _block(self, owner, field_name: str, block: list[ast.stmt], picked: list[ast.stmt], chosen) -> None:
        picked = self._cut_shared_lines(block, picked, chosen)
        if not picked:
            return
        keep = [text for s in picked for text in chosen[id(s)].keep]
        self.added += keep
        if self._inline(block[0]):
            self._inline_suite(block, picked, keep)
            return
        units = self._units(block, picked, chosen)
        emptied = len(picked) == len(block)
        picked_ids = {id(s) for s in picked}
        if emptied and not keep and self._drop_clause(owner, field_name, block, units):
            return
        passed = emptied and not keep and not isinstance(owner, ast.Module)  # the first unit becomes `pass`
        if any(continues(self.lines.line_text(u.stmts[0].lineno - 1)) for i, u in enumerate(units)
               if u.stmts[0].lineno > 1 and not u.keep and not (passed and i == 0)):
            self.refused += picked  # never delete the line a backslash joins to the one before
            return
        for position, unit in enumerate(units):
            unit.first, unit.last = unit.stmts[0].lineno, max(s.end_lineno for s in unit.stmts)
            comments = self._comments(unit, block, picked_ids)
            replacement = unit.keep + comments
            if emptied and not keep and position == 0 and not isinstance(owner, ast.Module):
                replacement = comments + ["pass"]
            self.removed.append((unit.first, unit.last))
            if replacement:
                indent = self.spans.indent(unit.stmts[0].lineno)
                end = self.lines.line_end(unit.first)
                newline = line_break(self.lines.text[:end])  # the file's own
                text = "".join(f"{indent}{line}{newline}" for line in replacement)
                self.edits.append(Edit(self.lines.line_start(unit.first), self.lines.line_end(unit.last), text,
                                       self.rule, "replaced debug write"))
            else:
                self._swallow_blank_lines_below(unit, block)
                self.edits.append(_delete(self.lines, unit.first, unit.last, self.rule))

    def _inline(self, stmt: ast.stmt) -> bool:
        """`if TRACE: open(LOG, "a").write(x)`: the block sits on its header's line."""
        line = self.lines.line_text(stmt.lineno)
        return line[: self.spans.column(stmt.lineno, stmt.col_offset)].rstrip().endswith(":")

    def _inline_suite(self, block, picked, keep) -> None:
        if len(picked) != len(block):
            return  # the analysis reports writes sharing a line with code that stays
        start, end = self.spans.start(block[0]), self.spans.end(block[-1])
        # Not recorded as removed lines: the header stays, so names on its line still count as used.
        self.edits.append(Edit(start, end, "; ".join(keep) or "pass", self.rule, "one-line block left empty"))

    def _cut_shared_lines(self, block, picked, chosen) -> list[ast.stmt]:
        """Cut out (with their `;`) the runs of picked statements that share a line with a statement
        that stays; return the picked statements left for whole-line removal."""
        picked_ids = {id(s) for s in picked}
        runs: list[list[int]] = []  # consecutive picked statements, each on the line the previous ends on
        for index, stmt in enumerate(block):
            if id(stmt) not in picked_ids:
                continue
            if runs and runs[-1][-1] == index - 1 and joined(self.spans, block[index - 1], stmt):
                runs[-1].append(index)
            else:
                runs.append([index])
        cut: set[int] = set()
        for run in runs:
            first, last = block[run[0]], block[run[-1]]
            before = block[run[0] - 1] if run[0] else None
            after = block[run[-1] + 1] if run[-1] + 1 < len(block) else None
            keep = [text for i in run for text in chosen[id(block[i])].keep]
            if before is not None and joined(self.spans, before, first):
                start, end, text = self.spans.end(before), self.spans.end(last), "".join(f"; {k}" for k in keep)
            elif after is not None and joined(self.spans, last, after):
                start, end, text = self.spans.start(first), self.spans.start(after), "".join(f"{k}; " for k in keep)
            else:
                continue
            self.edits.append(Edit(start, end, text, self.rule, "statement cut from a shared line"))
            self.cuts.append((self.spans.start(first), self.spans.end(last)))
            self.added += keep
            cut.update(id(block[i]) for i in run)
        return [s for s in picked if id(s) not in cut]

    def _units(self, block, picked, chosen) -> list[_Unit]:
        units: list[_Unit] = []
        for stmt in picked:
            if units and stmt.lineno <= units[-1].stmts[-1].end_lineno:
                units[-1].stmts.append(stmt)
                units[-1].keep += chosen[id(stmt)].keep
            else:
                units.append(_Unit([stmt], list(chosen[id(stmt)].keep)))
        return units

    # -- comments -----------------------------------------------------------------------------------------
    def _comments(self, unit: _Unit, block, picked: set[int]) -> list[str]:
        """Extend the unit over comments about it; return the comments inside it that stay."""
        indent = self.spans.indent(unit.first)
        following = _identifiers(self._next_surviving(unit, block, picked))
        handles = _handles(unit.stmts)
        above = self._attached_above(unit.first, indent, block, unit.stmts[0])
        if above and all(_about_removed(self.lines.line_text(n), following, handles, self.comments) for n in above):
            unit.first = above[0]
        kept = []
        footer = self._footer(unit.last, indent) if isinstance(unit.stmts[-1], _COMPOUND) else []
        for line in footer:
            text = self.lines.line_text(line).strip()
            if text and not _about_removed(text, following, handles, self.comments):
                kept.append(text)
        if footer:
            unit.last = footer[-1]
        self.keep_above = bool(above) and unit.first != above[0]
        return kept

    def _attached_above(self, first: int, indent: str, block, stmt) -> list[int]:
        index = self.where[id(stmt)][0]
        floor = block[index - 1].end_lineno if index else 0
        lines = []
        n = first - 1
        while n > floor:
            text = self.lines.line_text(n)
            if not text.lstrip().startswith("#") or self.spans.indent(n) != indent:
                break
            lines.insert(0, n)
            n -= 1
        return lines

    def _footer(self, last: int, indent: str) -> list[int]:
        """Comment lines after a compound statement that belong to its block (indented deeper)."""
        found, n = [], last + 1
        while n <= self.lines.line_count:
            text = self.lines.line_text(n)
            if text.strip() and (not text.lstrip().startswith("#") or len(self.spans.indent(n)) <= len(indent)):
                break
            if text.strip():
                found.append(n)
            n += 1
        return list(range(last + 1, found[-1] + 1)) if found else []

    def _next_surviving(self, unit: _Unit, block, picked_ids: set[int]) -> ast.stmt | None:
        index = self.where[id(unit.stmts[-1])][0]
        return next((s for s in block[index + 1:] if id(s) not in picked_ids), None)

    # -- blank lines and clauses ------------------------------------------------------------------------------
    def _swallow_blank_lines_below(self, unit: _Unit, block) -> None:
        """After a kept comment or a docstring, the code that follows moves up to it."""
        index, owner = self.where[id(unit.stmts[0])]
        previous = block[index - 1] if index else None
        docstring_above = previous is not None and index == 1 and _is_docstring(previous) and \
            previous.end_lineno == unit.first - 1 and isinstance(owner, DEFINITIONS)
        if not (self.keep_above or docstring_above):
            return
        n = unit.last + 1
        while n <= self.lines.line_count and not self.lines.line_text(n).strip():
            n += 1
        if n > unit.last + 1 and n <= self.lines.line_count and self.spans.indent(n) == self.spans.indent(unit.first):
            unit.last = n - 1
            self.removed[-1] = (unit.first, unit.last)

    def _drop_clause(self, owner, field_name: str, block, units: list[_Unit]) -> bool:
        """An `else:`, or a `finally:` beside handlers, left empty goes away whole (no `pass`)."""
        droppable = field_name == "orelse" and isinstance(owner, (ast.If, ast.For, ast.AsyncFor, ast.While, ast.Try,
                                                                   ast.TryStar))
        droppable |= field_name == "finalbody" and bool(getattr(owner, "handlers", None))
        if not droppable:
            return False
        if is_elif(block[0], owner):  # a whole `elif` branch (and the ones after it) goes
            header = block[0].lineno
        else:
            header = block[0].lineno - 1
            while header > 0 and (not self.lines.line_text(header).strip()
                                  or self.lines.line_text(header).lstrip().startswith("#")):
                header -= 1
            if not re.match(r"\s*(else|finally)\s*:", self.lines.line_text(header)):
                return False
        last = max(s.end_lineno for s in block)
        footer = self._footer(last, self.spans.indent(header)) if isinstance(block[-1], _COMPOUND) else []
        last = footer[-1] if footer else last
        self.removed.append((header, last))
        self.edits.append(_delete(self.lines, header, last, self.rule, "clause left empty"))
        return True


_COMPOUND = (ast.With, ast.AsyncWith, ast.If, ast.For, ast.AsyncFor, ast.While, ast.Try, ast.TryStar,
             ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Match)


def _delete(lines: LineIndex, first: int, last: int, rule: str, message: str = "") -> Edit:
    """`fixer.core.edits.delete_lines` on the index already built (one per file, not one per edit)."""
    return Edit(lines.line_start(first), lines.line_end(last), "", rule, message, tidy=True)


def _is_docstring(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)


def _identifiers(stmt: ast.stmt | None) -> set[str]:
    """Names, attributes and keywords a statement mentions, with their snake_case parts, lowercased."""
    if stmt is None:
        return set()
    found: set[str] = set()
    for node in ast.walk(stmt):
        name = getattr(node, "id", None) or getattr(node, "attr", None) or getattr(node, "arg", None) or \
            (getattr(node, "name", None) if not isinstance(node, ast.ExceptHandler) else None)
        if isinstance(name, str):
            found.add(name.lower())
            found.update(part for part in name.lower().split("_") if len(part) > 2)
    return found


def _handles(stmts: list[ast.stmt]) -> set[str]:
    return {item.optional_vars.id.lower() for s in stmts if isinstance(s, (ast.With, ast.AsyncWith))
            for item in s.items if isinstance(item.optional_vars, ast.Name)}


def _about_removed(comment: str, following: set[str], handles: set[str], debug=DEBUG_COMMENT) -> bool:
    """A comment talks about the removed debug code (not about the code that stays)."""
    words = {w.lower() for w in WORD.findall(comment)}
    if words & handles:
        return True
    if not debug.search(comment):
        return False
    return not ((words - STOP_WORDS) & following)


# -- imports ---------------------------------------------------------------------------------------------------
def unused_import_edits(rule: str, tree: ast.Module, spans: Spans, removed: list[tuple[int, int]], added: str,
                        removed_ids: set[int], cuts: list[tuple[int, int]] = (), taken=lambda name: None,
                        kept: list[Kept] | None = None) -> list[Edit]:
    """Edits removing imports whose every use sat in removed code (imports unused before stay).
    A module-level one another file takes through this module (`taken(name)`) stays, noted in `kept`.

    A name counts as still used if it occurs anywhere outside the removed lines and `cuts` (character
    ranges cut out of lines that stay), as code or as text (a string annotation, `__all__`, a
    comment): deliberately more conservative than scope analysis.
    """
    lines = spans.lines
    removed_lines = {n for first, last in removed for n in range(first, last + 1)}
    cut_lines: dict[int, list[tuple[int, int]]] = {}
    for start, end in cuts:
        for n in range(lines.line_of(start), lines.line_of(end) + 1):
            cut_lines.setdefault(n, []).append((start, end))

    def gone(line: int) -> bool:
        return line in removed_lines

    def cut(node: ast.AST) -> bool:
        return node.lineno in cut_lines and any(s <= spans.start(node) < e for s, e in cut_lines[node.lineno])

    imports = [s for s in of_type(tree, (ast.Import, ast.ImportFrom)) if not gone(s.lineno) and id(s) not in removed_ids]
    bound = {id(a): _bound_name(a, isinstance(s, ast.Import)) for s in imports for a in s.names if a.name != "*"}
    inside, outside = set(), set()
    for node in of_type(tree, ast.Name):
        (inside if gone(node.lineno) or cut(node) else outside).add(node.id)
    candidates = {name for name in bound.values() if name in inside and name not in outside}
    if not candidates:
        return []
    import_lines = {n for s in imports for n in range(s.lineno, s.end_lineno + 1)}
    kept_text = "\n".join(_without_cuts(lines, n, cut_lines.get(n, ())) for n in range(1, lines.line_count + 1)
                          if not gone(n) and n not in import_lines) + "\n" + added
    orphaned = {name for name in candidates if not re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", kept_text)}
    if kept is not None:
        _kept_for_all(tree, imports, bound, candidates - orphaned, kept_text, kept, spans)
    orphaned -= _taken_elsewhere(imports, bound, orphaned, tree, spans, taken, kept if kept is not None else [])
    if not orphaned:
        return []
    return _ImportCleanup(rule, tree, spans, orphaned, bound, removed_ids, gone).edits(imports)


def _taken_elsewhere(imports, bound, orphaned: set[str], tree, spans: Spans, taken, kept: list[Kept]) -> set[str]:
    """The orphaned names a module-level import binds that another file takes through this module."""
    found: dict[str, object] = {}
    for name in orphaned:
        who = taken(name)
        if who is not None:
            found[name] = who
    if not found:
        return set()
    top = _module_level(tree)
    names = set()
    for stmt in imports:
        here = [bound[id(a)] for a in stmt.names if bound.get(id(a)) in found]
        if here and id(stmt) in top:
            names.update(here)
            shown = spans.short(stmt) if len(here) == len(stmt.names) else \
                ", ".join(f"{bound[id(a)]}" for a in stmt.names if bound.get(id(a)) in found)
            kept.append(Kept(stmt, kept_message(shown, found[here[0]])))
    return names


def _kept_for_all(tree, imports, bound, names: set[str], kept_text: str, kept: list[Kept], spans: Spans) -> None:
    """Note the module-level imports that stay only because `__all__` lists them."""
    listed = names & exported(tree)
    if not listed:
        return
    lines = spans.lines
    all_lines = {n for s in tree.body if _names_all(s) for n in range(s.lineno, s.end_lineno + 1)}
    # kept_text joins the kept lines in order; drop those of the `__all__` statements
    without = "\n".join(line for n, line in enumerate(kept_text.split("\n"), 1)
                        if not any(lines.line_text(m) == line for m in all_lines))
    top = _module_level(tree)
    for stmt in imports:
        for alias in stmt.names:
            name = bound.get(id(alias))
            if name in listed and id(stmt) in top and \
                    not re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", without):
                kept.append(Kept(stmt, f"kept `{spans.short(stmt)}`: only removed code used `{name}` here, but "
                                       f"the module lists it in its `__all__`", EXPORTED))


def _names_all(stmt: ast.stmt) -> bool:
    """A module-level statement setting or extending `__all__`."""
    if getattr(stmt, "value", None) is None:
        return False
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [getattr(stmt, "target", None)]
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        targets = [getattr(stmt.value.func, "value", None)]
    return any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets)


def _module_level(tree: ast.Module) -> set[int]:
    """Statements binding module attributes: the module's, and those of its `if`/`try`/`with` blocks."""
    found, pending = set(), list(tree.body)
    while pending:
        stmt = pending.pop()
        found.add(id(stmt))
        if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for child in ast.iter_child_nodes(stmt):
                if isinstance(child, ast.ExceptHandler):
                    pending += child.body
                elif isinstance(child, ast.stmt):
                    pending.append(child)
    return found


def _without_cuts(lines: LineIndex, n: int, cuts) -> str:
    """Line `n`'s text with the cut ranges blanked out."""
    text, start = lines.line_text(n), lines.line_start(n)
    for first, last in cuts:
        a, b = max(first - start, 0), min(last - start, len(text))
        text = text[:a] + " " * max(b - a, 0) + text[b:]
    return text


def _bound_name(alias: ast.alias, plain_import: bool) -> str:
    return alias.asname or (alias.name.split(".")[0] if plain_import else alias.name)


class _ImportCleanup:
    def __init__(self, rule, tree, spans: Spans, orphaned: set[str], bound, removed_ids, gone):
        self.rule, self.tree, self.spans = rule, tree, spans
        self.orphaned, self.bound, self.removed_ids, self.gone = orphaned, bound, removed_ids, gone
        self.where = {id(s): (owner, block) for owner, _, block in blocks(tree) for s in block}

    def _dead(self, stmt: ast.stmt) -> bool:
        """Removed, `pass`, or an import of orphaned names only."""
        if id(stmt) in self.removed_ids or isinstance(stmt, ast.Pass):
            return True
        return isinstance(stmt, (ast.Import, ast.ImportFrom)) and all(
            self.bound.get(id(a)) in self.orphaned for a in stmt.names)

    def edits(self, imports) -> list[Edit]:
        from fixer.lang.python.imports import without_names

        out, dropped = [], set()
        lines = self.spans.lines
        for stmt in imports:
            names = [a for a in stmt.names if self.bound.get(id(a)) in self.orphaned]
            if not names or (isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__"):
                continue
            owner, block = self.where[id(stmt)]
            if any(s is not stmt and s.lineno <= stmt.end_lineno and stmt.lineno <= s.end_lineno for s in block):
                continue  # shares its line with other statements
            if len(names) < len(stmt.names):
                text = lines.text[lines.line_start(stmt.lineno):lines.line_end(stmt.end_lineno)]
                new = without_names(text, {self.bound[id(a)] for a in names})
                if new is not None:
                    out.append(Edit(lines.line_start(stmt.lineno), lines.line_end(stmt.end_lineno), new, self.rule,
                                    "import left unused"))
                continue
            if isinstance(owner, ast.Module) or not all(self._dead(s) for s in block):
                out.append(_delete(lines, stmt.lineno, stmt.end_lineno, self.rule, "import left unused"))
                continue
            whole = self._whole_statement(owner)  # `try: import x / except ImportError: import y`
            if whole is not None and id(whole) not in dropped:
                dropped.add(id(whole))
                out.append(_delete(lines, whole.lineno, whole.end_lineno, self.rule, "import left unused"))
        return out

    def _whole_statement(self, owner) -> ast.stmt | None:
        node = owner
        if isinstance(owner, ast.ExceptHandler):
            node = next((t for t in ast.walk(self.tree) if isinstance(t, (ast.Try, ast.TryStar))
                         and owner in t.handlers), None)
        if not isinstance(node, (ast.Try, ast.TryStar, ast.If)) or self.gone(node.lineno):
            return None
        parts = [node.body, node.orelse, getattr(node, "finalbody", [])]
        parts += [h.body for h in getattr(node, "handlers", [])]
        if isinstance(node, ast.If) and not _pure_test(node.test):
            return None
        return node if all(self._dead(s) for part in parts for s in part) else None


# -- guards ----------------------------------------------------------------------------------------------------
def collapse_guards(chosen: dict[int, tuple[ast.stmt, list[str]]], parent, test_keep) -> list[tuple[ast.stmt, list[str]]]:
    """`chosen` (statement id -> (statement, what to keep in its place)) with each guard left with
    nothing to do taking the place of its body: a `try:` whose body goes and whose handlers only
    `pass`, and an `if` without `else` whose body goes, when `test_keep(test)` says what to keep of
    its test (a list of statements, [] for a pure test; None: the test must stay, and so does the `if`)."""
    pending = [parent(stmt) for stmt, _ in chosen.values()]
    looked: set[int] = set()
    while pending:
        guard = pending.pop()
        if guard is None or id(guard) in looked:
            continue
        looked.add(id(guard))
        keep = None if id(guard) in chosen else _left_to_keep(guard, chosen, test_keep)
        if keep and is_elif(guard, parent(guard)):
            continue  # its test's effects stay in the chain (`elif q.pop(): pass`), never after it
        if keep is None:
            continue
        for stmt in ast.walk(guard):
            chosen.pop(id(stmt), None)
        chosen[id(guard)] = (guard, keep)
        pending.append(parent(guard))
    return list(chosen.values())


def _left_to_keep(guard: ast.AST, chosen, test_keep) -> list[str] | None:
    """What keeping `guard` would still do once its body goes ([] nothing), or None if it must stay."""
    def gone(block, allow_pass=False) -> bool:
        return all((id(s) in chosen and not chosen[id(s)][1]) or (allow_pass and _trivial(s)) for s in block)

    if isinstance(guard, (ast.Try, ast.TryStar)):
        emptied = bool(guard.handlers) and not guard.orelse and not guard.finalbody and gone(guard.body) and \
            all(gone(h.body, allow_pass=True) for h in guard.handlers)
        return [] if emptied else None
    if isinstance(guard, ast.If) and gone(guard.body) and gone(guard.orelse):
        return test_keep(guard.test)  # an `elif`/`else` left empty went before (see `is_elif`)
    return None


def is_elif(stmt: ast.AST, owner: ast.AST | None) -> bool:
    """`stmt` is an `elif` of `owner`: the only statement of its `orelse`, at its column (an `if`
    inside an `else:` block is indented deeper)."""
    return isinstance(stmt, ast.If) and isinstance(owner, ast.If) and len(owner.orelse) == 1 and \
        owner.orelse[0] is stmt and stmt.col_offset == owner.col_offset


def _trivial(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Pass) or (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant))


def _pure_test(test: ast.AST) -> bool:
    """`if TYPE_CHECKING:` / `if sys.version_info >= (3, 11):` (no call to lose)."""
    return not any(isinstance(n, (ast.Call, ast.Await, ast.NamedExpr)) for n in ast.walk(test))


def line_break(text: str) -> str:
    """The line break `text` ends with ("\r\n", a lone "\r" or "\n"; "\n" when it has none)."""
    for ending in ("\r\n", "\r", "\n"):
        if text.endswith(ending):
            return ending
    return "\n"

"""Checklist items -> plan entries: which rule, with which parameters, on which files.

The phrasings below are written generally (other wording of the same intent, other files, names and
line numbers). An item nothing here recognises is manual. Line hints are kept only to pick between
candidates and to report drift; they never decide what changes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from fixer.checklist_parse import PATH_LIKE, ChecklistItem

REMOVE = r"^(?:remove|delete|drop|strip|clean\s+up|get\s+rid\s+of)\b"
LINE_RANGES = re.compile(r"\(\s*(?:at\s+)?lines?\s+(?P<ranges>\d[\d\s,\-–]*)\)", re.I)
FILE_LINE = re.compile(r"(?P<file>(?:[\w.-]+/)*[\w.-]+\.\w+):(?P<line>\d+)(?:-(?P<end>\d+))?")
LEVEL = re.compile(
    r"\b(?:change|lower|set|raise|reduce|switch|bump|drop)\b.*?\blog(?:ging)?[\s-]+level\b.*?"
    r"\bfrom\s+`?(?P<from>[A-Za-z]+)`?\s+to\s+`?(?P<to>[A-Za-z]+)`?", re.I)
FILE_WRITES = re.compile(REMOVE + r".*?`(?P<path>[^`]*(?:/|\.log)[^`]*)`.*?\b(?:writes?|writing|logging|output|logs?)\b", re.I)
CALLS = re.compile(REMOVE + r".*?`(?P<call>[A-Za-z_][\w.]*[?!]?)(?:/\d+)?`\s*(?:calls?|statements?|invocations?|lines?)?"
                   r"\s*(?:\bin\b|\bfrom\b)\s+`?(?P<file>[\w./-]+\.exs?)`?", re.I)
MESSAGE = re.compile(REMOVE + r".*?[\"“](?P<msg>[^\"”]+)[\"”].*?(?:\bin\b|\bfrom\b)\s+`?(?P<file>[\w./-]+\.exs?)`?", re.I)
IMPL = re.compile(r"\badd\b.*?`@impl(?:\s+true)?`.*?`(?P<fun>(?:[A-Z][\w.]*\.)?[a-z_][\w?!]*/\d+)`", re.I)
RENAME = re.compile(r"\brename\b.*?`(?P<from>_?[a-z]\w*)`\s+(?:to|as|into)\s+`(?P<to>[a-z_]\w*)`", re.I)
SUB_REMOVAL = re.compile(REMOVE, re.I)
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


@dataclass
class PlanEntry:
    item: ChecklistItem
    kind: str  # "rule", "covered", "manual"
    rule: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    hints: list[tuple[int, int]] = field(default_factory=list)
    covered_by: int | None = None  # item number of the entry that does this item's work
    note: str = ""


def line_hints(text: str) -> list[tuple[int, int]]:
    hints = []
    for match in LINE_RANGES.finditer(text):
        for part in re.split(r"\s*,\s*", match.group("ranges").strip()):
            numbers = [int(n) for n in re.split(r"\s*[-–]\s*", part) if n.strip().isdigit()]
            if numbers:
                hints.append((numbers[0], numbers[-1]))
    for match in FILE_LINE.finditer(text):
        start = int(match.group("line"))
        hints.append((start, int(match.group("end") or start)))
    return hints


def mentioned_file(item: ChecklistItem) -> str | None:
    match = FILE_LINE.search(item.text)
    if match:
        return match.group("file")
    outside_code = re.sub(r"`[^`]*`", " ", item.text)
    found = PATH_LIKE.findall(outside_code)
    found += [code for code in item.codes if not code.startswith("/") and PATH_LIKE.fullmatch(code)]
    return found[0] if found else None


def plan(items: list[ChecklistItem]) -> list[PlanEntry]:
    entries: list[PlanEntry] = []
    for item in items:
        if item.checked:
            continue
        entries.append(_plan_item(item, entries))
    return entries


def _plan_item(item: ChecklistItem, earlier: list[PlanEntry]) -> PlanEntry:
    text = item.text
    file = mentioned_file(item)
    files = [file] if file else list(item.label_files[:1])
    hints = line_hints(text)

    def rule(rule_id: str, options: dict[str, Any], targets: list[str]) -> PlanEntry:
        return PlanEntry(item, "rule", rule_id, options, targets, hints)

    if match := RENAME.search(text):
        rename = {"from": match.group("from"), "to": match.group("to")}
        if hints:
            rename["line"] = hints[0][0]
        return rule("rename-used-underscored", {"renames": [rename]}, files)
    if match := IMPL.search(text):
        return rule("add-impl", {"functions": [match.group("fun")], "mode": "always"}, files)
    if match := LEVEL.search(text):
        old, new = match.group("from").upper(), match.group("to").upper()
        if old in LEVELS and new in LEVELS:
            return rule("set-log-level", {"from": old, "to": new}, [f for f in files if f.endswith(".py")])
    if match := FILE_WRITES.search(text):
        return rule("remove-debug-file-writes", {"files": [match.group("path")]}, files)
    if match := CALLS.search(text):
        return rule("remove-debug-calls", {"calls": [match.group("call")], "messages": []}, [match.group("file")])
    if match := MESSAGE.search(text):
        pattern = re.escape(match.group("msg").strip())
        return rule("remove-debug-calls", {"calls": [], "messages": [pattern]}, [match.group("file")])
    parent = _covering_entry(item, earlier)
    if parent is not None and SUB_REMOVAL.search(text) and hints:
        return PlanEntry(item, "covered", parent.rule, {}, parent.files, hints, covered_by=parent.item.number,
                         note=f"covered by item {parent.item.number}")
    return PlanEntry(item, "manual", files=[], hints=hints, note="not a code change fixer can make")


def _covering_entry(item: ChecklistItem, earlier: list[PlanEntry]) -> PlanEntry | None:
    """The nested item's parent, or the nearest earlier removal item of the same section."""
    for entry in reversed(earlier):
        if item.parent is not None:
            if entry.item.number == item.parent and entry.kind == "rule":
                return entry
            continue
        if entry.item.section != item.section:
            return None
        if entry.kind == "rule" and entry.rule in ("remove-debug-file-writes", "remove-debug-calls"):
            return entry
    return None

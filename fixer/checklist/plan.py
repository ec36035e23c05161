"""Checklist items -> plan entries: which rule, with which parameters, on which files.

The phrasings below are written generally (other wording of the same intent, other files, names and
line numbers). An item nothing here recognises is manual. Line hints are kept only to pick between
candidates and to report drift; they never decide what changes. An item that names no file (and
whose section names none) applies to the whole repository, within the configured paths.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from fixer.checklist.parse import PATH_LIKE, ChecklistItem

REMOVE = r"^(?:remove|delete|drop|strip|clean\s+up|get\s+rid\s+of)\b"
LINE_RANGES = re.compile(r"\(\s*(?:at\s+)?lines?\s+(?P<ranges>\d[\d\s,\-–]*)\)", re.I)
FILE_LINE = re.compile(r"(?P<file>(?:[\w.-]+/)*[\w.-]+\.\w+):(?P<line>\d+)(?:-(?P<end>\d+))?")
LEVEL = re.compile(
    r"\b(?:change|lower|set|raise|reduce|switch|bump|drop)\b.*?\blog(?:ging)?[\s-]+level\b.*?"
    r"\bfrom\s+`?(?P<from>[A-Za-z]+)`?\s+to\s+`?(?P<to>[A-Za-z]+)`?", re.I)
FILE_WRITES = re.compile(REMOVE + r".*?`(?P<path>[^`]*(?:/|\.log)[^`]*)`.*?\b(?:writes?|writing|logging|output|logs?)\b", re.I)
IN_FILE = r"(?:\s*(?:\bin\b|\bfrom\b)\s+`?(?P<file>[\w./-]+\.exs?)`?)"
# `IO.inspect` calls in lib/x.ex; without a file the item must say "calls" (`handle_signal` alone is a place).
CALLS = re.compile(REMOVE + r".*?`(?P<call>[A-Za-z_][\w.]*[?!]?)(?:/\d+)?`\s*"
                   r"(?:(?:calls?|statements?|invocations?|lines?)?" + IN_FILE + r"|(?:calls?|invocations?)\b)", re.I)
MESSAGE = re.compile(REMOVE + r".*?[\"“](?P<msg>[^\"”]+)[\"”](?:.*?" + IN_FILE + r")?", re.I)
IMPL = re.compile(r"\badd\b.*?`@impl(?:\s+true)?`.*?`(?P<fun>(?:[A-Z][\w.]*\.)?[a-z_][\w?!]*/\d+)`", re.I)
RENAME = re.compile(r"\brename\b.*?`(?P<from>_?[a-z]\w*)`\s+(?:to|as|into)\s+`(?P<to>[a-z_]\w*)`", re.I)
# Remove `breakpoint()` calls / pdb.set_trace() / the debugger calls / the ipdb breakpoints (Python's).
DEBUGGERS = re.compile(REMOVE + r".*?(?:\bbreakpoints?\b|\b[ip]?pdb\b|\bpudb\b|\bset_trace\b|\bpost_mortem\b"
                       r"|\bdebugger\b)", re.I)
SUB_REMOVAL = re.compile(REMOVE, re.I)
QUOTED = re.compile(r"[\"“][^\"”]*[\"”]")
WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Words that say what kind of change an item asks for, not which code it means.
STOPWORDS = frozenset("""
    remove removes removed delete deleted drop dropped strip stripped clean cleanup clear get rid
    the all every any each and with from into onto that this these those them their its also
    line lines log logs logging logged logger message messages debug debugging write writes writing
    written call calls output outputs print prints printing printed statement statements file files
    code leftover leftovers temporary temp tmp extra unused stray left over still some more
""".split())
REMOVAL_RULES = ("remove-debug-file-writes", "remove-debug-calls")  # the only items others can be part of
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
    words: tuple[str, ...] = ()  # what the item names besides files and lines (`signal`, `tombstone`)

    @property
    def repository_wide(self) -> bool:
        """A rule item that names no file: every file the configuration and the rule's paths allow."""
        return self.kind == "rule" and not self.files


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


def item_words(text: str, quoted: bool = False) -> tuple[str, ...]:
    """The words that name *what* an item means, to recognise its code when its lines have moved.
    A quoted message is the target of a rule item, but names the code a sub-item means (`quoted`)."""
    text = LINE_RANGES.sub(" ", FILE_LINE.sub(" ", text if quoted else QUOTED.sub(" ", text)))
    text = re.sub(r"`[^`]*[./][^`]*`", " ", text)  # paths and `IO.inspect`: the rule's target, not a place
    text = PATH_LIKE.sub(" ", text)
    found = [w.lower() for w in WORD.findall(text.replace("`", " "))]
    return tuple(dict.fromkeys(w for w in found if len(w) >= 4 and w not in STOPWORDS and not w.isdigit()))


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

    words = item_words(text)

    def rule(rule_id: str, options: dict[str, Any], targets: list[str]) -> PlanEntry:
        return PlanEntry(item, "rule", rule_id, options, targets, hints, words=words)

    if match := RENAME.search(text):
        rename = {"from": match.group("from"), "to": match.group("to")}
        if hints and files:
            rename["line"] = hints[0][0]
        return rule("rename-used-underscored", {"renames": [rename]}, files)
    if match := IMPL.search(text):
        return rule("add-impl", {"functions": [match.group("fun")], "mode": "always"}, files)
    if match := LEVEL.search(text):
        old, new = match.group("from").upper(), match.group("to").upper()
        python_files = [f for f in files if f.endswith(".py")]
        if old in LEVELS and new in LEVELS and (python_files or not files):
            return rule("set-log-level", {"from": old, "to": new}, python_files)
    if match := FILE_WRITES.search(text):
        return rule("remove-debug-file-writes", {"files": [match.group("path")]}, files)
    if DEBUGGERS.search(text) and not _elixir_call(text, files):
        python_files = [f for f in files if f.endswith(".py")]
        if python_files or not files:
            return rule("remove-debugger-calls", {}, python_files)
    parent = _covering_entry(item, earlier)
    # A quoted message nested under a removal, or placed after one with line hints, names part of it.
    part_of = parent if parent is not None and (item.parent is not None or hints) else None
    if (match := CALLS.search(text)) and (targets := _elixir_targets(match, files, None)) is not None:
        return rule("remove-debug-calls", {"calls": [match.group("call")], "messages": []}, targets)
    if (match := MESSAGE.search(text)) and (targets := _elixir_targets(match, files, part_of)) is not None:
        pattern = re.escape(match.group("msg").strip())
        return rule("remove-debug-calls", {"calls": [], "messages": [pattern]}, targets)
    words = item_words(text, quoted=True)
    if parent is not None and SUB_REMOVAL.search(text) and (hints or words):
        return PlanEntry(item, "covered", parent.rule, {}, parent.files, hints, covered_by=parent.item.number,
                         note=f"part of item {parent.item.number}", words=words)
    return PlanEntry(item, "manual", files=[], hints=hints, note="not a code change fixer can make")


def _elixir_call(text: str, files: list[str]) -> bool:
    """The item names an Elixir call (`IEx.pry`, `:dbg`) or an Elixir file."""
    match = CALLS.search(text)
    return any(f.endswith((".ex", ".exs")) for f in files) or \
        bool(match and (match.group("call")[:1].isupper() or match.group("file")))


def _elixir_targets(match: re.Match, files: list[str], parent: PlanEntry | None) -> list[str] | None:
    """The Elixir file the item names; else its section's (none: the whole repository). None when the
    item is not about Elixir calls: its section names only other files, or (a quoted message without
    a file) it sits under a removal item whose part it describes."""
    if match.group("file"):
        return [match.group("file")]
    if parent is not None:
        return None
    elixir = [f for f in files if f.endswith((".ex", ".exs"))]
    return elixir if elixir or not files else None


def _covering_entry(item: ChecklistItem, earlier: list[PlanEntry]) -> PlanEntry | None:
    """The nested item's parent, or the nearest earlier removal item of the same section."""
    for entry in reversed(earlier):
        if item.parent is not None:
            if entry.item.number == item.parent and entry.kind == "rule" and entry.rule in REMOVAL_RULES:
                return entry
            continue
        if entry.item.section != item.section:
            return None
        if entry.kind == "rule" and entry.rule in REMOVAL_RULES:
            return entry
    return None

"""Run a checklist's plan: each item's rule on its files, in order, with drift and status reports.

Item statuses: fixed, already done, covered (by an earlier item whose fixes sit near its line hint),
not found, needs review (the rule found something it will not fix), manual, error. Fixed, already
done and covered items are the ones ticked.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from fixer.checklist_parse import parse_checklist, tick
from fixer.checklist_plan import PlanEntry, plan
from fixer.engine import fix_text
from fixer.model import Finding
from fixer.rule import ConfigError, all_rules
from fixer.textio import Decoded, InputError, decode

NEAR = 20  # lines: how far a fix may sit from a sub-item's hint and still be what the hint meant
TICKED = ("fixed", "already done", "covered")


@dataclass
class HintReport:
    said: tuple[int, int]
    found: tuple[int, int] | None

    @property
    def offset(self) -> int | None:
        return None if self.found is None else self.found[0] - self.said[0]

    def describe(self) -> str:
        said = _span(self.said)
        if self.found is None:
            return f"nothing found near lines {said}"
        if self.offset == 0:
            return f"found at {_span(self.found)} (as the checklist said)"
        return f"found at {_span(self.found)} (checklist said {said}, {self.offset:+d})"


@dataclass
class ItemResult:
    entry: PlanEntry
    status: str
    fixes: int = 0
    detail: str = ""
    hints: list[HintReport] = field(default_factory=list)
    changes: dict[str, str] = field(default_factory=dict)  # path -> text after this item
    fix_counts: dict[str, int] = field(default_factory=dict)  # path -> fixes made by this item
    base_findings: list[Finding] = field(default_factory=list)

    @property
    def ticked(self) -> bool:
        return self.status in TICKED


@dataclass
class ChecklistRun:
    checklist: str
    text: str
    results: list[ItemResult]
    originals: dict[str, Decoded]
    final: dict[str, str]
    ticked_text: str

    @property
    def changed_files(self) -> list[str]:
        return [p for p, text in self.final.items() if text != self.originals[p].text]

    @property
    def errors(self) -> list[str]:
        return [f"item {r.entry.item.number}: {r.detail}" for r in self.results if r.status == "error"]

    @property
    def pending(self) -> bool:
        return bool(self.changed_files) or self.ticked_text != self.text


def run_checklist(source, checklist_path: str, checklist_text: str, max_size: int | None = None) -> ChecklistRun:
    entries = plan(parse_checklist(checklist_text))
    available = set(source.files())
    originals: dict[str, Decoded] = {}
    for entry in entries:
        for path in entry.files:
            if path in available and path not in originals:
                data = source.read(path)
                if data is not None:
                    try:
                        originals[path] = decode(data, max_size)
                    except InputError:
                        pass  # reported per item below
    current = {path: decoded.text for path, decoded in originals.items()}
    results: list[ItemResult] = []
    by_number: dict[int, ItemResult] = {}
    for entry in entries:
        if entry.kind == "manual":
            result = ItemResult(entry, "manual", detail=entry.note)
        elif entry.kind == "covered":
            result = _covered(entry, by_number[entry.covered_by])
        else:
            result = _run_rule_entry(entry, originals, current, available)
        results.append(result)
        by_number[entry.item.number] = result
    lines = [r.entry.item.line for r in results if r.ticked]
    return ChecklistRun(checklist_path, checklist_text, results, originals, current, tick(checklist_text, lines))


def _run_rule_entry(entry: PlanEntry, originals, current: dict[str, str], available: set[str]) -> ItemResult:
    cls = all_rules()[entry.rule]
    if not entry.files:
        return ItemResult(entry, "not found", detail="the item names no file and its section names none")
    missing = [p for p in entry.files if p not in available]
    if missing:
        return ItemResult(entry, "not found", detail=f"{', '.join(missing)} does not exist")
    unreadable = [p for p in entry.files if p not in originals]
    if unreadable:
        return ItemResult(entry, "error", detail=f"{', '.join(unreadable)} cannot be read as UTF-8 text")
    try:
        rule = cls(**entry.options, paths=list(entry.files))
    except ConfigError as exc:
        return ItemResult(entry, "manual", detail=f"cannot automate: {exc}")
    result = ItemResult(entry, "fixed")
    for path in entry.files:
        base = fix_text(path, originals[path].text, [rule])
        result.base_findings += base.findings
        now = fix_text(path, current[path], [rule])
        if now.errors:
            return ItemResult(entry, "error", detail=f"{path}: {'; '.join(now.errors)}")
        if now.changed:
            current[path] = now.new
            result.changes[path] = now.new
            result.fix_counts[path] = now.fixes()
            result.fixes += now.fixes()
    result.hints = [_nearest(hint, result.base_findings) for hint in entry.hints]
    if result.changes:
        result.detail = f"{result.fixes} fix(es)"
        return result
    unfixed = [f for f in result.base_findings if not f.fixed]
    if unfixed:
        result.status, result.detail = "needs review", "; ".join(f"{f.path}:{f.line}: {f.message}" for f in unfixed)
        return result
    result.status, result.detail = _already_done(entry, rule, current)
    return result


def _already_done(entry: PlanEntry, rule, current: dict[str, str]) -> tuple[str, str]:
    """No fix was needed: is the target state there (already done) or is the target missing?"""
    texts = {path: current[path] for path in entry.files}
    options = entry.options
    if entry.rule in ("remove-debug-file-writes", "remove-debug-calls"):
        return "already done", "nothing left to remove"
    if entry.rule == "set-log-level":
        inverse = type(rule)(**{"from": options["to"], "to": options["from"]}, paths=list(entry.files))
        if any(fix_text(p, t, [inverse]).changed for p, t in texts.items()):
            return "already done", f"level is already {options['to']}"
        return "not found", f"no logging level set to {options['from']} or {options['to']}"
    if entry.rule == "add-impl":
        name = options["functions"][0].rsplit(".", 1)[-1].split("/")[0]
        if any(re.search(rf"\bdef\s+{re.escape(name)}\b", t) for t in texts.values()):
            return "already done", "the callback already has @impl"
        return "not found", f"no def {name} in {', '.join(entry.files)}"
    if entry.rule == "rename-used-underscored":
        target = options["renames"][0]["to"]
        if any(re.search(rf"(?<![\w@:]){re.escape(target)}\b", t) for t in texts.values()):
            return "already done", f"{target} is already used"
        return "not found", f"no variable {options['renames'][0]['from']} is bound and used"
    return "already done", ""


def _covered(entry: PlanEntry, parent: ItemResult) -> ItemResult:
    fixed = [f for f in parent.base_findings if f.fixed]
    hints = [_nearest(hint, fixed) for hint in entry.hints]
    near = [h for h in hints if h.found is not None and abs(h.offset) <= NEAR]
    number = parent.entry.item.number
    if parent.status == "already done" and not fixed:
        return ItemResult(entry, "already done", detail=f"item {number} has nothing left to remove", hints=hints)
    if parent.status in ("fixed", "already done") and len(near) == len(hints):
        return ItemResult(entry, "covered", detail=f"covered by item {number}", hints=hints)
    nearest = ", ".join(h.describe() for h in hints)
    for hint in hints:
        if hint.found is not None and abs(hint.offset) > NEAR:
            hint.found = None
    return ItemResult(entry, "not found", detail=f"item {number} fixed nothing within {NEAR} lines of the hint ({nearest})",
                      hints=hints)


def _nearest(hint: tuple[int, int], findings: list[Finding]) -> HintReport:
    fixed = [f for f in findings if f.fixed]
    if not fixed:
        return HintReport(hint, None)
    best = min(fixed, key=lambda f: (abs(f.line - hint[0]), f.line))
    return HintReport(hint, (best.line, best.end_line or best.line))


def _span(span: tuple[int, int]) -> str:
    return str(span[0]) if span[0] == span[1] else f"{span[0]}-{span[1]}"

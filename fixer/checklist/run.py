"""Run a checklist's plan: each item's rule on its files, in order, with drift and status reports.

Item statuses: fixed, already done, covered (a part of an earlier item, whose fix its hint or words
point at), not found, needs review (some of the item's work was left for a person: the rule refused
it), manual, error. Only fixed, already done and covered items are ticked: an item is ticked when
ALL of its work is done. Fixes that were made still land even when their item is not ticked.

`held` spots (from `--verify`: a fix that breaks the project's tests) are left alone and reported
as needing review with the reason, so their item stays unticked and later items build on the rest.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from fixer.checklist.hints import Hint, HintReport, Site, attribute, span_text
from fixer.checklist.lines import map_span
from fixer.checklist.parse import parse_checklist, tick
from fixer.checklist.plan import REMOVAL_RULES, PlanEntry, plan
from fixer.checklist.unread import unread_sites
from fixer.core.config import Config
from fixer.core.edits import LineIndex
from fixer.core.engine import fix_text
from fixer.lang.enclosing import Outline, outline
from fixer.core.model import FileResult
from fixer.core.rule import ConfigError, Rule, all_rules
from fixer.core.textio import Decoded, InputError, decode
from fixer.ui.wording import plural

TICKED = ("fixed", "already done", "covered")
# (item number, path) -> (first line, last line, reason): lines of the ORIGINAL file an item's rule
# must leave alone (a fix `--verify` dropped), with the reason reported for them.
Held = dict[tuple[int, str], list[tuple[int, int, str]]]
Block = tuple[int, int, str]


@dataclass
class ItemResult:
    entry: PlanEntry
    status: str
    fixes: int = 0
    detail: str = ""
    hints: list[HintReport] = field(default_factory=list)
    changes: dict[str, str] = field(default_factory=dict)  # path -> text after this item
    fix_counts: dict[str, int] = field(default_factory=dict)  # path -> fixes made by this item
    sites: list[Site] = field(default_factory=list)  # what the rule saw (a covered item: what it claimed)
    files: list[str] = field(default_factory=list)  # the files the item's rule looked at
    extra: list[Site] = field(default_factory=list)  # fixes no line hint named
    rule: Rule | None = None  # the item's rule, as it ran
    runs: dict[str, FileResult] = field(default_factory=dict)  # path -> the rule's run on the text it found
    blocked: dict[str, list[Block]] = field(default_factory=dict)  # path -> held spots, in that text

    def refix(self, path: str, held_back: list[tuple[int, int]]) -> str:
        """The item's work on `path` again with these lines (of the text it found) also held back: a
        tree between two steps of `--verify`'s bisection, one the engine itself makes."""
        found = self.runs[path].old
        lines = LineIndex(found)
        blocks = [(lines.line_start(first), lines.line_end(last), "held back") for first, last in held_back]
        return fix_text(path, found, [self.rule], blocked=self.blocked.get(path, []) + blocks).new

    @property
    def ticked(self) -> bool:
        return self.status in TICKED

    @property
    def undone(self) -> list[Site]:
        """What was left for a person (needs review) or lost to an error, with the reason."""
        return [s for s in self.sites if s.state != "fixed"]


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
        return sorted(p for p, text in self.final.items() if text != self.originals[p].text)

    @property
    def errors(self) -> list[str]:
        # A part of an errored item repeats its error: report it once, with the item that failed.
        return [f"item {r.entry.item.number}: {r.detail}" for r in self.results
                if r.status == "error" and r.entry.kind != "covered"]

    @property
    def pending(self) -> bool:
        return bool(self.changed_files) or self.ticked_text != self.text

    @property
    def needs_person(self) -> bool:
        """Work a rule refused (exit 1, like `check`'s findings that need a person)."""
        return any(r.status == "needs review" for r in self.results)


@dataclass
class _Files:
    """The repository's files as the run reads them: originals, the text after each item so far,
    per-file read errors and outlines (definitions by line) of the originals."""

    source: object
    config: Config
    max_size: int | None
    originals: dict[str, Decoded] = field(default_factory=dict)
    current: dict[str, str] = field(default_factory=dict)
    unreadable: dict[str, str] = field(default_factory=dict)
    outlines: dict[str, Outline | None] = field(default_factory=dict)
    checklist: str = ""
    held: Held = field(default_factory=dict)

    def __post_init__(self):
        self.available = set(self.source.files())

    def text(self, path: str) -> str | None:
        if path not in self.originals and path not in self.unreadable:
            try:
                data = self.source.read(path)
                if data is None:
                    raise InputError(f"{path}: cannot be read")
                self.originals[path] = decode(data, self.max_size)
                self.current[path] = self.originals[path].text
            except InputError as exc:
                self.unreadable[path] = str(exc)
        return self.originals[path].text if path in self.originals else None

    def outline(self, path: str) -> Outline | None:
        if path not in self.outlines:
            self.outlines[path] = outline(path, self.originals[path].text)
        return self.outlines[path]

    def in_repository_scope(self, rule: Rule) -> list[str]:
        """Every file the config's include/exclude and the rule's paths allow."""
        from fixer.core.runner import candidates

        return candidates(self.source, self.config, [rule])


def run_checklist(source, checklist_path: str, checklist_text: str, max_size: int | None = None,
                  config: Config | None = None, held: Held | None = None) -> ChecklistRun:
    entries = plan(parse_checklist(checklist_text))
    files = _Files(source, config or Config(), max_size, checklist=checklist_path, held=held or {})
    results: dict[int, ItemResult] = {}
    for entry in entries:
        if entry.kind == "manual":
            results[entry.item.number] = ItemResult(entry, "manual", detail=entry.note)
        elif entry.kind == "rule":
            results[entry.item.number] = _run_rule_entry(entry, files)
    for entry in entries:
        if entry.kind == "rule":
            _attribute(entry, entries, results, files)
    ordered = [results[e.item.number] for e in entries]
    lines = [r.entry.item.line for r in ordered if r.ticked]
    return ChecklistRun(checklist_path, checklist_text, ordered, files.originals, files.current,
                        tick(checklist_text, lines))


# -- one rule item ------------------------------------------------------------------------------

def _make_rule(entry: PlanEntry, config: Config) -> Rule:
    cls = all_rules()[entry.rule]
    options = dict(entry.options)
    if entry.repository_wide:
        configured = config.rule_options.get(entry.rule, {})
        for key in ("paths", "exclude"):
            if configured.get(key):
                options[key] = list(configured[key])
        return cls(**options)
    return cls(**options, paths=list(entry.files))


def _run_rule_entry(entry: PlanEntry, files: _Files) -> ItemResult:
    try:
        rule = _make_rule(entry, files.config)
    except ConfigError as exc:
        return ItemResult(entry, "manual", detail=f"cannot automate: {exc}")
    if entry.repository_wide:
        paths = [p for p in files.in_repository_scope(rule) if (t := files.text(p)) is None or rule.wants(p, t)]
    else:
        missing = [p for p in entry.files if p not in files.available]
        if missing:
            return ItemResult(entry, "not found", detail=f"{', '.join(missing)} does not exist")
        paths = list(entry.files)
    result = ItemResult(entry, "fixed", files=paths, rule=rule)
    errors = []
    for path in paths:
        original = files.text(path)
        if original is None:
            errors.append(files.unreadable[path])
            continue
        held = files.held.get((entry.item.number, path), [])
        blocked = _blocks(path, held, original, files.current[path])
        now = fix_text(path, files.current[path], [rule], blocked=blocked)
        base = now if files.current[path] == original else \
            fix_text(path, original, [rule], blocked=_blocks(path, held, original, original))
        result.runs[path], result.blocked[path] = now, blocked
        sites = _sites(rule, path, original, base, files)
        result.sites += sites
        if now.errors:
            errors += [f"{path}: {error}" for error in now.errors]
            for site in sites:  # the file was left unchanged: its fixes did not land
                if site.state == "fixed":
                    site.state, site.message = "error", now.errors[0]
            continue
        if now.changed:
            files.current[path] = now.new
            result.changes[path] = now.new
            result.fix_counts[path] = now.fixes()
            result.fixes += now.fixes()
    result.sites += unread_sites(entry, files)
    result.status, result.detail = _status(entry, rule, result, errors, files)
    return result


def _blocks(path: str, held: list[tuple[int, int, str]], original: str, text: str) -> list[Block]:
    """The held lines of the original file as ranges of `text` (the file as this item finds it)."""
    lines, blocks = LineIndex(text), []
    for first, last, reason in held:
        span = map_span(original, text, first, last)
        if span is None:
            raise InputError(f"{path}:{first}: the spot held back is no longer in the file an earlier item left")
        last_line = min(span[1], max(lines.line_count, 1))
        blocks.append((lines.line_start(min(span[0], last_line)), lines.line_end(last_line), reason))
    return blocks


def _status(entry: PlanEntry, rule: Rule, result: ItemResult, errors: list[str], files: _Files) -> tuple[str, str]:
    made = plural(result.fixes, "fix") if result.fixes else "no fixes"
    review = [s for s in result.sites if s.state == "needs review"]
    if errors:
        return "error", "; ".join(errors) + (f" ({made} in its other files)" if result.changes else "")
    if review:
        listed = ", ".join(f"{s.path}:{span_text(s.span)}" for s in review)
        return "needs review", f"{made}; {len(review)} left for review at {listed}"
    if result.changes:
        return "fixed", made
    return _already_done(entry, rule, result.files, files)


def _already_done(entry: PlanEntry, rule: Rule, paths: list[str], files: _Files) -> tuple[str, str]:
    """No fix was needed: is the target state there (already done) or is the target missing?"""
    texts = {path: files.current[path] for path in paths if path in files.current}
    options = entry.options
    where = "" if not entry.repository_wide else f" (looked at {plural(len(paths), 'file')} in the repository)"
    if entry.rule in REMOVAL_RULES or entry.rule == "remove-debugger-calls":
        return "already done", f"nothing left to remove{where}"
    if entry.rule == "set-log-level":
        inverse = type(rule)(**{"from": options["to"], "to": options["from"]}, paths=list(paths) or ["**/*.py"])
        if any(fix_text(p, t, [inverse]).changed for p, t in texts.items()):
            return "already done", f"level is already {options['to']}"
        return "not found", f"no logging level set to {options['from']} or {options['to']}{where}"
    if entry.rule == "add-impl":
        name = options["functions"][0].rsplit(".", 1)[-1].split("/")[0]
        if any(re.search(rf"\bdef\s+{re.escape(name)}\b", t) for t in texts.values()):
            return "already done", "the callback already has @impl"
        return "not found", f"no def {name} in {', '.join(paths) or 'the repository'}"
    if entry.rule == "rename-used-underscored":
        target = options["renames"][0]["to"]
        if any(re.search(rf"(?<![\w@:]){re.escape(target)}\b", t) for t in texts.values()):
            return "already done", f"{target} is already used"
        return "not found", f"no variable {options['renames'][0]['from']} is bound and used{where}"
    return "already done", ""


def _sites(rule: Rule, path: str, original: str, base: FileResult, files: _Files) -> list[Site]:
    """What became of each thing the rule saw in the ORIGINAL file (its lines are the checklist's
    lines), as the engine reports it for `base`, the rule's full run on that text: fixes that landed
    and, with the reason, what was left for a person: the rule's own refusals and the spots the
    engine held back (a second pass would change them again, a fix would leave a name undefined or
    make the file unparsable). The engine's findings are already on the original lines."""
    if not base.findings or (shape := files.outline(path)) is None:
        return []
    lines = original.splitlines()
    sites = []
    for finding in sorted(base.findings, key=lambda f: (f.line, f.column)):
        end = max(finding.end_line or shape.statement_end(finding.line), finding.line)
        if not finding.fixed:
            state, message = "needs review", finding.message
        elif base.errors:  # the file was left unchanged: the fix did not land
            state, message = "error", base.errors[0]
        else:
            state, message = "fixed", finding.message
        sites.append(Site(path, finding.line, end, state, message, finding.evidence, shape.at(finding.line),
                          _haystack(lines, finding.line, end, shape, rule)))
    return sites


def _haystack(lines: list[str], start: int, end: int, shape: Outline, rule: Rule) -> str:
    """What a site is about, for matching an item's words: its code, the comment right above it and
    the names of the definitions around it; not the rule's own target (the log path, `IO.inspect`),
    which every site shares."""
    first = start
    while first > 1 and lines[first - 2].strip().startswith("#"):
        first -= 1
    text = (" ".join(shape.at(start) or ()) + "\n" + "\n".join(lines[first - 1:end])).lower()
    for option in rule.options.values():
        for value in option if isinstance(option, list) else [option]:
            if isinstance(value, str) and len(value) > 3:
                text = text.replace(value.lower(), " ")
    return text


# -- hints: which fix each line hint means -------------------------------------------------------

def _attribute(entry: PlanEntry, entries: list[PlanEntry], results: dict[int, ItemResult], files: _Files) -> None:
    """Match the item's own hints and those of the items that are part of it to its sites; decide
    those parts' statuses; list the fixes no hint named as extra."""
    parent = results[entry.item.number]
    parts = [e for e in entries if e.kind == "covered" and e.covered_by == entry.item.number]
    single = entry.files[0] if len(entry.files) == 1 else None
    hints = [Hint(entry.item.number, said, single, entry.words) for said in entry.hints]
    for part in parts:
        hints += [Hint(part.item.number, said, single, part.words) for said in part.hints] or \
                 [Hint(part.item.number, None, single, part.words)]
    outlines = {path: files.outlines.get(path) for path in parent.files}
    reports = attribute(hints, parent.sites, outlines)
    by_owner: dict[int, list[HintReport]] = {}
    for hint, report in zip(hints, reports):
        by_owner.setdefault(hint.owner, []).append(report)
    parent.hints = by_owner.get(entry.item.number, [])
    for part in parts:
        results[part.item.number] = _part_result(part, parent, by_owner[part.item.number])
    if hints:
        parent.extra = [s for s in parent.sites if s.state == "fixed" and s.claimed_by is None]
        if parent.extra:
            listed = ", ".join(s.label(len(outlines) > 1) for s in parent.extra)
            parent.detail += f"; {plural(len(parent.extra), 'fix')} no line hint names: {listed}"


def _part_result(part: PlanEntry, parent: ItemResult, reports: list[HintReport]) -> ItemResult:
    """A sub-item's status: what its hints claimed among its covering item's sites."""
    number = parent.entry.item.number
    claimed = [site for report in reports for site in report.sites]
    result = ItemResult(part, "covered", hints=reports, sites=claimed, files=parent.files)
    if parent.status in ("manual", "not found") or (parent.status == "error" and not parent.sites):
        result.status, result.detail = parent.status, f"item {number}: {parent.detail}"
        return result
    if not parent.sites and parent.status == "already done":
        result.status, result.detail = "already done", f"item {number} has nothing left to remove"
        return result
    statuses = {report.status for report in reports}
    for status in ("error", "not found", "needs review"):
        if status in statuses:
            result.status = status
            break
    described = "; ".join(report.describe() for report in reports if report.status == result.status)
    result.detail = f"covered by item {number}" if result.status == "covered" else f"item {number}: {described}"
    return result

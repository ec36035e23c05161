"""The pure core: (path, text, rules) -> FileResult. No file system, no git, no printing.

Rules run one after another (so each rule's changes can become a commit of their own). Each rule runs
to a fixed point: a pass's edits are applied in one batch, overlapping edits are refused and picked up
by the next pass, and the pass that changes nothing is the proof that the rule has settled. An edit that
makes the file unparsable is dropped and reported. Validation is the language's own: CPython's
`compile()` for Python (no LibCST parse unless a rule asks for one), tree-sitter for Elixir.

When the final text is not settled (a second pass of some rule would change it again), or a Python fix
would leave a name undefined, the spots responsible are traced back to the original text and the file
is fixed again with those spots left alone and reported: one construct a rule cannot settle does not
void the file's other fixes. Only when that does not converge is the file left as it was.
"""
from __future__ import annotations

import gc
from dataclasses import replace
from typing import Any, Iterable

from fixer.core import interrupts, textcache
from fixer.core.edits import Edit, LineIndex, plan_edits, splice
from fixer.core.model import FileResult, Finding, reading
from fixer.core.rule import LANGUAGE_EXTENSIONS, Rule, Source
from fixer.core.languages import syntax
from fixer.core.settle import Blocks, Trail

MAX_PASSES = 5
MAX_ROUNDS = 4  # fix, then re-fix with unsettled spots blocked, a few times at most


class _Validators(dict):
    """language -> validate(path, new text, old text) of its syntax module, loaded on first use."""

    def __missing__(self, language: str):
        self[language] = syntax(language).validate
        return self[language]


VALIDATORS = _Validators()
UNSETTLED = "a second pass of the rule would change it again"
# Trees of a text no longer needed once a pass replaced it (tree-sitter's goes when the new text is
# validated: its error count is read first).
REPLACED_TREES = ("python.ast", "python.cst")
Refusal = tuple[Edit, str, str]  # an edit that will not be made, the message and the evidence


MAX_ERROR_CHARS = 300


def describe_exception(exc: BaseException) -> str:
    """`Type: message`, capped: a rule bug must never print a whole syntax-tree dump."""
    text = f"{type(exc).__name__}: {exc}"
    first = text.splitlines()[0] if text.strip() else text
    if len(first) > MAX_ERROR_CHARS or first != text:
        first = first[:MAX_ERROR_CHARS].rstrip() + " …"
    return first


def language_of(path: str) -> str | None:
    return next((name for name, ends in LANGUAGE_EXTENSIONS.items() if path.endswith(ends)), None)


HUGE = 1024 * 1024  # characters: above this, the collector is paused while the file is fixed


def fix_text(path: str, text: str, rules: Iterable[Rule], context: dict[str, Any] | None = None,
             blocked: Iterable[tuple[int, int, str]] = ()) -> FileResult:
    """`blocked`: (start, end, reason) ranges of `text` no edit may touch (a fix the caller dropped,
    such as one that `--verify` found breaking the tests): the fix there is reported with the reason."""
    # A huge file's syntax tree is millions of objects: every full collection of the cyclic garbage
    # collector walks them all, and the parse and the rules' indexes allocate enough to start dozens
    # (3-5x the work of the parse itself). The collector is paused for such a file; the garbage of a
    # replaced tree is collected at once instead (see `_collect`), before the next tree is built.
    paused = len(text) > HUGE and gc.isenabled()
    if paused:
        gc.disable()
    try:
        with reading() as reads:
            result = _fix(path, text, [rule for rule in rules if rule.wants(path, text)], context or {}, blocked)
        result.reads = reads
        return result
    finally:
        textcache.clear()  # trees and line tables of this file are not needed for the next one
        if paused:
            gc.enable()
            gc.collect()


def _collect() -> None:
    """Free a replaced syntax tree now when the collector is paused (its nodes may sit in cycles)."""
    if not gc.isenabled():
        gc.collect()


def _fix(path: str, text: str, wanted: list[Rule], context: dict[str, Any], blocked=()) -> FileResult:
    result = FileResult(path, text, text)
    if not wanted:
        return result
    language = wanted[0].language
    problem = syntax("python").validate(path, text) if language == "python" else syntax("elixir").first_error(text)
    if problem:
        result.errors.append(problem)
        return result
    blocks = Blocks(text)
    for start, end, reason in blocked:
        blocks.add(start, end, reason)
    for _ in range(MAX_ROUNDS):
        attempt = Attempt(path, text, wanted, context, VALIDATORS[language], blocks)
        attempt.run()
        if attempt.errors:
            result.errors.extend(attempt.errors)
            result.findings = attempt.findings
            return result
        try:
            problems = attempt.unsettled() or (attempt.undefined_names() if language == "python" else [])
        except Exception as exc:  # a rule that fails on its own output costs this file, not the run
            interrupts.check()
            result.errors.append(f"validation failed, file left unchanged: a rule failed: {describe_exception(exc)}")
            result.findings = attempt.findings
            return result
        if not problems:
            result.new, result.stages, result.findings = attempt.current, attempt.stages, attempt.findings
            result.changes = attempt.trail.changes()
            return result
        progress = [blocks.add(start, end, reason) for start, end, reason in problems]
        if not any(progress):
            break
    reasons = sorted({reason for _, _, reason in problems})
    interrupts.check()  # an interrupted pass is not a failed validation
    result.findings = attempt.findings
    result.errors.append(f"validation failed, file left unchanged: {'; '.join(reasons)}")
    return result


class Attempt:
    """One run of the rules over a file, leaving the blocked spots of the original text alone."""

    def __init__(self, path: str, text: str, rules: list[Rule], context, validate, blocks: Blocks):
        self.path, self.original, self.rules, self.context = path, text, rules, context
        self.validate, self.blocks = validate, blocks
        self.current = text
        self.trail = Trail()
        self.stages: list[tuple[str, str]] = []
        self.findings: list[Finding] = []
        self.errors: list[str] = []
        self.settled_on: dict[str, str] = {}  # rule id -> the text object its last pass left alone
        self._source: Source | None = None

    def source(self, text: str) -> Source:
        """One Source per text, so the rules looking at the same text share its parse."""
        if self._source is None or self._source.text is not text:
            self._source = Source(self.path, text, self.context)
        return self._source

    def run(self) -> None:
        for rule in self.rules:
            before = self.current
            try:
                self._run_rule(rule)
            except Exception as exc:  # a rule bug must cost one file, not the run
                interrupts.check()  # ...but an interrupt that surfaced as an error is the interrupt
                self.errors.append(f"rule {rule.id} failed: {describe_exception(exc)}")
                return
            if self.current is not before:
                self.stages.append((rule.id, self.current))

    def _run_rule(self, rule: Rule) -> None:
        for attempt in range(MAX_PASSES):
            current = self.current
            if attempt and not rule.anchor_regex.search(current):
                break  # no anchor left: the rule has nothing more to look at
            outcome = rule.check(self.source(current))
            if outcome.edits:
                # The rule is done with this text's trees: free them before the next parse (a tree is
                # dozens of bytes per byte of source; two at once doubles a large file's memory).
                self._source = None
                textcache.forget(current, *REPLACED_TREES)
                _collect()
            edits, held = self._unblocked(current, outcome.edits)
            new, spans, dropped = self._apply(current, edits)
            # Later passes re-see the unfixable findings of the first at shifted lines: keep only fixes,
            # and note which of the earlier reports still hold.
            findings = outcome.findings if attempt == 0 else [f for f in outcome.findings if f.fixed]
            findings = _unfix(self.path, current, findings, held + dropped, report=attempt == 0)
            still = [] if attempt == 0 else [f for f in outcome.findings if not f.fixed]
            self._record(self._to_original(current, findings), self._to_original(current, still))
            if new == current:
                break
            self.trail.add(spans)
            self.current = new
        else:
            return  # still changing after MAX_PASSES: the final check reports it
        self.settled_on[rule.id] = self.current

    def _apply(self, text: str, edits: list[Edit]) -> tuple[str, list[Edit], list[Refusal]]:
        """(the text with the edits applied in one batch, the spans replaced, the edits dropped
        because they would make the file unparsable)."""
        if not edits:
            return text, [], []
        spans, applied, _ = plan_edits(text, edits)
        new = splice(text, spans)
        problem = self.validate(self.path, new, text)
        if problem is None:
            return new, spans, []
        breaking = _breaking(applied, lambda subset: self._valid(text, subset), known_bad=True)
        kept = [e for e in applied if e not in breaking]
        if kept and not self._valid(text, kept):
            breaking, kept = applied, []  # fine one by one, broken together: keep none
        spans, _, _ = plan_edits(text, kept)
        reason = f"fix dropped: it would make the file unparsable ({problem})"
        return splice(text, spans), spans, [(e, reason, "would make the file unparsable") for e in breaking]

    def _valid(self, text: str, edits: list[Edit]) -> bool:
        spans, _, _ = plan_edits(text, edits)
        return self.validate(self.path, splice(text, spans), text) is None

    def _unblocked(self, text: str, edits: list[Edit]) -> tuple[list[Edit], list[Refusal]]:
        """(the edits clear of blocked spots, the others with the reason they are held back)."""
        if not self.blocks or not edits:
            return edits, []
        kept, held = [], []
        for edit in edits:
            reason = self.blocks.reason_for(*self.trail.to_original(edit.start, edit.end))
            if reason is None:
                kept.append(edit)
            else:
                held.append((edit, f"not changed: {reason}", reason))
        return kept, held

    def _to_original(self, text: str, findings: list[Finding]) -> list[Finding]:
        """Findings of a later pass, moved to the lines of the original text (the file on disk)."""
        if text is self.original or not findings:
            return findings
        here, there = LineIndex(text), LineIndex(self.original)

        def back(line: int, column: int = 1) -> tuple[int, int]:
            """(start, end) in the original of a position (a replaced span maps to all it replaced)."""
            offset = min(here.offset(min(line, len(here.starts)), max(column - 1, 0)), len(text))
            return self.trail.to_original(offset, offset)

        moved = []
        for finding in findings:
            start, _ = back(finding.line, finding.column)
            line = there.line_of(start)
            column = start - there.line_start(line) + 1
            end_line = None
            if finding.end_line:
                low, high = back(finding.end_line)
                end_line = there.line_of(high - 1 if high > low else low)
            moved.append(replace(finding, line=line, column=column, end_line=end_line))
        return moved

    def _record(self, findings: list[Finding], still: list[Finding]) -> None:
        """Add a pass's findings. An earlier pass's report on a line this pass fixed is stale (the
        fix was what it waited for) unless this pass reports it again (`still`): a report is never
        hidden by another site's fix on its line."""
        seen = {(f.rule, f.line, f.column, f.message) for f in self.findings}
        earlier = len(self.findings)
        kept = list(self.findings)
        fixed_lines = set()
        for finding in findings:
            if (finding.rule, finding.line, finding.column, finding.message) in seen:
                continue
            if finding.fixed:
                fixed_lines.add((finding.rule, finding.line))
            kept.append(finding)
        if not fixed_lines or not earlier:
            self.findings = kept
            return
        holding = {(f.rule, f.line, f.message) for f in still}
        self.findings = [f for position, f in enumerate(kept)
                         if f.fixed or position >= earlier or (f.rule, f.line) not in fixed_lines
                         or (f.rule, f.line, f.message) in holding]

    # -- the final check ---------------------------------------------------------------------
    def unsettled(self) -> list[tuple[int, int, str]]:
        """Original-text ranges where a second pass of some rule would still change the final text.

        A rule whose last pass already left this very text alone is not run again."""
        final = self.current
        if final is self.original:
            return []
        problems = []
        for rule in self.rules:
            if self.settled_on.get(rule.id) is final or not rule.anchor_regex.search(final):
                continue
            edits, _ = self._unblocked(final, rule.check(self.source(final)).edits)
            new, spans, _ = self._apply(final, edits)
            if new != final:
                reason = f"{UNSETTLED} ({rule.id})"
                problems += [(*self.trail.to_original(e.start, e.end), reason) for e in spans]
        return problems

    def undefined_names(self) -> list[tuple[int, int, str]]:
        """Original-text ranges of the bindings whose removal leaves a name read but undefined."""
        if self.current is self.original:
            return []
        python = syntax("python")
        lost = python.newly_unresolved(self.path, self.original, self.current)
        if not lost:
            return []
        lines = LineIndex(self.original)
        reason = f"it would leave {', '.join(sorted(lost))} undefined"
        return [(lines.line_start(first), lines.line_end(last), reason)
                for first, last in python.binding_lines(self.original, lost)]


def _unfix(path: str, text: str, findings: list[Finding], refusals: list[Refusal], report: bool) -> list[Finding]:
    """A pass's findings with the edits that will not be made taken into account: a 'fixed' claim
    over one of them becomes 'needs review' with the reason; `report` adds a finding for the others."""
    if not refusals:
        return findings
    lines = LineIndex(text)
    spans = [(lines.line_of(e.start), lines.line_of(max(e.start, e.end - 1))) for e, _, _ in refusals]
    out = []
    for finding in findings:
        end = finding.end_line or finding.line
        hit = next((i for i, (first, last) in enumerate(spans) if finding.fixed and finding.line <= last and end >= first), None)
        if hit is not None:
            _, message, evidence = refusals[hit]
            finding = replace(finding, fixed=False, message=f"{finding.message}; {message}", evidence=evidence)
        out.append(finding)
    if report:
        for (edit, message, evidence), (first, last) in zip(refusals, spans):
            if not any(f.rule == edit.rule and not f.fixed and first <= f.line <= last for f in out):
                out.append(Finding(edit.rule, path, first, message, False, evidence=evidence))
    return out


def _breaking(edits: list[Edit], valid, known_bad: bool = False) -> list[Edit]:
    """The edits that break the file, found by halving: O(k log n) validations for k bad edits of n."""
    if not known_bad and valid(edits):
        return []
    if len(edits) == 1:
        return list(edits)
    middle = len(edits) // 2
    return _breaking(edits[:middle], valid) + _breaking(edits[middle:], valid)

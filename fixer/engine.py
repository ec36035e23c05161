"""The pure core: (path, text, rules) -> FileResult. No file system, no git, no printing.

Rules run one after another (so each rule's changes can become a commit of their own). Each rule runs
to a fixed point: edits that overlap are refused and picked up by the next pass. An edit that makes the
file unparsable is dropped and reported. The final text must re-parse and a second pass of every rule
must change nothing; otherwise the file is left as it was and the failure is reported.
"""
from __future__ import annotations

from typing import Any, Iterable

from fixer import interrupts
from fixer.edits import Edit, apply_edits
from fixer.lang import elixir, python
from fixer.model import FileResult, Finding
from fixer.rule import LANGUAGE_EXTENSIONS, Rule, Source

MAX_PASSES = 5
VALIDATORS = {"python": python.validate, "elixir": elixir.validate}


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


def fix_text(path: str, text: str, rules: Iterable[Rule], context: dict[str, Any] | None = None) -> FileResult:
    result = FileResult(path, text, text)
    wanted = [rule for rule in rules if rule.wants(path, text)]
    if not wanted:
        return result
    language = wanted[0].language
    validate = VALIDATORS[language]
    problem = validate(path, text) if language == "python" else elixir.first_error(text)
    if problem:
        result.errors.append(problem)
        return result
    current = text
    for rule in wanted:
        current = _run_rule(rule, path, current, context or {}, validate, result)
        if result.errors:
            result.new = text
            result.stages = []
            return result
        if current != (result.stages[-1][1] if result.stages else text):
            result.stages.append((rule.id, current))
    _final_check(path, text, current, wanted, context or {}, validate, result)
    return result


def _run_rule(rule: Rule, path: str, text: str, context, validate, result: FileResult) -> str:
    current = text
    for attempt in range(MAX_PASSES):
        if attempt and not rule.anchor_regex.search(current):
            return current  # no anchor left: the rule has nothing more to look at
        try:
            outcome = rule.check(Source(path, current, context))
        except Exception as exc:  # a rule bug must cost one file, not the run
            interrupts.check()  # ...but an interrupt that surfaced as an error is the interrupt
            result.errors.append(f"rule {rule.id} failed: {describe_exception(exc)}")
            return text
        # Later passes re-see the unfixable findings of the first at shifted lines: keep only fixes.
        _record(result, outcome.findings if attempt == 0 else [f for f in outcome.findings if f.fixed])
        if not outcome.edits:
            return current
        new, applied, refused = apply_edits(current, outcome.edits)
        problem = validate(path, new, current)
        if problem:
            new, dropped = _without_breaking_edits(path, current, applied, validate)
            for edit in dropped:
                line = current.count("\n", 0, edit.start) + 1
                message = f"fix dropped: it would make the file unparsable ({problem})"
                result.findings.append(Finding(edit.rule, path, line, message, False))
        if new == current:
            return current
        current = new
        if not refused:
            return current  # the final check's second pass confirms nothing is left
        # else loop: refused overlapping edits are picked up by the next pass
    return current


def _without_breaking_edits(path, text, edits: list[Edit], validate) -> tuple[str, list[Edit]]:
    """Apply only the edits that keep the file parsable; return (new text, dropped edits)."""
    kept = [e for e in edits if validate(path, apply_edits(text, [e])[0], text) is None]
    new, _, _ = apply_edits(text, kept)
    if validate(path, new, text) is not None:
        return text, list(edits)
    return new, [e for e in edits if e not in kept]


def _settled(path, text, rule: Rule, context, validate) -> bool:
    """A second pass of the rule changes nothing (edits it could only make by breaking the file,
    which the first pass already dropped and reported, do not count)."""
    if not rule.anchor_regex.search(text):
        return True
    edits = rule.check(Source(path, text, context)).edits
    if not edits:
        return True
    new, _, _ = apply_edits(text, edits)
    if validate(path, new, text) is None:
        return new == text
    return _without_breaking_edits(path, text, edits, validate)[0] == text


def _record(result: FileResult, findings: list[Finding]) -> None:
    seen = {(f.rule, f.line, f.column, f.message) for f in result.findings}
    for finding in findings:
        if (finding.rule, finding.line, finding.column, finding.message) not in seen:
            result.findings.append(finding)


def _final_check(path, original, current, rules, context, validate, result: FileResult) -> None:
    if current == original:
        result.new = original
        return
    problem = validate(path, current, original)
    if problem is None:
        try:
            leftovers = [rule.id for rule in rules if not _settled(path, current, rule, context, validate)]
        except Exception as exc:
            leftovers = [f"(a rule failed: {describe_exception(exc)})"]
        if leftovers:
            problem = f"a second pass of {', '.join(leftovers)} would change the file again"
    if problem:
        interrupts.check()  # an interrupted pass is not a failed validation
        result.errors.append(f"validation failed, file left unchanged: {problem}")
        result.new = original
        result.stages = []
        return
    result.new = current

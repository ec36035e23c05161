"""`fixer checklist --apply --verify CMD`: the checklist's commits checked with the project's own
command, as `fixer apply --verify` checks a run. When the branch's tree fails, the breaking fix is
found by bisection (item commits, then that item's files, then its single fixes in that file), and
the whole checklist is run again with that spot held back: later items and the ticks build on the
earlier ones, so they are made again rather than edited. The dropped fix's item is left unticked,
with the reason."""
from __future__ import annotations

from typing import Callable

from fixer.checklist.lines import map_span
from fixer.checklist.run import ChecklistRun, Held, ItemResult
from fixer.core.textio import InputError
from fixer.git.branches import PlannedCommit
from fixer.ui import report
from fixer.verify.changes import Fix
from fixer.verify.command import Verify, VerifyError
from fixer.verify.verifier import Dropped, Session, Verdict, bisect_runs, estimate, say_cost, session_for, sign

Rerun = Callable[[Held], tuple[ChecklistRun, list[PlannedCommit]]]


def verify_checklist(repo, base, spec: Verify,
                     rerun: Rerun) -> tuple[ChecklistRun, list[PlannedCommit], Verdict | None]:
    """The checklist's result and commits with every fix that breaks `spec.command` held back, and
    the verdict (None when there is nothing to commit); the commits are signed."""
    result, planned = rerun({})
    if not planned:
        return result, planned, None
    held: Held = {}
    with session_for(repo, base, spec) as session:
        report.note(f"verify: `{spec.command}` on the base and the checklist's branch ({_fixes(result)} fixes): "
                    f"2 runs; if a fix breaks it, about {estimate(_fixes(result))} more to find it "
                    "(log2 of the fixes + 2; a failing run is repeated once)")
        session.base()
        failed = session.fails(_tree(planned), "the fixed tree")
        while failed is not None:
            session.expected = session.verdict.runs + estimate(_fixes(result)) - 1
            number, fix, (ran, tests) = _breaking_fix(session, result, planned, failed)
            spots = held.setdefault((number, fix.path), [])
            if any((first, last) == (fix.line, fix.end_line) for first, last, _ in spots):
                raise VerifyError(f"verification does not converge: item {number}'s fix at {fix.where()} "
                                  "was dropped already")
            found = Dropped(fix, tests, ran.log, ran.timed_out, item=f"checklist item {number}: ")
            session.verdict.dropped.append(found)
            report.warn(f"needs review: {found.line(spec.command)}; output: {ran.log}")
            spots.append((fix.line, fix.end_line, f"needs review: {found.reason(spec.command)}"))
            result, planned = _rerun(rerun, held)
            dropped = len(session.verdict.dropped)
            failed = session.fails(_tree(planned), f"the fixed tree without {dropped} fix(es)") \
                if _items(result) else None
    say_cost(session.verdict)
    sign(planned, session.verdict)
    return result, planned, session.verdict


def _breaking_fix(session: Session, result: ChecklistRun, planned: list[PlannedCommit], failed):
    """(item number, the fix on the original file's lines, the smallest failing run holding it)."""
    items = _items(result)  # the first len(items) commits are theirs, in order; then the ticks
    step, failed = bisect_runs(session, failed, len(planned), lambda k: _tree(planned[:k]),
                               lambda k: f"commits 1-{k} of {len(planned)}")
    if step > len(items):
        ran, _ = failed
        raise VerifyError(f"`{session.spec.command}` fails once {result.checklist} is ticked, with every fix "
                          f"in: no fix to drop; output: {ran.log}")
    item, commit, before = items[step - 1], planned[step - 1], planned[:step - 1]
    number, paths = item.entry.item.number, sorted(planned[step - 1].files)
    step, failed = bisect_runs(session, failed, len(paths),
                               lambda k: _tree(before, {p: commit.files[p][0] for p in paths[:k]}),
                               lambda k: f"item {number} on files 1-{k} of {len(paths)}")
    path = paths[step - 1]
    earlier = {p: commit.files[p][0] for p in paths[:step - 1]}
    fixes = _fixes_of(item, path)
    if not fixes:
        raise VerifyError(f"{path}: item {number}'s change breaks `{session.spec.command}` but names no fix to drop")

    def upto(k: int) -> dict[str, bytes]:
        held_back = [(fix.line, fix.end_line) for fix in fixes[k:]]
        return _tree(before, {**earlier, path: result.originals[path].encode(item.refix(path, held_back))})

    step, failed = bisect_runs(session, failed, len(fixes), upto, lambda k: f"item {number}: {path}: fixes 1-{k} "
                                                                            f"of {len(fixes)}")
    return number, _on_original(result, item, fixes[step - 1]), failed


def _fixes_of(item: ItemResult, path: str) -> list[Fix]:
    """The item's single fixes in `path`, on the lines of the text it found there."""
    found = {Fix.of(f) for f in item.runs[path].findings if f.fixed}
    return sorted(found, key=lambda fix: (fix.line, fix.end_line, fix.message))


def _on_original(result: ChecklistRun, item: ItemResult, fix: Fix) -> Fix:
    """The fix on the original file's lines (the checklist's lines, and what a held spot names)."""
    span = map_span(item.runs[fix.path].old, result.originals[fix.path].text, fix.line, fix.end_line)
    if span is None:
        raise VerifyError(f"{fix.where()}: item {item.entry.item.number}'s breaking fix is on a line an earlier "
                          "item wrote: it cannot be held back alone")
    return Fix(fix.rule, fix.path, span[0], span[1], fix.message)


def _rerun(rerun: Rerun, held: Held) -> tuple[ChecklistRun, list[PlannedCommit]]:
    try:
        return rerun(held)
    except InputError as exc:
        raise VerifyError(f"verification does not converge: {exc}") from None


def _items(result: ChecklistRun) -> list[ItemResult]:
    return [r for r in result.results if r.changes]


def _fixes(result: ChecklistRun) -> int:
    return sum(r.fixes for r in result.results)


def _tree(commits: list[PlannedCommit], extra: dict[str, bytes] | None = None) -> dict[str, bytes]:
    """The files these commits leave, in order (a later commit's version of a file wins)."""
    tree = {path: data for commit in commits for path, (data, _) in commit.files.items()}
    return {**tree, **(extra or {})}

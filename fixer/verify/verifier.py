"""The whole check: the command on the base commit, then on the fixed tree; when that fails, the
breaking fixes are found by bisection (rule commits, then files, then single fixes), dropped, and the
rest verified again. Every failing run is repeated once before it counts: a test that fails and then
passes is flaky, and is never blamed on a fix."""
from __future__ import annotations

import re
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from fixer.core.runner import Run
from fixer.git.lock import fixer_dir
from fixer.ui import report
from fixer.verify.bisect import first_failing, runs_for
from fixer.verify.changes import Changes, Fix, without
from fixer.verify.command import Ran, Verify, VerifyError, run_command
from fixer.verify.failures import failing_tests, short_name, xml_stamps
from fixer.verify.scratch import Scratch

KEPT_LOG_FOLDERS = 5  # .git/fixer/verify/<run>/: the newest few runs' logs stay for reading
TRAILER = "Verified-by:"
Files = dict[str, bytes]


class TreeFails(VerifyError):
    """`verify_tree`: the command passes on the base and fails on the tree checked."""


@dataclass
class Dropped:
    fix: Fix
    tests: list[str]
    log: Path
    timed_out: bool = False
    item: str = ""  # a checklist's item ("checklist item 2: "): the fix is one of that item's

    def line(self, command: str) -> str:
        return f"{self.item}{self.fix.where()} ({self.fix.rule}): {self.reason(command)}"

    def reason(self, command: str) -> str:
        if self.timed_out:
            return f"with this fix `{command}` does not finish in time"
        failing = f" ({', '.join(self.tests)})" if self.tests else ""
        return f"with this fix `{command}` fails{failing}"


@dataclass
class Verdict:
    spec: Verify
    runs: int = 0
    seconds: float = 0.0
    base_failing: frozenset[str] = frozenset()  # with --verify-allow-failing-base
    dropped: list[Dropped] = field(default_factory=list)
    flaky: list[str] = field(default_factory=list)  # steps that failed, then passed on the rerun
    logs: Path | None = None

    @property
    def trailer(self) -> str:
        command = " ".join(self.spec.command.split())  # a trailer is one line
        if self.base_failing:
            return (f"{TRAILER} {command} (no new failures: {len(self.base_failing)} "
                    f"test(s) already failed on base)")
        return f"{TRAILER} {command} (passed on base and on this branch)"

    def body_lines(self) -> list[str]:
        """For the last commit's message (`fixer pr` shows them): what was left out, and flaky runs."""
        lines = []
        if self.dropped:
            lines += ["", "Left out by --verify (needs review):"]
            lines += [f"- {d.line(self.spec.command)}" for d in self.dropped]
        if self.flaky:
            lines += ["", f"Flaky: `{self.spec.command}` failed, then passed on a rerun (not blamed on a fix): "
                          + "; ".join(self.flaky)]
        return lines


class Session:
    """Runs of the command in one export, each logged, each failing one repeated once."""

    def __init__(self, scratch: Scratch, spec: Verify, logs: Path, bar: Callable[[str, int], None]):
        self.scratch, self.spec, self.logs, self.bar = scratch, spec, logs, bar
        self.verdict = Verdict(spec, logs=logs)
        self.expected = 2  # runs foreseen: the base and the fixed tree, more once a fix breaks it

    def run(self, files: Files, step: str) -> tuple[Ran, frozenset[str] | None]:
        self.scratch.write(files)
        self.verdict.runs += 1
        slug = re.sub(r"[^\w]+", "-", step).strip("-")[:60]
        reports = xml_stamps(self.scratch.tree)
        ran = run_command(self.spec, self.scratch.tree, self.logs / f"{self.verdict.runs:02d}-{slug}.log")
        self.verdict.seconds += ran.seconds
        failing = None if ran.passed else failing_tests(self.scratch.tree, _read(ran.log), reports)
        state = "passed" if ran.passed else ("timed out" if ran.timed_out else "failed")
        report.note(f"verify run {self.verdict.runs}: {step}: {state} ({ran.seconds:.1f} s)")
        self.bar(step, max(self.expected, self.verdict.runs))
        return ran, failing

    def base(self) -> None:
        ran, failing = self.run({}, "base")
        if not ran.passed and not ran.timed_out:
            ran, failing = self.run({}, "base (rerun)")
            if ran.passed:
                self._flaky("the base")
        if ran.passed:
            return
        command = self.spec.command
        if ran.timed_out:
            raise VerifyError(f"`{command}` did not finish within {self.spec.timeout:g} s on the base "
                              f"(see --verify-timeout); output: {ran.log}")
        if not self.spec.allow_failing_base:
            raise VerifyError(f"`{command}` fails before any fix: nothing to compare against (exit "
                              f"{ran.code}; output: {ran.log}). Fix the base, or pass "
                              "--verify-allow-failing-base to compare which tests fail")
        if not failing:
            raise VerifyError(f"`{command}` fails before any fix and fixer cannot tell which tests fail "
                              f"(no JUnit XML report, no pytest or ExUnit summary): nothing to compare "
                              f"against; output: {ran.log}")
        self.verdict.base_failing = failing
        report.warn(f"verify: `{command}` fails on the base ({len(failing)} test(s)); "
                    "only new failures count against a fix")

    def fails(self, files: Files, step: str) -> tuple[Ran, list[str]] | None:
        """(the failing run, the new failing tests) when this tree breaks the command, twice in a row."""
        for attempt in (1, 2):
            ran, failing = self.run(files, step if attempt == 1 else f"{step} (rerun)")
            broken = self._broken(ran, failing)
            if broken is None:
                if attempt == 2:
                    self._flaky(step)
                return None
        return ran, broken

    def _flaky(self, step: str) -> None:
        self.verdict.flaky.append(step)
        report.warn(f"verify: `{self.spec.command}` failed on {step}, then passed on a rerun: flaky, not blamed on a fix")

    def _broken(self, ran: Ran, failing: frozenset[str] | None) -> list[str] | None:
        """None when the run counts as passing; else the new failing tests (short names)."""
        if ran.passed:
            return None
        new = sorted((failing or frozenset()) - self.verdict.base_failing)
        if self.verdict.base_failing and not new and not ran.timed_out and failing is not None:
            return None  # only the base's own failures
        return [short_name(test) for test in new]


@contextmanager
def session_for(repo, base, spec: Verify) -> Iterator[Session]:
    """Runs of `spec.command` in an export of `base` (removed at the end), logged in a new folder."""
    with Scratch(repo, base) as scratch, _progress() as bar:
        yield Session(scratch, spec, _log_folder(repo), bar)


def verify_run(repo, base, run: Run, spec: Verify) -> tuple[Run, Verdict]:
    """The run with the fixes that break `spec.command` dropped, and the verdict (raises VerifyError
    when there is nothing to compare against)."""
    changes = Changes(run)
    with session_for(repo, base, spec) as session:
        report.note(f"verify: `{spec.command}` on the base and the fixed tree ({changes.count} fixes): 2 runs; "
                    f"if a fix breaks it, about {_estimate(changes)} more to find it (log2 of the fixes + 2; "
                    "a failing run is repeated once)")
        session.base()
        run = _keep_green(session, run, changes)
    verdict = session.verdict
    say_cost(verdict)
    return run, verdict


def verify_tree(repo, base, files: Files, spec: Verify, what: str) -> Verdict:
    """Only check: the base, then base + `files` (a branch's tip), with no bisection: a failure is
    an error naming the failing tests."""
    with session_for(repo, base, spec) as session:
        session.base()
        failed = session.fails(files, what) if files else None
    say_cost(session.verdict)
    if failed is not None:
        ran, tests = failed
        failing = f" ({', '.join(tests)})" if tests else ""
        raise TreeFails(f"`{spec.command}` fails on {what}{failing}; output: {ran.log}")
    return session.verdict


def _keep_green(session: Session, run: Run, changes: Changes) -> Run:
    original, dropped = run, {}
    failed = session.fails(changes.full(), "the fixed tree")
    while failed is not None:
        session.expected = session.verdict.runs + _estimate(changes) - 1
        fix, (ran, tests) = breaking_fix(session, changes, failed)
        if fix in dropped:
            raise VerifyError(f"verification does not converge: {fix.where()} was dropped already")
        found = Dropped(fix, tests, ran.log, ran.timed_out)
        session.verdict.dropped.append(found)
        report.warn(f"needs review: {found.line(session.spec.command)}; output: {ran.log}")
        dropped[fix] = f"needs review: {found.reason(session.spec.command)}"
        run = without(original, dropped)
        changes = Changes(run, dropped)
        failed = session.fails(changes.full(), f"the fixed tree without {len(dropped)} fix(es)") if changes.count else None
    return run


def breaking_fix(session: Session, changes: Changes, failed) -> tuple[Fix, tuple[Ran, list[str]]]:
    """The first fix whose tree fails: bisect the rule commits, then that rule's files, then its
    fixes in that file. Returns the fix and the smallest failing run that holds it."""
    rules = changes.rules
    step, failed = bisect_runs(session, failed, len(rules), lambda k: changes.upto_rules(k),
                           lambda k: f"rule commits 1-{k} of {len(rules)}")
    rule_index = step - 1
    files = changes.files_of(rules[rule_index])
    step, failed = bisect_runs(session, failed, len(files), lambda k: changes.upto_files(rule_index, k),
                           lambda k: f"{rules[rule_index]} on files 1-{k} of {len(files)}")
    path = files[step - 1]
    fixes = changes.fixes_of(rules[rule_index], path)
    if not fixes:
        raise VerifyError(f"{path}: the {rules[rule_index]} change breaks `{session.spec.command}` "
                          "but names no fix to drop")
    step, failed = bisect_runs(session, failed, len(fixes), lambda k: changes.upto_fixes(rule_index, path, k),
                           lambda k: f"{path}: fixes 1-{k} of {len(fixes)}")
    return fixes[step - 1], failed


def bisect_runs(session: Session, failed, count: int, tree, label) -> tuple[int, tuple]:
    """first_failing over `count` prefixes; also the failing run of the prefix it ends on."""
    seen = {count: failed}

    def fails(k: int) -> bool:
        result = session.fails(tree(k), label(k))
        if result is not None:
            seen[k] = result
        return result is not None

    step = first_failing(count, fails)
    return step, seen[step]


def sign(planned: list, verdict: Verdict) -> list:
    """The verification trailer on every commit; what was left out in the last commit's message."""
    for commit in planned:
        commit.trailers = (*commit.trailers, verdict.trailer)
    if planned and verdict.body_lines():
        planned[-1].body = planned[-1].body.rstrip() + "\n" + "\n".join(verdict.body_lines())
    return planned


def _estimate(changes: Changes) -> int:
    return estimate(changes.count)


def estimate(fixes: int) -> int:
    """Runs to find one breaking fix among `fixes` and check the tree without it (no reruns)."""
    return runs_for(fixes) + 2


def say_cost(verdict: Verdict) -> None:
    report.note(f"verify: {verdict.runs} run(s) of `{verdict.spec.command}` in {verdict.seconds:.1f} s; "
                f"logs in {verdict.logs}")


def _read(log: Path) -> str:
    try:
        return log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _log_folder(repo) -> Path:
    """A new folder for this run's logs under .git/fixer/verify/, the oldest beyond a few removed."""
    top = fixer_dir(repo) / "verify"
    top.mkdir(exist_ok=True)
    folder = top / time.strftime("%Y%m%d-%H%M%S")
    suffix = 0
    while folder.exists():
        suffix += 1
        folder = top / f"{time.strftime('%Y%m%d-%H%M%S')}-{suffix}"
    folder.mkdir()
    for old in sorted(top.iterdir())[:-KEPT_LOG_FOLDERS]:
        shutil.rmtree(old, ignore_errors=True)
    return folder


@contextmanager
def _progress() -> Iterator[Callable[[str, int], None]]:
    """A bar of the runs done out of those foreseen (on a terminal, not with -q)."""
    import sys

    if report.is_quiet() or not sys.stderr.isatty():
        yield lambda step, expected: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn("verify {task.description}"), BarColumn(), MofNCompleteColumn(),
                  console=report.stderr(), transient=True) as bar:
        task = bar.add_task("base", total=2)
        yield lambda step, expected: bar.update(task, advance=1, total=expected, description=step[-40:])

"""`fixer apply`: the branch mode, the in-place mode and their dry runs."""
from __future__ import annotations

import sys
from dataclasses import dataclass

from fixer.core import exitcodes
from fixer.ui import report
from fixer.git.commitplan import plan_commits
from fixer.core.fileguard import Replacement, remove_stale_temps, replace_file
from fixer.git.branches import BranchResult, GitError, build_branch, dirty_paths
from fixer.git.lock import repo_lock
from fixer.git.refs import check_branch_name
from fixer.core.runner import Run
from fixer.cli.session import finish_report, off_rule_hints, run_rules, source_for
from fixer.core.sources import CommitTree, WorkTree
from fixer.core.textio import InputError
from fixer.ui.wording import plural


@dataclass
class ApplyOptions:
    dry_run: bool = False
    in_place: bool = False
    branch: str = "fixer/cleanup"
    base: str | None = None
    squash: bool = False
    author: object = None
    force: bool = False
    paths: list[str] | None = None
    interactive: bool = False
    verify: object = None  # fixer.verify.command.Verify: --verify CMD


def apply(ws, rules, options: ApplyOptions) -> int:
    source = source_for(ws, options.in_place, options.base)
    if options.verify is not None and (options.in_place or options.dry_run):
        raise GitError("--verify checks the fixes before they are committed on a branch: "
                       "it does not go with --in-place or --dry-run")
    if not options.in_place and not options.dry_run:
        check_branch_name(source.repo, options.branch)  # before the work, not after it
    result = run_rules(source, ws, rules, options.paths)
    if options.dry_run:
        return finish_report(result, show_diff=True, hints=off_rule_hints(source, ws, rules, result))
    quit_early = False
    if options.interactive:
        result, quit_early = choose_interactively(result)
    if quit_early and not result.changed:
        report.stderr().print("quit: nothing applied; every file is left as it is", markup=False)
        return exitcodes.PENDING
    if options.in_place:
        code = write_in_place(ws, source, result, options)
    else:
        code = commit_on_branch(source, result, options)
    if quit_early:  # the files after the quit still wait: not "nothing to fix", not a clean 0
        report.stderr().print("quit: the files not yet asked about are left as they are", markup=False)
        return max(code, exitcodes.PENDING)
    return code


def write_in_place(ws, source: WorkTree, result: Run, options: ApplyOptions) -> int:
    err = report.stderr()
    changed = result.changed
    if ws.repo is not None and not options.force:
        dirty = dirty_paths(ws.repo, [o.result.path for o in changed])
        if dirty:
            raise GitError(
                "these files have uncommitted changes that --in-place would overwrite "
                "(commit or stash them, or pass --force):\n" + "\n".join(f"  {p}" for p in dirty)
            )
    written = 0
    with repo_lock(ws.repo, ws.root):
        note_stale_temps(ws, source)
        for outcome in changed:
            path = outcome.result.path
            try:
                replace_file(ws.root, Replacement(path, outcome.new_bytes(), source.fingerprints[path]))
                written += 1
            except (OSError, InputError) as exc:
                reason = str(exc) if isinstance(exc, InputError) else f"cannot write: {exc.strerror or exc}"
                outcome.result.errors.append(reason)
                outcome.result.new = outcome.result.old
    report.print_findings(result, err, fixable_too=False)
    report.print_errors(result, err)
    err.print(report.summary_table(result))
    err.print(f"rewrote {plural(written, 'file')} in place")
    return exitcodes.for_action(bool(result.errors))


def note_stale_temps(ws, source: WorkTree) -> None:
    """Remove temp files an interrupted fixer run left (the caller holds the repo lock)."""
    removed = remove_stale_temps(ws.root, source.stale_temp_files())
    if removed:
        report.stderr().print(f"removed {plural(removed, 'temp file')} left by an interrupted fixer run", markup=False)


def commit_on_branch(source: CommitTree, result: Run, options: ApplyOptions) -> int:
    err = report.stderr()
    verdict = None
    if options.verify is not None and result.changed:
        from fixer.verify.verifier import verify_run

        result, verdict = verify_run(source.repo, source.commit, result, options.verify)
    modes = {o.result.path: source.mode(o.result.path) for o in result.changed}
    planned = plan_commits(result, modes, squash=options.squash)
    if verdict is not None:
        from fixer.verify.verifier import sign

        sign(planned, verdict)
    uncommitted = uncommitted_paths(source, result)  # `git status` can fail: before anything is written
    outcome = build_branch(source.repo, source.commit, options.branch, planned, options.author, options.force)
    report.print_findings(result, err, fixable_too=False)
    report.print_errors(result, err)
    err.print(report.summary_table(result))
    describe_branch(outcome, source.repo)
    if uncommitted:
        err.print("note: uncommitted changes in these files are not part of the branch: " + ", ".join(uncommitted))
    return exitcodes.for_action(bool(result.errors))


def describe_branch(outcome: BranchResult, repo) -> None:
    out = report.stdout()
    if outcome.status == "nothing":
        if outcome.branch in repo.heads:
            out.print(f"nothing to fix; the existing branch {outcome.branch} is left as it is")
        else:
            out.print(f"nothing to fix; branch {outcome.branch} not created")
        return
    if outcome.status == "unchanged":
        out.print(f"branch {outcome.branch} is already up to date ({plural(len(outcome.commits), 'commit')}); no new commit")
        return
    out.print(f"branch {outcome.branch} {outcome.status} from {outcome.base[:10]} with {plural(len(outcome.commits), 'commit')}:")
    for sha in outcome.commits:
        out.print(f"  {sha[:10]} {repo.commit(sha).summary}")


def uncommitted_paths(source: CommitTree, result: Run) -> list[str]:
    """Files of the run with uncommitted work, when the branch starts from HEAD (they are not in it)."""
    if source.repo.head.is_valid() and source.commit == source.repo.head.commit:
        committed = set(source.files())
        return [p for p in dirty_paths(source.repo, [o.result.path for o in result.outcomes]) if p in committed]
    return []


def choose_interactively(result: Run) -> tuple[Run, bool]:
    """Ask apply / skip / quit for each changed file; only on a terminal. A skipped file's fixes are
    dropped (a choice made, never "needs review"); True when the user quit before the last file."""
    from fixer.core.diffs import file_diff

    if not sys.stdin.isatty():
        raise GitError("--interactive needs a terminal (stdin is not a TTY)")
    for position, outcome in enumerate(result.outcomes):
        if not outcome.result.changed:
            continue
        report.print_diff(file_diff(outcome.result.path, outcome.result.old, outcome.result.new,
                                    changed=outcome.result.changed_lines()))
        answer = ""
        while answer not in ("a", "s", "q"):
            answer = input(f"{outcome.result.path}: [a]pply, [s]kip, [q]uit? ").strip().lower()[:1]
        if answer == "s":
            _discard(outcome)
        elif answer == "q":
            for rest in result.outcomes[position:]:
                _discard(rest)
            return result, True
    return result, False


def _discard(outcome) -> None:
    outcome.result.new = outcome.result.old
    outcome.result.stages, outcome.result.changes = [], []
    outcome.result.findings = [f for f in outcome.result.findings if not f.fixed]

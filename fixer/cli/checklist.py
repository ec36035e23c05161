"""`fixer checklist`: show the plan and diff, or commit it on a branch and tick the boxes."""
from __future__ import annotations

import sys
from pathlib import Path

from rich.text import Text


from fixer.core import exitcodes
from fixer.ui import report
from fixer.ui.wording import plural
from fixer.git.commitplan import evidence_block
from fixer.checklist.hints import span_text
from fixer.checklist.as_json import to_json
from fixer.checklist.run import ChecklistRun, run_checklist
from fixer.core.diffs import patch
from fixer.git.branches import GitError, PlannedCommit, build_branch
from fixer.cli.session import source_for
from fixer.core.textio import decode
from fixer.ui.wording import plural


def checklist_command(ws, checklist: Path, apply: bool, branch: str, base: str | None, output_format: str,
                      author=None, force: bool = False, verify=None) -> int:
    if verify is not None and not apply:
        raise GitError("--verify checks the fixes before they are committed: it needs --apply")
    full = checklist.resolve()
    if not full.is_file():
        raise GitError(f"{checklist}: checklist not found")
    inside = full.is_relative_to(ws.root)
    rel = full.relative_to(ws.root).as_posix() if inside else str(full)
    # Outside git a dry run reads the files; --apply (and any run inside git) reads the base commit.
    source = source_for(ws, working_tree=ws.repo is None and not apply, base=base)
    tracked = inside and rel in set(source.files())
    checklist_bytes = source.read(rel) if tracked else full.read_bytes()
    decoded = decode(checklist_bytes)

    def run(held=None):
        result = run_checklist(source, rel, decoded.text, ws.config.max_file_size, ws.config, held)
        return result, planned_commits(result, source, decoded, tracked) if apply else []

    outcome = None
    if apply and verify is not None:
        from fixer.checklist.verified import verify_checklist

        # Fixes that break the command are held back and the checklist run again without them.
        result, commits, _ = verify_checklist(source.repo, source.commit, verify, run)
    else:
        result, commits = run()
    if apply:
        outcome = build_branch(source.repo, source.commit, branch, commits, author, force)
    if output_format == "json":
        sys.stdout.write(to_json(result, _diff(result, decoded, tracked), outcome))
    else:
        print_plan(result)
        report.print_diff(_diff(result, decoded, tracked))
        if not tracked:
            report.stderr().print(f"note: {rel} is not tracked in the repository, so its boxes are not ticked")
        if outcome is not None:
            from fixer.cli.applying import describe_branch

            describe_branch(outcome, source.repo)
    for error in result.errors:
        report.error(error)
    if not apply:
        pending = result.pending if tracked else bool(result.changed_files)
        return exitcodes.for_report(bool(result.errors), pending or result.needs_person)
    return exitcodes.for_action(bool(result.errors))


def _diff(result: ChecklistRun, decoded, tracked: bool) -> str:
    changes = [(p, result.originals[p].encode(result.originals[p].text).decode("utf-8"),
                result.originals[p].encode(result.final[p]).decode("utf-8")) for p in result.changed_files]
    if tracked and result.ticked_text != result.text:
        changes.append((result.checklist, decoded.encode(result.text).decode("utf-8"),
                        decoded.encode(result.ticked_text).decode("utf-8")))
    return patch(sorted(changes))


def planned_commits(result: ChecklistRun, source, decoded, tracked: bool) -> list[PlannedCommit]:
    commits = []
    for item_result in result.results:
        if not item_result.changes:
            continue
        item = item_result.entry.item
        files = {p: (result.originals[p].encode(text), source.mode(p)) for p, text in item_result.changes.items()}
        body = [f"Checklist: {result.checklist}, line {item.line}", f"Item: {item.text}",
                f"Rule: {item_result.entry.rule}", ""]
        body += [f"- {p}: {plural(item_result.fix_counts.get(p, 0), 'fix')}" for p in sorted(files)]
        body += [f"  {h.describe()}" for h in item_result.hints]
        body += [f"  {line}" for line in undone_lines(item_result)]
        body += _evidence_lines(item_result)
        commits.append(PlannedCommit(f"fixer: checklist item {item.number}: {_short(item.text)}", "\n".join(body), files))
    if tracked and result.ticked_text != result.text:
        ticked = [r for r in result.results if r.ticked]
        body = "\n".join(f"- [x] {r.entry.item.text} ({r.status})" for r in ticked)
        files = {result.checklist: (decoded.encode(result.ticked_text), source.mode(result.checklist))}
        commits.append(PlannedCommit(f"fixer: tick {plural(len(ticked), 'item')} in {result.checklist}", body, files))
    return commits


def _evidence_lines(item_result) -> list[str]:
    """`Evidence:` lines as `fixer apply` writes them (fixer.git.commitplan), so the PR body of a
    checklist branch explains each fix too ("Why each fix was made")."""
    groups: dict[str, list[str]] = {}
    for site in item_result.sites + item_result.extra:
        if site.state == "fixed" and site.evidence:
            groups.setdefault(site.evidence, []).append(f"{site.path}:{site.start}")
    # a covered item reports its parent's fix again: each place once
    return evidence_block({evidence: list(dict.fromkeys(places)) for evidence, places in groups.items()})


def _short(text: str, limit: int = 60) -> str:
    plain = text.replace("`", "")
    return plain if len(plain) <= limit else plain[: limit - 1] + "…"


def undone_lines(item_result) -> list[str]:
    """One line per piece of the item's work that was not done, with the reason."""
    return [f"{s.state}: {s.path}:{span_text(s.span)}: {s.message}" +
            (f" [{s.evidence_note}]" if s.evidence_note else "")
            for s in item_result.undone]


STYLES = {"fixed": "green", "covered": "green", "already done": "cyan", "manual": "yellow",
          "not found": "red", "needs review": "yellow", "error": "bold red"}
MAX_LISTED_FILES = 10  # a repository-wide item lists this many files it looked at (JSON has them all)


def print_plan(result: ChecklistRun) -> None:
    """The plan on stderr, one block per item (item -> rule -> files -> result, line-hint drift and
    what was left undone with the reason), filled to the width: a table would cut ids and paths. With
    -q only what a person must look at: the work left undone."""
    console = report.stderr()
    columns = report.width(sys.stderr)
    if report.is_quiet():
        for r in result.results:
            for line in (undone_lines(r) if r.entry.kind == "rule" else []):
                _print(console, report.wrap(line, "    ", columns, first=f"item {r.entry.item.number}: "))
        return
    _print(console, [f"checklist {result.checklist}"])
    for r in result.results:
        _print(console, [""] + plan_block(r, columns))
    counts: dict[str, int] = {}
    for r in result.results:
        counts[r.status] = counts.get(r.status, 0) + 1
    _print(console, [""] + report.wrap(", ".join(f"{n} {status}" for status, n in counts.items()), "", columns))


def plan_block(r, columns: int) -> list[str]:
    """One item's lines: its text, then its rule, files, result, hints and undone work, each
    filled to `columns` without cutting an id or a path."""
    entry = r.entry
    details = []
    if entry.kind == "covered":
        details.append(f"part of item {entry.covered_by} (rule: {entry.rule})")
    elif entry.rule:
        details.append(f"rule: {entry.rule}")
    details += _file_lines(r)
    hints = [h.describe() for h in r.hints]
    details.append(f"result: {r.status}" + (f", {r.detail}" if r.detail else ""))
    details += [h for h in hints if h not in r.detail]
    details += undone_lines(r) if entry.kind == "rule" else []
    return report.block(f"{entry.item.number}. ", entry.item.text, details, columns)


def _file_lines(r) -> list[str]:
    if r.entry.kind == "manual":
        return []
    if not r.entry.repository_wide:
        return [f"file: {path}" for path in r.entry.files]
    listed = [f"file: {path}" for path in r.files[:MAX_LISTED_FILES]]
    more = len(r.files) - len(listed)
    return [f"files: the whole repository (the rule applies to {len(r.files)})"] + listed + \
        ([f"... and {more} more (`--format json` lists them all)"] if more > 0 else [])


def _print(console, lines: list[str]) -> None:
    """Lines as they are (never re-wrapped, never read as markup); a result's status in colour."""
    for line in lines:
        text = Text(line)
        status = line.lstrip().removeprefix("result: ") if line.lstrip().startswith("result: ") else ""
        for name, style in STYLES.items():
            if status.startswith(name):
                start = len(line) - len(status)
                text.stylize(style, start, start + len(name))
                break
        console.print(text)

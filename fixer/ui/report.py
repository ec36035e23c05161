"""Printing: diffs (coloured on a TTY), findings, errors, the per-rule summary table, progress.
Widths come from fixer.ui.layout (COLUMNS first, then the terminal, else 80 columns)."""
from __future__ import annotations

import os
import sys
from collections import Counter
from contextlib import contextmanager
from typing import TYPE_CHECKING, Iterator

from rich.console import Console, Group
from rich.text import Text

from fixer.ui.layout import block, width, wrap  # noqa: F401 (re-exported for commands)

if TYPE_CHECKING:
    from fixer.core.runner import Run

# -q/--quiet: findings, diffs and errors only (no summary table, no progress bar, no notes).
# --show-unsure: also list the sites a rule has no evidence about either way.
# shown_from: (repository root, where fixer runs): paths are printed relative to the latter, as git does.
_settings: dict = {"quiet": False, "show_unsure": False, "shown_from": None}
# The evidence of a site a rule reports only because it could not decide: no evidence either way.
UNSURE = frozenset({"no evidence either way", "cannot tell the level"})


def set_show_unsure(show: bool) -> None:
    _settings["show_unsure"] = show


def unlisted(finding) -> bool:
    """Reported with no evidence either way, and --show-unsure not given: counted, not listed (in the
    list, the table's "needs review" and the totals line alike)."""
    return not finding.fixed and finding.evidence in UNSURE and not _settings["show_unsure"]


def set_paths_from(root, start) -> None:
    """Print repo-relative paths relative to `start` (the current directory or -C DIR) from now on."""
    _settings["shown_from"] = (str(root), str(start))


def shown(path: str) -> str:
    """A repo-relative path as the reader types it from where fixer runs (`../lib/a.ex` from `docs/`)."""
    where = _settings["shown_from"]
    if where is None or where[0] == where[1]:
        return path
    return os.path.relpath(os.path.join(where[0], path), where[1]).replace(os.sep, "/")


def set_quiet(quiet: bool) -> None:
    _settings["quiet"] = quiet


def is_quiet() -> bool:
    return _settings["quiet"]


def _color_wanted(stream) -> bool:
    return stream.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def _console(stream) -> Console:
    return Console(file=stream, highlight=False, soft_wrap=True, no_color=not _color_wanted(stream),
                   width=width(stream))


def stdout() -> Console:
    return _console(sys.stdout)


def stderr() -> Console:
    return _console(sys.stderr)


def print_diff(text: str) -> None:
    """Plain bytes-exact text when piped; coloured lines on a terminal."""
    if not text:
        return
    if not _color_wanted(sys.stdout):
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    console = stdout()
    styles = {"+": "green", "-": "red", "@": "cyan", "d": "bold"}
    for line in text.splitlines():
        style = styles.get(line[:1], "")
        if line.startswith(("+++", "---")):
            style = "bold"
        console.print(Text(line, style=style))


def print_findings(run: Run, console: Console, fixable_too: bool = True, done: bool = False) -> None:
    """One block per finding, filled to the width: `path:line:col: [rule] what the fix would do`
    (or `needs review: why`), then the evidence the message does not already say. Sites with no
    evidence either way only with --show-unsure, else counted in one line.
    `done`: the fixes were written (`fixer apply`), so their messages say what was done."""
    from fixer.ui.wording import plural

    columns = console.width
    lines = []
    hidden = 0
    for finding in sorted(run.findings, key=lambda f: (f.path, f.line, f.column)):
        if finding.fixed and not fixable_too:
            continue
        if unlisted(finding):
            hidden += 1
            continue
        lines += finding_lines(finding, columns, done)
    if hidden:
        lines += [Text(line, style="dim") for line in _unsure_count(hidden, bool(lines), columns)]
    _print_lines(console, lines)


def _unsure_count(hidden: int, after_findings: bool, columns: int) -> list[str]:
    """The line that counts the unlisted sites: under the findings, indented as their evidence ("N more
    sites"); alone, a sentence of its own (no "more" with nothing listed above it)."""
    from fixer.ui.wording import plural

    what = plural(hidden, "more site" if after_findings else "site", "more sites" if after_findings else "sites")
    text = f"{what} with no evidence either way (--show-unsure lists {'it' if hidden == 1 else 'them'})"
    return wrap(text, INDENT, columns, first=None if after_findings else "")


def finding_lines(finding, columns: int, done: bool = False) -> list[Text]:
    from fixer.ui.wording import pending

    head = f"{shown(finding.path)}:{finding.line}:{finding.column}: "
    tag = f"[{finding.rule}] "
    if finding.fixed:
        body = finding.message if done else pending(finding.message)
    else:
        body = f"needs review: {finding.message}"
    note = finding.evidence_note
    text = body + (f" [{note}]" if note else "")
    lines = [Text(line) for line in wrap(text, INDENT, columns, first=head + tag)]
    lines[0].stylize("magenta", len(head), len(head) + len(tag) - 1)
    if not finding.fixed:
        lines[0].stylize("yellow", len(head) + len(tag), len(head) + len(tag) + len("needs review"))
    return lines


INDENT = "    "


def print_errors(run: Run, console: Console) -> None:
    _print_lines(console, [Text(PREFIX, style="bold red") + Text(f"{shown(path)}: {message}") for path, message in run.errors])


def _print_lines(console: Console, lines: list[Text]) -> None:
    """One print for many lines (rich's cost is per call: ~0.3 ms each, a second for 3,000 findings)."""
    if lines:
        console.print(Text("\n").join(lines))


# Every error starts so: a file fixer could not check, bad input, a usage mistake.
PREFIX = "fixer: error: "


def error(message: str) -> None:
    """`fixer: error: ...` on stderr, one line per line of the message (never read as markup)."""
    err = stderr()
    for line in message.splitlines() or [""]:
        err.print(Text(PREFIX, style="bold red") + Text(line))


def warn(message: str) -> None:
    """A warning on stderr, filled to the width (also with -q)."""
    err = stderr()
    for piece in wrap(message, INDENT, err.width, first=""):
        err.print(Text(piece))


def note(message: str) -> None:
    """An informational line on stderr, filled to the width (not with -q)."""
    if not is_quiet():
        err = stderr()
        for line in message.splitlines():
            for piece in wrap(line, INDENT, err.width, first=""):
                err.print(Text(piece))


def summary_table(run: Run, title: str = "fixer"):
    """The per-rule table, rules that did something only (an empty renderable with -q or when no rule
    did anything, so callers print it unconditionally)."""
    from rich.table import Table

    errors_by_rule: dict[str, int] = {}
    for outcome in run.outcomes:
        if outcome.result.errors:
            for rule in run.rules:
                if rule.wants(outcome.result.path, outcome.result.old):
                    errors_by_rule[rule.id] = errors_by_rule.get(rule.id, 0) + 1
    counted = Counter(f.rule for f in run.findings if unlisted(f))  # not in "needs review", as in the totals line
    rows = [(rule_id, row.get("files", 0), row.get("fixes", 0), row.get("reported", 0) - counted[rule_id],
             errors_by_rule.get(rule_id, 0)) for rule_id, row in run.per_rule().items()]
    rows = [row for row in rows if any(row[1:])]
    if is_quiet() or not rows:
        return Group()
    table = Table(title=title, title_justify="left")
    table.add_column("rule", no_wrap=True)
    for column in ("files changed", "fixes", "needs review", "errors"):
        table.add_column(column, justify="right")
    for row in rows:
        table.add_row(*(str(cell) for cell in row))
    return table


def pending_fixes(run: Run) -> int:
    return sum(1 for o in run.changed for f in o.result.findings if f.fixed)


def totals_line(run: Run) -> str:
    """`Checked 7 files: 29 fixes in 6 files, 2 need review.` (or `...: nothing to fix.`); the sites
    with no evidence either way, which the list only counts, are counted apart."""
    from fixer.ui.wording import plural

    fixes, held = pending_fixes(run), [f for f in run.findings if not f.fixed]
    hidden = sum(1 for f in held if unlisted(f))
    review = len(held) - hidden
    failed = len({path for path, _ in run.errors})
    said = []
    if fixes:
        said.append(f"{plural(fixes, 'fix')} in {plural(len(run.changed), 'file')}")
    if review:
        said.append(f"{review} {'needs' if review == 1 else 'need'} review")
    if hidden:  # counted as the list counts them, not as sites to review
        said.append(f"{plural(hidden, 'site')} with no evidence either way")
    if failed:
        said.append(f"{plural(failed, 'file')} with errors")
    return f"Checked {plural(len(run.outcomes), 'file')}: {', '.join(said) or 'nothing to fix'}."


def next_step(run: Run, diff_shown: bool) -> str | None:
    """What to type next when fixes are pending (as ruff's "[*] N fixable with the `--fix` option")."""
    from fixer.ui.wording import plural

    fixes = pending_fixes(run)
    if not fixes:
        return None
    if diff_shown:
        return f"{plural(fixes, 'fix')} pending: run `fixer apply` to commit them on a branch"
    return f"{plural(fixes, 'fix')} pending: run `fixer apply` (or `fixer apply --dry-run` to see the diff)"


def print_summary(run: Run, diff_shown: bool = False, hints: list[str] = ()) -> None:
    """The table of rules that did something, the totals, hints for rules that are off, the next step
    (stderr; nothing with -q)."""
    if is_quiet():
        return
    err = stderr()
    err.print(summary_table(run))
    lines = [totals_line(run), *(f"hint: {hint}" for hint in hints)]
    step = next_step(run, diff_shown)
    if step:
        lines.append(step)
    for line in lines:
        for piece in wrap(line, INDENT, err.width, first=""):
            err.print(Text(piece))


@contextmanager
def progress(total: int) -> Iterator:
    """A progress bar on stderr for long runs (20+ files); None when stderr is not a terminal."""
    if total < 20 or is_quiet() or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=stderr(),
        transient=True,
    ) as bar:
        task = bar.add_task("fixing", total=total)
        yield lambda path: bar.update(task, advance=1, description=path[-40:])

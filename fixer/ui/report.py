"""Printing: diffs (coloured on a TTY), findings, errors, the per-rule summary table, progress.
Widths come from fixer.ui.layout (COLUMNS first, then the terminal, else 80 columns)."""
from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from typing import TYPE_CHECKING, Iterator

from rich.console import Console, Group
from rich.text import Text

from fixer.ui.layout import block, width, wrap  # noqa: F401 (re-exported for commands)

if TYPE_CHECKING:
    from fixer.core.runner import Run

# -q/--quiet: findings, diffs and errors only (no summary table, no progress bar, no notes).
# --show-unsure: also list the sites a rule has no evidence about either way.
_settings = {"quiet": False, "show_unsure": False}
# The evidence of a site a rule reports only because it could not decide: no evidence either way.
UNSURE = frozenset({"no evidence either way", "cannot tell the level"})


def set_show_unsure(show: bool) -> None:
    _settings["show_unsure"] = show


def unsure(finding) -> bool:
    """Reported with no evidence either way: listed only with --show-unsure (a count otherwise)."""
    return not finding.fixed and finding.evidence in UNSURE


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


def print_findings(run: Run, console: Console, fixable_too: bool = True) -> None:
    """The fixes (unless not `fixable_too`) and what needs review: the sites held back with a reason;
    those with no evidence either way only with --show-unsure, else counted in one line."""
    lines = []
    hidden = 0
    for finding in sorted(run.findings, key=lambda f: (f.path, f.line, f.column)):
        if finding.fixed and not fixable_too:
            continue
        if unsure(finding) and not _settings["show_unsure"]:
            hidden += 1
            continue
        tag = "fix" if finding.fixed else "needs review"
        evidence = f" [{finding.evidence_note}]" if finding.evidence_note else ""
        lines.append(
            Text(f"{finding.path}:{finding.line}:{finding.column}: ")
            + Text(f"[{finding.rule}] ", style="magenta")
            + Text(f"{finding.message} ({tag})")
            + Text(evidence, style="dim")
        )
    if hidden:
        lines.append(Text(f"{hidden} more site(s) with no evidence either way, not listed (--show-unsure lists them)",
                          style="dim"))
    _print_lines(console, lines)


def print_errors(run: Run, console: Console) -> None:
    _print_lines(console, [Text("error: ", style="bold red") + Text(f"{path}: {message}") for path, message in run.errors])


def _print_lines(console: Console, lines: list[Text]) -> None:
    """One print for many lines (rich's cost is per call: ~0.3 ms each, a second for 3,000 findings)."""
    if lines:
        console.print(Text("\n").join(lines))


def error(message: str) -> None:
    """`fixer: error: ...` on stderr, one line per line of the message (never read as markup)."""
    err = stderr()
    for line in message.splitlines() or [""]:
        err.print(Text("fixer: error: ", style="bold red") + Text(line))


def warn(message: str) -> None:
    """A warning line on stderr (also with -q)."""
    stderr().print(Text(message))


def note(message: str) -> None:
    """An informational line on stderr (not with -q)."""
    if not is_quiet():
        stderr().print(Text(message))


def summary_table(run: Run, title: str = "fixer"):
    """The per-rule table (an empty renderable with -q, so callers print it unconditionally)."""
    from rich.table import Table

    if is_quiet():
        return Group()
    table = Table(title=title, title_justify="left")
    table.add_column("rule", no_wrap=True)
    table.add_column("files changed", justify="right")
    table.add_column("fixes", justify="right")
    table.add_column("needs review", justify="right")
    table.add_column("errors", justify="right")
    errors_by_rule: dict[str, int] = {}
    for outcome in run.outcomes:
        if outcome.result.errors:
            for rule in run.rules:
                if rule.wants(outcome.result.path, outcome.result.old):
                    errors_by_rule[rule.id] = errors_by_rule.get(rule.id, 0) + 1
    for rule_id, row in run.per_rule().items():
        table.add_row(
            rule_id,
            str(row.get("files", 0)),
            str(row.get("fixes", 0)),
            str(row.get("reported", 0)),
            str(errors_by_rule.get(rule_id, 0)),
        )
    return table


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

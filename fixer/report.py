"""Printing: diffs (coloured on a TTY), findings, the per-rule summary table, progress."""
from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from typing import Iterator

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from rich.text import Text

from fixer.runner import Run


def _color_wanted(stream) -> bool:
    return stream.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def _console(stream) -> Console:
    # Piped output (CI logs, files) gets room for tables instead of rich's 80-column default.
    width = None if stream.isatty() else 120
    return Console(file=stream, highlight=False, soft_wrap=True, no_color=not _color_wanted(stream), width=width)


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
    for finding in sorted(run.findings, key=lambda f: (f.path, f.line, f.column)):
        if finding.fixed and not fixable_too:
            continue
        tag = "fix" if finding.fixed else "needs review"
        console.print(
            Text(f"{finding.path}:{finding.line}:{finding.column}: ")
            + Text(f"[{finding.rule}] ", style="magenta")
            + Text(f"{finding.message} ({tag})")
        )


def print_errors(run: Run, console: Console) -> None:
    for path, message in run.errors:
        console.print(Text("error: ", style="bold red") + Text(f"{path}: {message}"))


def summary_table(run: Run, title: str = "fixer") -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("rule")
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
    if total < 20 or not sys.stderr.isatty():
        yield None
        return
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=stderr(),
        transient=True,
    ) as bar:
        task = bar.add_task("fixing", total=total)
        yield lambda path: bar.update(task, advance=1, description=path[-40:])

"""The command line: parse options, call the core, print, pick the exit code (see exitcodes.py)."""
from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path
from typing import List, Optional

import typer

from fixer import __version__, exitcodes, report
from fixer.gitops import GitError, open_repo, parse_actor
from fixer.rule import ConfigError, all_rules
from fixer.session import Failure, diff_text, finish_report, rel_paths, run_rules, workspace
from fixer.sources import WorkTree
from fixer.textio import InputError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Find and safely fix leftover debug code and small compiler warnings in Python and Elixir repos.",
    context_settings={"help_option_names": ["-h", "--help"]},
)

EXPECTED = (ConfigError, GitError, InputError)


def fail(message: str, verbose: bool) -> None:
    if verbose:
        traceback.print_exc()
    report.stderr().print(f"[bold red]fixer: error:[/] {message}", markup=True, highlight=False)
    raise typer.Exit(exitcodes.ERROR)


def guarded(verbose: bool, action):
    try:
        return action()
    except EXPECTED as exc:
        fail(str(exc), verbose)
    except Failure as exc:
        fail(str(exc), verbose)


# -- options shared by several commands -------------------------------------------------------
ConfigOpt = typer.Option(None, "--config", "-c", help="Config file (default: fixer.toml or [tool.fixer] in pyproject.toml).")
RuleOpt = typer.Option(None, "--rule", "-r", help="Run only this rule (repeatable).")
DirOpt = typer.Option(None, "--directory", "-C", help="Run in this directory instead of the current one.")
VerboseOpt = typer.Option(False, "--verbose", "-v", help="Show tracebacks for errors.")
JobsOpt = typer.Option(None, "--jobs", "-j", min=1, help="Processes to fix files with (default: config `jobs`, $FIXER_JOBS, else every core).")


def with_jobs(ws, jobs: Optional[int]):
    if jobs is not None:
        ws.config.jobs = jobs
    return ws


@app.command()
def check(
    paths: Optional[List[Path]] = typer.Argument(None, help="Only these files or folders."),
    config: Optional[Path] = ConfigOpt,
    rule: Optional[List[str]] = RuleOpt,
    directory: Optional[Path] = DirOpt,
    output_format: str = typer.Option("text", "--format", "-f", help="text, json, sarif or github."),
    verbose: bool = VerboseOpt,
    jobs: Optional[int] = JobsOpt,
):
    """CI gate: report what would be fixed. Exit 0 clean, 1 fixes pending, 2 errors."""
    from fixer import formats

    if output_format not in formats.FORMATS:
        fail(f"--format {output_format}: expected one of {', '.join(formats.FORMATS)}", verbose)

    def action():
        ws = with_jobs(workspace(directory, config), jobs)
        result = run_rules(WorkTree(ws.root, ws.repo), ws, ws.rules(rule), rel_paths(ws, paths))
        if output_format == "text":
            return finish_report(result, show_diff=False)
        sys.stdout.write(formats.FORMATS[output_format](result))
        return exitcodes.for_report(bool(result.errors), result.pending)

    raise typer.Exit(guarded(verbose, action))


@app.command()
def diff(
    paths: Optional[List[Path]] = typer.Argument(None, help="Only these files or folders."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the patch to this file."),
    config: Optional[Path] = ConfigOpt,
    rule: Optional[List[str]] = RuleOpt,
    directory: Optional[Path] = DirOpt,
    verbose: bool = VerboseOpt,
    jobs: Optional[int] = JobsOpt,
):
    """Print (or write with -o) the fixes as a git-style patch, for review."""

    def action():
        ws = with_jobs(workspace(directory, config), jobs)
        result = run_rules(WorkTree(ws.root, ws.repo), ws, ws.rules(rule), rel_paths(ws, paths))
        text = diff_text(result)
        if output is not None:
            output.write_bytes(text.encode("utf-8"))
            report.stderr().print(f"wrote {len(result.changed)} file(s) of fixes to {output}")
        else:
            report.print_diff(text)
        report.print_errors(result, report.stderr())
        return exitcodes.for_report(bool(result.errors), bool(result.changed))

    raise typer.Exit(guarded(verbose, action))


@app.command()
def apply(
    paths: Optional[List[Path]] = typer.Argument(None, help="Only these files or folders."),
    dry_run: bool = typer.Option(False, "--dry-run", "-n", help="Show the unified diff; write nothing."),
    in_place: bool = typer.Option(False, "--in-place", help="Rewrite the working tree instead of committing."),
    branch: Optional[str] = typer.Option(None, "--branch", "-b", help="Branch to commit on (default: config, fixer/cleanup)."),
    base: Optional[str] = typer.Option(None, "--base", help="Start the branch from this ref (default: HEAD)."),
    squash: bool = typer.Option(False, "--squash", help="One commit for all rules instead of one per rule."),
    author: Optional[str] = typer.Option(None, "--author", help="Commit as 'Name <email>' (for bots)."),
    force: bool = typer.Option(False, "--force", help="Replace a branch holding others' commits; overwrite edited files."),
    patch_file: Optional[Path] = typer.Option(None, "--patch", help="Apply exactly this reviewed patch."),
    interactive: bool = typer.Option(False, "--interactive", "-i", help="Ask for each file (TTY only)."),
    config: Optional[Path] = ConfigOpt,
    rule: Optional[List[str]] = RuleOpt,
    directory: Optional[Path] = DirOpt,
    verbose: bool = VerboseOpt,
    jobs: Optional[int] = JobsOpt,
):
    """Apply the fixes: commit them on a cleanup branch (default) or rewrite files (--in-place)."""
    from fixer import applying

    def action():
        ws = with_jobs(workspace(directory, config), jobs)
        options = applying.ApplyOptions(
            dry_run=dry_run,
            in_place=in_place,
            branch=branch or ws.config.branch,
            base=base,
            squash=squash,
            author=parse_actor(author) if author else None,
            force=force,
            paths=rel_paths(ws, paths),
            interactive=interactive,
        )
        if patch_file is not None:
            from fixer.patches import apply_reviewed_patch

            return apply_reviewed_patch(ws, options, patch_file)
        return applying.apply(ws, ws.rules(rule), options)

    raise typer.Exit(guarded(verbose, action))


@app.command()
def checklist(
    path: Path = typer.Argument(..., help="The Markdown release checklist."),
    do_apply: bool = typer.Option(False, "--apply", help="Commit the fixes on a branch and tick the done items."),
    branch: Optional[str] = typer.Option(None, "--branch", "-b", help="Branch to commit on (default: config, fixer/cleanup)."),
    base: Optional[str] = typer.Option(None, "--base", help="Start the branch from this ref (default: HEAD)."),
    output_format: str = typer.Option("text", "--format", "-f", help="text or json."),
    author: Optional[str] = typer.Option(None, "--author", help="Commit as 'Name <email>' (for bots)."),
    force: bool = typer.Option(False, "--force", help="Replace a branch holding others' commits."),
    config: Optional[Path] = ConfigOpt,
    directory: Optional[Path] = DirOpt,
    verbose: bool = VerboseOpt,
    jobs: Optional[int] = JobsOpt,
):
    """Turn a Markdown release checklist into fixes: the plan and diff, or (--apply) the branch."""
    from fixer.checklist_cmd import checklist_command

    if output_format not in ("text", "json"):
        fail(f"--format {output_format}: expected text or json", verbose)

    def action():
        ws = with_jobs(workspace(directory, config), jobs)
        actor = parse_actor(author) if author else None
        return checklist_command(ws, path, do_apply, branch or ws.config.branch, base, output_format, actor, force)

    raise typer.Exit(guarded(verbose, action))


@app.command()
def pr(
    branch: Optional[str] = typer.Option(None, "--branch", "-b", help="The cleanup branch (default: config, fixer/cleanup)."),
    remote: str = typer.Option("origin", "--remote", help="Git remote to push to."),
    repo_name: Optional[str] = typer.Option(None, "--repo", help="OWNER/NAME (default: from the remote URL)."),
    base: Optional[str] = typer.Option(None, "--base", help="PR base branch (default: the repo's default branch)."),
    title: Optional[str] = typer.Option(None, "--title", help="PR title."),
    draft: bool = typer.Option(False, "--draft", help="Open the PR as a draft."),
    label: Optional[List[str]] = typer.Option(None, "--label", help="Label to set (repeatable)."),
    reviewer: Optional[List[str]] = typer.Option(None, "--reviewer", help="Reviewer to request (repeatable)."),
    api_url: str = typer.Option("https://api.github.com", "--api-url", help="GitHub API URL (GitHub Enterprise: https://HOST/api/v3)."),
    token_env: str = typer.Option("GITHUB_TOKEN", "--token-env", help="Environment variable holding the token."),
    checklist_path: Optional[str] = typer.Option(None, "--checklist", help="The checklist the branch came from: its repo path, or the JSON of `fixer checklist --format json`."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the title, body and push; do nothing."),
    force: bool = typer.Option(False, "--force", help="Overwrite a remote branch holding others' commits."),
    config: Optional[Path] = ConfigOpt,
    directory: Optional[Path] = DirOpt,
    verbose: bool = VerboseOpt,
):
    """Push the cleanup branch and open (or update) its pull request as a bot."""
    from fixer.pr import PrOptions, open_pr

    def action():
        ws = workspace(directory, config)
        repo = ws.repo if ws.repo is not None else open_repo(ws.root)
        options = PrOptions(branch or ws.config.branch, remote, repo_name, base, title, draft, label or [],
                            reviewer or [], api_url, token_env, dry_run, force, checklist_path)
        return open_pr(repo, options)

    raise typer.Exit(guarded(verbose, action))


@app.command()
def rules(rule_id: Optional[str] = typer.Argument(None, help="Show this rule's documentation and examples.")):
    """List the rules, or show one rule's docs with its before/after examples."""
    registry = all_rules()
    console = report.stdout()
    if rule_id is None:
        from rich.table import Table

        table = Table(title="fixer rules", title_justify="left")
        for column in ("id", "language", "default", "summary"):
            table.add_column(column)
        for rid, cls in registry.items():
            table.add_row(rid, cls.language, "on" if cls.default_enabled else "off", cls.summary())
        console.print(table)
        return
    cls = registry.get(rule_id)
    if cls is None:
        report.stderr().print(f"fixer: error: unknown rule '{rule_id}' (known: {', '.join(registry)})")
        raise typer.Exit(exitcodes.ERROR)
    sys.stdout.write(rule_docs(cls))


def rule_docs(cls) -> str:
    lines = [f"{cls.id} ({cls.language}, {'on' if cls.default_enabled else 'off'} by default)", ""]
    lines.append(cls.documentation())
    lines += ["", "Parameters:"]
    for name, spec in {**cls.params, **cls.COMMON}.items():
        default = list(cls.default_paths) if name == "paths" else spec.default
        lines.append(f"  {name} = {json.dumps(default)}  # {spec.doc}")
    lines += ["", "Anchors (a file is parsed only when one matches):"]
    lines += [f"  {a}" for a in cls().anchor_patterns()]
    for number, example in enumerate(cls.examples, 1):
        params = f" with {json.dumps(example.params)}" if example.params else ""
        lines += ["", f"Example {number}{params} ({cls.example_path(example)}):", "  before:"]
        lines += ["    " + line for line in example.before.rstrip("\n").splitlines()]
        if example.after is None:
            lines.append("  after: unchanged")
        else:
            lines.append("  after:")
            lines += ["    " + line for line in example.after.rstrip("\n").splitlines()] or ["    (empty)"]
    return "\n".join(lines) + "\n"


@app.command()
def demo(
    keep: Optional[Path] = typer.Option(None, "--keep", help="Build the demo repo here and keep it."),
):
    """Copy the bundled sample service into a temp git repo, show the diff, and make the cleanup branch."""
    from fixer import demo as demo_module

    raise typer.Exit(demo_module.run_demo(keep))


def version_callback(value: bool):
    if value:
        print(f"fixer {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: bool = typer.Option(False, "--version", callback=version_callback, is_eager=True, help="Show the version."),
):
    pass


def main_entry(argv: list[str]) -> int:
    """Run the CLI in-process (the demo uses it) and return the exit code."""
    try:
        code = app(args=argv, standalone_mode=False)
    except SystemExit as exc:
        return int(exc.code or 0)
    return code if isinstance(code, int) else 0


def main() -> None:
    app()

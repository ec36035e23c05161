"""The command line: parse options, call the core, print, pick the exit code (see exitcodes.py).

Only typer is imported up front: every command imports what it needs, so `--version`, `--help` and
`fixer rules` start without LibCST, tree-sitter, GitPython or PyGithub.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import List, Optional

import typer
from typer.core import TyperArgument, TyperCommand

from fixer import __version__
from fixer.core import exitcodes


class Command(TyperCommand):
    """Help laid out like ruff's: arguments by name (`[PATH]...`, `<CHECKLIST>`), never a Python type."""

    def collect_usage_pieces(self, ctx) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        return pieces + [_argument_usage(p) for p in self.get_params(ctx) if isinstance(p, TyperArgument)]

    def format_options(self, ctx, formatter) -> None:
        params = [p for p in self.get_params(ctx) if not getattr(p, "hidden", False)]
        arguments = [(_argument_usage(p), p.help or "") for p in params if isinstance(p, TyperArgument)]
        options = [record for p in params if not isinstance(p, TyperArgument) and (record := p.get_help_record(ctx))]
        for title, rows in (("Arguments", arguments), ("Options", options)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)

    def invoke(self, ctx):
        _apply_before_command(ctx)
        return super().invoke(ctx)


def _argument_usage(param) -> str:
    name = param.metavar or param.name.upper()
    shown = f"<{name}>" if param.required else f"[{name}]"
    return shown + ("..." if param.nargs != 1 else "")


app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    help="Find and safely fix leftover debug code and small compiler warnings in Python and Elixir repos.",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def fail(message: str, verbose: bool) -> None:
    from fixer.ui import report

    if verbose:
        import traceback

        traceback.print_exc()
    report.error(message)
    raise typer.Exit(exitcodes.ERROR)


def guarded(verbose: bool, quiet: bool, action):
    """Run a command's work: expected failures (config, git, input, file system) are one line and
    exit 2; --verbose adds the traceback."""
    from fixer.core import interrupts
    from fixer.ui import report
    from fixer.core.errors import GitError
    from fixer.core.rule import ConfigError
    from fixer.cli.session import Failure
    from fixer.core.textio import InputError

    report.set_quiet(quiet)
    try:
        return action()
    except (ConfigError, GitError, InputError, Failure, OSError) as exc:
        interrupts.check()  # an error an interrupt caused is the interrupt
        fail(_os_error(exc) if isinstance(exc, OSError) else str(exc), verbose)
    except Exception as exc:  # a git command GitPython ran failed (a damaged repository): one line too
        gitpython = sys.modules.get("git")
        if gitpython is None or not isinstance(exc, gitpython.exc.GitError):
            raise
        interrupts.check()
        fail(_gitpython_error(exc), verbose)


def _gitpython_error(exc) -> str:
    from fixer.git.command import first_reason

    if getattr(exc, "stderr", None):
        command = exc.command if isinstance(exc.command, (list, tuple)) else str(exc.command).split()
        verb = next((part for part in command[1:] if not str(part).startswith("-") and "=" not in str(part)), "")
        stderr = str(exc.stderr).strip().removeprefix("stderr: ").strip("'")  # GitPython quotes git's own text
        return f"git {verb} failed: {first_reason(stderr)}"
    return str(exc).splitlines()[0]


def _os_error(exc: OSError) -> str:
    reason = exc.strerror or str(exc)
    return f"{exc.filename}: {reason}" if exc.filename else reason


# -- options shared by several commands -------------------------------------------------------
PathsArg = typer.Argument(None, metavar="PATH", show_default=False,
                          help="Files or folders to check (default: the whole repository).")
ConfigOpt = typer.Option(None, "--config", "-c", metavar="FILE", show_default=False,
                         help="Config file. Default: the nearest fixer.toml, or pyproject.toml with a "
                              "[tool.fixer] table, from the directory (with paths: the paths' folder) up to the "
                              "repository root.")
RuleOpt = typer.Option(None, "--rule", "-r", metavar="ID", show_default=False,
                       help="Run only this rule (repeat for more); see `fixer rules`.")
DirOpt = typer.Option(None, "--directory", "-C", metavar="DIR", show_default=False,
                      help="Run as if fixer was started in DIR (its config, its relative paths).")
UncheckedOpt = typer.Option(False, "--allow-unchecked",
                            help="When none of the given paths is checked (all excluded, or no rule applies), "
                                 "exit 0 instead of 2. For pre-commit hooks, which pass every staged file.")
QuietOpt = typer.Option(False, "--quiet", "-q", help="Print findings, diffs and errors only: no summary table, "
                                                     "no progress bar, no notes.")
VerboseOpt = typer.Option(False, "--verbose", "-v", help="Show the traceback of an error.")
UnsureOpt = typer.Option(False, "--show-unsure", help="Also list the sites a rule reports with no evidence either "
                                                      "way (by default only their count is printed).")
BranchOpt = typer.Option(None, "--branch", "-b", metavar="NAME", show_default=False,
                         help="Branch to commit on. Default: `branch` in the config, else fixer/cleanup.")
BaseOpt = typer.Option(None, "--base", metavar="REF", show_default=False,
                       help="Start the branch from this commit, branch or tag. Default: HEAD.")
AuthorOpt = typer.Option(None, "--author", metavar="'NAME <EMAIL>'", show_default=False,
                         help="Commit as this identity (for bots). Default: git's user, else fixer-bot.")
JobsOpt = typer.Option(None, "--jobs", "-j", min=1, metavar="N", show_default=False,
                       help="Processes to fix files with. Default: `jobs` in the config, else $FIXER_JOBS, "
                            "else every core.")
VerifyOpt = typer.Option(None, "--verify", metavar="CMD", show_default=False,
                         help="Run CMD (the project's tests, e.g. 'pytest -q') on the base and on the fixed tree "
                              "in a temporary export: `apply` drops the fixes that make it fail, `checklist "
                              "--apply` and `pr` stop. `--verify @config` runs the `verify` command of the "
                              "config (never run without this option). See docs/verify.md.")
VerifyTimeoutOpt = typer.Option(None, "--verify-timeout", metavar="SECONDS", show_default=False,
                                help="Time limit of each run of the --verify command. Default: 1800.")
VerifyBaseOpt = typer.Option(False, "--verify-allow-failing-base",
                             help="Go on when the --verify command fails on the base: only tests that newly "
                                  "fail count (read from JUnit XML, or pytest's or ExUnit's summary).")


def verify_of(ws, command: Optional[str], timeout: Optional[float], allow_failing_base: bool, secrets=()):
    """What --verify asked for (None: nothing to run); see docs/verify.md."""
    from fixer.verify.command import resolve

    return resolve(command, ws.config.verify, timeout, allow_failing_base, ws.config.source, tuple(secrets))


# -C, -c, -q and -v given before the command (`fixer -C dir check`, as git takes them): a command's
# own option wins when both are given.
_before_command: dict = {}


def _apply_before_command(ctx) -> None:
    """Give every command the options given before it, in this one place: each fills the command's
    own option when that was not given; a -C for a command without one (`fixer -C repos campaign run
    c.toml`) runs it from that folder, as git does; a -c it cannot use is an error, not ignored."""
    for name, value in _before_command.items():
        if not value:
            continue
        if name in ctx.params:
            ctx.params[name] = ctx.params[name] or value
        elif name == "directory":
            _change_directory(value)
        elif name == "config":
            fail(f"-c {value} does not apply: `{ctx.command_path}` reads no config", False)


def _change_directory(directory: Path) -> None:
    try:
        os.chdir(directory)
    except OSError as exc:
        fail(f"-C {directory}: {exc.strerror.lower()}", False)

NoCacheOpt = typer.Option(False, "--no-cache", help="Neither read nor write the result cache (see `fixer clean`).")


def with_jobs(ws, jobs: Optional[int], no_cache: bool = False):
    if jobs is not None:
        ws.config.jobs = jobs
    ws.use_cache = not no_cache
    return ws


@app.command(cls=Command, short_help="Report what would be fixed (the CI gate).")
def check(
    paths: Optional[List[Path]] = PathsArg,
    config: Optional[Path] = ConfigOpt,
    rule: Optional[List[str]] = RuleOpt,
    directory: Optional[Path] = DirOpt,
    output_format: str = typer.Option("text", "--format", "-f", metavar="FORMAT",
                                      help="Output format: text, json, sarif or github."),
    allow_unchecked: bool = UncheckedOpt,
    quiet: bool = QuietOpt,
    verbose: bool = VerboseOpt,
    jobs: Optional[int] = JobsOpt,
    show_unsure: bool = UnsureOpt,
    no_cache: bool = NoCacheOpt,
):
    """Report what would be fixed (the CI gate).

    Exit status: 0 nothing to fix, 1 fixes pending or findings to review, 2 error.
    """
    from fixer.ui import formats

    if output_format not in formats.FORMATS:
        fail(f"--format {output_format}: expected one of {', '.join(formats.FORMATS)}", verbose)

    def action():
        from fixer.ui import report
        from fixer.cli.session import finish_report, off_rule_hints, rel_paths, run_rules, source_for, workspace

        ws = with_jobs(workspace(directory, config, paths=paths), jobs, no_cache)
        ws.allow_unchecked = allow_unchecked
        report.set_show_unsure(show_unsure)
        source, rules = source_for(ws, working_tree=True), ws.rules(rule)
        result = run_rules(source, ws, rules, rel_paths(ws, paths))
        if output_format == "text":
            return finish_report(result, show_diff=False, hints=off_rule_hints(source, ws, rules, result))
        sys.stdout.write(formats.FORMATS[output_format](result))
        return exitcodes.for_report(bool(result.errors), result.pending)

    raise typer.Exit(guarded(verbose, quiet, action))


@app.command(cls=Command, short_help="Print the fixes as a git-style patch, for review.")
def diff(
    paths: Optional[List[Path]] = PathsArg,
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE", show_default=False,
                                          help="Write the patch to FILE instead of printing it."),
    config: Optional[Path] = ConfigOpt,
    rule: Optional[List[str]] = RuleOpt,
    directory: Optional[Path] = DirOpt,
    quiet: bool = QuietOpt,
    verbose: bool = VerboseOpt,
    jobs: Optional[int] = JobsOpt,
    no_cache: bool = NoCacheOpt,
):
    """Print the fixes as a git-style patch, for review (`fixer apply --patch` applies it).

    Exit status: 0 nothing to fix, 1 fixes pending, 2 error.
    """

    def action():
        from fixer.ui import report
        from fixer.ui.wording import plural
        from fixer.cli.session import Failure, diff_text, rel_paths, run_rules, source_for, workspace
        from fixer.core.fileguard import write_output

        ws = with_jobs(workspace(directory, config, paths=paths), jobs, no_cache)
        result = run_rules(source_for(ws, working_tree=True), ws, ws.rules(rule), rel_paths(ws, paths))
        text = diff_text(result)
        if output is not None:
            try:
                write_output(output, text.encode("utf-8"))
            except OSError as exc:
                raise Failure(f"{output}: cannot write the patch: {exc.strerror or exc}") from exc
            report.note(f"wrote the fixes for {plural(len(result.changed), 'file')} to {output}")
        else:
            report.print_diff(text)
        report.print_errors(result, report.stderr())
        return exitcodes.for_report(bool(result.errors), bool(result.changed))

    raise typer.Exit(guarded(verbose, quiet, action))


@app.command(cls=Command, short_help="Commit the fixes on a branch, or rewrite the files.")
def apply(
    paths: Optional[List[Path]] = PathsArg,
    dry_run: bool = typer.Option(False, "--dry-run", "-n", help="Print the diff and write nothing."),
    in_place: bool = typer.Option(False, "--in-place", help="Rewrite the files in the working tree instead of committing."),
    branch: Optional[str] = BranchOpt,
    base: Optional[str] = BaseOpt,
    squash: bool = typer.Option(False, "--squash", help="One commit for all rules instead of one per rule."),
    author: Optional[str] = AuthorOpt,
    force: bool = typer.Option(False, "--force", help="Replace a branch holding others' commits; with --in-place, "
                                                      "overwrite files with uncommitted edits."),
    patch_file: Optional[Path] = typer.Option(None, "--patch", metavar="FILE", show_default=False,
                                              help="Apply exactly this reviewed patch (from `fixer diff -o`)."),
    interactive: bool = typer.Option(False, "--interactive", "-i", help="Ask for each file (needs a terminal)."),
    verify: Optional[str] = VerifyOpt,
    verify_timeout: Optional[float] = VerifyTimeoutOpt,
    verify_allow_failing_base: bool = VerifyBaseOpt,
    config: Optional[Path] = ConfigOpt,
    rule: Optional[List[str]] = RuleOpt,
    directory: Optional[Path] = DirOpt,
    allow_unchecked: bool = UncheckedOpt,
    quiet: bool = QuietOpt,
    verbose: bool = VerboseOpt,
    jobs: Optional[int] = JobsOpt,
    show_unsure: bool = UnsureOpt,
    no_cache: bool = NoCacheOpt,
):
    """Commit the fixes on a cleanup branch, or rewrite the files (--in-place).

    Your checkout, index and current branch are never touched by the branch mode.
    Exit status: 0 done (also when there was nothing to do), 2 error; with --dry-run as `check`.
    """

    def action():
        from fixer.cli import applying
        from fixer.ui import report
        from fixer.git.branches import parse_actor
        from fixer.cli.session import Failure, rel_paths, workspace

        report.set_show_unsure(show_unsure)
        ws = with_jobs(workspace(directory, config, paths=paths), jobs, no_cache)
        ws.allow_unchecked = allow_unchecked
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
            verify=verify_of(ws, verify, verify_timeout, verify_allow_failing_base),
        )
        if patch_file is not None:
            from fixer.cli.patches import apply_reviewed_patch

            if options.verify is not None:
                raise Failure("--verify checks fixer's own fixes: it does not go with --patch")

            return apply_reviewed_patch(ws, options, patch_file)
        return applying.apply(ws, ws.rules(rule), options)

    raise typer.Exit(guarded(verbose, quiet, action))


@app.command(cls=Command, short_help="Turn a Markdown release checklist into fixes.")
def checklist(
    path: Path = typer.Argument(..., metavar="CHECKLIST", show_default=False, help="The Markdown release checklist."),
    do_apply: bool = typer.Option(False, "--apply", help="Commit the fixes on a branch and tick the items done."),
    branch: Optional[str] = BranchOpt,
    base: Optional[str] = BaseOpt,
    output_format: str = typer.Option("text", "--format", "-f", metavar="FORMAT", help="Output format: text or json."),
    author: Optional[str] = AuthorOpt,
    force: bool = typer.Option(False, "--force", help="Replace a branch holding others' commits."),
    verify: Optional[str] = VerifyOpt,
    verify_timeout: Optional[float] = VerifyTimeoutOpt,
    verify_allow_failing_base: bool = VerifyBaseOpt,
    config: Optional[Path] = ConfigOpt,
    directory: Optional[Path] = DirOpt,
    quiet: bool = QuietOpt,
    verbose: bool = VerboseOpt,
    jobs: Optional[int] = JobsOpt,
):
    """Turn a Markdown release checklist into fixes: the plan and diff, or (--apply) the branch.

    Exit status: as `check` without --apply, as `apply` with it.
    """
    if output_format not in ("text", "json"):
        fail(f"--format {output_format}: expected text or json", verbose)

    def action():
        from fixer.cli.checklist import checklist_command
        from fixer.git.branches import parse_actor
        from fixer.cli.session import workspace

        ws = with_jobs(workspace(directory, config), jobs)
        actor = parse_actor(author) if author else None
        where = path if path.is_absolute() or directory is None else ws.start / path
        checked = verify_of(ws, verify, verify_timeout, verify_allow_failing_base)
        return checklist_command(ws, where, do_apply, branch or ws.config.branch, base, output_format, actor, force,
                                 verify=checked)

    raise typer.Exit(guarded(verbose, quiet, action))


@app.command(cls=Command, short_help="Push the cleanup branch and open its pull or merge request.")
def pr(
    branch: Optional[str] = typer.Option(None, "--branch", "-b", metavar="NAME", show_default=False,
                                         help="The cleanup branch. Default: `branch` in the config, else fixer/cleanup."),
    remote: str = typer.Option("origin", "--remote", metavar="NAME", help="Git remote to push to."),
    forge: Optional[str] = typer.Option(None, "--forge", metavar="github|gitlab|gitea", show_default=False,
                                        help="Where the repository is hosted (Forgejo: gitea). Default: from the "
                                             "remote's host (or one that answers as Gitea on /api/v1/version), "
                                             "else the CI environment (GITLAB_CI, GITEA_ACTIONS, GITHUB_ACTIONS), "
                                             "else github."),
    repo_name: Optional[str] = typer.Option(None, "--repo", metavar="OWNER/NAME", show_default=False,
                                            help="The repository on the forge (GitLab: group/subgroup/project). "
                                                 "Default: read from the remote's URL."),
    base: Optional[str] = typer.Option(None, "--base", metavar="BRANCH", show_default=False,
                                       help="Branch to merge into. Default: the repository's default branch."),
    title: Optional[str] = typer.Option(None, "--title", metavar="TEXT", show_default=False,
                                        help="Title. Default: made from the commits."),
    draft: bool = typer.Option(False, "--draft",
                               help="Open it as a draft (GitLab: a \"Draft:\" title; Gitea: a \"WIP:\" title)."),
    label: Optional[List[str]] = typer.Option(None, "--label", metavar="LABEL", show_default=False,
                                              help="Label to set (repeat for more)."),
    reviewer: Optional[List[str]] = typer.Option(None, "--reviewer", metavar="USER", show_default=False,
                                                 help="Reviewer to request (repeat for more)."),
    assignee: Optional[List[str]] = typer.Option(None, "--assignee", metavar="USER", show_default=False,
                                                 help="User to assign (repeat for more)."),
    api_url: Optional[str] = typer.Option(None, "--api-url", metavar="URL", show_default=False,
                                          help="The forge's API URL, for GitHub Enterprise (https://HOST/api/v3) and "
                                               "self-managed GitLab (https://HOST/api/v4) or Gitea "
                                               "(https://HOST/api/v1). Default: from the CI environment, "
                                               "else the remote's host."),
    token_env: Optional[str] = typer.Option(None, "--token-env", metavar="VAR", show_default=False,
                                            help="Environment variable holding the token. Default: GITHUB_TOKEN; "
                                                 "GITLAB_TOKEN, then CI_JOB_TOKEN inside GitLab CI; GITEA_TOKEN."),
    timeout: float = typer.Option(30.0, "--timeout", metavar="SECONDS", min=0.1,
                                  help="Give up on an API call that has not answered in this time."),
    checklist_path: Optional[str] = typer.Option(None, "--checklist", metavar="PATH", show_default=False,
                                                 help="The checklist the branch came from: its path in the repository, "
                                                      "or the output of `fixer checklist --format json`."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print what would be pushed and sent; do nothing."),
    force: bool = typer.Option(False, "--force", help="Overwrite a remote branch holding others' commits."),
    verify: Optional[str] = VerifyOpt,
    verify_timeout: Optional[float] = VerifyTimeoutOpt,
    verify_allow_failing_base: bool = VerifyBaseOpt,
    config: Optional[Path] = ConfigOpt,
    directory: Optional[Path] = DirOpt,
    quiet: bool = QuietOpt,
    verbose: bool = VerboseOpt,
):
    """Push the cleanup branch and open (or update) its pull request (GitHub, Gitea, Forgejo) or merge
    request (GitLab) as a bot.

    Exit status: 0 done, 2 error.
    """

    def action():
        from fixer.git.branches import GitError
        from fixer.forge.pr import PrOptions, open_pr
        from fixer.cli.session import workspace
        from fixer.forge.registry import take_tokens

        tokens = take_tokens(token_env)  # before the first git call: no git process ever inherits them
        ws = workspace(directory, config)
        if ws.repo is None:
            raise GitError(f"{ws.start}: not a git repository (`fixer pr` pushes the branch that `fixer apply` "
                           "made in a git repository)")
        options = PrOptions(branch or ws.config.branch, remote, repo_name, base, title, draft, label or [],
                            reviewer or [], api_url, token_env, dry_run, force, checklist_path, forge,
                            assignee or [], timeout)
        options.verify = verify_of(ws, verify, verify_timeout, verify_allow_failing_base, [token_env] if token_env else [])
        options.tokens = tokens
        return open_pr(ws.repo, options)

    raise typer.Exit(guarded(verbose, quiet, action))


@app.command(cls=Command, short_help="Remove fixer's result cache.")
def clean(
    directory: Optional[Path] = DirOpt,
    quiet: bool = QuietOpt,
    verbose: bool = VerboseOpt,
):
    """Remove the result cache of this repository (`.git/fixer/cache`), or of this folder outside git
    (in the user's cache directory). The next run reads every file again.

    Exit status: 0 done (also when there was no cache), 2 error.
    """

    def action():
        from fixer.core.store import clean as remove
        from fixer.cli.session import cache_folder, workspace
        from fixer.ui import report

        folder = cache_folder(workspace(directory, None, with_config=False))
        report.note(f"removed the cache in {folder}" if remove(folder) else f"no cache in {folder}")
        return exitcodes.OK

    raise typer.Exit(guarded(verbose, quiet, action))


@app.command(cls=Command, short_help="List the rules, or show one rule's documentation.")
def rules(rule_id: Optional[str] = typer.Argument(None, metavar="ID", show_default=False,
                                                  help="Show this rule's documentation and examples."),
          config: Optional[Path] = ConfigOpt,
          directory: Optional[Path] = DirOpt,
          verbose: bool = VerboseOpt):
    """List the rules (on or off as your config sets them), or show one rule's docs with its
    before/after examples."""
    from fixer.ui.layout import width
    from fixer.core.rule import all_rules
    from fixer.ui.ruledocs import rule_docs, rules_list

    registry = all_rules()
    if rule_id is None:
        def action():
            chosen = None
            if config is not None or directory is not None or _has_config():
                from fixer.cli.session import workspace

                ws = workspace(directory, config)
                source = ws.config.source
                if os.path.isabs(source) and Path(source).is_relative_to(Path.cwd()):
                    source = os.path.relpath(source)
                if source != "defaults":  # a pyproject.toml without [tool.fixer]: the defaults
                    chosen = (set(ws.config.rule_ids()), source)
            sys.stdout.write(rules_list(registry, width(), chosen))
            return exitcodes.OK

        raise typer.Exit(guarded(verbose, False, action))
    cls = registry.get(rule_id)
    if cls is None:
        fail(unknown_rule(rule_id, registry), verbose)
    sys.stdout.write(rule_docs(cls, width()))


def _has_config() -> bool:
    """A fixer.toml or pyproject.toml here or above (cheap: no git, no parse) — then `fixer rules`
    says which rules it turns on."""
    here = Path.cwd()
    return any((folder / name).is_file() for folder in (here, *here.parents) for name in ("fixer.toml", "pyproject.toml"))


def unknown_rule(rule_id: str, registry) -> str:
    from fixer.core.rule import did_you_mean

    return f"unknown rule '{rule_id}'{did_you_mean(rule_id, registry)}"


@app.command(cls=Command, short_help="Run fixer on the bundled sample service.")
def demo(
    keep: Optional[Path] = typer.Option(None, "--keep", metavar="DIR", show_default=False,
                                        help="Build the demo repository in DIR (new or empty) and keep it."),
    verbose: bool = VerboseOpt,
):
    """Run fixer on the bundled sample service, in a throwaway git repository.

    A short tour: what `fixer check` finds, one hunk of the diff, the branch `fixer apply` made, and
    the commands to try next. Without --keep the repository is removed at the end.
    """
    from fixer.cli import demo as demo_module

    raise typer.Exit(guarded(verbose, False, lambda: demo_module.run_demo(keep, main_entry)))


def version_callback(value: bool):
    if value:
        print(f"fixer {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: bool = typer.Option(False, "--version", callback=version_callback, is_eager=True,
                                 help="Print the version and exit."),
    directory: Optional[Path] = DirOpt,
    config: Optional[Path] = ConfigOpt,
    quiet: bool = QuietOpt,
    verbose: bool = VerboseOpt,
):
    """Options given before the command apply to it, as in git: `fixer -C services/api check`."""
    from fixer.core import secrets

    secrets.take_all()  # before any work: no git, hook, worker or --verify command inherits a forge token
    _before_command.clear()
    _before_command.update(directory=directory, config=config, quiet=quiet, verbose=verbose)


def run(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code (Ctrl-C: one line, 130)."""
    from fixer.core import interrupts

    code = exitcodes.INTERRUPTED
    with interrupts.handled() as interrupt:
        code = _invoke(argv)
    return exitcodes.INTERRUPTED if interrupt.happened else code


def _invoke(argv: list[str] | None) -> int:
    try:
        code = app(args=argv, prog_name="fixer", standalone_mode=False)
    except typer.Abort:
        return exitcodes.ERROR
    except typer.TyperException as exc:  # usage errors: the parser's message, as every error starts
        _show_usage_error(exc)
        return exc.exit_code
    except BrokenPipeError:  # `fixer ... | head`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return exitcodes.ERROR
    return code if isinstance(code, int) else exitcodes.OK


def _show_usage_error(exc) -> None:
    """`fixer: error: No such option: -x` and where to look, instead of click's usage block."""
    ctx = getattr(exc, "ctx", None)
    kinds = {kind.__name__ for kind in type(exc).__mro__}  # typer vendors click: its classes, by name
    if "UsageError" not in kinds or "NoArgsIsHelpError" in kinds:
        exc.show()
        return
    from fixer.ui import report

    report.error(exc.format_message())
    if ctx is not None:
        sys.stderr.write(f"Try '{ctx.command_path} -h' for help.\n")


def main_entry(argv: list[str]) -> int:
    """Run the CLI in-process (the demo uses it) and return the exit code."""
    return run(argv)


def main() -> None:
    sys.exit(run())


# `fixer campaign run|status|close`, laid out and guarded as the commands above.
from fixer.cli import campaign as campaign_commands  # noqa: E402

app.add_typer(campaign_commands.commands(Command, guarded), name="campaign",
              short_help="Run one cleanup across many repositories.")

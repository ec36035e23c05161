"""`fixer campaign run|status|close`: one cleanup across many repositories (see docs/campaigns.md).

Only typer is imported here; each command imports the campaign package when it runs. app.py builds
the group with `commands(Command, guarded)`, handing over its help layout and error handling (this
module never imports app.py, which imports it)."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from fixer.core import exitcodes

CampaignArg = typer.Argument(..., metavar="CAMPAIGN", show_default=False, help="The campaign file (campaign.toml).")
ShardOpt = typer.Option(None, "--shard", metavar="K/N", show_default=False,
                        help="Only the repositories of shard K of N (stable: chosen by a hash of the name).")
StateOpt = typer.Option(None, "--state", metavar="FILE", show_default=False,
                        help="The state file. Default: CAMPAIGN's name + .state.sqlite beside it "
                             "(.shard-K-of-N.state.sqlite with --shard).")
CacheOpt = typer.Option(None, "--cache", metavar="DIR", show_default=False,
                        help="Where the repositories are cloned and kept for the next run. "
                             "Default: .fixer-cache/<campaign> beside CAMPAIGN.")
QuietOpt = typer.Option(False, "--quiet", "-q", help="No progress bar and no notes.")
VerboseOpt = typer.Option(False, "--verbose", "-v", help="Show the traceback of an error.")


def _setup(path: Path, shard: Optional[str], state: Optional[Path], cache: Optional[Path]):
    from fixer.campaign.run import default_where
    from fixer.campaign.shard import parse_shard
    from fixer.campaign.forge_ops import take_token
    from fixer.campaign.spec import load_campaign

    campaign = load_campaign(path.resolve())
    take_token(campaign.token_env)  # before any git call of this command
    chosen = parse_shard(shard) if shard else None
    where = default_where(campaign, chosen)
    where.state, where.cache = (state or where.state).resolve(), (cache or where.cache).resolve()
    return campaign, chosen, where


def commands(command_cls, guarded) -> typer.Typer:
    """The `campaign` group; `command_cls` lays out help as every fixer command does, `guarded` turns
    expected failures into one line and exit 2."""
    group = typer.Typer(no_args_is_help=True, rich_markup_mode=None,
                        help="Run one cleanup across many repositories: branches, pull requests, and their state.",
                        context_settings={"help_option_names": ["-h", "--help"]})

    @group.command(cls=command_cls, short_help="Fix every repository of the campaign and open its PRs.")
    def run(
        path: Path = CampaignArg,
        jobs: int = typer.Option(4, "--jobs", "-j", min=1, metavar="N", help="Repositories worked on at once."),
        shard: Optional[str] = ShardOpt,
        state: Optional[Path] = StateOpt,
        cache: Optional[Path] = CacheOpt,
        quiet: bool = QuietOpt,
        verbose: bool = VerboseOpt,
    ):
        """Fix every repository of the campaign: branch, push, open or update its pull request.

        A run that was interrupted resumes where it stopped; a rerun never opens a second PR.
        Exit status: 0 every repository done or clean, 2 some failed (see their lines) or bad input.
        """
        raise typer.Exit(guarded(verbose, quiet, lambda: run_action(path, jobs, shard, state, cache, quiet)))

    @group.command(cls=command_cls, short_help="Show each repository's fixes, PR state and checks.")
    def status(
        path: Path = CampaignArg,
        states: Optional[List[Path]] = typer.Argument(None, metavar="STATE", show_default=False,
                                                      help="With --merge: the shards' state files to combine."),
        merge: bool = typer.Option(False, "--merge", help="Combine the given STATE files (one per shard)."),
        output_format: str = typer.Option("table", "--format", "-f", metavar="FORMAT",
                                          help="Output format: table, json or markdown."),
        refresh: bool = typer.Option(True, "--refresh/--no-refresh",
                                     help="Ask the forge for each PR's state and checks (needs the token)."),
        shard: Optional[str] = ShardOpt,
        state: Optional[Path] = StateOpt,
        quiet: bool = QuietOpt,
        verbose: bool = VerboseOpt,
    ):
        """Show each repository's fixes, branch, PR, PR state (from the forge), CI checks and last error.

        Exit status: 0 shown, 2 bad input.
        """
        raise typer.Exit(guarded(verbose, quiet, lambda: status_action(path, states or [], merge, output_format,
                                                                       refresh, shard, state)))

    @group.command(cls=command_cls, short_help="Close the campaign's open PRs and delete their branches.")
    def close(
        path: Path = CampaignArg,
        shard: Optional[str] = ShardOpt,
        state: Optional[Path] = StateOpt,
        cache: Optional[Path] = CacheOpt,
        quiet: bool = QuietOpt,
        verbose: bool = VerboseOpt,
    ):
        """Withdraw the campaign: close its open pull requests and delete their branches.

        A branch someone added commits to is kept. Later runs refuse this state file.
        Exit status: 0 withdrawn, 2 a repository could not be (see its line) or bad input.
        """
        raise typer.Exit(guarded(verbose, quiet, lambda: close_action(path, shard, state, cache)))

    return group


def run_action(path, jobs, shard, state, cache, quiet) -> int:
    from fixer.campaign.run import Progress, run_campaign

    from fixer.campaign.forge_ops import request_word

    campaign, chosen, where = _setup(path, shard, state, cache)
    with _Display(quiet, request_word(campaign.forge)) as display:
        outcomes = run_campaign(campaign, chosen, where, jobs, Progress(display.planned, display.finished))
    return exitcodes.ERROR if any(o.action == "failed" for o in outcomes) else exitcodes.OK


def status_action(path, states, merge, output_format, refresh, shard, state) -> int:
    from fixer.campaign import forge_ops, status as view
    from fixer.campaign.state import CampaignState, read_records
    from fixer.core.rule import ConfigError
    from fixer.ui import report

    if output_format not in ("table", "json", "markdown"):
        raise ConfigError(f"--format {output_format}: expected table, json or markdown")
    if bool(states) != merge:
        raise ConfigError("give the shards' state files with --merge (fixer campaign status CAMPAIGN --merge STATE...)")
    campaign, chosen, where = _setup(path, shard, state, None)
    _, sign = forge_ops.request_word(campaign.forge)
    files = [p.resolve() for p in states] if merge else [where.state]
    records = read_records(files, campaign.name) if merge or where.state.is_file() else []
    listed = [(r.name, r.url) for r in campaign.repos if chosen is None or chosen.holds(r.name)]
    records = view.with_unrun(records, listed)
    token = forge_ops.token_or_empty(campaign.token_env)
    if refresh and not token:
        report.warn(f"note: ${campaign.token_env} is not set: PR states are as last recorded, not refreshed")
    elif refresh:
        records = view.refreshed(records, campaign, token, report.warn)
        if not merge and where.state.is_file():
            with CampaignState(where.state) as stored:
                for record in records:
                    if record.pr_number is not None:
                        stored.set_pr(record.name, record.pr_state, record.checks)
    if output_format == "json":
        sys.stdout.write(view.as_json(records, campaign.name))
    elif output_format == "markdown":
        sys.stdout.write(view.as_markdown(records, campaign.name, sign))
    else:
        out = report.stdout()
        out.print(view.as_table(records, campaign.name, sign))
        out.print(view.summary(records), markup=False)
    return exitcodes.OK


def close_action(path, shard, state, cache) -> int:
    from fixer.campaign import forge_ops
    from fixer.campaign.close import close_repo
    from fixer.campaign.run import repositories
    from fixer.campaign.state import CampaignState, now
    from fixer.ui import report

    campaign, chosen, where = _setup(path, shard, state, cache)
    token = forge_ops.token_from(campaign.token_env)
    failed = False
    with CampaignState(where.state) as stored:
        stored.claim(campaign.name, chosen.label if chosen else "all")
        for repo in repositories(campaign, chosen):
            record = stored.record_of(repo.name)
            result = close_repo(campaign, token, repo, where.cache, record.head if record else None)
            failed |= result.failed
            if record is not None and record.pr_number is not None and not result.failed:
                stored.set_pr(repo.name, "closed", None)
            report.stdout().print(f"{result.name}: {result.message}", markup=False)
        stored.set_meta("closed", now())
    return exitcodes.ERROR if failed else exitcodes.OK


class _Display:
    """A bar on stderr (on a terminal) and one line per finished repository on stdout."""

    def __init__(self, quiet: bool, word: tuple[str, str] = ("PR", "#")):
        self.quiet, self.bar, self.task, self.counts = quiet, None, None, {}
        self.word = word  # how the forge's requests are named: ("PR", "#"), ("MR", "!")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()
        if exc[0] is None and self.counts:
            from fixer.ui import report

            report.stdout().print(", ".join(f"{n} {what}" for what, n in self.counts.items()), markup=False)

    def planned(self, todo: int, done: int, resumed: bool) -> None:
        from fixer.ui import report

        if resumed:
            report.note(f"resuming the interrupted run: {done} repositories done, {todo} to go")
        if todo and not self.quiet and sys.stderr.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            # Lines to a terminal go above the bar; lines to a file or pipe go there directly.
            self.bar = Progress(TextColumn("campaign"), BarColumn(), MofNCompleteColumn(), console=report.stderr(),
                                transient=True, redirect_stdout=sys.stdout.isatty(), redirect_stderr=False)
            self.bar.start()
            self.task = self.bar.add_task("repositories", total=todo)

    def finished(self, outcome) -> None:
        from fixer.ui import report

        self.counts[outcome.action] = self.counts.get(outcome.action, 0) + 1
        report.stdout().print(_line(outcome, *self.word), markup=False, highlight=False)
        if self.bar is not None:
            self.bar.update(self.task, advance=1)


def _line(outcome, word: str = "PR", sign: str = "#") -> str:
    if outcome.action == "failed":
        return f"{outcome.name}: failed: {outcome.error}"
    if outcome.action == "clean":
        return f"{outcome.name}: clean (nothing to fix)"
    if not outcome.pr_number:
        pr = f"no {word}"
    else:
        pr = f"{word} {sign}{outcome.pr_number} ({outcome.pr_state}) {outcome.pr_url}"
    return f"{outcome.name}: {outcome.action}: {outcome.fixes} fixes in {outcome.files} files, {pr}"



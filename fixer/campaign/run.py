"""`fixer campaign run`: the repositories of this shard, side by side on up to --jobs worker processes,
each outcome stored (one transaction each) the moment it arrives."""
from __future__ import annotations

import multiprocessing
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from fixer.campaign import forge_ops
from fixer.campaign.cache import cache_path
from fixer.campaign.outcome import FAILED, Outcome
from fixer.campaign.repo_job import RepoJob, run_repo
from fixer.campaign.shard import Shard
from fixer.campaign.spec import Campaign, RepoSpec
from fixer.campaign.state import CampaignState
from fixer.core.globs import matches_any
from fixer.core.rule import ConfigError


@dataclass
class Where:
    """The files a campaign (or one shard of it) keeps: its state and its clone cache."""
    state: Path
    cache: Path


def default_where(campaign: Campaign, shard: Shard | None) -> Where:
    folder = campaign.path.parent
    suffix = f".shard-{shard.index}-of-{shard.total}" if shard else ""
    return Where(folder / f"{campaign.stem}{suffix}.state.sqlite", folder / ".fixer-cache" / campaign.stem)


def repositories(campaign: Campaign, shard: Shard | None = None) -> list[RepoSpec]:
    """The listed repositories plus the discovered ones (a listed one wins), in this shard."""
    repos = {repo.name: repo for repo in campaign.repos}
    if campaign.discover is not None:
        found = discovered(campaign)
        repos.update({spec.name: spec for spec in found if spec.name not in repos})
    chosen = [repos[name] for name in sorted(repos)]
    return [repo for repo in chosen if shard is None or shard.holds(repo.name)]


def discovered(campaign: Campaign) -> list[RepoSpec]:
    rules = campaign.discover
    token = forge_ops.token_from(campaign.token_env)
    forge = forge_ops.connect(campaign.forge, campaign.api_url, token, token_env=campaign.token_env)
    try:
        listed = forge_ops.org_repos(forge, rules.org)
    except Exception as exc:  # the campaign cannot know its repositories
        raise ConfigError(f"discover org {rules.org}: {forge_ops.reason(exc, token)}") from None
    return [RepoSpec(name, url) for name, url in listed
            if (not rules.include or matches_any(name, rules.include)) and not matches_any(name, rules.exclude)]


@dataclass
class Progress:
    """What the command shows: told the plan once, then each repository as it finishes."""
    planned: Callable[[int, int, bool], None]  # (to do, already done in the resumed run, resumed)
    finished: Callable[[Outcome], None]


def run_campaign(campaign: Campaign, shard: Shard | None, where: Where, jobs: int, progress: Progress) -> list[Outcome]:
    forge_ops.token_from(campaign.token_env)  # before any work: every repository would fail without it
    with CampaignState(where.state) as state:
        state.claim(campaign.name, shard.label if shard else "all")
        if state.meta("closed"):
            raise ConfigError(f"{where.state}: campaign {campaign.name} was closed on {state.meta('closed')}; "
                              "start a new one (another branch) to run it again")
        repos = repositories(campaign, shard)
        run_id, resumed = state.begin_run()
        done = state.finished_in(run_id) if resumed else set()
        todo = [repo for repo in repos if repo.name not in done]
        progress.planned(len(todo), len(repos) - len(todo), resumed)
        outcomes = _work(campaign, where, jobs, todo, state, run_id, progress)
        state.finish_run(run_id)
    return outcomes


def _work(campaign, where, jobs, todo, state, run_id, progress) -> list[Outcome]:
    """At most `jobs` repositories are handed to the workers at a time (a queued one would count as
    started). Workers ignore Ctrl-C: on an interrupt no new repository starts, and the ones in progress
    finish and are recorded, so none is left pushed without its PR."""
    outcomes: list[Outcome] = []
    waiting = iter(todo)
    # spawn: a worker starts clean (no copy of the parent's threads, progress bar or open state file).
    with ProcessPoolExecutor(max_workers=max(1, min(jobs, len(todo))), mp_context=multiprocessing.get_context("spawn"),
                             initializer=forge_ops.hand_over, initargs=(forge_ops.taken(),)) as pool:
        running: dict = {}

        def start_next() -> None:
            repo = next(waiting, None)
            if repo is not None:
                state.start(repo.name, repo.url, run_id)
                running[pool.submit(run_repo, job_for(campaign, where, repo))] = repo

        for _ in range(jobs):
            start_next()
        try:
            while running:
                _collect_one(running, state, run_id, progress, outcomes, start_next)
        except KeyboardInterrupt:
            while running:
                _collect_one(running, state, run_id, progress, outcomes, lambda: None)
            raise
    return outcomes


def _collect_one(running: dict, state: CampaignState, run_id: int, progress: Progress, outcomes: list[Outcome],
                 start_next) -> None:
    """Record each outcome the moment its repository is done, and start the next one in its place."""
    finished, _ = wait(running, return_when=FIRST_COMPLETED)
    for future in finished:
        repo = running.pop(future)
        outcome = _result(future, repo)
        state.record(outcome, run_id)
        outcomes.append(outcome)
        progress.finished(outcome)
        start_next()


def _result(future, repo: RepoSpec) -> Outcome:
    try:
        return future.result()
    except Exception as exc:  # the worker itself died (BrokenProcessPool): this repository failed
        return Outcome(repo.name, repo.url, FAILED, error=f"worker failed: {type(exc).__name__}: {exc}")


def job_for(campaign: Campaign, where: Where, repo: RepoSpec) -> RepoJob:
    path = cache_path(where.cache, repo.name)
    return RepoJob(name=repo.name, url=repo.url, cache=path, log=path.with_suffix(".log"), branch=campaign.branch,
                   campaign_file=campaign.path.name, overlay=campaign.overlay, title=campaign.title,
                   draft=campaign.draft, labels=campaign.labels, api_url=campaign.api_url,
                   token_env=campaign.token_env, forge=campaign.forge)

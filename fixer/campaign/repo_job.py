"""One repository's turn in a campaign, run in a worker process: fetch it into the cache, build the
cleanup branch as `fixer apply` does (same runner, commit plan and branch builder), then publish it
with `fixer pr`'s `open_pr` unless the forge already shows exactly this change.

Anything that goes wrong becomes a failed Outcome with a one-line reason; it never stops the others.
"""
from __future__ import annotations

import traceback
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fixer.campaign import cache, forge_ops
from fixer.campaign.outcome import CLEAN, FAILED, OPENED, UNCHANGED, UPDATED, Outcome
from fixer.campaign.repo_config import repo_config
from fixer.core.errors import GitError
from fixer.core.rule import ConfigError
from fixer.core.textio import InputError

LEAVE, PUBLISH = "leave", "publish"


@dataclass
class RepoJob:
    name: str
    url: str
    cache: Path
    log: Path
    branch: str
    campaign_file: str
    overlay: dict[str, Any] = field(default_factory=dict)
    title: str | None = None
    draft: bool = False
    labels: list[str] = field(default_factory=list)
    api_url: str = "https://api.github.com"
    token_env: str = "GITHUB_TOKEN"
    forge: str = "github"  # github, gitlab or gitea: the campaign's, never detected


def decide(branch_status: str, latest: forge_ops.PullInfo | None) -> str:
    """Publish (push, open or update the PR) unless the forge already shows this change, or a person
    (or `fixer campaign close`) closed the branch's PR without merging it: that repository is withdrawn."""
    if latest is not None and latest.state == "closed":
        return LEAVE
    if branch_status == "unchanged" and latest is not None and latest.state in ("open", "draft"):
        return LEAVE
    return PUBLISH


def run_repo(job: RepoJob) -> Outcome:
    """The worker's entry point. What the git and forge layers print goes to the repository's log."""
    job.log.parent.mkdir(parents=True, exist_ok=True)
    with job.log.open("w", encoding="utf-8") as log, redirect_stdout(log), redirect_stderr(log):
        token = ""
        try:
            token = forge_ops.token_from(job.token_env)
            return _run(job, token)
        except (GitError, ConfigError, InputError) as exc:
            return _failed(job, forge_ops.scrub(str(exc), token))
        except Exception as exc:  # a client library, GitPython, a rule's bug: this repository fails, the rest go on
            traceback.print_exc()
            return _failed(job, forge_ops.reason(exc, token))


def _failed(job: RepoJob, reason: str) -> Outcome:
    return Outcome(job.name, job.url, FAILED, branch=job.branch, error=reason.splitlines()[0] if reason else "failed")


def _run(job: RepoJob, token: str) -> Outcome:
    from fixer.core.runner import run
    from fixer.core.sources import CommitTree
    from fixer.git.branches import build_branch
    from fixer.git.commitplan import plan_commits

    repo = cache.synced(job.url, job.cache)
    cache.mirror_branch(repo, job.url, job.branch)
    source = CommitTree(repo, repo.head.commit)
    config = repo_config(source, job.overlay, job.campaign_file)
    config.jobs = 1  # the campaign runs repositories side by side; each one's fixes on one process
    result = run(source, config, config.rules())
    if result.errors:
        path, message = result.errors[0]
        more = f" (+{len(result.errors) - 1} more)" if len(result.errors) > 1 else ""
        return _failed(job, f"rule error: {path}: {message}{more}")
    fixes = sum(o.result.fixes() for o in result.changed)
    modes = {o.result.path: source.mode(o.result.path) for o in result.changed}
    built = build_branch(repo, source.commit, job.branch, plan_commits(result, modes))
    if built.status == "nothing":
        return Outcome(job.name, job.url, CLEAN)
    done = Outcome(job.name, job.url, UNCHANGED, fixes, len(result.changed), job.branch, built.commits[-1])
    forge = forge_ops.connect(job.forge, job.api_url, token, job.name, job.token_env)
    latest = forge_ops.latest_pull(forge, job.branch)
    if decide(built.status, latest) == PUBLISH:
        _publish(repo, job, token)
        done.action = UPDATED if latest is not None and latest.state in ("open", "draft") else OPENED
        latest = forge_ops.latest_pull(forge, job.branch)
    if latest is not None:
        done.pr_number, done.pr_url, done.pr_state = latest.number, latest.url, latest.state
    return done


def _publish(repo, job: RepoJob, token: str) -> None:
    from fixer.forge.pr import PrOptions, open_pr

    options = PrOptions(branch=job.branch, remote="origin", repo=job.name, title=job.title, draft=job.draft,
                        labels=list(job.labels), api_url=job.api_url, token_env=job.token_env, forge=job.forge,
                        tokens={job.token_env: token})
    open_pr(repo, options)

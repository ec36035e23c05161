"""Every forge call a campaign makes besides opening the pull request (which is fixer.forge.pr's
`open_pr`): finding a branch's pull request, its state and CI checks, closing it, listing an
organisation's repositories. GitHub through PyGithub, all in this one module, so the forge-neutral
layer can replace it in one place.

Rate limits: repositories are looked up lazily (no request of their own: one call, one request), and
the client retries a 429, and a 403 GitHub marks as a rate limit, after the time its
`Retry-After` (or rate-limit reset) header gives; PyGithub's GithubRetry does the reading.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass

from fixer.core.errors import GitError

RETRIES = 5
MAX_WAIT = 15 * 60  # seconds; a longer wait fails the call instead (the next run picks it up)
PASSED = {"success", "neutral", "skipped"}
FAILED = {"failure", "error", "timed_out", "cancelled", "action_required", "startup_failure", "stale"}
USERINFO = re.compile(r"\b(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)[^/\s'\"]*@")


@dataclass(frozen=True)
class PullInfo:
    number: int
    url: str
    state: str  # open, draft, merged or closed
    head_sha: str | None


# Tokens taken out of the environment at first read, so no git process (or hook) fixer starts inherits
# them; spawned workers get them from the parent through `hand_over`, never through the environment.
_taken: dict[str, str] = {}


def token_from(env_name: str) -> str:
    if env_name not in _taken:
        _taken[env_name] = os.environ.pop(env_name, "")
    token = _taken[env_name]
    if not token:
        raise GitError(f"${env_name} is not set: a campaign needs a token for the forge")
    return token


def taken() -> dict[str, str]:
    return dict(_taken)


def hand_over(tokens: dict[str, str]) -> None:
    """A worker's initializer: the tokens its parent took, and Ctrl-C left to the parent."""
    from fixer.core import interrupts

    _taken.update(tokens)
    interrupts.ignore()


def client(api_url: str, token: str):
    from github import Auth, Github, GithubRetry

    # GithubRetry adds 403 itself, and retries it only when GitHub says it is a rate limit.
    retry = GithubRetry(total=RETRIES, status_forcelist=[429, 500, 502, 503, 504],
                        max_rate_limit_wait=MAX_WAIT, backoff_factor=1)
    return Github(base_url=api_url.rstrip("/"), auth=Auth.Token(token), retry=retry, lazy=True,
                  seconds_between_requests=None, seconds_between_writes=None)


def latest_pull(gh, slug: str, branch: str) -> PullInfo | None:
    """The newest pull request from `branch` in any state (a closed one tells a withdrawn repository)."""
    repo = gh.get_repo(slug)
    owner = slug.split("/")[0]
    pulls = repo.get_pulls(state="all", head=f"{owner}:{branch}", sort="created", direction="desc")
    newest = next(iter(pulls), None)
    return _info(newest) if newest is not None else None


def pull(gh, slug: str, number: int) -> PullInfo:
    return _info(gh.get_repo(slug).get_pull(number))


def _info(pr) -> PullInfo:
    if pr.merged:
        state = "merged"
    elif pr.state == "closed":
        state = "closed"
    else:
        state = "draft" if pr.draft else "open"
    return PullInfo(pr.number, pr.html_url, state, pr.head.sha)


def checks(gh, slug: str, sha: str) -> str | None:
    """CI on the branch tip, from commit statuses and check runs: "2 passed, 1 failed", or None when
    the forge reports none."""
    commit = gh.get_repo(slug).get_commit(sha)
    states = [status.state for status in commit.get_combined_status().statuses]
    for run in commit.get_check_runs():
        states.append(run.conclusion if run.status == "completed" else "pending")
    if not states:
        return None
    counts = {"passed": sum(s in PASSED for s in states), "failed": sum(s in FAILED for s in states)}
    counts["pending"] = len(states) - counts["passed"] - counts["failed"]
    return ", ".join(f"{n} {label}" for label, n in (("failed", counts["failed"]), ("pending", counts["pending"]),
                                                     ("passed", counts["passed"])) if n)


def close_pull(gh, slug: str, number: int) -> None:
    gh.get_repo(slug).get_pull(number).edit(state="closed")


def org_repos(gh, org: str) -> list[tuple[str, str]]:
    """(owner/name, clone URL) of an organisation's repositories that can take a pull request (not
    archived)."""
    return [(repo.full_name, repo.clone_url) for repo in gh.get_organization(org).get_repos()
            if not repo.archived]


def reason(exc: Exception, token: str = "") -> str:
    """One line for a failed forge call, never showing the token or a URL's credentials."""
    status = getattr(exc, "status", None)
    data = getattr(exc, "data", None)
    message = data.get("message") if isinstance(data, dict) else None
    text = f"{status} {message}" if status and message else f"{type(exc).__name__}: {exc}"
    return scrub(" ".join(text.split()), token)


def scrub(text: str, token: str = "") -> str:
    """The text without the token and without any URL's userinfo (user:password@)."""
    text = USERINFO.sub(r"\g<scheme>", text)
    return text.replace(token, "***") if token else text

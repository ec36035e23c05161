"""Every forge call a campaign makes besides opening the request (which is fixer.forge.pr's
`open_pr`): finding a branch's request, its state and CI checks, closing it, listing an
organisation's or group's repositories. All of it goes through the forge layer's protocol
(fixer.forge.protocol), so a campaign runs on every forge `fixer pr` knows: GitHub, GitLab, Gitea.

Rate limits are the forge layer's too (fixer.forge.backoff): a 429, or a 403 GitHub marks as a rate
limit, is asked again after the forge's `Retry-After` or rate-limit reset time.
"""
from __future__ import annotations

from dataclasses import dataclass

from fixer.core import secrets
from fixer.core.errors import GitError
from fixer.forge.failures import scrub
from fixer.forge.protocol import FAILED, PASSED, PENDING, Forge, Request, Target
from fixer.forge.registry import forge_class, make



@dataclass(frozen=True)
class PullInfo:
    number: int
    url: str
    state: str  # open, draft, merged or closed
    head_sha: str | None


# The campaign's token leaves the environment when the command starts (no git process or hook fixer
# starts inherits it) and is kept by fixer.core.secrets, as every command's tokens are; spawned workers
# get it from the parent through `hand_over`.
_names: list[str] = []


def take_token(env_name: str) -> None:
    """At the start of a campaign command: take $env_name out of the environment for this command."""
    _names[:] = [env_name]
    secrets.take(env_name)


def token_or_empty(env_name: str) -> str:
    return secrets.take(env_name)


def token_from(env_name: str) -> str:
    token = token_or_empty(env_name)
    if not token:
        raise GitError(f"${env_name} is not set: a campaign needs a token for the forge")
    return token


def taken() -> dict[str, str]:
    return secrets.taken(tuple(_names))


def hand_over(tokens: dict[str, str]) -> None:
    """A worker's initializer: the tokens its parent took, and Ctrl-C left to the parent."""
    from fixer.core import interrupts

    secrets.hand_over(tokens)
    interrupts.ignore()


def request_word(kind: str) -> tuple[str, str]:
    """How the forge's requests are named in one line: ("PR", "#") on GitHub and Gitea, ("MR", "!") on GitLab."""
    cls = forge_class(kind)
    return "".join(word[0] for word in cls.noun.split()).upper(), cls.sign


def connect(kind: str, api_url: str, token: str, repo: str = "", token_env: str = "") -> Forge:
    """The forge module for one repository (or, with no repo, for an organisation's listing)."""
    return make(kind, Target(api_url, repo, token, token_variable=token_env))


def _info(request: Request) -> PullInfo:
    state = "draft" if request.state == "open" and request.draft else request.state
    return PullInfo(request.number, request.url, state, request.head_sha or None)


def latest_pull(forge: Forge, branch: str) -> PullInfo | None:
    """The newest request from `branch` in any state (a closed one tells a withdrawn repository)."""
    found = forge.find_latest(branch)
    return _info(found) if found is not None else None


def pull(forge: Forge, number: int) -> PullInfo:
    return _info(forge.get(number))


def checks(forge: Forge, sha: str) -> str | None:
    """CI on the branch tip: "1 failed, 1 pending, 2 passed", or None when the forge reports none."""
    outcomes = [check.outcome for check in forge.checks(sha)]
    if not outcomes:
        return None
    counts = ((label, outcomes.count(label)) for label in (FAILED, PENDING, PASSED))
    return ", ".join(f"{n} {label}" for label, n in counts if n)


def close_pull(forge: Forge, number: int) -> None:
    forge.close(Request(number, "", "open", "", ""))


def org_repos(forge: Forge, org: str) -> list[tuple[str, str]]:
    """(path, clone URL) of an organisation's (GitLab: group's, subgroups included) repositories that
    can take a request (not archived)."""
    return [(repo.path, repo.clone_url) for repo in forge.list_repos(org)]


def reason(exc: Exception, token: str = "") -> str:
    """One line for a failed forge call, never showing the token or a URL's credentials."""
    if isinstance(exc, GitError):  # the forge layer's own one-line errors
        text = str(exc)
    else:
        text = f"{type(exc).__name__}: {exc}"
    return scrub(" ".join(text.split()), token)



"""What a forge module provides: the API calls behind `fixer pr`, and nothing else.

The flow in fixer.forge.pr (body, idempotence, checks before the push, refusals, dry run) is written
once against `Forge`; a forge module (github.py, gitlab.py, gitea.py) maps these calls to its API and
its client library's errors to `ForgeError`. Adding a forge means adding one such module and naming
it in fixer.forge.registry.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from fixer.core.errors import GitError

# What a request can carry besides its title and body; a forge lists those it has not in `lacks`.
FEATURES = ("labels", "draft", "reviewers", "assignees")


class ForgeError(GitError):
    """An API call failed: one line saying which forge, what call and why (never the token)."""


@dataclass(frozen=True)
class Request:
    """A pull request (GitHub, Gitea) or merge request (GitLab), as the flow needs to know it."""
    number: int
    url: str
    state: str  # "open", "closed" or "merged"
    head_sha: str
    title: str
    draft: bool = False  # open, and marked as a draft (a flag on GitHub, a title prefix on GitLab and Gitea)


# What a CI check on a commit came to, whatever the forge calls it.
PASSED, FAILED, PENDING = "passed", "failed", "pending"


@dataclass(frozen=True)
class Check:
    """One CI result the forge reports for a commit: a check run or commit status (GitHub), a job or
    external status (GitLab), a commit status (Gitea)."""
    name: str
    outcome: str  # PASSED, FAILED or PENDING


@dataclass(frozen=True)
class Repository:
    """A repository an organisation or group holds, as `fixer campaign` discovers it."""
    path: str  # owner/name, or group/sub/project on GitLab
    clone_url: str


@dataclass(frozen=True)
class Target:
    """Where requests go: the API root, the repository's path on the forge, and the token."""
    api_url: str
    repo: str
    token: str
    timeout: float = 30.0
    token_variable: str = ""  # where the token came from (GitLab sends CI_JOB_TOKEN as a job token)


class Forge(Protocol):
    name: str  # "GitHub"
    noun: str  # "pull request" / "merge request"
    sign: str  # how a request number is written: "#" or "!"
    # A feature this forge has not, or has only in a form of its own, and what fixer does instead.
    lacks: dict[str, str]

    def sent_title(self, title: str, draft: bool) -> str:
        """The title as it is sent (a forge without a draft flag marks drafts in the title)."""

    def check(self) -> str:
        """Prove the token, the API URL and the repository (nothing is written); the default branch."""

    def prepare(self, labels: list[str], users: list[str]) -> None:
        """Before anything is pushed, look up what later calls need (label or user ids), so a name
        that does not exist fails the run while nothing has changed yet."""

    def find_open(self, branch: str) -> Request | None:
        """The open request whose head is `branch` in this repository, if any."""

    def find_closed(self, branch: str) -> Request | None:
        """The most recent closed or merged request whose head is `branch`, if any."""

    def create(self, branch: str, base: str, title: str, body: str, draft: bool) -> Request:
        """Open a request from `branch` into `base`; the forge marks the draft its own way."""

    def update(self, request: Request, title: str, body: str) -> Request:
        """Set the title (as `sent_title` made it) and the body of an open request."""

    def set_labels(self, request: Request, labels: list[str]) -> None:
        """Replace the request's labels with these."""

    def add_reviewers(self, request: Request, users: list[str]) -> None:
        ...

    def add_assignees(self, request: Request, users: list[str]) -> None:
        ...

    def comment(self, request: Request, text: str) -> None:
        ...

    # -- what a campaign needs besides opening the request ----------------------------------
    def find_latest(self, branch: str) -> Request | None:
        """The most recently opened request whose head is `branch`, in any state."""

    def get(self, number: int) -> Request:
        """A request as the forge shows it now (merged or closed by a person since)."""

    def checks(self, sha: str) -> list[Check]:
        """The CI results the forge reports for this commit (empty when it reports none)."""

    def close(self, request: Request) -> None:
        """Close the request without merging it."""

    def list_repos(self, owner: str) -> list[Repository]:
        """The repositories of this organisation (GitLab: group, subgroups included) that can take a
        request: archived ones are left out. The Target's repo plays no part."""

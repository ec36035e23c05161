"""GitHub and GitHub Enterprise through PyGithub: only the API calls of the `Forge` protocol."""
from __future__ import annotations

import math

from fixer.forge.backoff import RateLimitRetry
from fixer.forge.failures import api_call
from fixer.forge.protocol import FAILED, PASSED, PENDING, Check, Repository, Request, Target

# What check runs' conclusions and commit statuses' states come to.
CONCLUSIONS = {"success": PASSED, "neutral": PASSED, "skipped": PASSED, "failure": FAILED, "error": FAILED,
               "timed_out": FAILED, "cancelled": FAILED, "action_required": FAILED, "startup_failure": FAILED,
               "stale": FAILED}


class GitHub:
    name = "GitHub"
    noun = "pull request"
    sign = "#"
    lacks: dict[str, str] = {}

    def __init__(self, target: Target):
        self.target = target
        self._repo = None
        self._client = None
        self._pulls: dict[int, object] = {}  # the PullRequest objects already fetched: no second GET

    def sent_title(self, title: str, draft: bool) -> str:
        return title  # drafts are a flag of their own

    @property
    def client(self):
        if self._client is None:
            from github import Auth, Github

            # PyGithub wants whole seconds; no pauses of its own, and only rate limits are asked again.
            self._client = Github(base_url=self.target.api_url.rstrip("/"), auth=Auth.Token(self.target.token),
                                  retry=RateLimitRetry(), timeout=math.ceil(self.target.timeout),
                                  seconds_between_requests=None, seconds_between_writes=None)
        return self._client

    @property
    def repo(self):
        if self._repo is None:
            with self._calling(f"get repository {self.target.repo}"):
                self._repo = self.client.get_repo(self.target.repo)
        return self._repo

    def _calling(self, call: str):
        from github import GithubException

        return api_call(self.name, self.target, call, GithubException, lambda exc: (exc.status, exc.data))

    def check(self) -> str:
        return self.repo.default_branch

    def prepare(self, labels: list[str], users: list[str]) -> None:
        pass  # GitHub takes labels and users by name, and makes a label it does not know yet

    def _find(self, branch: str, state: str) -> Request | None:
        owner = self.target.repo.split("/")[0]
        with self._calling(f"list {state} pull requests for {branch}"):
            pulls = self.repo.get_pulls(state=state, head=f"{owner}:{branch}", sort="updated", direction="desc")
            found = [p for p in pulls if p.head.ref == branch and p.state == state]
            return self._keep(found[0]) if found else None

    def find_open(self, branch: str) -> Request | None:
        return self._find(branch, "open")

    def find_closed(self, branch: str) -> Request | None:
        return self._find(branch, "closed")

    def _keep(self, pull) -> Request:
        self._pulls[pull.number] = pull
        return _request(pull)

    def _pull(self, request: Request):
        if request.number not in self._pulls:
            with self._calling(f"get pull request #{request.number}"):
                self._pulls[request.number] = self.repo.get_pull(request.number)
        return self._pulls[request.number]

    def create(self, branch: str, base: str, title: str, body: str, draft: bool) -> Request:
        with self._calling(f"create a pull request for {branch}"):
            return self._keep(self.repo.create_pull(base=base, head=branch, title=title, body=body, draft=draft))

    def update(self, request: Request, title: str, body: str) -> Request:
        pull = self._pull(request)
        with self._calling(f"update pull request #{request.number}"):
            pull.edit(title=title, body=body)
        return _request(pull)

    def set_labels(self, request: Request, labels: list[str]) -> None:
        with self._calling(f"set the labels of pull request #{request.number}"):
            self._pull(request).set_labels(*labels)

    def add_reviewers(self, request: Request, users: list[str]) -> None:
        with self._calling(f"request reviews on pull request #{request.number}"):
            self._pull(request).create_review_request(reviewers=users)

    def add_assignees(self, request: Request, users: list[str]) -> None:
        with self._calling(f"assign pull request #{request.number}"):
            self._pull(request).add_to_assignees(*users)

    def comment(self, request: Request, text: str) -> None:
        with self._calling(f"comment on pull request #{request.number}"):
            self._pull(request).create_issue_comment(text)

    def find_latest(self, branch: str) -> Request | None:
        owner = self.target.repo.split("/")[0]
        with self._calling(f"list pull requests for {branch}"):
            pulls = self.repo.get_pulls(state="all", head=f"{owner}:{branch}", sort="created", direction="desc")
            return next((self._keep(p) for p in pulls if p.head.ref == branch), None)

    def get(self, number: int) -> Request:
        self._pulls.pop(number, None)  # asked for what the forge shows now
        return _request(self._pull(Request(number, "", "", "", "")))

    def checks(self, sha: str) -> list[Check]:
        with self._calling(f"get the checks of commit {sha[:10]}"):
            commit = self.repo.get_commit(sha)
            found = [Check(status.context, CONCLUSIONS.get(status.state, PENDING))
                     for status in commit.get_combined_status().statuses]
            found += [Check(run.name, CONCLUSIONS.get(run.conclusion, FAILED) if run.status == "completed" else PENDING)
                      for run in commit.get_check_runs()]
        return found

    def close(self, request: Request) -> None:
        pull = self._pull(request)
        with self._calling(f"close pull request #{request.number}"):
            pull.edit(state="closed")

    def list_repos(self, owner: str) -> list[Repository]:
        with self._calling(f"list the repositories of organisation {owner}"):
            return [Repository(repo.full_name, repo.clone_url)
                    for repo in self.client.get_organization(owner).get_repos() if not repo.archived]


def _request(pull) -> Request:
    state = "merged" if pull.merged_at is not None else pull.state
    return Request(pull.number, pull.html_url, state, pull.head.sha, pull.title, bool(pull.draft))

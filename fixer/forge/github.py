"""GitHub and GitHub Enterprise through PyGithub: only the API calls of the `Forge` protocol."""
from __future__ import annotations

import math
from contextlib import contextmanager

from fixer.forge.failures import http_failure, network_failure
from fixer.forge.protocol import Request, Target



class GitHub:
    name = "GitHub"
    noun = "pull request"
    sign = "#"
    lacks: dict[str, str] = {}

    def __init__(self, target: Target):
        self.target = target
        self._repo = None
        self._pulls: dict[int, object] = {}  # the PullRequest objects already fetched: no second GET

    def sent_title(self, title: str, draft: bool) -> str:
        return title  # drafts are a flag of their own

    @property
    def repo(self):
        if self._repo is None:
            from github import Auth, Github

            # PyGithub wants whole seconds; no retries and no pauses: one run, one try per call.
            client = Github(base_url=self.target.api_url.rstrip("/"), auth=Auth.Token(self.target.token), retry=None,
                            timeout=math.ceil(self.target.timeout), seconds_between_requests=None,
                            seconds_between_writes=None)
            with self._calling(f"get repository {self.target.repo}"):
                self._repo = client.get_repo(self.target.repo)
        return self._repo

    @contextmanager
    def _calling(self, call: str):
        from github import GithubException

        try:
            yield
        except GithubException as exc:
            raise http_failure(self.name, call, exc.status, exc.data) from None
        except Exception as exc:
            failure = network_failure(self.name, self.target.api_url, self.target.timeout, exc)
            if failure is None:
                raise
            raise failure from None

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


def _request(pull) -> Request:
    state = "merged" if pull.merged_at is not None else pull.state
    return Request(pull.number, pull.html_url, state, pull.head.sha, pull.title)

"""Gitea and Forgejo over their REST API (/api/v1): only the API calls of the `Forge` protocol.

No maintained Python client covers Gitea's pull requests (py-gitea has none), so this speaks plain
HTTP through requests. Labels are sent as the ids Gitea wants, looked up by name before the push.
"""
from __future__ import annotations

from fixer.forge import backoff
from fixer.forge.failures import http_failure, network_failure
from fixer.forge.protocol import FAILED, PASSED, PENDING, Check, ForgeError, Repository, Request, Target

API_PATH = "/api/v1"
DRAFT_PREFIX = "WIP: "
PAGE = 50
# Gitea cannot filter pull requests by head branch: fixer reads the most recently updated ones, all the
# open ones a repository plausibly has, and enough closed ones to find the branch's last request.
OPEN_PAGES = 20
CLOSED_PAGES = 4
# A commit status's state ("warning" is Gitea's own: the check ran and did not fail).
OUTCOMES = {"success": PASSED, "warning": PASSED, "failure": FAILED, "error": FAILED}


class Gitea:
    name = "Gitea"
    noun = "pull request"
    sign = "#"
    lacks = {"draft": "Gitea has no draft flag to send: a work-in-progress pull request is one whose title starts "
                      f"with `{DRAFT_PREFIX.strip()}`, so fixer puts that in the title"}

    def __init__(self, target: Target):
        import requests

        self.target = target
        self.root = api_root(target.api_url)
        self.session = requests.Session()
        backoff.mount(self.session)
        self.session.headers.update({"Authorization": f"token {target.token}", "Accept": "application/json"})
        self._label_ids: dict[str, int] | None = None

    def sent_title(self, title: str, draft: bool) -> str:
        return DRAFT_PREFIX + title if draft and not title.startswith(DRAFT_PREFIX) else title

    def _call(self, call: str, method: str, path: str, **kwargs):
        return self._call_root(call, method, f"/repos/{self.target.repo}{path}", **kwargs)

    def _call_root(self, call: str, method: str, path: str, **kwargs):
        import requests

        url = f"{self.root}{path}"
        try:
            # A redirect keeps no Authorization header off its own host (requests drops it), and none is wanted.
            response = self.session.request(method, url, timeout=self.target.timeout, allow_redirects=False, **kwargs)
        except requests.RequestException as exc:
            raise (network_failure(self.name, self.target.api_url, self.target.timeout, exc)
                   or ForgeError(f"{self.name} API: {call}: {type(exc).__name__}")) from None
        if response.status_code >= 300:
            raise http_failure(self.name, call, response.status_code, _reason(response))
        try:
            return response.json() if response.content else None
        except ValueError:
            raise ForgeError(f"{self.name} API: {call}: the answer is not JSON (is {self.target.api_url} "
                             "a Gitea API URL?)") from None

    def check(self) -> str:
        repo = self._call(f"get repository {self.target.repo}", "GET", "")
        if not isinstance(repo, dict) or "default_branch" not in repo:
            raise ForgeError(f"{self.name} API: get repository {self.target.repo}: not a repository in the answer")
        return repo["default_branch"]

    def prepare(self, labels: list[str], users: list[str]) -> None:
        if not labels:
            return
        if self._label_ids is None:
            self._label_ids = {label["name"]: label["id"] for label in self._pages("list labels", "/labels")}
        missing = [label for label in labels if label not in self._label_ids]
        if missing:
            raise ForgeError(f"{self.name}: no label named {', '.join(missing)} in {self.target.repo} "
                             "(Gitea sets only labels that exist; create them first)")

    def _pages(self, call: str, path: str, most: int = 100, root: bool = False, **params) -> list[dict]:
        found = []
        ask = self._call_root if root else self._call
        for page in range(1, most + 1):
            batch = ask(call, "GET", path, params={**params, "page": page, "limit": PAGE}) or []
            found += batch
            if len(batch) < PAGE:
                break
        return found

    def _find(self, branch: str, state: str) -> list[dict]:
        most = {"open": OPEN_PAGES, "closed": CLOSED_PAGES}.get(state, OPEN_PAGES + CLOSED_PAGES)
        pulls = self._pages(f"list {state} pull requests", "/pulls", most, state=state, sort="recentupdate")
        return [p for p in pulls if p["head"]["ref"] == branch and _same_repo(p, self.target.repo)]

    def find_open(self, branch: str) -> Request | None:
        found = self._find(branch, "open")
        return _request(found[0]) if found else None

    def find_closed(self, branch: str) -> Request | None:
        found = self._find(branch, "closed")
        return _request(found[0]) if found else None

    def create(self, branch: str, base: str, title: str, body: str, draft: bool) -> Request:
        sent = {"head": branch, "base": base, "title": self.sent_title(title, draft), "body": body}
        return _request(self._call(f"create a pull request for {branch}", "POST", "/pulls", json=sent))

    def update(self, request: Request, title: str, body: str) -> Request:
        return _request(self._call(f"update pull request #{request.number}", "PATCH", f"/pulls/{request.number}",
                                   json={"title": title, "body": body}))

    def set_labels(self, request: Request, labels: list[str]) -> None:
        self.prepare(labels, [])
        ids = [self._label_ids[label] for label in labels] if labels else []
        self._call(f"set the labels of pull request #{request.number}", "PUT", f"/issues/{request.number}/labels",
                   json={"labels": ids})

    def add_reviewers(self, request: Request, users: list[str]) -> None:
        self._call(f"request reviews on pull request #{request.number}", "POST",
                   f"/pulls/{request.number}/requested_reviewers", json={"reviewers": users})

    def add_assignees(self, request: Request, users: list[str]) -> None:
        self._call(f"assign pull request #{request.number}", "PATCH", f"/issues/{request.number}",
                   json={"assignees": users})

    def comment(self, request: Request, text: str) -> None:
        self._call(f"comment on pull request #{request.number}", "POST", f"/issues/{request.number}/comments",
                   json={"body": text})

    def find_latest(self, branch: str) -> Request | None:
        found = self._find(branch, "all")
        return _request(max(found, key=lambda p: p["number"])) if found else None  # numbers count up

    def get(self, number: int) -> Request:
        return _request(self._call(f"get pull request #{number}", "GET", f"/pulls/{number}"))

    def checks(self, sha: str) -> list[Check]:
        # The combined status holds the latest status of each context (Gitea Actions report there too).
        combined = self._call(f"get the statuses of commit {sha[:10]}", "GET", f"/commits/{sha}/status") or {}
        return [Check(status.get("context", ""), OUTCOMES.get(status.get("status"), PENDING))
                for status in combined.get("statuses") or []]

    def close(self, request: Request) -> None:
        self._call(f"close pull request #{request.number}", "PATCH", f"/pulls/{request.number}",
                   json={"state": "closed"})

    def list_repos(self, owner: str) -> list[Repository]:
        repos = self._pages(f"list the repositories of organisation {owner}", f"/orgs/{owner}/repos", root=True)
        return [Repository(repo["full_name"], repo["clone_url"]) for repo in repos if not repo.get("archived")]


def api_root(api_url: str) -> str:
    """https://HOST/api/v1 from either the instance URL or the API URL."""
    url = api_url.rstrip("/")
    return url if url.endswith(API_PATH) else url + API_PATH


def _same_repo(pull: dict, repo: str) -> bool:
    head_repo = pull["head"].get("repo") or {}
    return not head_repo or head_repo.get("full_name", "").lower() == repo.lower()


def _reason(response) -> object:
    try:
        return response.json()
    except ValueError:
        return response.text


def _request(pull: dict) -> Request:
    state = "merged" if pull.get("merged") else pull["state"]
    title = pull.get("title", "")
    return Request(pull["number"], pull.get("html_url", ""), state, (pull.get("head") or {}).get("sha", ""),
                   title, bool(pull.get("draft", title.startswith(DRAFT_PREFIX))))

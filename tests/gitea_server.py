"""A local stand-in for the Gitea/Forgejo REST API v1 endpoints `fixer pr` and `fixer campaign` use,
answering with Gitea's documented JSON shapes (pull requests listed by state and paged, labels set by
id, merged pulls closed with "merged": true, combined commit statuses, an organisation's repositories)
and recording every request so tests can assert what was sent.

It serves one repository, or several (`add_repo`, for campaigns): each its own bare git repository."""
from __future__ import annotations

import re
import subprocess

from stand_in import StandIn, branch_head


class Repo:
    """One repository's pull requests, comments and commit statuses."""

    def __init__(self, owner: str, name: str, default_branch: str = "main", bare=None, archived: bool = False):
        self.owner, self.name, self.default_branch = owner, name, default_branch
        self.bare, self.archived = bare, archived
        self.pulls: dict[int, dict] = {}
        self.comments: list[tuple[int, str]] = []
        self.statuses: dict[str, list[dict]] = {}  # sha -> [{"context", "status"}]

    def head_sha(self, branch: str, stored: str = "") -> str:
        return stored or branch_head(self.bare, branch)

    def seed(self, head: str, state: str = "open", merged: bool = False, sha: str = "",
             title: str = "Earlier cleanup") -> dict:
        number = len(self.pulls) + 1
        self.pulls[number] = {"number": number, "title": title, "body": "", "state": state, "merged": merged,
                              "head": head, "base": self.default_branch, "sha": sha, "labels": [],
                              "reviewers": [], "assignees": [], "updated": number}
        return self.pulls[number]

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def repo_json(self) -> dict:
        clone = self.bare.as_uri() if hasattr(self.bare, "as_uri") else f"https://gitea.example/{self.full_name}.git"
        return {"id": 5, "name": self.name, "full_name": self.full_name, "default_branch": self.default_branch,
                "owner": {"id": 3, "login": self.owner}, "html_url": f"https://gitea.example/{self.full_name}",
                "clone_url": clone, "archived": self.archived}

    # -- what a person does on Gitea ----------------------------------------------------------
    def merge(self, number: int) -> None:
        """Merge as a fast-forward would: the default branch moves to the pull request's head."""
        pull = self.pulls[number]
        sha = self.head_sha(pull["head"])
        subprocess.run(["git", "--git-dir", str(self.bare), "update-ref", f"refs/heads/{self.default_branch}", sha],
                       check=True)
        pull.update(state="closed", merged=True, sha=sha)

    def close(self, number: int) -> None:
        self.pulls[number]["state"] = "closed"



class FakeGitea(StandIn):
    def __init__(self, token: str, owner: str = "acme", name: str = "service", default_branch: str = "main",
                 bare=None, labels: dict[str, int] | None = None, version: str = "1.22.3"):
        super().__init__(token, bare)
        self.version = version
        self.labels = labels if labels is not None else {"cleanup": 11, "bot": 12}
        self.repos: dict[str, Repo] = {}
        self.first = self.add_repo(owner, name, bare, default_branch)

    # The first repository, as the single-repository tests know it.
    @property
    def pulls(self) -> dict[int, dict]:
        return self.first.pulls

    @property
    def comments(self) -> list[tuple[int, str]]:
        return self.first.comments

    @property
    def full_name(self) -> str:
        return self.first.full_name

    def seed(self, head: str, state: str = "open", merged: bool = False, sha: str = "",
             title: str = "Earlier cleanup") -> dict:
        return self.first.seed(head, state, merged, sha, title)

    def add_repo(self, owner: str, name: str, bare=None, default_branch: str = "main", archived: bool = False) -> Repo:
        repo = Repo(owner, name, default_branch, bare, archived)
        self.repos[repo.full_name] = repo
        return repo

    def authorized(self, headers, path: str) -> bool:
        given = headers.get("Authorization", "")
        # /version answers anyone, as Gitea's does.
        return path == "/api/v1/version" or given in (f"token {self.token}", f"Bearer {self.token}")

    def pull_json(self, pull: dict, repo: Repo | None = None) -> dict:
        repo = repo or self.first
        return {"id": 500 + pull["number"], "number": pull["number"], "title": pull["title"], "body": pull["body"],
                "state": pull["state"], "merged": pull["merged"], "draft": pull["title"].startswith("WIP:"),
                "html_url": f"https://gitea.example/{repo.full_name}/pulls/{pull['number']}",
                "head": {"ref": pull["head"], "label": pull["head"], "sha": repo.head_sha(pull["head"], pull["sha"]),
                         "repo": repo.repo_json()},
                "base": {"ref": pull["base"], "label": pull["base"], "repo": repo.repo_json()},
                "labels": [{"id": self.labels[n], "name": n} for n in pull["labels"]],
                "requested_reviewers": [{"login": r} for r in pull["reviewers"]],
                "assignees": [{"login": a} for a in pull["assignees"]]}

    def route(self, method: str, path: str, query: dict, body):
        if path == "/api/v1/version" and method == "GET":
            return "version", lambda: (200, {"version": self.version})
        org = re.fullmatch(r"/api/v1/orgs/([^/]+)/repos", path)
        if org and method == "GET":
            return "org-repos", lambda: self._org_repos(org.group(1), query)
        found = re.fullmatch(r"/api/v1/repos/([^/]+/[^/]+)(/.*)?", path)
        repo = self.repos.get(found.group(1)) if found else None
        if repo is None:
            return "unknown", lambda: (404, {"message": "The target couldn't be found.", "errors": []})
        rest = found.group(2) or ""
        if rest == "" and method == "GET":
            return "repo", lambda: (200, repo.repo_json())
        if rest == "/labels" and method == "GET":
            page, limit = int(query.get("page", 1)), int(query.get("limit", 30))
            labels = [{"id": i, "name": n, "color": "00aabb"} for n, i in self.labels.items()]
            return "labels", lambda: (200, labels[(page - 1) * limit:page * limit])
        if rest == "/pulls" and method == "GET":
            return "list", lambda: (200, self._list(repo, query))
        if rest == "/pulls" and method == "POST":
            return "create", lambda: self._create(repo, body)
        status = re.fullmatch(r"/commits/([0-9a-f]{40})/status", rest)
        if status and method == "GET":
            statuses = repo.statuses.get(status.group(1), [])
            return "status", lambda: (200, {"sha": status.group(1), "total_count": len(statuses),
                                            "state": "pending" if statuses else "", "statuses": statuses})
        one = re.fullmatch(r"/(pulls|issues)/(\d+)(/labels|/requested_reviewers|/comments)?", rest)
        if one and int(one.group(2)) in repo.pulls:
            pull, what = repo.pulls[int(one.group(2))], (one.group(1), one.group(3), method)
            if what == ("pulls", None, "GET"):
                return "get", lambda: (200, self.pull_json(pull, repo))
            if what == ("pulls", None, "PATCH"):
                return "update", lambda: self._patch(repo, pull, body)
            if what == ("issues", None, "PATCH"):
                return "assign", lambda: self._patch(repo, pull, body)
            if what == ("issues", "/labels", "PUT"):
                return "set-labels", lambda: self._labels(pull, body)
            if what == ("pulls", "/requested_reviewers", "POST"):
                return "reviewers", lambda: self._reviewers(pull, body)
            if what == ("issues", "/comments", "POST"):
                return "comment", lambda: self._comment(repo, pull, body)
        return "unknown", lambda: (404, {"message": "The target couldn't be found.", "errors": []})

    def _org_repos(self, org: str, query: dict):
        found = [r for name, r in sorted(self.repos.items()) if r.owner == org]
        if not found:
            return 404, {"message": "GetOrgByName", "errors": []}
        page, limit = int(query.get("page", 1)), int(query.get("limit", 30))
        return 200, [r.repo_json() for r in found[(page - 1) * limit:page * limit]]

    def _list(self, repo: Repo, query: dict) -> list[dict]:
        state = query.get("state", "open")
        page, limit = int(query.get("page", 1)), int(query.get("limit", 30))
        found = [p for p in sorted(repo.pulls.values(), key=lambda p: p["updated"], reverse=True)
                 if state in ("all", p["state"])]
        return [self.pull_json(p, repo) for p in found[(page - 1) * limit:page * limit]]

    def _create(self, repo: Repo, body: dict):
        if any(p["head"] == body["head"] and p["base"] == body["base"] and p["state"] == "open"
               for p in repo.pulls.values()):
            return 409, {"message": "pull request already exists for these targets", "url": ""}
        pull = repo.seed(body["head"], title=body["title"])
        pull.update(body=body.get("body", ""), base=body["base"], updated=100 + pull["number"])
        return 201, self.pull_json(pull, repo)

    def _patch(self, repo: Repo, pull: dict, body: dict):
        if body.get("state") in ("open", "closed") and not pull["merged"]:
            pull["state"] = body["state"]
        for key in ("title", "body", "assignees"):
            if key in body:
                pull[key] = body[key]
        return 201, self.pull_json(pull, repo)

    def _labels(self, pull: dict, body: dict):
        by_id = {i: n for n, i in self.labels.items()}
        pull["labels"] = [by_id[i] for i in body["labels"]]
        return 200, [{"id": i, "name": by_id[i]} for i in body["labels"]]

    def _reviewers(self, pull: dict, body: dict):
        pull["reviewers"] = list(body["reviewers"])
        return 201, [{"id": 1, "user": {"login": r}} for r in body["reviewers"]]

    def _comment(self, repo: Repo, pull: dict, body: dict):
        repo.comments.append((pull["number"], body["body"]))
        return 201, {"id": len(repo.comments), "body": body["body"]}

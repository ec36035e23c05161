"""A local stand-in for the Gitea/Forgejo REST API v1 endpoints `fixer pr` uses, answering with
Gitea's documented JSON shapes (pull requests listed by state and paged, labels set by id, merged
pulls closed with "merged": true) and recording every request so tests can assert what was sent."""
from __future__ import annotations

import re

from stand_in import StandIn


class FakeGitea(StandIn):
    def __init__(self, token: str, owner: str = "acme", name: str = "service", default_branch: str = "main",
                 bare=None, labels: dict[str, int] | None = None, version: str = "1.22.3"):
        super().__init__(token, bare)
        self.owner, self.name, self.default_branch, self.version = owner, name, default_branch, version
        self.labels = labels if labels is not None else {"cleanup": 11, "bot": 12}
        self.pulls: dict[int, dict] = {}
        self.comments: list[tuple[int, str]] = []

    def authorized(self, headers, path: str) -> bool:
        given = headers.get("Authorization", "")
        # /version answers anyone, as Gitea's does.
        return path == "/api/v1/version" or given in (f"token {self.token}", f"Bearer {self.token}")

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
        return {"id": 5, "name": self.name, "full_name": self.full_name, "default_branch": self.default_branch,
                "owner": {"id": 3, "login": self.owner}, "html_url": f"https://gitea.example/{self.full_name}"}

    def pull_json(self, pull: dict) -> dict:
        return {"id": 500 + pull["number"], "number": pull["number"], "title": pull["title"], "body": pull["body"],
                "state": pull["state"], "merged": pull["merged"], "draft": pull["title"].startswith("WIP:"),
                "html_url": f"https://gitea.example/{self.full_name}/pulls/{pull['number']}",
                "head": {"ref": pull["head"], "label": pull["head"], "sha": self.head_sha(pull["head"], pull["sha"]),
                         "repo": self.repo_json()},
                "base": {"ref": pull["base"], "label": pull["base"], "repo": self.repo_json()},
                "labels": [{"id": self.labels[n], "name": n} for n in pull["labels"]],
                "requested_reviewers": [{"login": r} for r in pull["reviewers"]],
                "assignees": [{"login": a} for a in pull["assignees"]]}

    def route(self, method: str, path: str, query: dict, body):
        if path == "/api/v1/version" and method == "GET":
            return "version", lambda: (200, {"version": self.version})
        base = f"/api/v1/repos/{self.full_name}"
        if not path.startswith(base):
            return "unknown", lambda: (404, {"message": "The target couldn't be found.", "errors": []})
        rest = path[len(base):]
        if rest == "" and method == "GET":
            return "repo", lambda: (200, self.repo_json())
        if rest == "/labels" and method == "GET":
            page, limit = int(query.get("page", 1)), int(query.get("limit", 30))
            labels = [{"id": i, "name": n, "color": "00aabb"} for n, i in self.labels.items()]
            return "labels", lambda: (200, labels[(page - 1) * limit:page * limit])
        if rest == "/pulls" and method == "GET":
            return "list", lambda: (200, self._list(query))
        if rest == "/pulls" and method == "POST":
            return "create", lambda: self._create(body)
        one = re.fullmatch(r"/(pulls|issues)/(\d+)(/labels|/requested_reviewers|/comments)?", rest)
        if one and int(one.group(2)) in self.pulls:
            pull, what = self.pulls[int(one.group(2))], (one.group(1), one.group(3), method)
            if what == ("pulls", None, "PATCH"):
                return "update", lambda: self._patch(pull, body)
            if what == ("issues", None, "PATCH"):
                return "assign", lambda: self._patch(pull, body)
            if what == ("issues", "/labels", "PUT"):
                return "set-labels", lambda: self._labels(pull, body)
            if what == ("pulls", "/requested_reviewers", "POST"):
                return "reviewers", lambda: self._reviewers(pull, body)
            if what == ("issues", "/comments", "POST"):
                return "comment", lambda: self._comment(pull, body)
        return "unknown", lambda: (404, {"message": "The target couldn't be found.", "errors": []})

    def _list(self, query: dict) -> list[dict]:
        state = query.get("state", "open")
        page, limit = int(query.get("page", 1)), int(query.get("limit", 30))
        found = [p for p in sorted(self.pulls.values(), key=lambda p: p["updated"], reverse=True)
                 if state in ("all", p["state"])]
        return [self.pull_json(p) for p in found[(page - 1) * limit:page * limit]]

    def _create(self, body: dict):
        if any(p["head"] == body["head"] and p["base"] == body["base"] and p["state"] == "open"
               for p in self.pulls.values()):
            return 409, {"message": "pull request already exists for these targets", "url": ""}
        pull = self.seed(body["head"], title=body["title"])
        pull.update(body=body.get("body", ""), base=body["base"], updated=100 + pull["number"])
        return 201, self.pull_json(pull)

    def _patch(self, pull: dict, body: dict):
        for key in ("title", "body", "assignees"):
            if key in body:
                pull[key] = body[key]
        return 201, self.pull_json(pull)

    def _labels(self, pull: dict, body: dict):
        by_id = {i: n for n, i in self.labels.items()}
        pull["labels"] = [by_id[i] for i in body["labels"]]
        return 200, [{"id": i, "name": by_id[i]} for i in body["labels"]]

    def _reviewers(self, pull: dict, body: dict):
        pull["reviewers"] = list(body["reviewers"])
        return 201, [{"id": 1, "user": {"login": r}} for r in body["reviewers"]]

    def _comment(self, pull: dict, body: dict):
        self.comments.append((pull["number"], body["body"]))
        return 201, {"id": len(self.comments), "body": body["body"]}

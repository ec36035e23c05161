"""A local stand-in for the GitLab REST API v4 endpoints `fixer pr` uses, answering with GitLab's
documented JSON shapes (merge requests found by source branch, labels as a comma-separated string,
users by id) and recording every request so tests can assert what was sent."""
from __future__ import annotations

import re
from urllib.parse import unquote

from stand_in import StandIn

STATES = ("opened", "closed", "merged", "locked")


class FakeGitLab(StandIn):
    def __init__(self, token: str, path: str = "acme/platform/service", default_branch: str = "main",
                 bare=None, users: dict[str, int] | None = None):
        super().__init__(token, bare)
        self.path, self.default_branch, self.project_id = path, default_branch, 42
        self.users = users if users is not None else {"alice": 7, "bob": 8}
        self.merge_requests: dict[int, dict] = {}
        self.notes: list[tuple[int, str]] = []

    def authorized(self, headers, path: str) -> bool:
        return self.token in (headers.get("PRIVATE-TOKEN"), headers.get("JOB-TOKEN"))

    def seed(self, source_branch: str, state: str, sha: str = "", title: str = "Earlier cleanup") -> dict:
        """A merge request made before the test's runs (a person's, or an earlier fixer run's)."""
        iid = len(self.merge_requests) + 1
        self.merge_requests[iid] = {"iid": iid, "title": title, "description": "", "state": state,
                                    "source_branch": source_branch, "target_branch": self.default_branch,
                                    "sha": sha, "labels": [], "reviewer_ids": [], "assignee_ids": [],
                                    "updated_at": f"2026-01-0{iid}T00:00:00Z"}
        return self.merge_requests[iid]

    def project_json(self) -> dict:
        return {"id": self.project_id, "path_with_namespace": self.path, "default_branch": self.default_branch,
                "web_url": f"https://gitlab.example/{self.path}", "name": self.path.rsplit("/", 1)[-1]}

    def mr_json(self, mr: dict) -> dict:
        return {"id": 1000 + mr["iid"], "iid": mr["iid"], "project_id": self.project_id,
                "source_project_id": self.project_id, "target_project_id": self.project_id,
                "title": mr["title"], "description": mr["description"], "state": mr["state"],
                "draft": mr["title"].startswith(("Draft:", "[Draft]", "(Draft)")),
                "source_branch": mr["source_branch"], "target_branch": mr["target_branch"],
                "sha": self.head_sha(mr["source_branch"], mr["sha"]), "labels": mr["labels"],
                "reviewers": [{"id": i, "username": self._name(i)} for i in mr["reviewer_ids"]],
                "assignees": [{"id": i, "username": self._name(i)} for i in mr["assignee_ids"]],
                "updated_at": mr["updated_at"],
                "web_url": f"https://gitlab.example/{self.path}/-/merge_requests/{mr['iid']}"}

    def _name(self, user_id: int) -> str:
        return next(name for name, i in self.users.items() if i == user_id)

    def route(self, method: str, path: str, query: dict, body):
        project = re.fullmatch(r"/api/v4/projects/([^/]+)(/.*)?", path)
        if path == "/api/v4/users" and method == "GET":
            found = [{"id": i, "username": n, "name": n.title()} for n, i in self.users.items()
                     if n == query.get("username")]
            return "users", lambda: (200, found)
        if not project or unquote(project.group(1)) not in (self.path, str(self.project_id)):
            return "unknown", lambda: (404, {"message": "404 Project Not Found"})
        rest = project.group(2) or ""
        if rest == "" and method == "GET":
            return "project", lambda: (200, self.project_json())
        if rest == "/merge_requests" and method == "GET":
            return "list", lambda: (200, self._list(query))
        if rest == "/merge_requests" and method == "POST":
            return "create", lambda: self._create(body)
        one = re.fullmatch(r"/merge_requests/(\d+)(/notes)?", rest)
        if one and int(one.group(1)) in self.merge_requests:
            mr = self.merge_requests[int(one.group(1))]
            if one.group(2) and method == "POST":
                return "note", lambda: self._note(mr, body)
            if not one.group(2) and method == "PUT":
                return "update", lambda: self._update(mr, body)
        return "unknown", lambda: (404, {"message": "404 Not found"})

    def _list(self, query: dict) -> list[dict]:
        found = [mr for mr in self.merge_requests.values()
                 if mr["source_branch"] == query.get("source_branch", mr["source_branch"])
                 and query.get("state", "all") in ("all", mr["state"])]
        return [self.mr_json(mr) for mr in sorted(found, key=lambda mr: mr["updated_at"], reverse=True)]

    def _create(self, body: dict):
        if any(mr["source_branch"] == body["source_branch"] and mr["state"] == "opened"
               for mr in self.merge_requests.values()):
            return 409, {"message": ["Another open merge request already exists for this source branch"]}
        mr = self.seed(body["source_branch"], "opened", title=body["title"])
        mr.update(description=body.get("description", ""), target_branch=body["target_branch"],
                  updated_at="2026-02-01T00:00:00Z")
        return 201, self.mr_json(mr)

    def _update(self, mr: dict, body: dict):
        for key in ("title", "description"):
            if key in body:
                mr[key] = body[key]
        if "labels" in body:
            # GitLab takes a comma-separated string or a JSON array.
            given = body["labels"].split(",") if isinstance(body["labels"], str) else body["labels"]
            mr["labels"] = [label for label in given if label]
        for key in ("reviewer_ids", "assignee_ids"):
            if key in body:
                mr[key] = list(body[key])
        return 200, self.mr_json(mr)

    def _note(self, mr: dict, body: dict):
        self.notes.append((mr["iid"], body["body"]))
        return 201, {"id": len(self.notes), "body": body["body"], "noteable_iid": mr["iid"]}

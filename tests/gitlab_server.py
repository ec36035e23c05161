"""A local stand-in for the GitLab REST API v4 endpoints `fixer pr` and `fixer campaign` use, answering
with GitLab's documented JSON shapes (merge requests found by source branch, labels as a comma-separated
string, users by id, merge requests closed by `state_event`, commit statuses, a group's projects with
its subgroups') and recording every request so tests can assert what was sent.

It serves one project, or several (`add_project`, for campaigns): each its own bare git repository."""
from __future__ import annotations

import re
import subprocess
from urllib.parse import unquote

from stand_in import StandIn, branch_head

STATES = ("opened", "closed", "merged", "locked")


class Project:
    """One project's merge requests, notes and commit statuses."""

    def __init__(self, path: str, project_id: int, default_branch: str = "main", bare=None, archived: bool = False):
        self.path, self.project_id, self.default_branch, self.bare, self.archived = \
            path, project_id, default_branch, bare, archived
        self.merge_requests: dict[int, dict] = {}
        self.notes: list[tuple[int, str]] = []
        self.statuses: dict[str, list[dict]] = {}  # sha -> [{"name", "status", "allow_failure"}]

    def seed(self, source_branch: str, state: str, sha: str = "", title: str = "Earlier cleanup") -> dict:
        """A merge request made before the test's runs (a person's, or an earlier fixer run's)."""
        iid = len(self.merge_requests) + 1
        self.merge_requests[iid] = {"iid": iid, "title": title, "description": "", "state": state,
                                    "source_branch": source_branch, "target_branch": self.default_branch,
                                    "sha": sha, "labels": [], "reviewer_ids": [], "assignee_ids": [],
                                    "updated_at": f"2026-01-0{iid}T00:00:00Z"}
        return self.merge_requests[iid]

    def head_sha(self, branch: str, stored: str = "") -> str:
        return stored or branch_head(self.bare, branch)

    def project_json(self) -> dict:
        return {"id": self.project_id, "path_with_namespace": self.path, "default_branch": self.default_branch,
                "web_url": f"https://gitlab.example/{self.path}", "name": self.path.rsplit("/", 1)[-1],
                "archived": self.archived,
                "http_url_to_repo": self.bare.as_uri() if self.bare is not None and hasattr(self.bare, "as_uri")
                else f"https://gitlab.example/{self.path}.git"}

    # -- what a person does on GitLab ---------------------------------------------------------
    def merge(self, iid: int) -> None:
        """Merge as a fast-forward would: the default branch moves to the merge request's head."""
        mr = self.merge_requests[iid]
        sha = self.head_sha(mr["source_branch"])
        subprocess.run(["git", "--git-dir", str(self.bare), "update-ref", f"refs/heads/{self.default_branch}", sha],
                       check=True)
        mr.update(state="merged", sha=sha)

    def close(self, iid: int) -> None:
        self.merge_requests[iid]["state"] = "closed"


class FakeGitLab(StandIn):
    def __init__(self, token: str, path: str = "acme/platform/service", default_branch: str = "main",
                 bare=None, users: dict[str, int] | None = None):
        super().__init__(token, bare)
        self.users = users if users is not None else {"alice": 7, "bob": 8}
        self.projects: dict[str, Project] = {}
        self.first = self.add_project(path, bare, default_branch)

    # The first project, as the single-project tests know it.
    @property
    def path(self) -> str:
        return self.first.path

    @property
    def project_id(self) -> int:
        return self.first.project_id

    @property
    def merge_requests(self) -> dict[int, dict]:
        return self.first.merge_requests

    @property
    def notes(self) -> list[tuple[int, str]]:
        return self.first.notes

    def seed(self, source_branch: str, state: str, sha: str = "", title: str = "Earlier cleanup") -> dict:
        return self.first.seed(source_branch, state, sha, title)

    def add_project(self, path: str, bare=None, default_branch: str = "main", archived: bool = False) -> Project:
        project = Project(path, 42 + len(self.projects), default_branch, bare, archived)
        self.projects[path] = project
        return project

    def authorized(self, headers, path: str) -> bool:
        return self.token in (headers.get("PRIVATE-TOKEN"), headers.get("JOB-TOKEN"))

    def _project(self, key: str) -> Project | None:
        key = unquote(key)
        return next((p for p in self.projects.values() if key in (p.path, str(p.project_id))), None)

    def mr_json(self, mr: dict, project: Project | None = None) -> dict:
        project = project or self.first
        return {"id": 1000 + mr["iid"], "iid": mr["iid"], "project_id": project.project_id,
                "source_project_id": project.project_id, "target_project_id": project.project_id,
                "title": mr["title"], "description": mr["description"], "state": mr["state"],
                "draft": mr["title"].startswith(("Draft:", "[Draft]", "(Draft)")),
                "source_branch": mr["source_branch"], "target_branch": mr["target_branch"],
                "sha": project.head_sha(mr["source_branch"], mr["sha"]), "labels": mr["labels"],
                "reviewers": [{"id": i, "username": self._name(i)} for i in mr["reviewer_ids"]],
                "assignees": [{"id": i, "username": self._name(i)} for i in mr["assignee_ids"]],
                "updated_at": mr["updated_at"],
                "web_url": f"https://gitlab.example/{project.path}/-/merge_requests/{mr['iid']}"}

    def _name(self, user_id: int) -> str:
        return next(name for name, i in self.users.items() if i == user_id)

    def route(self, method: str, path: str, query: dict, body):
        found = re.fullmatch(r"/api/v4/projects/([^/]+)(/.*)?", path)
        if path == "/api/v4/users" and method == "GET":
            users = [{"id": i, "username": n, "name": n.title()} for n, i in self.users.items()
                     if n == query.get("username")]
            return "users", lambda: (200, users)
        group = re.fullmatch(r"/api/v4/groups/([^/]+)/projects", path)
        if group and method == "GET":
            return "group-projects", lambda: self._group_projects(unquote(group.group(1)), query)
        project = self._project(found.group(1)) if found else None
        if project is None:
            return "unknown", lambda: (404, {"message": "404 Project Not Found"})
        rest = found.group(2) or ""
        if rest == "" and method == "GET":
            return "project", lambda: (200, project.project_json())
        if rest == "/merge_requests" and method == "GET":
            return "list", lambda: (200, self._list(project, query))
        if rest == "/merge_requests" and method == "POST":
            return "create", lambda: self._create(project, body)
        statuses = re.fullmatch(r"/repository/commits/([0-9a-f]{40})/statuses", rest)
        if statuses and method == "GET":
            return "statuses", lambda: (200, project.statuses.get(statuses.group(1), []))
        one = re.fullmatch(r"/merge_requests/(\d+)(/notes)?", rest)
        if one and int(one.group(1)) in project.merge_requests:
            mr = project.merge_requests[int(one.group(1))]
            if one.group(2) and method == "POST":
                return "note", lambda: self._note(project, mr, body)
            if not one.group(2) and method == "PUT":
                return "update", lambda: self._update(project, mr, body)
            if not one.group(2) and method == "GET":
                return "get", lambda: (200, self.mr_json(mr, project))
        return "unknown", lambda: (404, {"message": "404 Not found"})

    def _group_projects(self, group: str, query: dict):
        if not any(p.path.startswith(group + "/") for p in self.projects.values()):
            return 404, {"message": "404 Group Not Found"}
        # GitLab reads booleans as Ruby's Grape does: true/True/1 alike.
        nested = query.get("include_subgroups", "").lower() in ("true", "1")
        live_only = query.get("archived", "").lower() in ("false", "0")
        found = [p for p in self.projects.values() if p.path.startswith(group + "/")
                 and (nested or "/" not in p.path[len(group) + 1:]) and not (live_only and p.archived)]
        return 200, [p.project_json() for p in sorted(found, key=lambda p: p.path)]

    def _list(self, project: Project, query: dict) -> list[dict]:
        found = [mr for mr in project.merge_requests.values()
                 if mr["source_branch"] == query.get("source_branch", mr["source_branch"])
                 and query.get("state", "all") in ("all", mr["state"])]
        order = "iid" if query.get("order_by") == "created_at" else "updated_at"
        return [self.mr_json(mr, project) for mr in sorted(found, key=lambda mr: mr[order], reverse=True)]

    def _create(self, project: Project, body: dict):
        if any(mr["source_branch"] == body["source_branch"] and mr["state"] == "opened"
               for mr in project.merge_requests.values()):
            return 409, {"message": ["Another open merge request already exists for this source branch"]}
        mr = project.seed(body["source_branch"], "opened", title=body["title"])
        mr.update(description=body.get("description", ""), target_branch=body["target_branch"],
                  updated_at="2026-02-01T00:00:00Z")
        return 201, self.mr_json(mr, project)

    def _update(self, project: Project, mr: dict, body: dict):
        if body.get("state_event") == "close" and mr["state"] == "opened":
            mr["state"] = "closed"
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
        return 200, self.mr_json(mr, project)

    def _note(self, project: Project, mr: dict, body: dict):
        project.notes.append((mr["iid"], body["body"]))
        return 201, {"id": len(self.notes), "body": body["body"], "noteable_iid": mr["iid"]}

"""A local stand-in for the GitHub REST endpoints a campaign uses, over many repositories at once:
repositories and an organisation's listing, pull requests (open, draft, merged, closed; GitHub's 422
for a second open PR from the same branch), labels, commit statuses and check runs. Each repository
is a local bare git repository, served to git as its clone URL (file://). Every request is recorded.

Tests can merge or close a PR as a person would, make the next N answers to a path a 429 with
Retry-After, or hold the answer to a pull request's creation (to kill a run while it waits)."""
from __future__ import annotations

import json
import re
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from local_server import JsonHandler, LocalServer

REPO_PATH = re.compile(r"^/repos/(?P<owner>[\w.-]+)/(?P<name>[\w.-]+)(?P<rest>/.*)?$")



class FakeForge(LocalServer):
    def __init__(self, org: str = "acme"):
        self.org = org
        self.repos: dict[str, dict] = {}  # full name -> {"path": bare repo, "archived": bool}
        self.pulls: dict[str, dict[int, dict]] = {}
        self.requests: list[dict] = []
        self.statuses: dict[str, list[dict]] = {}  # sha -> commit statuses
        self.check_runs: dict[str, list[dict]] = {}  # sha -> check runs
        self.throttled: dict[str, int] = {}  # path -> how many more answers are a rate limit
        self.throttle_status = 429  # or 403, GitHub's secondary rate limit
        self.hold_create: dict[str, threading.Event] = {}  # full name -> released when set
        self.lock = threading.Lock()
        self._serve()

    def __exit__(self, *exc):
        for event in self.hold_create.values():
            event.set()
        super().__exit__(*exc)

    def add_repo(self, full: str, path: Path, archived: bool = False) -> None:
        self.repos[full] = {"path": Path(path), "archived": archived}
        self.pulls[full] = {}

    # -- what a person does on the forge ----------------------------------------------------
    def merge(self, full: str, number: int) -> None:
        """Merge as GitHub's fast-forward would: main moves to the PR's head."""
        pull = self.pulls[full][number]
        sha = self.branch_sha(full, pull["head"])
        subprocess.run(["git", "--git-dir", str(self.repos[full]["path"]), "update-ref", "refs/heads/main", sha],
                       check=True)
        pull.update(state="closed", merged=True, sha=sha)

    def close(self, full: str, number: int) -> None:
        self.pulls[full][number].update(state="closed")

    def created(self, full: str | None = None) -> list[dict]:
        return [r for r in self.requests if r["method"] == "POST" and r["path"].endswith("/pulls")
                and (full is None or r["path"] == f"/repos/{full}/pulls")]

    # -- GitHub's shapes ------------------------------------------------------------------
    def branch_sha(self, full: str, branch: str) -> str | None:
        proc = subprocess.run(["git", "--git-dir", str(self.repos[full]["path"]), "rev-parse", "--verify", "-q",
                               f"refs/heads/{branch}"], capture_output=True, text=True)
        return proc.stdout.strip() or None

    def repo_json(self, full: str) -> dict:
        owner, name = full.split("/")
        return {"id": abs(hash(full)) % 10**8, "name": name, "full_name": full, "private": False,
                "owner": {"login": owner, "id": 2, "type": "Organization"}, "archived": self.repos[full]["archived"],
                "html_url": f"https://github.example/{full}", "url": f"{self.url}/repos/{full}",
                "clone_url": self.repos[full]["path"].as_uri(), "default_branch": "main"}

    def pull_json(self, full: str, pull: dict) -> dict:
        owner = full.split("/")[0]
        number = pull["number"]
        sha = self.branch_sha(full, pull["head"]) or pull["sha"]
        pull["sha"] = sha  # GitHub keeps showing the last tip after the branch is deleted
        return {"id": 1000 + number, "number": number, "state": pull["state"], "title": pull["title"],
                "body": pull["body"], "draft": pull["draft"], "merged": pull["merged"],
                "merged_at": "2026-03-01T12:00:00Z" if pull["merged"] else None,
                "url": f"{self.url}/repos/{full}/pulls/{number}",
                "html_url": f"https://github.example/{full}/pull/{number}",
                "issue_url": f"{self.url}/repos/{full}/issues/{number}",
                "head": {"ref": pull["head"], "sha": sha, "label": f"{owner}:{pull['head']}",
                         "repo": self.repo_json(full)},
                "base": {"ref": pull["base"], "label": f"{owner}:{pull['base']}", "repo": self.repo_json(full)},
                "labels": [{"name": label} for label in pull["labels"]]}

    def _handler(self):
        fake = self

        class Handler(JsonHandler):
            content_type = "application/json; charset=utf-8"

            def _route(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                parsed = urlparse(self.path)
                query = parse_qs(parsed.query)
                fake.requests.append({"method": method, "path": parsed.path, "query": query, "body": body,
                                      "authorization": self.headers.get("Authorization"), "time": time.monotonic()})
                with fake.lock:
                    left = fake.throttled.get(parsed.path, 0)
                    if left:
                        fake.throttled[parsed.path] = left - 1
                if left:
                    message = "You have exceeded a secondary rate limit. Please wait a few minutes."
                    return self._send(fake.throttle_status, {"message": message}, {"Retry-After": "1"})
                if parsed.path == f"/orgs/{fake.org}" and method == "GET":
                    return self._send(200, {"login": fake.org, "id": 7, "url": f"{fake.url}/orgs/{fake.org}",
                                            "repos_url": f"{fake.url}/orgs/{fake.org}/repos"})
                if parsed.path == f"/orgs/{fake.org}/repos" and method == "GET":
                    return self._send(200, [fake.repo_json(full) for full in sorted(fake.repos)
                                            if full.startswith(f"{fake.org}/")])
                match = REPO_PATH.match(parsed.path)
                full = f"{match['owner']}/{match['name']}" if match else None
                if full not in fake.repos:
                    return self._send(404, {"message": "Not Found"})
                return self._repo(method, full, match["rest"] or "", query, body)

            def _repo(self, method, full, rest, query, body):
                pulls = fake.pulls[full]
                if rest == "" and method == "GET":
                    return self._send(200, fake.repo_json(full))
                if rest == "/pulls" and method == "GET":
                    state = query.get("state", ["open"])[0]
                    head = query.get("head", [None])[0]
                    found = [p for n, p in sorted(pulls.items(), reverse=True)
                             if (state == "all" or p["state"] == state)
                             and (head is None or f"{full.split('/')[0]}:{p['head']}" == head)]
                    return self._send(200, [fake.pull_json(full, p) for p in found])
                if rest == "/pulls" and method == "POST":
                    with fake.lock:
                        if any(p["head"] == body["head"] and p["state"] == "open" for p in pulls.values()):
                            return self._send(422, {"message": "Validation Failed", "errors": [
                                {"resource": "PullRequest", "code": "custom",
                                 "message": f"A pull request already exists for {body['head']}."}]})
                        number = len(pulls) + 1
                        pulls[number] = {"number": number, "title": body["title"], "body": body.get("body", ""),
                                         "head": body["head"], "base": body["base"], "draft": body.get("draft", False),
                                         "state": "open", "merged": False, "labels": [], "sha": None}
                    held = fake.hold_create.get(full)
                    if held is not None:
                        held.wait(60)  # the PR exists; the client has not heard so yet
                    return self._send(201, fake.pull_json(full, pulls[number]))
                found = re.fullmatch(r"/(pulls|issues)/(\d+)(/labels|/comments)?", rest)
                if found and int(found[2]) in pulls:
                    pull = pulls[int(found[2])]
                    if found[3] is None and method == "GET":
                        return self._send(200, fake.pull_json(full, pull))
                    if found[3] is None and method == "PATCH":
                        pull.update({k: v for k, v in body.items() if k in ("title", "body", "base", "state")})
                        return self._send(200, fake.pull_json(full, pull))
                    if found[3] == "/comments" and method == "POST":  # fixer's note that the branch moved
                        pull.setdefault("comments", []).append(body["body"])
                        return self._send(201, {"id": len(pull["comments"]), "body": body["body"]})
                    if found[3] == "/labels" and method in ("PUT", "POST"):
                        labels = body["labels"] if isinstance(body, dict) else body
                        pull["labels"] = labels if method == "PUT" else pull["labels"] + labels
                        return self._send(200, [{"name": label} for label in pull["labels"]])
                commit = re.fullmatch(r"/commits/([0-9a-f]{40})(/status|/check-runs)?", rest)
                if commit and method == "GET":
                    sha = commit[1]
                    if commit[2] is None:
                        return self._send(200, {"sha": sha, "url": f"{fake.url}/repos/{full}/commits/{sha}",
                                                "commit": {"message": ""}})
                    if commit[2] == "/status":
                        statuses = fake.statuses.get(sha, [])
                        return self._send(200, {"sha": sha, "state": "success", "total_count": len(statuses),
                                                "statuses": statuses})
                    runs = fake.check_runs.get(sha, [])
                    return self._send(200, {"total_count": len(runs), "check_runs": runs})
                return self._send(404, {"message": "Not Found"})

        return Handler

"""A local stand-in for the GitHub REST endpoints `fixer pr` uses, answering with GitHub's documented
JSON shapes and recording every request so tests can assert what was sent."""
from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlparse

from local_server import JsonHandler, LocalServer


class FakeGitHub(LocalServer):
    def __init__(self, owner: str = "acme", name: str = "service", default_branch: str = "main"):
        self.owner, self.name, self.default_branch = owner, name, default_branch
        self.requests: list[dict] = []
        self.pulls: dict[int, dict] = {}
        self._serve()

    # -- GitHub's shapes ------------------------------------------------------------------
    def repo_json(self) -> dict:
        full = f"{self.owner}/{self.name}"
        return {"id": 1, "name": self.name, "full_name": full, "private": False,
                "owner": {"login": self.owner, "id": 2, "type": "Organization"},
                "html_url": f"https://github.example/{full}", "url": f"{self.url}/repos/{full}",
                "default_branch": self.default_branch}

    def pull_json(self, pull: dict) -> dict:
        full = f"{self.owner}/{self.name}"
        number = pull["number"]
        return {"id": 100 + number, "number": number, "state": pull.get("state", "open"), "title": pull["title"],
                "body": pull["body"], "merged_at": pull.get("merged_at"),
                "draft": pull["draft"], "url": f"{self.url}/repos/{full}/pulls/{number}",
                "html_url": f"https://github.example/{full}/pull/{number}",
                "issue_url": f"{self.url}/repos/{full}/issues/{number}",
                "head": {"ref": pull["head"], "label": f"{self.owner}:{pull['head']}", "sha": pull.get("sha", ""),
                         "repo": self.repo_json()},
                "base": {"ref": pull["base"], "label": f"{self.owner}:{pull['base']}", "repo": self.repo_json()},
                "labels": [{"name": label} for label in pull["labels"]],
                "requested_reviewers": [{"login": r} for r in pull["reviewers"]],
                "assignees": [{"login": a} for a in pull.get("assignees", [])]}

    def _handler(self):
        fake = self

        class Handler(JsonHandler):
            content_type = "application/json; charset=utf-8"

            def _route(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                parsed = urlparse(self.path)
                fake.requests.append({"method": method, "path": parsed.path, "query": parse_qs(parsed.query),
                                      "body": body, "authorization": self.headers.get("Authorization"),
                                      "raw": raw.decode("utf-8", "replace")})
                base = f"/repos/{fake.owner}/{fake.name}"
                if method == "GET" and parsed.path == base:
                    return self._send(200, fake.repo_json())
                if parsed.path == f"{base}/pulls" and method == "GET":
                    query = parse_qs(parsed.query)
                    head, state = query.get("head", [""])[0], query.get("state", ["open"])[0]
                    found = [fake.pull_json(p) for p in fake.pulls.values() if f"{fake.owner}:{p['head']}" == head
                             and state in ("all", p.get("state", "open"))]
                    return self._send(200, found)
                if parsed.path == f"{base}/pulls" and method == "POST":
                    number = len(fake.pulls) + 1
                    fake.pulls[number] = {"number": number, "title": body["title"], "body": body.get("body", ""),
                                          "head": body["head"], "base": body["base"], "draft": body.get("draft", False),
                                          "labels": [], "reviewers": []}
                    return self._send(201, fake.pull_json(fake.pulls[number]))
                extra = "/labels|/requested_reviewers|/comments|/assignees"
                match = re.fullmatch(rf"{base}/(pulls|issues)/(\d+)({extra})?", parsed.path)
                if match and int(match.group(2)) in fake.pulls:
                    pull = fake.pulls[int(match.group(2))]
                    if match.group(3) is None and method == "GET":
                        return self._send(200, fake.pull_json(pull))
                    if match.group(3) == "/comments" and method == "POST":
                        pull.setdefault("comments", []).append(body["body"])
                        return self._send(201, {"id": len(pull["comments"]), "body": body["body"]})
                    if match.group(3) == "/assignees" and method == "POST":
                        pull["assignees"] = pull.get("assignees", []) + body["assignees"]
                        return self._send(201, fake.pull_json(pull))
                    if match.group(3) is None and method == "PATCH":
                        pull.update({k: v for k, v in body.items() if k in ("title", "body", "base")})
                        return self._send(200, fake.pull_json(pull))
                    if match.group(3) == "/labels" and method in ("PUT", "POST"):
                        labels = body["labels"] if isinstance(body, dict) else body
                        pull["labels"] = labels if method == "PUT" else pull["labels"] + labels
                        return self._send(200, [{"name": label} for label in pull["labels"]])
                    if match.group(3) == "/requested_reviewers" and method == "POST":
                        pull["reviewers"] = body.get("reviewers", [])
                        return self._send(201, fake.pull_json(pull))
                return self._send(404, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"})

        return Handler

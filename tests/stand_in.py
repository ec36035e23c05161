"""The plumbing shared by the local forge stand-ins (gitlab_server.py, gitea_server.py): a threaded
HTTP server on 127.0.0.1 that records every request, checks the token the way the forge does, and can
be told to fail a route with a status code or to hang past the client's timeout."""
from __future__ import annotations

import json
import threading
import time
from urllib.parse import parse_qs, urlparse

import git

from local_server import JsonHandler, LocalServer

HANG_SECONDS = 3.0  # longer than the --timeout the tests give fixer, short enough to end the test quickly


def branch_head(bare, branch: str) -> str:
    """The branch's tip in a bare repository (a git.Repo or its path), "" when it has none."""
    if bare is None:
        return ""
    try:
        return (bare if isinstance(bare, git.Repo) else git.Repo(bare)).commit(f"refs/heads/{branch}").hexsha
    except (git.BadName, ValueError):
        return ""



class StandIn(LocalServer):
    def __init__(self, token: str, bare: git.Repo | None = None):
        self.token = token
        self.bare = bare  # the remote the branch is pushed to: a request's head sha is read from it
        self.requests: list[dict] = []
        self.fail: dict[str, tuple[int, object]] = {}  # route name -> (status, JSON body)
        self.hang: set[str] = set()  # route names that answer only after HANG_SECONDS
        self.throttled: dict[str, int] = {}  # route name -> how many more answers are a 429 with Retry-After: 1
        self.lock = threading.Lock()
        self._serve()

    def head_sha(self, branch: str, stored: str = "") -> str:
        return stored or branch_head(self.bare, branch)

    def calls(self, route: str) -> list[dict]:
        return [r for r in self.requests if r["route"] == route]

    # -- for the forge's subclass ------------------------------------------------------------
    def authorized(self, headers, path: str) -> bool:
        raise NotImplementedError

    def route(self, method: str, path: str, query: dict, body):
        """(route name, action): the action does the request's work and returns (status, JSON answer);
        a failing route is answered without running it, as a server that refused the request would."""
        raise NotImplementedError

    def _handler(self):
        stand_in = self

        class Handler(JsonHandler):
            def _route(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = parse_qs(raw.decode())
                parsed = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(parsed.query).items()}
                record = {"method": self.command, "path": parsed.path, "query": query, "body": body,
                          "headers": dict(self.headers), "raw": raw.decode("utf-8", "replace"), "route": "",
                          "time": time.monotonic()}
                stand_in.requests.append(record)
                if not stand_in.authorized(self.headers, parsed.path):
                    return self._send(401, {"message": "401 Unauthorized"})
                name, action = stand_in.route(self.command, parsed.path, query, body)
                record["route"] = name
                with stand_in.lock:
                    limited = stand_in.throttled.get(name, 0)
                    if limited:
                        stand_in.throttled[name] = limited - 1
                if limited:
                    return self._send(429, {"message": "429 Too Many Requests"}, {"Retry-After": "1"})
                if name in stand_in.hang:
                    time.sleep(HANG_SECONDS)
                status, answer = stand_in.fail[name] if name in stand_in.fail else action()
                try:
                    self._send(status, answer)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            def do_DELETE(self):
                self._route("DELETE")

        return Handler

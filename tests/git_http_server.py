"""A git remote over smart HTTP on 127.0.0.1, shaped like GitHub for a public repository: anyone may
fetch, a push needs HTTP Basic credentials (`x-access-token` and the token). Requests are served by
git's own CGI program, `git http-backend`; every request is recorded for the test to inspect."""
from __future__ import annotations

import base64
import os
import subprocess
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit

from local_server import LocalServer


class GitHttpServer(LocalServer):
    def __init__(self, projects: Path, token: str):
        self.projects, self.token = projects, token
        self.requests: list[dict] = []
        self._serve()

    def allowed(self, authorization: str) -> bool:
        expected = base64.b64encode(f"x-access-token:{self.token}".encode()).decode()
        return authorization == f"Basic {expected}"

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _serve(self):
                url = urlsplit(self.path)
                authorization = self.headers.get("Authorization", "")
                pushing = "git-receive-pack" in url.path or "service=git-receive-pack" in url.query
                server.requests.append({"method": self.command, "path": self.path, "authorization": authorization,
                                        "push": pushing})
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else self._chunked()
                if pushing and not server.allowed(authorization):
                    self.send_response(401)
                    self.send_header("WWW-Authenticate", 'Basic realm="git"')
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                env = {**os.environ, "GIT_PROJECT_ROOT": str(server.projects), "GIT_HTTP_EXPORT_ALL": "1",
                       "PATH_INFO": url.path, "QUERY_STRING": url.query, "REQUEST_METHOD": self.command,
                       "CONTENT_TYPE": self.headers.get("Content-Type", ""), "REMOTE_ADDR": "127.0.0.1",
                       "CONTENT_LENGTH": str(len(body)),
                       "HTTP_CONTENT_ENCODING": self.headers.get("Content-Encoding", ""),
                       "GIT_PROTOCOL": self.headers.get("Git-Protocol", "")}
                if pushing:
                    env["REMOTE_USER"] = "x-access-token"
                done = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True, timeout=60)
                head, _, payload = done.stdout.partition(b"\r\n\r\n")
                status, headers = 200, []
                for line in head.decode("latin-1").split("\r\n"):
                    key, _, value = line.partition(": ")
                    if key.lower() == "status":
                        status = int(value.split()[0])
                    elif key:
                        headers.append((key, value))
                self.send_response(status)
                for key, value in headers:
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def _chunked(self) -> bytes:
                if self.headers.get("Transfer-Encoding", "").lower() != "chunked":
                    return b""
                data = b""
                while True:
                    size = int(self.rfile.readline().strip() or b"0", 16)
                    if size == 0:
                        self.rfile.readline()
                        return data
                    data += self.rfile.read(size)
                    self.rfile.readline()

            do_GET = do_POST = _serve

        return Handler

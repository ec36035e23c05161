"""A redirect to another host never carries the GitLab or Gitea token there (GitHub's case is in
test_secrets_and_repo_code.py)."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import git
import pytest

from conftest import init_repo, run_cli, with_debug_logs

TOKEN = "glpat-REDIRECT_TOKEN_0123456789"
WORKER = 'def start():\n    with open("/tmp/worker_debug.log", "a") as f:\n        f.write("x")\n    serve()\n'


class Server:
    """Answers every request with `answer(handler) -> (status, headers)` and records the headers."""

    def __init__(self, host: str, answer):
        self.seen: list[dict] = []
        server_self = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                server_self.seen.append({"path": self.path, **dict(self.headers)})
                status, headers = answer(self)
                self.send_response(status)
                for key, value in {**headers, "Content-Type": "application/json", "Content-Length": "2"}.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(b"{}")

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.parametrize("forge, variable, header", [("gitlab", "GITLAB_TOKEN", "PRIVATE-TOKEN"),
                                                     ("gitea", "GITEA_TOKEN", "Authorization")])
def test_a_redirect_to_another_host_never_carries_the_token_there(tmp_path, forge, variable, header):
    repo = init_repo(tmp_path / "svc", with_debug_logs({"app/worker.py": WORKER}))
    assert run_cli("apply", cwd=repo.working_tree_dir).exit_code == 0
    bare = git.Repo.init(tmp_path / "remote.git", bare=True, initial_branch="main")
    repo.create_remote("origin", str(bare.git_dir))
    repo.git.push("origin", "main")
    elsewhere = Server("localhost", lambda h: (404, {}))
    moved = Server("127.0.0.1", lambda h: (302, {"Location": f"http://localhost:{elsewhere.port}{h.path}"}))
    try:
        result = run_cli("pr", "--forge", forge, "--repo", "acme/service",
                         "--api-url", f"http://127.0.0.1:{moved.port}", cwd=repo.working_tree_dir, env={variable: TOKEN})
    finally:
        moved.close()
        elsewhere.close()
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert moved.seen and all(TOKEN in r[header] for r in moved.seen)  # the API host it was given
    assert all(TOKEN not in str(r) for r in elsewhere.seen)
    assert TOKEN not in result.stdout + result.stderr
    assert "fixer/cleanup" not in [ref.name for ref in bare.references]

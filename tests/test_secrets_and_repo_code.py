"""Secrets never shown (credentials in remote URLs, tokens in API errors and redirects), and nothing
from the repository being fixed is ever imported or run."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import git

from conftest import init_repo as _init_repo, run_cli, with_debug_logs


def init_repo(root, files=None, **options):
    """A test repo whose fixer.toml lists the debug logs, so `remove-debug-file-writes` removes them."""
    return _init_repo(root, with_debug_logs(files), **options)


WORKER = 'def start():\n    with open("/tmp/worker_debug.log", "a") as f:\n        f.write("x")\n    serve()\n'
SECRET = "ghs_REMOTE_SECRET_0123456789"
TOKEN = "ghp_FAKE_TOKEN_0123456789abcdef"


def built_repo(root: Path) -> git.Repo:
    repo = init_repo(root, {"app/worker.py": WORKER})
    assert run_cli("apply", cwd=root).exit_code == 0
    return repo


# -- credentials in remote URLs --------------------------------------------------------------------------

def test_pr_dry_run_never_prints_the_credentials_of_the_remote_url(tmp_path):
    repo = built_repo(tmp_path / "r")
    repo.create_remote("origin", f"http://x-access-token:{SECRET}@127.0.0.1:9/acme/service.git")
    result = run_cli("pr", "--dry-run", "--base", "main", cwd=tmp_path / "r")
    assert result.exit_code == 0, result
    assert "would push fixer/cleanup to origin (http://127.0.0.1:9/acme/service.git)" in result.stdout
    assert SECRET not in result.stdout + result.stderr and "x-access-token" not in result.stdout + result.stderr


def test_pr_errors_never_show_the_credentials_of_the_remote_url(tmp_path):
    repo = built_repo(tmp_path / "r")
    repo.create_remote("origin", f"http://x-access-token:{SECRET}@127.0.0.1:9/acme/service.git")
    result = run_cli("pr", "--repo", "acme/service", cwd=tmp_path / "r", env={"GITHUB_TOKEN": TOKEN})
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1 and "cannot reach origin" in errors[0]
    assert SECRET not in result.stderr + result.stdout and TOKEN not in result.stderr + result.stdout


def test_scrub_strips_userinfo_from_every_url_and_the_token():
    from fixer.forge.pr import _scrub

    text = "push to https://user:p@ss@github.com/o/r.git failed; ssh://git@host/o/r; token abc123 in http://abc123@h/x"
    assert _scrub(text, "abc123") == "push to https://github.com/o/r.git failed; ssh://host/o/r; token *** in http://h/x"
    assert _scrub("git@github.com:o/r.git") == "git@github.com:o/r.git"  # scp-style: no secret in it


# -- tokens in API errors and redirects -----------------------------------------------------------------

class Recorder:
    """A local HTTP server answering every request with `answer(handler) -> (status, headers, body)`."""

    def __init__(self, answer, host: str = "127.0.0.1"):
        self.requests: list[dict] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _any(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                recorder.requests.append({"path": self.path, "authorization": self.headers.get("Authorization", ""),
                                          "raw": raw.decode("utf-8", "replace")})
                status, headers, body = answer(self)
                data = json.dumps(body).encode()
                self.send_response(status)
                for key, value in {**headers, "Content-Type": "application/json", "Content-Length": str(len(data))}.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PATCH = do_PUT = _any

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def pushed_repo(tmp_path) -> git.Repo:
    repo = built_repo(tmp_path / "r")
    bare = git.Repo.init(tmp_path / "remote.git", bare=True, initial_branch="main")
    repo.create_remote("origin", str(bare.git_dir))
    repo.git.push("origin", "main")
    return repo


def test_a_redirect_to_another_host_never_carries_the_token_there(tmp_path):
    repo = pushed_repo(tmp_path)
    elsewhere = Recorder(lambda h: (200, {}, {}), host="localhost")
    moved = Recorder(lambda h: (301, {"Location": f"http://localhost:{elsewhere.port}{h.path}?access_token={TOKEN}"},
                                {"message": "Moved Permanently"}))
    try:
        result = run_cli("pr", "--repo", "acme/service", "--api-url", f"http://127.0.0.1:{moved.port}",
                         cwd=repo.working_tree_dir, env={"GITHUB_TOKEN": TOKEN})
    finally:
        moved.close()
        elsewhere.close()
    assert result.exit_code == 2
    assert moved.requests and all(TOKEN in r["authorization"] for r in moved.requests)  # the API host it was given
    assert all(TOKEN not in r["authorization"] + r["path"] for r in elsewhere.requests)
    assert TOKEN not in result.stdout + result.stderr


def test_an_api_error_echoing_the_token_is_scrubbed(tmp_path):
    repo = pushed_repo(tmp_path)
    echo = Recorder(lambda h: (401, {}, {"message": f"Bad credentials: {h.headers.get('Authorization')} "
                                                   f"for http://x-access-token:{TOKEN}@127.0.0.1/acme/service"}))
    try:
        result = run_cli("pr", "--repo", "acme/service", "--api-url", f"http://127.0.0.1:{echo.port}",
                         cwd=repo.working_tree_dir, env={"GITHUB_TOKEN": TOKEN})
    finally:
        echo.close()
    assert result.exit_code == 2 and "401" in result.stderr
    assert TOKEN not in result.stdout + result.stderr and "x-access-token" not in result.stderr


# -- nothing from the repository is ever imported or run ------------------------------------------------

def hostile_repo(root: Path, marker: Path) -> git.Repo:
    """Files that run code when imported or executed; each leaves a file in `marker` if it runs."""
    marker.mkdir()

    def payload(name: str) -> str:
        return f"import pathlib\npathlib.Path({str(marker)!r}, {name!r}).write_text('ran')\n"

    files = {name: payload(name) for name in (
        "conftest.py", "setup.py", "sitecustomize.py", "usercustomize.py", "typer.py", "libcst.py", "git.py",
        "rich.py", "github.py", "unidiff.py", "tomllib.py", "rules/__init__.py", "rules/evil.py",
        "app/conftest.py", "app/__init__.py")}
    files["evil.pth"] = f"import pathlib; pathlib.Path({str(marker)!r}, 'pth').write_text('ran')\n"
    files["app/worker.py"] = WORKER
    files["docs/RELEASE.md"] = "# Release\n\n- [ ] Remove all `/tmp/worker_debug.log` writes\n"
    files["fixer.toml"] = '[rules.remove-debug-file-writes]\nfiles = ["/tmp/*debug*.log"]\n'
    hook = root / ".githooks/reference-transaction"
    files[".githooks/reference-transaction"] = f"#!/bin/sh\ntouch {marker}/hook\n"
    repo = init_repo(root, files)
    hook.chmod(0o755)
    repo.git.config("core.hooksPath", ".githooks")  # hooks kept in the repo, as husky and others do
    bare = git.Repo.init(root.parent / "remote.git", bare=True, initial_branch="main")
    repo.create_remote("origin", str(bare.git_dir))
    return repo


def test_no_code_from_the_repository_is_ever_imported_or_run(tmp_path):
    marker = tmp_path / "ran"
    repo = hostile_repo(tmp_path / "r", marker)
    root = tmp_path / "r"
    for args in (["check"], ["diff"], ["apply", "--dry-run"], ["apply"], ["checklist", "docs/RELEASE.md", "--apply",
                 "--branch", "fixer/checklist"], ["pr", "--dry-run", "--base", "main"], ["rules"],
                 ["check", "--rule", "evil"], ["apply", "--in-place", "--force"]):
        result = run_cli(*args, cwd=root)
        assert result.exit_code in (0, 1, 2) and "Traceback" not in result.stderr, (args, result)
        assert sorted(p.name for p in marker.iterdir()) == [], args
    assert "with open" not in (root / "app/worker.py").read_text()
    # Separate processes, started in the repository: the installed command and `python -m fixer`.
    repo.git.checkout("--", ".")
    script = Path(sys.executable).with_name("fixer")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    for command in ([str(script), "apply", "--in-place", "--force"], [sys.executable, "-m", "fixer", "apply", "--branch",
                                                                       "fixer/again"]):
        proc = subprocess.run(command, cwd=root, capture_output=True, text=True, env=env, timeout=300)
        assert proc.returncode == 0, (command, proc.stderr)
        assert sorted(p.name for p in marker.iterdir()) == [], command

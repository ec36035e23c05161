"""Shared helpers: temp git repos, running the real CLI, and the real Elixir toolchain as oracle."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import git
import pytest
from typer.testing import CliRunner

from fixer.cli.app import app

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# Each test pins what one run does: no result cache carries work over from an earlier run of the same
# test (tests/test_cache.py turns it back on, and checks that the outputs are the same both ways).
os.environ.setdefault("FIXER_NO_CACHE", "1")
SAMPLE = FIXTURES / "sample-service"


def write_files(root: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")


def init_repo(root: Path, files: dict[str, str | bytes] | None = None, identity: bool = True) -> git.Repo:
    root.mkdir(parents=True, exist_ok=True)
    if files:
        write_files(root, files)
    repo = git.Repo.init(root, initial_branch="main")
    with repo.config_writer() as config:
        if identity:
            config.set_value("user", "name", "Test Maintainer")
            config.set_value("user", "email", "maintainer@example.com")
        config.set_value("commit", "gpgsign", "false")
    if files:
        repo.git.add("-A")
        repo.git.commit("-m", "initial", env=_commit_env(identity))
    return repo


def _commit_env(identity: bool) -> dict[str, str]:
    if identity:
        return {}
    return {"GIT_AUTHOR_NAME": "Seed", "GIT_AUTHOR_EMAIL": "seed@example.com",
            "GIT_COMMITTER_NAME": "Seed", "GIT_COMMITTER_EMAIL": "seed@example.com"}


@pytest.fixture
def sample_repo(tmp_path) -> git.Repo:
    """A git repo holding a copy of the bundled sample service."""
    root = tmp_path / "service"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns("__pycache__", "_build"))
    repo = init_repo(root)
    repo.git.add("-A")
    repo.git.commit("-m", "sample service")
    return repo


def unwrapped(text: str) -> str:
    """Output with each finding's wrapped continuation lines (indented 4) joined back to its first line."""
    return text.replace("\n    ", " ")


class Result:
    def __init__(self, code: int, stdout: str, stderr: str):
        self.exit_code = code
        self.stdout = stdout
        self.stderr = stderr

    def __repr__(self):
        return f"Result(exit={self.exit_code}, stdout={self.stdout[-2000:]!r}, stderr={self.stderr[-2000:]!r})"


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> Result:
    """Run the real CLI in-process (Typer's CliRunner) from `cwd`."""
    runner = CliRunner()
    old = os.getcwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        result = runner.invoke(app, list(args), env=env, catch_exceptions=False)
    finally:
        os.chdir(old)
    return Result(result.exit_code, result.stdout, result.stderr)


def run_fixer_process(*args: str, cwd: Path, env: dict[str, str] | None = None, stdin=None) -> subprocess.CompletedProcess:
    """Run `python -m fixer` as a separate process (for TTY-less and environment behaviour)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "fixer", *args], cwd=cwd, env=full_env, capture_output=True,
                          text=True, stdin=stdin if stdin is not None else subprocess.DEVNULL, timeout=300)


def run_on_terminal(*args: str, cwd: Path, stream: str = "stdout", env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run `python -m fixer` with stdout or stderr on a pseudo-terminal; (exit code, what it showed)."""
    import pty

    leader, follower = pty.openpty()
    full_env = {**{k: v for k, v in os.environ.items() if k != "NO_COLOR"}, "TERM": "xterm-256color", **(env or {})}
    streams = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, stream: follower}
    proc = subprocess.run([sys.executable, "-m", "fixer", *args], cwd=cwd, env=full_env, timeout=300,
                          stdin=subprocess.DEVNULL, **streams)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal is closed once everything was read
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return proc.returncode, b"".join(chunks).decode("utf-8", "replace")


# -- the Elixir toolchain -------------------------------------------------------------------------

def require_tool(name: str) -> str:
    """The tool's path. A missing tool is a failure, never a skip (CI installs it via .ci/run)."""
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed: run the README's test command (it installs Debian's elixir)")
    return path


@pytest.fixture(scope="session")
def elixir_tools():
    require_tool("elixir")
    require_tool("elixirc")
    require_tool("mix")
    return True


def elixir_parses(paths: list[Path]) -> None:
    """Every file parses with the real Elixir parser (Code.string_to_quoted!)."""
    script = "for f <- System.argv(), do: Code.string_to_quoted!(File.read!(f), file: f)"
    proc = subprocess.run(["elixir", "-e", script, *map(str, paths)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


def mix_format_clean(paths: list[Path], cwd: Path) -> bool:
    proc = subprocess.run(["mix", "format", "--check-formatted", *map(str, paths)], cwd=cwd,
                          capture_output=True, text=True, timeout=120)
    return proc.returncode == 0


def elixirc_warnings(paths: list[Path], out_dir: Path, root: Path) -> list[str]:
    """The compiler's warnings: first line of each with the (root-relative) file it names."""
    out_dir.mkdir(parents=True, exist_ok=True)
    relative = [str(p.relative_to(root)) for p in paths]
    proc = subprocess.run(["elixirc", "--ignore-module-conflict", "-o", str(out_dir), *relative],
                          cwd=root, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    lines = (proc.stdout + proc.stderr).splitlines()
    warnings = []
    for index, line in enumerate(lines):
        if line.startswith("warning:"):
            where = lines[index + 1].strip() if index + 1 < len(lines) else ""
            warnings.append(f"{line} @ {where.split(':')[0]}")
    return warnings


# `remove-debug-file-writes` only reports until `files` names the logs to remove: tests about other
# things (git safety, files, interrupts, the CLI) configure it the way a user would.
DEBUG_LOGS = '[rules.remove-debug-file-writes]\nfiles = ["/tmp/*debug*.log"]\n'


def with_debug_logs(files: dict[str, str | bytes] | None) -> dict[str, str | bytes]:
    """`files` plus a fixer.toml that lists the debug logs (appended to one the test wrote)."""
    files = dict(files or {})
    config = str(files.get("fixer.toml", ""))
    if "[rules.remove-debug-file-writes]" not in config:
        files["fixer.toml"] = config + DEBUG_LOGS
    return files

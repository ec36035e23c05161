"""The pre-commit snippet of docs/ci.md works exactly as written (issue 19): pre-commit installs
fixer from a fresh clone tagged as the release would be (`rev` must exist), runs the hook on a repo
with a leftover, fails the commit, and passes once the leftover is gone. Only the `repo:` URL is
pointed at the local clone (pre-commit takes a local path there); no other word of it changes."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

import fixer
from conftest import init_repo, require_tool

ROOT = Path(__file__).resolve().parent.parent
LEFTOVER = 'def f():\n    open("/tmp/svc_debug.log", "a").write("x")\n    return 1\n'


def snippet() -> str:
    page = (ROOT / "docs" / "ci.md").read_text()
    section = page.split("## pre-commit", 1)[1]
    return re.search(r"```yaml\n(.*?)```", section, re.S).group(1)


def run(*args, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=900, env=env)


def test_the_documented_rev_is_the_release_tag():
    config = yaml.safe_load(snippet())
    (entry,) = config["repos"]
    assert entry["rev"] == f"v{fixer.__version__}"
    hooks = {h["id"] for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert [h["id"] for h in entry["hooks"]] == ["fixer-check"] and "fixer-fix" in hooks  # the commented one exists


def test_the_snippet_runs_as_written_from_a_fresh_clone(tmp_path):
    require_tool("git")
    text = snippet()
    (entry,) = yaml.safe_load(text)["repos"]
    clone = tmp_path / "fixer-clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, capture_output=True)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    run("git", "tag", entry["rev"], cwd=clone, env=env).check_returncode()  # the release tags the version
    repo = init_repo(tmp_path / "svc", {"app/worker.py": LEFTOVER,
                                        "fixer.toml": '[rules.remove-debug-file-writes]\nfiles = ["/tmp/svc_debug.log"]\n'})
    root = Path(repo.working_tree_dir)
    config = text.replace(f"repo: {entry['repo']}", f"repo: {clone}")
    assert config.count("\n") == text.count("\n") and config != text
    (root / ".pre-commit-config.yaml").write_text(config)
    pre_commit = [sys.executable, "-m", "pre_commit"]
    failing = run(*pre_commit, "run", "--all-files", cwd=root, env=env)
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "fixer check" in failing.stdout and "Failed" in failing.stdout
    assert "app/worker.py:2:5: [remove-debug-file-writes] would remove" in failing.stdout
    (root / "app/worker.py").write_text("def f():\n    return 1\n")
    passing = run(*pre_commit, "run", "--all-files", cwd=root, env=env)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert re.search(r"fixer check\.+Passed", passing.stdout)

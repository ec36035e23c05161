"""`--verify CMD` with a real pytest on small projects written here: a wrong fix is found by bisection
and dropped while the right ones stay, the branch's own tests pass, a red base is refused, a flaky test
is not blamed, Ctrl-C and kill leave no export behind, and the trailers and PR body say what ran."""
from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import git
import pytest

from conftest import init_repo, run_cli, unwrapped
from github_server import FakeGitHub

PYTEST = f"{sys.executable} -m pytest -q -p no:cacheprovider"
TRAILER = f"Verified-by: {PYTEST} (passed on base and on this branch)"

JOBS = '''def finish(count):
    print(f">>> processed {count} items")
    return count


def total(values):
    print("DEBUG: values", values)
    return sum(values)
'''
CALC = '''def double(x):
    print("here")
    return x * 2


def triple(x):
    import pdb; pdb.set_trace()
    return x * 3
'''
TESTS = '''import subprocess
import sys

from app.calc import double
from app.jobs import total


def test_total():
    assert total([1, 2]) == 3


def test_double():
    assert double(2) == 4


def test_finish_output():
    # The printed line is the program's output: a test reads it from a real process.
    code = "from app.jobs import finish; finish(3)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert ">>> processed 3 items" in out
'''
PROJECT = {
    "fixer.toml": '[fixer]\nextend-select = ["remove-debug-prints"]\n',
    "pytest.ini": "[pytest]\npythonpath = .\n",
    "app/__init__.py": "",
    "app/jobs.py": JOBS,
    "app/calc.py": CALC,
    "tests/test_app.py": TESTS,
}


@pytest.fixture(autouse=True)
def unwrapped_lines(monkeypatch):
    """The lines these tests read name the command (the interpreter's full path): unwrapped."""
    monkeypatch.setenv("COLUMNS", "1000")


@pytest.fixture
def scratch_home(tmp_path, monkeypatch) -> Path:
    """The system temp folder the exports go to, private to the test (so it can be looked at)."""
    home = tmp_path / "systemp"
    home.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(home))
    monkeypatch.setenv("TMPDIR", str(home))
    return home


def make_repo(tmp_path: Path, files: dict[str, str]) -> git.Repo:
    return init_repo(tmp_path / "proj", files)


def tree_of(repo: git.Repo, ref: str, into: Path) -> Path:
    """The files of `ref` exported to a folder (to run the branch's own tests there)."""
    data = io.BytesIO()
    repo.archive(data, treeish=ref, format="tar")
    data.seek(0)
    with tarfile.open(fileobj=data) as tar:
        tar.extractall(into, filter="data")
    return into


def runs_printed(stderr: str) -> int:
    line = next(line for line in stderr.splitlines() if line.startswith("verify: ") and " run(s) of " in line)
    return int(line.split()[1])


def trailers(repo: git.Repo, sha: str) -> list[str]:
    """The commit's trailers as git itself parses them."""
    parsed = subprocess.run(["git", "interpret-trailers", "--parse"], input=repo.commit(sha).message, text=True,
                            capture_output=True, check=True).stdout
    return parsed.splitlines()


def untouched(repo: git.Repo, head: str, index: bytes | None = None) -> None:
    assert repo.head.commit.hexsha == head and repo.active_branch.name == "main"
    assert repo.git.status("--porcelain") == ""
    if index is not None:
        assert Path(repo.git_dir, "index").read_bytes() == index


# -- the bisection ------------------------------------------------------------------------------

def test_a_wrong_fix_is_dropped_and_the_right_ones_are_kept(tmp_path, scratch_home):
    repo = make_repo(tmp_path, PROJECT)
    head, index = repo.head.commit.hexsha, Path(repo.git_dir, "index").read_bytes()
    result = run_cli("apply", "--verify", PYTEST, cwd=repo.working_tree_dir)
    assert result.exit_code == 0, result
    jobs = repo.git.show("fixer/cleanup:app/jobs.py")
    calc = repo.git.show("fixer/cleanup:app/calc.py")
    assert '>>> processed {count} items' in jobs  # the fix the tests caught is left out
    assert "DEBUG: values" not in jobs and 'print("here")' not in calc and "pdb" not in calc  # the others stay
    assert f"needs review: app/jobs.py:2 (remove-debug-prints): with this fix `{PYTEST}` fails (test_finish_output)" \
        in unwrapped(result.stderr)
    log = Path(unwrapped(result.stderr).split("; output: ")[1].split()[0])
    assert log.is_file() and "test_finish_output" in log.read_text() and "AssertionError" in log.read_text()
    assert log.is_relative_to(Path(repo.git_dir))  # in fixer's own folder of .git, not the checkout
    # 4 fixes in 2 rule commits: base, fixed tree, 1 step per level, the re-verify (+ a rerun per failure)
    assert 2 + 3 + 1 <= runs_printed(result.stderr) <= 2 * (2 + 3 + 1)
    assert list(scratch_home.iterdir()) == []
    untouched(repo, head, index)
    # The branch's own tests pass, run here by the test and not by fixer.
    tree = tree_of(repo, "fixer/cleanup", tmp_path / "branch")
    assert subprocess.run(PYTEST.split(), cwd=tree, capture_output=True).returncode == 0
    commits = list(repo.iter_commits("main..fixer/cleanup"))
    assert len(commits) == 2
    for commit in commits:
        assert TRAILER in trailers(repo, commit.hexsha)
    assert "Left out by --verify (needs review):\n- app/jobs.py:2 (remove-debug-prints)" in commits[0].message


def test_two_wrong_fixes_in_one_file_are_both_dropped(tmp_path, scratch_home):
    jobs = JOBS + '\n\ndef close(name):\n    print(f">>> closed {name}")\n    return name\n'
    tests = TESTS + '''

def test_close_output():
    code = "from app.jobs import close; close('db')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert ">>> closed db" in out
'''
    repo = make_repo(tmp_path, {**PROJECT, "app/jobs.py": jobs, "tests/test_app.py": tests})
    result = run_cli("apply", "--verify", PYTEST, cwd=repo.working_tree_dir)
    assert result.exit_code == 0, result
    assert "needs review: app/jobs.py:2 (remove-debug-prints): with this fix" in unwrapped(result.stderr)
    assert "needs review: app/jobs.py:12 (remove-debug-prints): with this fix" in unwrapped(result.stderr)
    assert "(test_close_output)" in unwrapped(result.stderr) and "(test_finish_output)" in unwrapped(result.stderr)
    shown = repo.git.show("fixer/cleanup:app/jobs.py")
    assert ">>> processed" in shown and ">>> closed" in shown and "DEBUG: values" not in shown
    tree = tree_of(repo, "fixer/cleanup", tmp_path / "branch")
    assert subprocess.run(PYTEST.split(), cwd=tree, capture_output=True).returncode == 0


def test_green_fixes_cost_two_runs_and_are_signed(tmp_path, scratch_home):
    files = {**PROJECT, "tests/test_app.py": TESTS.split("\n\ndef test_finish_output")[0] + "\n"}
    repo = make_repo(tmp_path, files)
    result = run_cli("apply", "--squash", "--verify", PYTEST, cwd=repo.working_tree_dir)
    assert result.exit_code == 0, result
    assert runs_printed(result.stderr) == 2 and "needs review:" not in unwrapped(result.stderr)
    (commit,) = list(repo.iter_commits("main..fixer/cleanup"))
    assert TRAILER in trailers(repo, commit.hexsha)
    assert ">>> processed" not in repo.git.show("fixer/cleanup:app/jobs.py")


def test_a_red_base_is_refused(tmp_path, scratch_home):
    files = {**PROJECT, "tests/test_broken.py": "def test_known_broken():\n    assert 1 == 2\n"}
    repo = make_repo(tmp_path, files)
    result = run_cli("apply", "--verify", PYTEST, cwd=repo.working_tree_dir)
    assert result.exit_code == 2, result
    assert f"fixer: error: `{PYTEST}` fails before any fix: nothing to compare against" in unwrapped(result.stderr)
    assert "--verify-allow-failing-base" in unwrapped(result.stderr)
    assert "fixer/cleanup" not in repo.heads
    assert list(scratch_home.iterdir()) == []


def test_allow_failing_base_compares_the_failing_tests_of_the_junit_reports(tmp_path, scratch_home):
    files = {**PROJECT, "tests/test_broken.py": "def test_known_broken():\n    assert 1 == 2\n"}
    repo = make_repo(tmp_path, files)
    command = f"{PYTEST} --junitxml=reports/junit.xml"
    result = run_cli("apply", "--verify", command, "--verify-allow-failing-base", cwd=repo.working_tree_dir)
    assert result.exit_code == 0, result
    assert "fails on the base (1 test(s))" in unwrapped(result.stderr)
    # test_known_broken fails everywhere and blames nothing; test_finish_output is new, and is blamed.
    assert f"with this fix `{command}` fails (test_finish_output)" in unwrapped(result.stderr)
    assert "test_known_broken)" not in unwrapped(result.stderr)
    assert '>>> processed' in repo.git.show("fixer/cleanup:app/jobs.py")
    assert "DEBUG: values" not in repo.git.show("fixer/cleanup:app/jobs.py")
    for commit in repo.iter_commits("main..fixer/cleanup"):
        assert f"Verified-by: {command} (no new failures: 1 test(s) already failed on base)" in \
            trailers(repo, commit.hexsha)


FLAKY_TEST = '''import os
from pathlib import Path


def test_sometimes():
    # Fails on its second run only: the first run after the base's.
    counter = Path(os.environ["FLAKY_COUNTER"])
    runs = int(counter.read_text()) + 1 if counter.exists() else 1
    counter.write_text(str(runs))
    assert runs != 2, "flaky failure"
'''


def test_a_flaky_test_is_not_blamed_on_a_fix(tmp_path, scratch_home, monkeypatch):
    files = {**PROJECT, "tests/test_app.py": TESTS.split("\n\ndef test_finish_output")[0] + "\n",
             "tests/test_flaky.py": FLAKY_TEST}
    repo = make_repo(tmp_path, files)
    counter = tmp_path / "counter"
    monkeypatch.setenv("FLAKY_COUNTER", str(counter))
    result = run_cli("apply", "--verify", PYTEST, cwd=repo.working_tree_dir)
    assert result.exit_code == 0, result
    assert counter.read_text() == "3"  # base, fixed tree (failed), its rerun (passed)
    assert "failed on the fixed tree, then passed on a rerun: flaky, not blamed on a fix" in unwrapped(result.stderr)
    assert "needs review:" not in unwrapped(result.stderr)
    jobs = repo.git.show("fixer/cleanup:app/jobs.py")
    assert ">>> processed" not in jobs and "DEBUG" not in jobs  # every fix kept
    last = repo.commit("fixer/cleanup")
    assert f"Flaky: `{PYTEST}` failed, then passed on a rerun (not blamed on a fix): the fixed tree" in last.message


# -- bounded and safe ---------------------------------------------------------------------------

def test_forge_tokens_are_not_in_the_commands_environment(tmp_path, scratch_home, monkeypatch):
    repo = make_repo(tmp_path, PROJECT)
    dump = tmp_path / "env.json"
    for name in ("GITHUB_TOKEN", "GH_TOKEN", "GITLAB_TOKEN", "GITEA_TOKEN", "CI_JOB_TOKEN", "MY_FORGE_TOKEN"):
        monkeypatch.setenv(name, "secret-value")
    monkeypatch.setenv("KEPT_SETTING", "yes")
    command = f"{sys.executable} -c \"import json, os; json.dump(dict(os.environ), open('{dump}', 'w'))\""
    result = run_cli("apply", "--verify", command, cwd=repo.working_tree_dir)
    assert result.exit_code == 0, result
    seen = json.loads(dump.read_text())
    assert seen["KEPT_SETTING"] == "yes" and "PATH" in seen
    assert not {"GITHUB_TOKEN", "GH_TOKEN", "GITLAB_TOKEN", "GITEA_TOKEN", "CI_JOB_TOKEN"} & set(seen)
    assert seen["MY_FORGE_TOKEN"] == "secret-value"  # not a forge's: the user's own
    assert "secret-value" not in json.dumps({k: v for k, v in seen.items() if k != "MY_FORGE_TOKEN"})


def test_the_config_names_the_command_but_only_the_flag_runs_it(tmp_path, scratch_home):
    marker = tmp_path / "ran"
    config = PROJECT["fixer.toml"] + f'verify = "touch {marker}"\n'
    repo = make_repo(tmp_path, {**PROJECT, "fixer.toml": config})
    result = run_cli("apply", cwd=repo.working_tree_dir)
    assert result.exit_code == 0, result
    assert not marker.exists()  # a repository's config alone runs nothing
    assert "Verified-by" not in repo.commit("fixer/cleanup").message
    result = run_cli("apply", "--verify", "@config", "--branch", "checked", cwd=repo.working_tree_dir)
    assert result.exit_code == 0, result
    assert marker.exists()
    assert f"Verified-by: touch {marker} (passed on base and on this branch)" in trailers(repo, repo.commit("checked").hexsha)


def test_bad_verify_options_are_one_line_and_exit_2(tmp_path, scratch_home):
    repo = make_repo(tmp_path, PROJECT)
    cases = [(["--verify", "@config"], "--verify @config: no `verify` command in"),
             (["--verify-timeout", "5"], "--verify-timeout and --verify-allow-failing-base need --verify CMD"),
             (["--verify", "true", "--verify-timeout", "0"], "--verify-timeout 0: must be more than 0 seconds"),
             (["--verify", "true", "--in-place"], "--verify checks the fixes before they are committed")]
    for args, message in cases:
        result = run_cli("apply", *args, cwd=repo.working_tree_dir)
        assert result.exit_code == 2 and message in unwrapped(result.stderr), (args, result)
    assert "fixer/cleanup" not in repo.heads and repo.git.status("--porcelain") == ""


def test_every_run_has_a_time_limit(tmp_path, scratch_home):
    repo = make_repo(tmp_path, PROJECT)
    started = time.monotonic()
    result = run_cli("apply", "--verify", "sleep 60", "--verify-timeout", "1", cwd=repo.working_tree_dir)
    assert time.monotonic() - started < 30
    assert result.exit_code == 2
    assert "`sleep 60` did not finish within 1 s on the base (see --verify-timeout)" in unwrapped(result.stderr)
    assert list(scratch_home.iterdir()) == []


HANGING_TEST = '''import os
import time
from pathlib import Path


def test_waits():
    Path(os.environ["STARTED"]).write_text(str(os.getpid()))
    time.sleep(120)
'''


def start_hanging_fixer(tmp_path: Path, scratch_home: Path):
    files = {**PROJECT, "tests/test_waits.py": HANGING_TEST}
    repo = make_repo(tmp_path, files)
    started = tmp_path / "started"
    env = {**os.environ, "TMPDIR": str(scratch_home), "STARTED": str(started)}
    proc = subprocess.Popen([sys.executable, "-m", "fixer", "apply", "--verify", PYTEST], cwd=repo.working_tree_dir,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not (started.exists() and started.read_text()) and time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.2)
    assert [p.name[:len("fixer-verify-")] for p in scratch_home.iterdir()] == ["fixer-verify-"]
    return repo, proc, int(started.read_text())


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_ctrl_c_stops_the_tests_and_removes_the_export(tmp_path, scratch_home):
    repo, proc, test_pid = start_hanging_fixer(tmp_path, scratch_home)
    head = repo.head.commit.hexsha
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "fixer: interrupted" in stderr, stderr
    assert list(scratch_home.iterdir()) == []
    deadline = time.monotonic() + 10
    while alive(test_pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(test_pid)  # the user's test process was stopped with fixer
    assert "fixer/cleanup" not in repo.heads
    untouched(repo, head)


def test_a_killed_runs_export_is_removed_by_the_next_run(tmp_path, scratch_home):
    repo, proc, test_pid = start_hanging_fixer(tmp_path, scratch_home)
    proc.kill()
    proc.communicate(timeout=60)
    os.killpg(os.getpgid(test_pid), signal.SIGKILL)  # what a kill of fixer leaves running: not fixer's to reap
    (left,) = list(scratch_home.iterdir())
    assert (left / "tree" / "app" / "jobs.py").is_file()
    Path(repo.working_tree_dir, "tests", "test_waits.py").unlink()
    repo.git.commit("-am", "no hanging test")
    result = run_cli("apply", "--verify", "true", cwd=repo.working_tree_dir)
    assert result.exit_code == 0, result
    assert not left.exists() and list(scratch_home.iterdir()) == []


# -- the pull request -----------------------------------------------------------------------------

def pushed(repo: git.Repo, tmp_path: Path) -> git.Repo:
    bare = git.Repo.init(tmp_path / "remote.git", bare=True, initial_branch="main")
    repo.create_remote("origin", str(bare.git_dir))
    repo.remote("origin").push("main:main")
    return bare


def opened_body(server: FakeGitHub) -> str:
    return next(r["body"]["body"] for r in server.requests if r["method"] == "POST" and r["path"].endswith("/pulls"))


def test_pr_body_says_what_verified_the_branch_and_what_was_left_out(tmp_path, scratch_home):
    repo = make_repo(tmp_path, PROJECT)
    pushed(repo, tmp_path)
    assert run_cli("apply", "--verify", PYTEST, cwd=repo.working_tree_dir).exit_code == 0
    with FakeGitHub() as server:
        result = run_cli("pr", "--repo", "acme/service", "--api-url", server.url, cwd=repo.working_tree_dir,
                         env={"GITHUB_TOKEN": "ghp_FAKE"})
        assert result.exit_code == 0, result
        body = opened_body(server)
    assert f"\n{TRAILER}\n" in body
    assert "### Left out by verification (needs review)\n\n- app/jobs.py:2 (remove-debug-prints): with this fix " \
           f"`{PYTEST}` fails (test_finish_output)\n" in body


def test_pr_verify_checks_the_branch_before_opening_it(tmp_path, scratch_home):
    repo = make_repo(tmp_path, PROJECT)
    remote = pushed(repo, tmp_path)
    assert run_cli("apply", cwd=repo.working_tree_dir).exit_code == 0  # unverified: the wrong fix is in
    with FakeGitHub() as server:
        result = run_cli("pr", "--repo", "acme/service", "--api-url", server.url, "--verify", PYTEST,
                         cwd=repo.working_tree_dir, env={"GITHUB_TOKEN": "ghp_FAKE"})
        assert result.exit_code == 2, result
        assert f"`{PYTEST}` fails on branch fixer/cleanup (test_finish_output); output: " in result.stderr
        # The way out is named: rebuilding the branch with --verify drops the breaking fix.
        assert f". Nothing pushed, no pull request opened: `fixer apply --verify '{PYTEST}' --branch fixer/cleanup` " \
               "rebuilds the branch without the fixes that break it" in result.stderr
        assert server.requests == []  # nothing opened
    assert [head.name for head in remote.heads] == ["main"]  # nothing pushed
    # The command it names rebuilds fixer's own branch in place, without the breaking fix.
    rebuilt = run_cli("apply", "--verify", PYTEST, "--branch", "fixer/cleanup", cwd=repo.working_tree_dir)
    assert rebuilt.exit_code == 0, rebuilt
    assert ">>> processed" in repo.git.show("fixer/cleanup:app/jobs.py")
    with FakeGitHub() as server:
        result = run_cli("pr", "--repo", "acme/service", "--api-url", server.url, "--verify", "true",
                         cwd=repo.working_tree_dir, env={"GITHUB_TOKEN": "ghp_FAKE"})
        assert result.exit_code == 0, result
        body = opened_body(server)
    # The check `fixer pr` just made is the one the body names.
    assert "\nVerified-by: true (passed on base and on this branch)\n" in body
    assert TRAILER not in body


def test_progress_bar_on_a_terminal(tmp_path, scratch_home):
    from conftest import run_on_terminal

    repo = make_repo(tmp_path, PROJECT)
    code, shown = run_on_terminal("apply", "--verify", "sleep 1", cwd=Path(repo.working_tree_dir), stream="stderr",
                                  env={"TMPDIR": str(scratch_home)})
    assert code == 0, shown
    assert "verify the fixed tree" in shown and "1/2" in shown and "━" in shown  # the bar of the runs
    assert "verify: 2 run(s) of `sleep 1`" in shown


WAITS_FOR_OUTPUT = '''import subprocess
import sys

# Waits for the program's first line, as a supervisor does: with no line, it waits forever.
code = "from app.jobs import finish; finish(3); import time; time.sleep(600)"
child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
assert child.stdout.readline().startswith(">>> processed 3")
child.kill()
'''


def test_a_fix_that_makes_the_command_hang_is_dropped_at_the_time_limit(tmp_path, scratch_home):
    repo = make_repo(tmp_path, {**PROJECT, "check.py": WAITS_FOR_OUTPUT})
    command = f"{sys.executable} check.py"
    started = time.monotonic()
    result = run_cli("apply", "--verify", command, "--verify-timeout", "3", cwd=repo.working_tree_dir)
    assert result.exit_code == 0, result
    assert time.monotonic() - started < 120
    assert f"needs review: app/jobs.py:2 (remove-debug-prints): with this fix `{command}` does not finish in time" \
        in unwrapped(result.stderr)
    assert ">>> processed" in repo.git.show("fixer/cleanup:app/jobs.py")
    assert "DEBUG: values" not in repo.git.show("fixer/cleanup:app/jobs.py")
    log = Path(unwrapped(result.stderr).split("does not finish in time; output: ")[1].split()[0])
    assert "fixer: stopped after the time limit of 3 s" in log.read_text()
    # The hung child (sleep 600) went with the command's process group.
    leftover = subprocess.run(["pgrep", "-f", "finish(3); import time; time.sleep(600)"], capture_output=True, text=True)
    assert leftover.stdout.strip() == ""

"""`--jobs N`: the same bytes out (diff, JSON findings, exit code) whatever the number of processes."""
from __future__ import annotations

import multiprocessing
import shutil

import pytest

from conftest import SAMPLE, init_repo, run_cli
from fixer.core import pool

CONFIG = """[fixer]
exclude = ["deps/**"]

[rules.remove-debug-file-writes]
files = ["/tmp/*debug*.log"]

[rules.set-log-level]
from = "DEBUG"
to = "INFO"

[rules.remove-debug-calls]
paths = ["**/*.ex"]

[rules.add-impl]
paths = ["**/*.ex"]

[rules.rename-used-underscored]
paths = ["**/*.ex"]
"""

PY_DIRTY = '''import os
import logging

logging.basicConfig(level=logging.DEBUG)


def handle_{n}(request):
    with open("/tmp/worker_debug.log", "a") as f:
        f.write(f"{{os.getpid()}} {{request}}\\n")
    return request.total * {n}


def keep_{n}(queue):
    with open("/tmp/worker_debug.log", "a") as f:
        f.write(str(queue.pop()))
'''
PY_CLEAN = '''def handle_{n}(request):
    return request.total + {n}
'''
EX_DIRTY = '''defmodule Gen.Mod{n} do
  use GenServer
  require Logger

  def init(state), do: {{:ok, Map.put(state, :n, {n})}}

  def handle_call(:get, _from, state) do
    Logger.info("get")
    IO.inspect(state, label: "state")
    {{:reply, state, state}}
  end

  def handle_info(_msg, state), do: {{:noreply, state}}

  def run(list) do
    list
    |> IO.inspect(label: "in")
    |> Enum.map(fn _x -> _x * {n} end)
  end
end
'''


def generated_repo(root):
    """A repo mixing the sample service (several copies), dirty and clean files, and broken ones."""
    files = {"fixer.toml": CONFIG}
    for n in range(36):
        if n % 3 == 0:
            files[f"app/m{n}.py"] = PY_DIRTY.format(n=n)
        elif n % 3 == 1:
            files[f"lib/gen/m{n}.ex"] = EX_DIRTY.format(n=n)
        else:
            files[f"app/clean{n}.py"] = PY_CLEAN.format(n=n)
    files["app/broken.py"] = 'open("/tmp/x_debug.log", "a").write(1\n'
    files["lib/broken.ex"] = "defmodule Broken do\n  def f(x), do: IO.inspect(x\nend\n"
    init_repo(root, files)
    for copy in range(3):
        shutil.copytree(SAMPLE / "lib", root / f"svc{copy}" / "lib")
        shutil.copytree(SAMPLE / "priv", root / f"svc{copy}" / "priv")
    return root


@pytest.fixture(scope="module")
def repo_root(tmp_path_factory):
    return generated_repo(tmp_path_factory.mktemp("jobs") / "repo")


@pytest.fixture
def pooled(monkeypatch):
    """Counts the runs that really went through a process pool."""
    calls = []
    real = pool._in_pool

    def spy(work, rules, context, jobs, *rest):  # rest: progress, and the reader of files read again
        calls.append((len(work), jobs))
        return real(work, rules, context, jobs, *rest)

    monkeypatch.setattr(pool, "_in_pool", spy)
    return calls


@pytest.mark.parametrize("command, counts", [
    (("check", "--format", "json"), ("2", "3")),
    (("check",), ("2",)),
    (("diff",), ("2",)),
    (("apply", "--dry-run"), ("2",)),
])
def test_jobs_give_byte_identical_output(repo_root, pooled, command, counts):
    one = run_cli(*command, "--jobs", "1", cwd=repo_root)
    assert pooled == []
    assert one.exit_code == 2  # the broken files are errors; everything else is still reported
    for jobs in counts:
        many = run_cli(*command, "--jobs", jobs, cwd=repo_root)
        assert (many.exit_code, many.stdout, many.stderr) == (one.exit_code, one.stdout, one.stderr)
    # The text report of check and apply --dry-run also runs the rules that are off, for its hints
    # (issue 19): a second pooled run with the same jobs.
    runs = 2 if command in (("check",), ("apply", "--dry-run")) else 1
    assert [jobs for _, jobs in pooled] == [int(n) for n in counts for _ in range(runs)]
    assert pooled[0][0] >= 25  # the files with anchors went to the pool


def test_the_json_report_is_the_real_one(repo_root):
    import json

    report = json.loads(run_cli("check", "--format", "json", "--jobs", "2", cwd=repo_root).stdout)
    text = json.dumps(report)
    assert "app/m0.py" in text and "lib/gen/m1.ex" in text and "svc2/lib" in text
    assert "app/broken.py" in text and "lib/broken.ex" in text
    assert "app/clean2.py" not in text


def test_jobs_from_config_and_environment(tmp_path, pooled, monkeypatch):
    root = generated_repo(tmp_path / "repo")
    monkeypatch.setenv(pool.ENV, "2")
    assert run_cli("diff", cwd=root).exit_code == 2
    (root / "fixer.toml").write_text(CONFIG.replace("[fixer]\n", "[fixer]\njobs = 3\n"))
    assert run_cli("diff", cwd=root).exit_code == 2
    assert [jobs for _, jobs in pooled] == [2, 3]


def test_bad_jobs_values_are_refused(tmp_path, monkeypatch):
    root = generated_repo(tmp_path / "repo")
    assert run_cli("check", "--jobs", "0", cwd=root).exit_code == 2
    monkeypatch.setenv(pool.ENV, "many")
    result = run_cli("check", cwd=root)
    assert result.exit_code == 2 and pool.ENV in result.stderr
    monkeypatch.delenv(pool.ENV)
    (root / "fixer.toml").write_text(CONFIG.replace("[fixer]\n", "[fixer]\njobs = 0\n"))
    result = run_cli("check", cwd=root)
    assert result.exit_code == 2 and "jobs" in result.stderr


def test_small_runs_stay_in_process(tmp_path, pooled):
    root = tmp_path / "repo"
    init_repo(root, {"app/a.py": PY_DIRTY.format(n=1), "fixer.toml": CONFIG})
    assert run_cli("check", "--jobs", "2", cwd=root).exit_code == 1
    assert pooled == []


def test_ctrl_c_stops_the_workers_and_reraises(repo_root):
    from fixer.core.config import load
    from fixer.core.runner import run
    from fixer.core.sources import WorkTree

    config = load(repo_root)
    config.jobs = 2
    seen = []

    def interrupt(path):
        seen.append(path)
        if len(seen) == 20:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(WorkTree(repo_root), config, config.rules(), progress=interrupt)
    assert multiprocessing.active_children() == []


def test_workers_ignore_sigint():
    import signal

    previous = signal.getsignal(signal.SIGINT)
    try:
        pool._start_worker([], {})
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)


def test_by_default_a_process_is_started_only_for_enough_text(tmp_path, pooled, monkeypatch):
    """Every core by default, but a worker only for CHARS_PER_JOB characters to fix: on less its
    start-up costs more than it saves. An explicit --jobs is used as given."""
    monkeypatch.delenv(pool.ENV, raising=False)
    monkeypatch.setattr(pool, "default_jobs", lambda: 2)
    root = generated_repo(tmp_path / "repo")
    # -q: the rules' own run only (the text report's hints run the rules that are off once more)
    assert run_cli("check", "-q", cwd=root).exit_code == 2
    assert pooled == []  # some 30 small files: less than a worker's worth
    monkeypatch.setattr(pool, "CHARS_PER_JOB", 1000)
    assert run_cli("check", "-q", cwd=root).exit_code == 2
    monkeypatch.setattr(pool, "CHARS_PER_JOB", 10 ** 9)
    assert run_cli("check", "-q", "--jobs", "2", cwd=root).exit_code == 2
    assert [jobs for _, jobs in pooled] == [2, 2]


def test_a_ctrl_c_while_the_workers_start_never_kills_a_half_started_worker(tmp_path):
    """Ctrl-C to the whole process group while a worker is being forked: the worker holds it and then
    ignores it (one killed before its initializer ran printed a traceback, and the pool waited for it
    forever); the parent gets it once the workers exist and stops them."""
    import subprocess
    import sys

    script = """
import os, signal, sys
from fixer.core import interrupts, pool

real = pool._start_worker

def start_worker(*args):
    if os.getpid() != parent:
        os.killpg(0, signal.SIGINT)  # lands in the new worker (held) and in the parent (held too)
    real(*args)

parent = os.getpid()
pool._start_worker = start_worker
work = [(f"app/m{n}.py", "x = 1\\n" * 50) for n in range(40)]
with interrupts.handled() as outcome:
    pool.fix_all(work, [], {}, jobs=2)
print("INTERRUPTED" if outcome.happened else "FINISHED", flush=True)
"""
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          start_new_session=True)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.stdout.strip() == "INTERRUPTED", (proc.stdout, proc.stderr)


def test_a_second_ctrl_c_while_the_workers_are_stopped_does_not_leave_them_running(tmp_path):
    """An impatient user presses Ctrl-C twice: the second lands while the pool is being terminated.
    The shutdown still completes (no worker left, no hang) and the run ends as interrupted."""
    import subprocess
    import sys

    script = """
import multiprocessing, signal
import multiprocessing.pool as mp_pool
from fixer.core import interrupts, pool

real_terminate = mp_pool.Pool.terminate

def terminate(self):
    signal.raise_signal(signal.SIGINT)  # the second Ctrl-C, in the middle of the shutdown
    real_terminate(self)

mp_pool.Pool.terminate = terminate
seen = []

def progress(path):
    seen.append(path)
    if len(seen) == 3:
        signal.raise_signal(signal.SIGINT)  # the first Ctrl-C

work = [(f"app/m{n}.py", "x = 1\\n" * 50) for n in range(60)]
with interrupts.handled() as outcome:
    pool.fix_all(work, [], {}, jobs=2, progress=progress)
print("INTERRUPTED" if outcome.happened else "FINISHED", len(multiprocessing.active_children()), flush=True)
"""
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.stdout.split() == ["INTERRUPTED", "0"], (proc.stdout, proc.stderr)


# -- reading and searching the files on several processes ------------------------------------------

@pytest.fixture
def scanned_in_pool(monkeypatch):
    """A worker reads files from 10 files a process on (500 by default), and the jobs each run used."""
    monkeypatch.setattr(pool, "FILES_TO_SCAN_PER_JOB", 10)
    used = []
    real = pool.scan_all

    def spy(paths, scan, jobs):
        used.append(jobs)
        return real(paths, scan, jobs)

    monkeypatch.setattr(pool, "scan_all", spy)
    return used


@pytest.mark.parametrize("command", [("check", "--format", "json"), ("check",), ("diff",)])
def test_files_read_on_several_processes_give_byte_identical_output(repo_root, scanned_in_pool, command):
    one = run_cli(*command, "--jobs", "1", cwd=repo_root)
    many = run_cli(*command, "--jobs", "2", cwd=repo_root)
    # text check reads the files once more for its hints (the rules that are off, issue 19)
    assert scanned_in_pool == ([1, 1, 2, 2] if command == ("check",) else [1, 2])
    assert one.exit_code == 2 and "app/m0.py" in one.stdout + one.stderr
    assert (many.exit_code, many.stdout, many.stderr) == (one.exit_code, one.stdout, one.stderr)


def test_files_read_by_workers_are_written_in_place_and_an_edit_made_meanwhile_is_kept(
        tmp_path, scanned_in_pool, monkeypatch):
    """The workers' fingerprints of what they read reach the writer: a file saved by an editor after
    a worker read it is refused, the others are fixed."""
    from fixer.core.sources import WorkTree

    root = generated_repo(tmp_path / "repo")
    expected = run_cli("diff", "--jobs", "1", cwd=root).stdout
    mine = PY_DIRTY.format(n=3) + "# saved by the editor meanwhile\n"
    real_read = WorkTree.read

    def read_then_edit(self, path, **options):
        data = real_read(self, path, **options)
        if path == "app/m3.py":
            (self.root / path).write_text(mine)
        return data

    monkeypatch.setattr(WorkTree, "read", read_then_edit)
    result = run_cli("apply", "--in-place", "--force", "--jobs", "2", cwd=root)
    assert scanned_in_pool[-1] == 2
    assert result.exit_code == 2 and "app/m3.py" in result.stderr and "changed on disk" in result.stderr
    assert (root / "app/m3.py").read_text() == mine
    assert "open(" not in (root / "app/m0.py").read_text()  # the others were fixed
    assert "IO.inspect" not in (root / "lib/gen/m1.ex").read_text()
    assert "app/m0.py" in expected


def test_a_commit_is_read_on_one_process(tmp_path, scanned_in_pool):
    """Branch mode reads git's objects through one git process, which forked workers must not share."""
    root = generated_repo(tmp_path / "repo")
    result = run_cli("apply", "--dry-run", "--jobs", "2", cwd=root)  # branch mode: reads HEAD's tree
    assert result.exit_code == 2
    assert scanned_in_pool and set(scanned_in_pool) == {1}  # the rules' run and the hints' run alike


def test_ctrl_c_while_workers_read_stops_them_and_reraises(repo_root, scanned_in_pool, monkeypatch):
    from fixer.core.config import load
    from fixer.core.runner import Gathering, run
    from fixer.core.sources import WorkTree

    config = load(repo_root)
    config.jobs = 2
    seen = []
    real_record = Gathering.record

    def interrupt(self, path, facts, *digests):
        seen.append(path)
        if len(seen) == 20:
            raise KeyboardInterrupt
        return real_record(self, path, facts, *digests)

    monkeypatch.setattr(Gathering, "record", interrupt)
    with pytest.raises(KeyboardInterrupt):
        run(WorkTree(repo_root), config, config.rules())
    assert scanned_in_pool == [2]
    assert multiprocessing.active_children() == []

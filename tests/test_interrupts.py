"""Ctrl-C on a real `python -m fixer` process, at several points of a run on a biggish generated repo:
one line ("fixer: interrupted"), exit 130, never a rule or validation failure, no traceback, no
half-written file, no temp file, and a branch that is either absent or complete."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import git
import pytest

from conftest import init_repo as _init_repo, with_debug_logs


def init_repo(root, files=None, **options):
    """A test repo whose fixer.toml lists the debug logs, so `remove-debug-file-writes` removes them."""
    return _init_repo(root, with_debug_logs(files), **options)


FILES = 40
FUNCTIONS = 6
FRACTIONS = (0.03, 0.25, 0.55, 0.85)  # of an uninterrupted run's duration: start-up, reading, rules, writing


def _module(number: int) -> str:
    parts = ["import json\nimport os\n\n"]
    for index in range(FUNCTIONS):
        parts.append(
            f"def handle_{number}_{index}(event, store):\n"
            f"    # DEBUG: trace every event\n"
            f'    with open("/tmp/worker_debug.log", "a") as f:\n'
            f'        f.write(f"event {{event}} pid={{os.getpid()}}\\n")\n'
            f"    result = store.save(json.dumps(event))\n"
            f'    open("/tmp/worker_debug.log", "a").write(str(result))\n'
            f"    return result\n\n\n"
        )
    return "".join(parts)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("interrupts") / "template"
    files = {f"app/handlers/h{n:03}.py": _module(n) for n in range(FILES)}
    files["lib/app/worker.ex"] = 'defmodule App.Worker do\n  def run(x) do\n    IO.inspect(x)\n    x + 1\n  end\nend\n'
    init_repo(root, files)
    return root


def _copy(template: Path, target: Path) -> git.Repo:
    shutil.copytree(template, target, symlinks=True)
    return git.Repo(target)


def _start(args: list[str], cwd: Path, importtime: bool = False) -> subprocess.Popen:
    # A session of its own, so Ctrl-C can be sent to the whole group like a terminal does.
    flags = ["-X", "importtime"] if importtime else []
    return subprocess.Popen([sys.executable, *flags, "-m", "fixer", *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, start_new_session=True)


def _timed_run(args: list[str], cwd: Path) -> float:
    """Seconds the run takes once fixer's own code started (the span the interrupts are spread over)."""
    proc = _start(args, cwd, importtime=True)
    for line in proc.stderr:
        if line.rstrip().endswith("| fixer.cli.app"):
            break
    started = time.monotonic()
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    return time.monotonic() - started


def _interrupt(args: list[str], cwd: Path, delay: float, group: bool) -> tuple[int, str]:
    """Ctrl-C `delay` seconds after fixer's own code started (a signal during the interpreter's start-up,
    before any of fixer runs, is Python's to report, not fixer's)."""
    proc = _start(args, cwd, importtime=True)
    seen: list[str] = []
    for line in proc.stderr:  # -X importtime reports each module once it is imported
        seen.append(line)
        if line.rstrip().endswith("| fixer.cli.app"):  # imported once the Ctrl-C handler is in place
            break
    time.sleep(delay)
    if proc.poll() is None:
        if group:
            os.killpg(proc.pid, signal.SIGINT)
        else:
            os.kill(proc.pid, signal.SIGINT)
    _, rest = proc.communicate(timeout=600)
    err = "".join(line for line in seen + rest.splitlines(keepends=True) if not line.startswith("import time:"))
    return proc.returncode, err


def _interrupt_a_copy(template: Path, tmp_path: Path, name: str, args: list[str], delay: float,
                      group: bool) -> tuple[git.Repo, int, str]:
    """Ctrl-C `delay` seconds into a run on a fresh copy of `template`. A run that finished first (on a
    loaded machine the timings vary) is tried again on another fresh copy, sooner."""
    for attempt in range(4):
        repo = _copy(template, tmp_path / f"{name}-{attempt}")
        code, err = _interrupt(args, Path(repo.working_tree_dir), delay, group)
        if code != 0:
            break
        delay /= 2
    return repo, code, err


def _assert_clean_interrupt(code: int, err: str) -> bool:
    """True if the run was interrupted (and ended the right way); False if it had finished first."""
    if code == 0:
        return False
    assert code == 130, err[-3000:]
    assert err.strip().splitlines()[-1] == "fixer: interrupted", err[-3000:]
    for bad in ("Traceback", "failed:", "validation failed", "error:", "KeyboardInterrupt", "Aborted"):
        assert bad not in err, (bad, err[-3000:])
    return True


def _no_temp_files(root: Path) -> None:
    leftovers = [p for p in root.rglob("*") if p.name.endswith(".fixer-tmp") or p.name.endswith(".lock")]
    assert not leftovers, leftovers


def test_ctrl_c_during_apply_in_place_leaves_each_file_whole(template, tmp_path):
    reference = _copy(template, tmp_path / "reference")
    duration = _timed_run(["apply", "--in-place"], Path(reference.working_tree_dir))
    fixed = {p.relative_to(reference.working_tree_dir).as_posix(): p.read_text()
             for p in Path(reference.working_tree_dir).rglob("*.py")}
    original = {p.relative_to(template).as_posix(): p.read_text() for p in template.rglob("*.py")}
    assert any(fixed[name] != original[name] for name in fixed)
    interrupted = 0
    for number, fraction in enumerate(FRACTIONS):
        repo, code, err = _interrupt_a_copy(template, tmp_path, f"run{number}", ["apply", "--in-place"],
                                            duration * fraction, group=number % 2 == 1)
        root = Path(repo.working_tree_dir)
        interrupted += _assert_clean_interrupt(code, err)
        for name, text in original.items():
            now = (root / name).read_text()
            assert now in (text, fixed[name]), f"{name} is half-fixed after Ctrl-C"
        _no_temp_files(root)
        untracked = [line for line in repo.git.status("--porcelain").splitlines() if not line.startswith(" M ")]
        assert not untracked, untracked
    assert interrupted >= len(FRACTIONS) - 1, "the runs finished before Ctrl-C: make the generated repo bigger"


def test_ctrl_c_during_apply_on_a_branch_leaves_no_half_branch(template, tmp_path):
    reference = _copy(template, tmp_path / "reference")
    duration = _timed_run(["apply"], Path(reference.working_tree_dir))
    complete = reference.heads["fixer/cleanup"].commit.tree
    interrupted = 0
    for number, fraction in enumerate(FRACTIONS[1:]):
        head = reference.head.commit.hexsha  # every copy starts from the template's commit
        repo, code, err = _interrupt_a_copy(template, tmp_path, f"run{number}", ["apply"], duration * fraction,
                                            group=number % 2 == 0)
        interrupted += _assert_clean_interrupt(code, err)
        assert repo.head.commit.hexsha == head and repo.active_branch.name == "main"
        assert not repo.is_dirty(untracked_files=True)  # the checkout is never touched
        if "fixer/cleanup" in repo.heads:  # a branch is only ever there complete
            assert repo.heads["fixer/cleanup"].commit.tree.hexsha == complete.hexsha
        _no_temp_files(Path(repo.git_dir))
    assert interrupted >= len(FRACTIONS) - 2


@pytest.mark.parametrize("after", ["typer", "fixer.cli.app", "fixer.core.rule"])
def test_ctrl_c_at_start_up_is_one_line_not_a_traceback(tmp_path, after):
    """Ctrl-C while fixer is still importing (right after `after` was imported, as -X importtime
    reports it: the signal lands in the next imports, whatever the machine's speed)."""
    repo = init_repo(tmp_path / "r", {"a.py": "x = 1\n"})
    proc = subprocess.Popen([sys.executable, "-X", "importtime", "-m", "fixer", "check"], cwd=repo.working_tree_dir,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, bufsize=0)
    lines = []
    for line in iter(proc.stderr.readline, b""):  # unbuffered: each import as it finishes
        lines.append(line)
        if line.split(b"|")[-1].strip() == after.encode():
            proc.send_signal(signal.SIGINT)
            break
    lines += proc.stderr.read().splitlines(True)
    proc.wait(timeout=300)
    err = b"".join(line for line in lines if not line.startswith(b"import time:")).decode()
    assert _assert_clean_interrupt(proc.returncode, err), err


def test_ctrl_c_during_the_demo_removes_its_temp_repository(tmp_path):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "fixer", "demo"], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
                            env={**os.environ, "TMPDIR": str(scratch)})
    deadline = time.monotonic() + 120
    while not list(scratch.glob("fixer-demo-*/.git")) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=300)
    assert _assert_clean_interrupt(proc.returncode, err)
    assert list(scratch.iterdir()) == []


class _Swallowing:
    """A rule whose library catches Ctrl-C half-way and raises something else (as LibCST did:
    "KeyError: IndentedBlock(...)"), on the call number `on_call`."""

    def __new__(cls, on_call: int):
        from fixer.core.edits import Edit
        from fixer.core.rule import Outcome, Rule

        class Swallowing(Rule):
            id = "swallowing"
            language = "python"
            anchors = (r"=",)
            calls = 0

            def check(self, source):
                type(self).calls += 1
                if type(self).calls == on_call:
                    try:
                        signal.raise_signal(signal.SIGINT)
                    except KeyboardInterrupt:
                        raise KeyError("IndentedBlock(body=[...])") from None
                edit = [Edit(0, 1, "y", self.id)] if source.text.startswith("x") else []
                return Outcome(edits=edit)

        return Swallowing()


@pytest.mark.parametrize("on_call, would_be", [(1, "rule swallowing failed"), (2, "validation failed")])
def test_an_interrupt_a_library_turned_into_another_error_is_still_an_interrupt(capsys, on_call, would_be):
    from fixer.core import interrupts
    from fixer.core.engine import fix_text

    returned = []
    with interrupts.handled() as interrupt:
        returned.append(fix_text("a.py", "x = 1\n", [_Swallowing(on_call)]))
    assert not returned, f"the run went on and reported: {returned[0].errors} (would be '{would_be}')"
    assert interrupt.happened and not interrupts.happened()  # the flag does not outlive the command
    assert capsys.readouterr().err == "fixer: interrupted\n"


def test_ctrl_c_once_the_command_is_done_does_not_kill_the_exiting_process():
    """The entry point keeps its handler after the command: a Ctrl-C that lands while the process is
    exiting (work done, summary printed) leaves the command's own exit status, not death by SIGINT."""
    from fixer.core import interrupts

    previous = signal.getsignal(signal.SIGINT)
    try:
        with interrupts.handled(restore=False) as outcome:
            pass
        signal.raise_signal(signal.SIGINT)  # would raise KeyboardInterrupt with Python's default handler
        assert not outcome.happened
    finally:
        signal.signal(signal.SIGINT, previous)


def test_a_nested_command_restores_the_callers_handler():
    from fixer.core import interrupts

    previous = signal.getsignal(signal.SIGINT)
    with interrupts.handled():
        assert signal.getsignal(signal.SIGINT) is not previous
    assert signal.getsignal(signal.SIGINT) is previous


def test_a_half_built_object_failing_in_its_destructor_after_ctrl_c_prints_nothing():
    """Ctrl-C inside a library's constructor leaves a half-made object whose __del__ fails later
    (GitPython's GitConfigParser did: "Exception ignored in ... AttributeError"): not shown."""
    script = """
import gc, signal
from fixer.core import interrupts

class HalfBuilt:
    def __init__(self):
        signal.raise_signal(signal.SIGINT)
        self.ready = True

    def __del__(self):
        self.ready

with interrupts.handled(restore=False) as outcome:
    HalfBuilt()
gc.collect()
print("INTERRUPTED" if outcome.happened else "FINISHED", flush=True)
"""
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert proc.stdout.strip() == "INTERRUPTED", (proc.stdout, proc.stderr)
    assert proc.stderr == "fixer: interrupted\n", proc.stderr


def test_ctrl_c_while_a_temp_file_is_being_created_leaves_no_temp_file(tmp_path, monkeypatch):
    """Ctrl-C landing inside mkstemp, after the file exists but before fixer knows its name (seen as
    a `.h013.py.XXXX.fixer-tmp` left by an interrupted `apply --in-place`)."""
    import tempfile

    from fixer.core import fileguard, interrupts

    real = tempfile.mkstemp

    def interrupted_mkstemp(*args, **kwargs):
        made = real(*args, **kwargs)
        signal.raise_signal(signal.SIGINT)
        return made

    monkeypatch.setattr(tempfile, "mkstemp", interrupted_mkstemp)
    target = tmp_path / "a.py"
    target.write_text("x = 1\n")
    item = fileguard.Replacement("a.py", b"y = 1\n", fileguard.fingerprint(b"x = 1\n"))
    previous = signal.getsignal(signal.SIGINT)
    try:
        with interrupts.handled() as outcome:
            fileguard.replace_file(tmp_path, item)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert outcome.happened
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.py"]

"""Ctrl-C aimed into the rename phase of `apply --patch --in-place` on 300 files (once or twice):
either every file is patched and the run says "applied", or none is and it says "interrupted";
never one file patched, never "interrupted" over a finished run, no temp file, no traceback."""
from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

FILES = 300
PADDING = "".join(f"line {n} of text that only makes the file big enough to be slow to read\n" for n in range(400))
TRIALS = 10


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("renames")
    root = base / "tree"
    patch = []
    for n in range(FILES):
        name = f"notes/n{n:03}.txt"
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(f"title {n}\n{PADDING}")
        patch.append(f"diff --git a/{name} b/{name}\n--- a/{name}\n+++ b/{name}\n@@ -1,2 +1,2 @@\n"
                     f"-title {n}\n+TITLE {n}\n {PADDING.splitlines()[0]}\n")
    (base / "p.patch").write_text("".join(patch))
    return root, base / "p.patch"


def temps(root: Path) -> int:
    return sum(1 for name in os.listdir(root / "notes") if name.endswith(".fixer-tmp"))


def patched(root: Path) -> int:
    return sum(1 for n in range(FILES) if (root / f"notes/n{n:03}.txt").read_text().startswith("TITLE"))


def interrupt_in_the_renames(root: Path, patch: Path, rng: random.Random, twice: bool) -> tuple[int, str]:
    proc = subprocess.Popen([sys.executable, "-m", "fixer", "apply", "--patch", str(patch), "--in-place"], cwd=root,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    most = 0
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        count = temps(root)
        if count < most:  # a temp file was renamed into place: the rename phase has begun
            break
        most = max(most, count)
        time.sleep(0.0002)
    time.sleep(rng.uniform(0, 0.01))
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        if twice:
            time.sleep(rng.uniform(0, 0.005))
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    return proc.returncode, err


def test_ctrl_c_in_the_rename_phase_is_all_or_nothing_and_reported_truly(template, tmp_path):
    source, patch = template
    rng = random.Random(24)
    outcomes = []
    for trial in range(TRIALS):
        root = tmp_path / f"t{trial}"
        shutil.copytree(source, root)
        code, err = interrupt_in_the_renames(root, patch, rng, twice=trial % 2 == 1)
        assert "Traceback" not in err, err
        assert temps(root) == 0, (trial, err)
        done = patched(root)
        if code == 0:
            assert done == FILES and "applied" in err and "interrupted" not in err, (trial, done, err)
        else:
            assert code == 130, (trial, code, err)
            assert done == 0, (trial, done, err)
            assert "no file was changed" in err and err.strip().endswith("fixer: interrupted"), err
        outcomes.append((code, done))
        shutil.rmtree(root)
    assert 130 in [code for code, _ in outcomes], outcomes  # the interrupts did land before the run ended


def test_kill_9_in_the_rename_phase_leaves_whole_files_and_the_next_run_cleans_up(template, tmp_path):
    """What the fault table says of kill -9 during `apply --patch --in-place`: every file is either
    the old one or the patched one (never half-written); fixer's temp files of the files not yet
    renamed stay behind until the next run that writes in place removes them."""
    source, patch = template
    rng = random.Random(9)
    for trial in range(3):
        root = tmp_path / f"k{trial}"
        shutil.copytree(source, root)
        proc = subprocess.Popen([sys.executable, "-m", "fixer", "apply", "--patch", str(patch), "--in-place"],
                                cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        most = 0
        while proc.poll() is None:
            count = temps(root)
            if count < most:
                break
            most = max(most, count)
            time.sleep(0.0002)
        time.sleep(rng.uniform(0, 0.005))
        proc.kill()
        proc.communicate(timeout=60)
        for n in range(FILES):
            text = (root / f"notes/n{n:03}.txt").read_text()
            assert text in (f"title {n}\n{PADDING}", f"TITLE {n}\n{PADDING}"), n
        again = subprocess.run([sys.executable, "-m", "fixer", "apply", "--in-place"], cwd=root, capture_output=True,
                               text=True, timeout=120)
        assert "Traceback" not in again.stderr
        assert temps(root) == 0, again.stderr
        shutil.rmtree(root)

"""A slowed `git` for race tests: a wrapper first on PATH that logs each call, then sleeps, then runs
the real git. The log tells a test where a fixer run is, so it can act (kill -9, `git add`) while a
given git command is about to run, instead of hoping a sleep lines up."""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

REAL_GIT = shutil.which("git")


class SlowGit:
    def __init__(self, folder: Path, delay: float = 0.05):
        folder.mkdir(parents=True, exist_ok=True)
        self.log = folder / "git.log"
        wrapper = folder / "bin" / "git"
        wrapper.parent.mkdir(exist_ok=True)
        wrapper.write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> "{self.log}"\nsleep {delay}\nexec "{REAL_GIT}" "$@"\n')
        wrapper.chmod(0o755)
        self.env = {**os.environ, "PATH": f"{wrapper.parent}{os.pathsep}{os.environ['PATH']}",
                    "PYTHONDONTWRITEBYTECODE": "1", "NO_COLOR": "1"}
        self.env.pop("GIT_PYTHON_GIT_EXECUTABLE", None)

    def calls(self) -> list[str]:
        """git's arguments per call, without leading `-c key=value` options."""
        lines = self.log.read_text().splitlines() if self.log.exists() else []
        return [re.sub(r"^(?:-c \S+ )+", "", line) for line in lines]

    def reset(self) -> None:
        self.log.write_text("")

    def start(self, *args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
        """`python -m fixer ARGS` in its own process group (so kill -9 takes its git children too)."""
        return subprocess.Popen([sys.executable, "-m", "fixer", *args], cwd=cwd, env={**self.env, **(env or {})},
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True, text=True)

    def wait_for_call(self, proc: subprocess.Popen, pattern: str, timeout: float = 60) -> bool:
        """Block until the run starts a git command matching `pattern` (a regex matched at the start
        of `git`'s arguments); False if the run ended first."""
        deadline = time.monotonic() + timeout
        wanted = re.compile(pattern)
        while not any(wanted.match(call) for call in self.calls()):
            if proc.poll() is not None or time.monotonic() > deadline:
                return False
            time.sleep(0.005)
        return True


def kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.communicate()

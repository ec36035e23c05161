"""Running the user's verification command: in a given folder, with a time limit, its output
captured to a log file, with the user's environment minus forge tokens."""
from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from fixer.core.errors import GitError
from fixer.core.secrets import without_secrets

DEFAULT_TIMEOUT = 1800.0  # seconds a single run may take (a whole test suite: generous)
GRACE = 5.0  # seconds between SIGTERM and SIGKILL for a run that is stopped


@dataclass(frozen=True)
class Verify:
    """What the user asked for: the command, each run's time limit, and whether a red base is allowed."""

    command: str
    timeout: float = DEFAULT_TIMEOUT
    allow_failing_base: bool = False
    secret_names: tuple[str, ...] = ()  # more variables to keep out (`fixer pr --token-env`)


@dataclass
class Ran:
    """One run of the command: how it ended and where its output is."""

    code: int | None  # None: stopped at the time limit
    seconds: float
    log: Path

    @property
    def passed(self) -> bool:
        return self.code == 0

    @property
    def timed_out(self) -> bool:
        return self.code is None


class VerifyError(GitError):
    """The verification cannot go on (a red base, a bad option): one line, exit 2."""


FROM_CONFIG = "@config"  # `--verify @config`: the `verify` command of the config file


def resolve(command: str | None, configured: str, timeout: float | None, allow_failing_base: bool,
            source: str = "the config", secret_names: tuple[str, ...] = ()) -> Verify | None:
    """The verification the user asked for on the command line (None: none). A `verify` key in a
    repository's config names the command but never runs it by itself: `--verify @config` does."""
    if command is None:
        if timeout is not None or allow_failing_base:
            raise VerifyError("--verify-timeout and --verify-allow-failing-base need --verify CMD")
        return None
    if command.strip() == FROM_CONFIG:
        if not configured.strip():
            raise VerifyError(f"--verify {FROM_CONFIG}: no `verify` command in {source}")
        command = configured
    if not command.strip():
        raise VerifyError("--verify: the command is empty")
    if timeout is not None and timeout <= 0:
        raise VerifyError(f"--verify-timeout {timeout:g}: must be more than 0 seconds")
    return Verify(command.strip(), timeout or DEFAULT_TIMEOUT, allow_failing_base, secret_names)


def command_env(extra_secrets: tuple[str, ...] = ()) -> dict[str, str]:
    """The user's environment without forge and CI tokens (the command takes them out when it starts;
    a caller outside the CLI may not have)."""
    return without_secrets(dict(os.environ), extra_secrets)


def run_command(spec: Verify, cwd: Path, log: Path) -> Ran:
    """Run the command through the shell (it is the user's own command line: `make check && …`),
    in its own process group so a time limit or Ctrl-C stops all it started."""
    clock = time.monotonic()
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as out:
        out.write(f"$ {spec.command}\n".encode())
        out.flush()
        child = subprocess.Popen(spec.command, shell=True, cwd=cwd, env=command_env(spec.secret_names),
                                 stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                 start_new_session=True)
        try:
            code: int | None = child.wait(timeout=spec.timeout)
            _kill_group(child)  # what the tests started and left running goes with the export
        except subprocess.TimeoutExpired:
            stop(child)
            code = None
            out.write(f"\nfixer: stopped after the time limit of {spec.timeout:g} s\n".encode())
        except BaseException:  # Ctrl-C or any error: never leave the user's test suite running
            stop(child)
            raise
    return Ran(code, time.monotonic() - clock, log)


def _kill_group(child: subprocess.Popen) -> None:
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def stop(child: subprocess.Popen) -> None:
    """SIGTERM to the command's whole process group, then SIGKILL to what is left."""
    for sig, wait in ((signal.SIGTERM, GRACE), (signal.SIGKILL, None)):
        try:
            os.killpg(child.pid, sig)
        except ProcessLookupError:
            break
        try:
            child.wait(timeout=wait)
            if sig == signal.SIGTERM:
                # The shell may be gone while what it started still runs: finish the group off.
                os.killpg(child.pid, signal.SIGKILL)
            break
        except subprocess.TimeoutExpired:
            continue
        except ProcessLookupError:
            break

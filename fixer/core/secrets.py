"""Forge and CI tokens out of the process environment, for the whole command.

A token in `os.environ` is inherited by every process fixer starts: each git, whatever git starts in
turn, a pool worker, the user's `--verify` command. So every command takes them all out when it starts
(`take_all`, called by the CLI before any work); the few calls that need one (the forge's client, the
push's credential pipe) ask `take` for it by name."""
from __future__ import annotations

import os
import re

# Tokens a forge or CI hands out: neither git, nor a test suite, nor a repository's Makefile needs them.
FORGE_TOKENS = re.compile(r"^(GITHUB|GH|GH_ENTERPRISE|GITHUB_ENTERPRISE|GITLAB|GL|GITEA|FORGEJO|CODEBERG|"
                          r"BITBUCKET|CI_JOB|ACTIONS_RUNTIME|ACTIONS_ID_TOKEN_REQUEST)_(\w*_)?(TOKEN|JWT|PASSWORD)$")

_taken: dict[str, str] = {}


def take_all() -> None:
    """At the start of a command: every forge/CI token leaves the environment (what an earlier command
    of this process took is forgotten: the environment now is what counts)."""
    _taken.clear()
    for name in [name for name in os.environ if FORGE_TOKENS.match(name)]:
        _taken[name] = os.environ.pop(name)


def take(name: str) -> str:
    """The variable's value ("" when unset), out of the environment from now on."""
    if name in os.environ:
        _taken[name] = os.environ.pop(name)
    return _taken.get(name, "")


def taken(names: tuple[str, ...]) -> dict[str, str]:
    """The values taken of `names` (for a worker process, which starts without them)."""
    return {name: _taken[name] for name in names if name in _taken}


def hand_over(values: dict[str, str]) -> None:
    """In a worker: what its parent took, as if taken here."""
    _taken.update(values)


def without_secrets(env: dict[str, str], extra: tuple[str, ...] = ()) -> dict[str, str]:
    """`env` minus every forge/CI token and the `extra` names."""
    return {name: value for name, value in env.items() if not FORGE_TOKENS.match(name) and name not in extra}

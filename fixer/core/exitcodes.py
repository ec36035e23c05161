"""fixer's exit codes, defined here and only here (the README's table is copied from this).

| code | `check`, `apply --dry-run`, `diff`, `checklist` | `apply`, `apply --in-place`, `apply --patch`, `checklist --apply`, `pr` |
|------|--------------------------------------------------|-------------------------------------------------------------------------|
| 0    | nothing to fix                                   | success (including "nothing to do")                     |
| 1    | fixes pending, or findings that need a person    | (not used)                                              |
| 2    | an error: bad config, a path that does not exist or that nothing checks, unparsable/unreadable file, git refusal, bad patch, a file that cannot be written | the same errors |
| 130  | interrupted (Ctrl-C): one line, nothing half-written                  | the same                        |

A run that hit an error on one file still processes (and, when applying, writes) the others, then
exits 2.
"""
from __future__ import annotations

OK = 0
PENDING = 1
ERROR = 2
INTERRUPTED = 130  # 128 + SIGINT, as shells report it


def for_report(has_errors: bool, pending: bool) -> int:
    """Exit code of a reporting command (check, dry runs, diff)."""
    if has_errors:
        return ERROR
    return PENDING if pending else OK


def for_action(has_errors: bool) -> int:
    """Exit code of a command that writes (apply, apply --in-place, pr)."""
    return ERROR if has_errors else OK

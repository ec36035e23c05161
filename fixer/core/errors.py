"""Errors every layer may raise; the CLI turns them into one line and exit code 2."""
from __future__ import annotations


class GitError(Exception):
    """A git state fixer refuses to work in (message says what and why)."""

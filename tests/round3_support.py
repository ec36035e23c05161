"""Helpers of the round-3 Python tests: run a module's code before and after a rule, as Python itself."""
from __future__ import annotations

import contextlib
import io
import subprocess
import sys
import textwrap
from pathlib import Path

from fixer.core.engine import fix_text
from fixer.core.rule import all_rules


def fixed(rule_id: str, source: str, path: str = "app/core.py", context=None, **params):
    """The rule's result on dedented source (no errors; the output compiles)."""
    result = fix_text(path, textwrap.dedent(source), [all_rules()[rule_id](**params)], context)
    assert result.errors == [], result.errors
    compile(result.new, path, "exec")
    return result


def call(source: str, function: str, *args):
    """(return value, stdout) of calling `function` of a module built from `source`."""
    namespace: dict = {"__name__": "under_test"}
    exec(compile(source, "under_test.py", "exec"), namespace)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        value = namespace[function](*args)
    return value, out.getvalue()


def pytest_run(root: Path, *args: str) -> subprocess.CompletedProcess:
    """The project's own test suite, run by pytest in a child process."""
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args], cwd=root,
                          capture_output=True, text=True, timeout=120)


def python_run(root: Path, *args: str, env=None) -> subprocess.CompletedProcess:
    import os

    return subprocess.run([sys.executable, *args], cwd=root, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **(env or {})})

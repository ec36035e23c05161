"""Which tests failed in a run: from the JUnit XML reports the command wrote (read with junitparser),
else from the failure summaries pytest and ExUnit print. Names are what the report shows a person:
`test_status_output`, `test prints the summary`."""
from __future__ import annotations

import os
import re
from pathlib import Path

from junitparser import Error, Failure, JUnitXml, TestSuite
from junitparser.junitparser import JUnitXmlError

SKIPPED_DIRS = {".git", "_build", "deps", "node_modules", ".venv", "venv", "__pycache__", ".pytest_cache", ".tox"}
# pytest's short summary (shown with -q and by default): `FAILED tests/test_app.py::test_x - AssertionError`
PYTEST_LINE = re.compile(r"^(?:FAILED|ERROR) (?P<id>\S+?)(?: - .*)?$", re.M)
# ExUnit: `  1) test prints the summary (AppTest)`
EXUNIT_LINE = re.compile(r"^\s+\d+\) test (?P<name>.+) \((?P<module>[\w.]+)\)$", re.M)


def failing_tests(root: Path, output: str, since: float) -> frozenset[str] | None:
    """The failing tests' ids (None: the command said nothing fixer can read test names from)."""
    reports = junit_reports(root, since)
    if reports:
        return frozenset(name for report in reports for name in _junit_failures(report))
    found = {match.group("id") for match in PYTEST_LINE.finditer(output)}
    found |= {f"{match.group('module')}: test {match.group('name')}" for match in EXUNIT_LINE.finditer(output)}
    return frozenset(found) or None


def short_name(test_id: str) -> str:
    """`tests/test_app.py::test_x` -> `test_x`; `AppTest: test y` -> `test y`."""
    return re.split(r"::|: ", test_id)[-1]


def junit_reports(root: Path, since: float) -> list[Path]:
    """XML files under `root` written since the run started that are JUnit reports."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS]
        for name in files:
            path = Path(folder) / name
            if name.endswith(".xml") and path.stat().st_mtime >= since - 1 and _is_junit(path):
                found.append(path)
    return sorted(found)


def _is_junit(path: Path) -> bool:
    try:
        head = path.read_bytes()[:2048]
    except OSError:
        return False
    return b"<testsuite" in head


def _junit_failures(path: Path) -> list[str]:
    try:
        xml = JUnitXml.fromfile(str(path))
    except (JUnitXmlError, OSError, SyntaxError, ValueError):
        return []
    suites = [xml] if isinstance(xml, TestSuite) else list(xml)
    failed = []
    for suite in suites:
        for case in suite:
            if any(isinstance(result, (Failure, Error)) for result in case.result):
                failed.append(f"{case.classname}::{case.name}" if case.classname else case.name)
    return failed

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


def failing_tests(root: Path, output: str, before: dict[Path, tuple[int, int]]) -> frozenset[str] | None:
    """The failing tests' ids (None: the command said nothing fixer can read test names from).
    `before`: the XML files' stamps before the run (`xml_stamps`): only reports it wrote count."""
    reports = [path for path, stamp in xml_stamps(root).items() if before.get(path) != stamp and _is_junit(path)]
    if reports:
        return frozenset(name for report in sorted(reports) for name in _junit_failures(report))
    found = {match.group("id") for match in PYTEST_LINE.finditer(output)}
    found |= {f"{match.group('module')}: test {match.group('name')}" for match in EXUNIT_LINE.finditer(output)}
    return frozenset(found) or None


def xml_stamps(root: Path) -> dict[Path, tuple[int, int]]:
    """Every XML file under `root` (outside build and tool folders) with its mtime in ns and size."""
    stamps = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS]
        for name in files:
            if name.endswith(".xml"):
                path = Path(folder) / name
                try:
                    info = path.stat()
                except OSError:
                    continue
                stamps[path] = (info.st_mtime_ns, info.st_size)
    return stamps


def short_name(test_id: str) -> str:
    """`tests/test_app.py::test_x` -> `test_x`; `AppTest: test y` -> `test y`."""
    return re.split(r"::|: ", test_id)[-1]


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

"""A file to fix is read again by the process that fixes it: between the scan and the fix the parent
holds its fingerprint and size, not its text, and a file changed in between is refused, never fixed
from what it held when it was scanned."""
from __future__ import annotations

import json

import pytest

from conftest import init_repo, run_cli
from fixer.core import pool, runner
from fixer.core.fileguard import fingerprint

CONFIG = '[rules.remove-debug-file-writes]\nfiles = ["/tmp/*debug*.log"]\n'
DEBUG = 'def f_{n}():\n    open("/tmp/a_debug.log", "a").write("x")\n    return {n}\n'
FIXED = "def f_{n}():\n    return {n}\n"
CLEAN = "def g():\n    return 0\n"
# Saved by someone else after fixer's scan read the file: still a debug write, another return value.
EDITED = 'def f_0():\n    open("/tmp/a_debug.log", "a").write("y")\n    return 100\n'
FILES = 8  # with --jobs 2, enough files for a pool (see pool.MIN_FILES_PER_JOB)


def make_repo(tmp_path):
    files = {"fixer.toml": CONFIG, "clean.py": CLEAN, **{f"m{n}.py": DEBUG.format(n=n) for n in range(FILES)}}
    init_repo(tmp_path / "repo", files)
    return tmp_path / "repo"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_file_changed_between_scan_and_fix_is_refused(tmp_path, monkeypatch, jobs):
    root = make_repo(tmp_path)
    real = runner.Reread.read

    def saved_after_the_scan(self, path, unread):
        if path == "m0.py":
            (root / path).write_text(EDITED)
        return real(self, path, unread)

    # A forked worker inherits the patched class: the file is edited by whichever process fixes it.
    monkeypatch.setattr(runner.Reread, "read", saved_after_the_scan)
    result = run_cli("apply", "--in-place", "--jobs", jobs, cwd=root)
    assert result.exit_code == 2
    [line] = [line for line in result.stderr.splitlines() if "m0.py" in line]
    assert runner.CHANGED_SINCE_READ in line
    assert (root / "m0.py").read_text() == EDITED  # neither fixed from the old text nor from the new
    for n in range(1, FILES):
        assert (root / f"m{n}.py").read_text() == FIXED.format(n=n)


def test_the_parent_holds_no_text_of_the_files_to_fix(tmp_path, monkeypatch):
    root = make_repo(tmp_path)
    handed, tasks = [], []
    real_fix, real_pooled = pool.fix_files, pool._pooled

    def fix_files(work, *rest, **options):
        handed.extend(work)
        return real_fix(work, *rest, **options)

    def pooled(jobs, task, sent, *rest, **options):
        tasks.extend(sent)
        return real_pooled(jobs, task, sent, *rest, **options)

    monkeypatch.setattr(pool, "fix_files", fix_files)
    monkeypatch.setattr(pool, "_pooled", pooled)
    result = run_cli("check", "--format", "json", "--jobs", "2", cwd=root)
    assert result.exit_code == 1
    assert sorted(path for path, _ in handed) == sorted(f"m{n}.py" for n in range(FILES))
    for path, item in handed:  # what the bytes read again must match, and no text
        data = (root / path).read_bytes()
        assert item == pool.Unread(fingerprint(data), len(data))
    assert len(tasks) == FILES - 1 and all(sent is None for _, sent in tasks)  # an index each (one fixed first)
    fixed = {finding["path"] for finding in json.loads(result.stdout)["findings"] if finding["fixable"]}
    assert fixed == {f"m{n}.py" for n in range(FILES)}


def test_output_is_the_same_as_from_texts_held(tmp_path, monkeypatch):
    """The same diff whether the parent keeps the texts (a source read by one git process) or the
    fixing processes read the files again."""
    root = make_repo(tmp_path)
    (root / "m1.py").write_bytes(b"\xef\xbb\xbf" + DEBUG.format(n=1).replace("\n", "\r\n").encode())
    again = run_cli("diff", "--jobs", "2", cwd=root)
    monkeypatch.setattr(runner.Reread, "fits", staticmethod(lambda source: False))
    held = run_cli("diff", "--jobs", "2", cwd=root)
    assert again.exit_code == held.exit_code == 1
    assert again.stdout == held.stdout and "m1.py" in again.stdout

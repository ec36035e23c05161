"""The user's files: never outside the repository, never an edit made meanwhile overwritten, no temp
files left behind, patches in place all or nothing, odd line endings, encodings and file names."""
from __future__ import annotations

import codecs
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import git
import pytest

from conftest import init_repo as _init_repo, run_cli, write_files, with_debug_logs


def init_repo(root, files=None, **options):
    """A test repo whose fixer.toml lists the debug logs, so `remove-debug-file-writes` removes them."""
    return _init_repo(root, with_debug_logs(files), **options)


DEBUG = 'def f():\n    open("/tmp/a_debug.log", "a").write("x")\n    return 1\n'
FIXED = "def f():\n    return 1\n"


def plain_dir(tmp_path, files) -> Path:
    root = tmp_path / "plain"
    root.mkdir()
    write_files(root, with_debug_logs(files))
    return root


def refused_and_rest_fixed(result, root: Path, name: str, reason: str, kept: bytes, rest: str) -> None:
    """One file reported (path and reason) and left as `kept`; the file `rest` still fixed; exit 2."""
    assert result.exit_code == 2, result
    assert name in result.stderr and reason in result.stderr
    assert (root / name).read_bytes() == kept
    assert (root / rest).read_text() == FIXED


def one_error_line(stderr: str) -> str:
    errors = [line for line in stderr.splitlines() if line.lstrip().startswith(("error", "fixer: error"))]
    assert "Traceback" not in stderr, stderr
    assert len(errors) == 1, stderr
    return errors[0]


# -- outside the repository ------------------------------------------------------------------------

def test_a_symlinked_parent_folder_pointing_outside_is_never_written(tmp_path):
    outside = tmp_path / "outside"
    write_files(outside, {"a.py": DEBUG, ".a.py.abcd1234.fixer-tmp": "not fixer's to remove\n"})
    repo = init_repo(tmp_path / "r", {"lib/a.py": DEBUG, "app/b.py": DEBUG})
    # The tracked folder lib/ is replaced by a link to a folder outside; git still lists lib/a.py.
    (tmp_path / "r/lib/a.py").unlink()
    (tmp_path / "r/lib").rmdir()
    os.symlink(outside, tmp_path / "r/lib")
    for args in (["check"], ["apply", "--in-place", "--force"], ["diff"]):
        result = run_cli(*args, cwd=repo.working_tree_dir)
        assert result.exit_code == 2, (args, result)
        assert "lib/a.py" in result.stderr and "symlink points outside the repository" in result.stderr
        assert (outside / "a.py").read_text() == DEBUG
    assert (tmp_path / "r/app/b.py").read_text() == FIXED  # the rest is still fixed
    # The pre-commit hook passes the staged file names.
    hook = run_cli("apply", "--in-place", "--force", "lib/a.py", cwd=repo.working_tree_dir)
    assert hook.exit_code == 2 and "outside the repository" in hook.stderr
    assert sorted(p.name for p in outside.iterdir()) == [".a.py.abcd1234.fixer-tmp", "a.py"]
    assert (outside / "a.py").read_text() == DEBUG


def test_a_symlinked_folder_inside_the_repo_is_fixed_once_under_its_real_name(tmp_path):
    repo = init_repo(tmp_path / "r", {"src/a.py": DEBUG, "lib/a.py": DEBUG})
    (tmp_path / "r/lib/a.py").unlink()
    (tmp_path / "r/lib").rmdir()
    os.symlink("src", tmp_path / "r/lib")
    result = run_cli("apply", "--in-place", "--force", cwd=repo.working_tree_dir)
    assert result.exit_code == 0, result
    assert (tmp_path / "r/src/a.py").read_text() == FIXED
    assert os.path.islink(tmp_path / "r/lib")


def test_a_symlink_loop_is_one_line_and_exit_2(tmp_path):
    root = plain_dir(tmp_path, {"good.py": DEBUG})
    os.symlink("b.py", root / "a.py")
    os.symlink("a.py", root / "b.py")
    result = run_cli("apply", "--in-place", cwd=root)
    assert result.exit_code == 2
    assert "symlink loop" in result.stderr and "Traceback" not in result.stderr
    assert (root / "good.py").read_text() == FIXED
    hook = run_cli("apply", "--in-place", "--force", "a.py", cwd=root)
    assert hook.exit_code == 2 and "symlink loop" in one_error_line(hook.stderr)


# -- edits made while fixer runs --------------------------------------------------------------------

def _edit_right_after_reading(monkeypatch, name: str, new_text: str):
    """Simulate an editor saving `name` just after fixer read it."""
    from fixer.core.sources import WorkTree

    real_read = WorkTree.read

    def read_then_edit(self, path, **options):
        data = real_read(self, path, **options)
        if path == name:
            (self.root / path).write_text(new_text)
        return data

    monkeypatch.setattr(WorkTree, "read", read_then_edit)


def test_a_file_edited_after_fixer_read_it_is_not_overwritten(tmp_path, monkeypatch):
    root = plain_dir(tmp_path, {"edited.py": DEBUG, "other.py": DEBUG})
    mine = DEBUG + "# saved by the editor meanwhile\n"
    _edit_right_after_reading(monkeypatch, "edited.py", mine)
    result = run_cli("apply", "--in-place", cwd=root)
    refused_and_rest_fixed(result, root, "edited.py", "changed on disk while fixer ran", mine.encode(), "other.py")


def test_with_force_in_git_an_edit_made_meanwhile_is_kept_too(tmp_path, monkeypatch):
    repo = init_repo(tmp_path / "r", {"app/a.py": DEBUG})
    mine = DEBUG + "# saved meanwhile\n"
    _edit_right_after_reading(monkeypatch, "app/a.py", mine)
    result = run_cli("apply", "--in-place", "--force", cwd=repo.working_tree_dir)
    assert result.exit_code == 2 and "changed on disk" in result.stderr
    assert (tmp_path / "r/app/a.py").read_text() == mine


# -- temp files ---------------------------------------------------------------------------------------

def test_temp_files_left_by_a_killed_run_are_removed_by_the_next_one(tmp_path):
    repo = init_repo(tmp_path / "r", {"app/a.py": DEBUG, ".gitignore": "*.fixer-tmp\n"})
    # What kill -9 during a write leaves: the temp file next to its target, half written.
    stale = [tmp_path / "r/app/.a.py.k3j4h5g6.fixer-tmp", tmp_path / "r/.x.py.abcd_123.fixer-tmp"]
    for path in stale:
        path.write_bytes(b"def f(:\n  half")
    keep = tmp_path / "r/app/notes.fixer-tmp"  # not fixer's naming: not fixer's to remove
    keep.write_text("mine\n")
    check = run_cli("check", cwd=repo.working_tree_dir)
    assert check.exit_code == 1 and all(p.exists() for p in stale)  # a read-only command removes nothing
    result = run_cli("apply", "--in-place", "--force", cwd=repo.working_tree_dir)
    assert result.exit_code == 0, result
    assert "removed 2 temp files left by an interrupted fixer run" in result.stderr
    assert not any(p.exists() for p in stale) and keep.exists()
    assert (tmp_path / "r/app/a.py").read_text() == FIXED
    assert sorted(p.name for p in (tmp_path / "r/app").iterdir()) == ["a.py", "notes.fixer-tmp"]


# -- read-only files ------------------------------------------------------------------------------------

def test_a_read_only_file_is_not_rewritten_even_by_root(tmp_path):
    root = plain_dir(tmp_path, {"locked.py": DEBUG, "good.py": DEBUG})
    os.chmod(root / "locked.py", 0o444)
    result = run_cli("apply", "--in-place", cwd=root)
    refused_and_rest_fixed(result, root, "locked.py", "read-only", DEBUG.encode(), "good.py")


# -- apply --patch --in-place: all or nothing -------------------------------------------------------------

@pytest.fixture
def patched_repo(tmp_path):
    """A repo with two files to fix (app/a.py first, app/b.py second) and fixer's patch for them."""
    noise = "".join(f"V{n} = '{os.urandom(20).hex()}'\n" for n in range(400))
    repo = init_repo(tmp_path / "r", {"app/a.py": DEBUG, "app/b.py": DEBUG + noise})
    patch = tmp_path / "fix.patch"
    assert run_cli("diff", "-o", str(patch), cwd=repo.working_tree_dir).exit_code == 1
    return tmp_path / "r", patch, (tmp_path / "r/app/a.py").read_bytes(), (tmp_path / "r/app/b.py").read_bytes()


def _nothing_changed(root: Path, a: bytes, b: bytes) -> None:
    assert (root / "app/a.py").read_bytes() == a
    assert (root / "app/b.py").read_bytes() == b
    assert sorted(p.name for p in (root / "app").iterdir()) == ["a.py", "b.py"]


def test_patch_in_place_with_one_read_only_target_writes_nothing(patched_repo):
    root, patch, a, b = patched_repo
    os.chmod(root / "app/b.py", 0o444)
    result = run_cli("apply", "--patch", str(patch), "--in-place", cwd=root)
    assert result.exit_code == 2
    line = one_error_line(result.stderr)
    assert "app/b.py" in line and "read-only" in line and "no file was changed" in line
    _nothing_changed(root, a, b)


def test_patch_in_place_with_an_unwritable_folder_writes_nothing(patched_repo, monkeypatch):
    root, patch, a, b = patched_repo
    real_access = os.access
    # Tests run as root, where chmod cannot deny a write: make the OS answer "not writable".
    monkeypatch.setattr(os, "access",
                        lambda path, mode: False if str(path).endswith("b.py") else real_access(path, mode))
    result = run_cli("apply", "--patch", str(patch), "--in-place", cwd=root)
    assert result.exit_code == 2 and "app/b.py" in one_error_line(result.stderr)
    _nothing_changed(root, a, b)


def test_patch_in_place_on_a_full_disk_writes_nothing(patched_repo):
    root, patch, a, b = patched_repo

    def full_disk():  # app/b.py's new content no longer fits; app/a.py's does
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    proc = subprocess.run([sys.executable, "-m", "fixer", "apply", "--patch", str(patch), "--in-place"], cwd=root,
                          capture_output=True, text=True, preexec_fn=full_disk, timeout=300,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "NO_COLOR": "1"})
    assert proc.returncode == 2, proc.stderr
    line = one_error_line(proc.stderr)
    assert "app/b.py" in line and "File too large" in line
    _nothing_changed(root, a, b)


def test_patch_in_place_rolls_back_when_a_rename_fails(patched_repo, monkeypatch):
    root, patch, a, b = patched_repo
    real_replace = os.replace

    def fail_on_b(src, dst):
        if str(dst).endswith("app/b.py"):
            raise OSError(5, "Input/output error")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", fail_on_b)
    result = run_cli("apply", "--patch", str(patch), "--in-place", cwd=root)
    assert result.exit_code == 2
    assert "app/b.py" in one_error_line(result.stderr)
    _nothing_changed(root, a, b)  # app/a.py was already replaced, and is put back


def test_patch_in_place_applies_every_file(patched_repo):
    root, patch, a, b = patched_repo
    result = run_cli("apply", "--patch", str(patch), "--in-place", cwd=root)
    assert result.exit_code == 0, result
    assert (root / "app/a.py").read_text() == FIXED
    assert sorted(p.name for p in (root / "app").iterdir()) == ["a.py", "b.py"]


# -- line endings and encodings ---------------------------------------------------------------------------

LONE_CR = 'import logging\rdef f():\r    open("/tmp/a_debug.log", "a").write("x")\r    return 1\r\r\rdef g():\r' \
          '    with open("/tmp/a_debug.log", "a") as log:\r        log.write("y")\r    return 2\r'


def test_lone_cr_line_endings_are_fixed_not_crashed_on(tmp_path):
    root = plain_dir(tmp_path, {"mac.py": LONE_CR.encode()})
    check = run_cli("check", cwd=root)
    assert check.exit_code == 1, check
    assert "IndexError" not in check.stdout + check.stderr
    result = run_cli("apply", "--in-place", cwd=root)
    assert result.exit_code == 0, result
    assert (root / "mac.py").read_bytes() == b"import logging\rdef f():\r    return 1\r\r\rdef g():\r    return 2\r"


def test_line_index_agrees_with_libcst_on_every_line_ending():
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider

    from fixer.core.edits import LineIndex

    text = "a = 1\rb = 2\r\nc = 3\nd = (4,\r 5)\re = 6"
    index = LineIndex(text)
    positions = MetadataWrapper(cst.parse_module(text)).resolve(PositionProvider)
    for node, where in positions.items():
        if isinstance(node, cst.Name):
            offset = index.offset(where.start.line, where.start.column)
            assert text[offset:offset + len(node.value)] == node.value
    assert index.line_count == 6 and index.line_text(4) == "d = (4," and index.line_of(text.index("e")) == 6


def test_mixed_line_endings_keep_every_untouched_byte(tmp_path):
    mixed = b'x = 1\r\ndef f():\n    open("/tmp/a_debug.log", "a").write("x")\r\n    return 1\ny = 2\r\n'
    root = plain_dir(tmp_path, {"mixed.py": mixed})
    assert run_cli("apply", "--in-place", cwd=root).exit_code == 0
    assert (root / "mixed.py").read_bytes() == b"x = 1\r\ndef f():\n    return 1\ny = 2\r\n"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_files_are_named_for_what_they_are(tmp_path, encoding):
    data = DEBUG.encode(encoding)
    if encoding == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    root = plain_dir(tmp_path, {"wide.py": data, "good.py": DEBUG})
    result = run_cli("apply", "--in-place", cwd=root)
    refused_and_rest_fixed(result, root, "wide.py", "UTF-16/UTF-32", data, "good.py")


def test_bom_with_crlf_is_kept(tmp_path):
    data = codecs.BOM_UTF8 + DEBUG.replace("\n", "\r\n").encode()
    root = plain_dir(tmp_path, {"both.py": data})
    assert run_cli("apply", "--in-place", cwd=root).exit_code == 0
    assert (root / "both.py").read_bytes() == codecs.BOM_UTF8 + FIXED.replace("\n", "\r\n").encode()


# -- file names git has to quote -------------------------------------------------------------------------

ODD_NAMES = ["app/x\ty.py", "app/n\nl.py", 'app/q"uote.py', "app/back\\slash.py", "app/ünï.py", "app/sp ace.py"]


def test_diff_quotes_odd_file_names_like_git_and_the_patch_round_trips(tmp_path):
    repo = init_repo(tmp_path / "r", {name: DEBUG for name in ODD_NAMES})
    root = tmp_path / "r"
    patch = tmp_path / "odd.patch"
    assert run_cli("diff", "-o", str(patch), cwd=root).exit_code == 1
    ours = patch.read_text()
    subprocess.run(["git", "apply", "--check", str(patch)], cwd=root, check=True)
    # git's own headers for the same change are exactly ours.
    subprocess.run(["git", "apply", str(patch)], cwd=root, check=True)
    theirs = repo.git.diff()
    ours_headers = [l for l in ours.splitlines() if l.startswith(("diff --git", "--- ", "+++ "))]
    their_headers = [l for l in theirs.splitlines() if l.startswith(("diff --git", "--- ", "+++ "))]
    assert sorted(ours_headers) == sorted(their_headers)
    assert '"a/app/x\\ty.py"' in ours and '"a/app/\\303\\274n\\303\\257.py"' in ours
    repo.git.checkout("--", ".")
    branch = run_cli("apply", "--patch", str(patch), "--branch", "reviewed", cwd=root)
    assert branch.exit_code == 0, branch
    for name in ODD_NAMES:
        assert repo.git.show(f"reviewed:{name}") + "\n" == FIXED
    in_place = run_cli("apply", "--patch", str(patch), "--in-place", cwd=root)
    assert in_place.exit_code == 0, in_place
    assert all((root / name).read_text() == FIXED for name in ODD_NAMES)


def test_quote_path_round_trips_every_byte():
    from fixer.core.diffs import quote_path, unquote_path

    every = "".join(chr(c) for c in range(1, 128)) + "ü€\U0001f600"
    assert unquote_path(quote_path(every)) == every
    assert quote_path("plain/path.py") == "plain/path.py"
    assert unquote_path('"a/x\\ty\\\\z\\"q\\303\\274"') == 'a/x\ty\\z"qü'


def test_in_place_outside_git_takes_turns_on_the_folder_lock(tmp_path):
    from fixer.git.lock import repo_lock

    root = plain_dir(tmp_path, {"a.py": DEBUG})
    with repo_lock(None, root, timeout=0):
        refused = run_cli("apply", "--in-place", cwd=root, env={"FIXER_LOCK_TIMEOUT": "0"})
    assert refused.exit_code == 2 and "another fixer run" in one_error_line(refused.stderr)
    assert (root / "a.py").read_text() == DEBUG
    assert run_cli("apply", "--in-place", cwd=root).exit_code == 0
    assert sorted(p.name for p in root.iterdir()) == ["a.py", "fixer.toml"]  # the lock is the folder itself: nothing created

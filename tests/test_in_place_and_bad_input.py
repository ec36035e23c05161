"""`apply --in-place`: text fidelity, atomic writes, and every kind of bad input (exit 2, nothing lost)."""
from __future__ import annotations

import codecs
import os
import stat

import pytest

from conftest import init_repo, run_cli, write_files

DEBUG = 'def f():\n    open("/tmp/a_debug.log", "a").write("x")\n    return 1\n'
FIXED = "def f():\n    return 1\n"
# remove-debug-file-writes only reports until `files` is configured.
FILES = '[rules.remove-debug-file-writes]\nfiles = ["/tmp/*debug*.log"]\n'


def plain_dir(tmp_path, files):
    root = tmp_path / "plain"
    root.mkdir()
    write_files(root, {**files, "fixer.toml": files.get("fixer.toml", "") + FILES})
    return root


def test_in_place_without_git_walks_the_tree_and_skips_vendor_dirs(tmp_path):
    root = plain_dir(tmp_path, {"app/a.py": DEBUG, "node_modules/x.py": DEBUG, ".venv/lib/y.py": DEBUG,
                                "_build/z.py": DEBUG, "deps/d.py": DEBUG})
    (root / ".venv" / "pyvenv.cfg").write_text("home = /usr\n")
    result = run_cli("apply", "--in-place", cwd=root)
    assert result.exit_code == 0, result
    assert (root / "app/a.py").read_text() == FIXED
    for skipped in ("node_modules/x.py", ".venv/lib/y.py", "_build/z.py", "deps/d.py"):
        assert (root / skipped).read_text() == DEBUG


def test_gitignored_files_are_not_touched(tmp_path):
    repo = init_repo(tmp_path / "r", {".gitignore": "generated/\n", "app/a.py": DEBUG, "fixer.toml": FILES})
    write_files(tmp_path / "r", {"generated/g.py": DEBUG, "new/untracked.py": DEBUG})
    refused = run_cli("apply", "--in-place", cwd=repo.working_tree_dir)  # never-committed work is protected too
    assert refused.exit_code == 2 and "new/untracked.py" in refused.stderr
    assert run_cli("apply", "--in-place", "--force", cwd=repo.working_tree_dir).exit_code == 0
    assert (tmp_path / "r/generated/g.py").read_text() == DEBUG
    assert (tmp_path / "r/new/untracked.py").read_text() == FIXED


def test_crlf_bom_missing_newline_and_mode_are_kept(tmp_path):
    crlf = DEBUG.replace("\n", "\r\n").encode()
    bom = codecs.BOM_UTF8 + DEBUG.encode()
    no_newline = DEBUG.rstrip("\n").encode()
    root = plain_dir(tmp_path, {"crlf.py": crlf, "bom.py": bom, "nonl.py": no_newline, "exec.py": DEBUG})
    os.chmod(root / "exec.py", 0o755)
    assert run_cli("apply", "--in-place", cwd=root).exit_code == 0
    assert (root / "crlf.py").read_bytes() == FIXED.replace("\n", "\r\n").encode()
    assert (root / "bom.py").read_bytes() == codecs.BOM_UTF8 + FIXED.encode()
    assert (root / "nonl.py").read_bytes() == FIXED.rstrip("\n").encode()
    assert stat.S_IMODE((root / "exec.py").stat().st_mode) == 0o755
    assert not list(root.glob(".*fixer-tmp"))


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("bad_syntax.py", b'def f(:\n    open("/tmp/a_debug.log", "a").write("x")\n', "syntax error"),
        ("latin1.py", 'x = "caf\xe9"\nopen("/tmp/a_debug.log", "a").write("x")\n'.encode("latin-1"), "not valid UTF-8"),
        ("binary.py", b"\x00\x01open('/tmp/a_debug.log','a').write('x')", "binary file"),
        ("huge.py", (DEBUG + "#" * 3000 + "\n").encode(), "larger than"),
    ],
)
def test_bad_files_are_reported_others_still_fixed(tmp_path, name, content, reason):
    root = plain_dir(tmp_path, {"fixer.toml": '[fixer]\nmax_file_size = 2048\n', name: content, "good.py": DEBUG})
    result = run_cli("apply", "--in-place", cwd=root)
    assert result.exit_code == 2
    assert name in result.stderr and reason in result.stderr
    assert "Traceback" not in result.stderr
    assert (root / name).read_bytes() == content
    assert (root / "good.py").read_text() == FIXED


def test_symlink_out_of_the_repo_is_an_error_and_not_followed(tmp_path):
    outside = tmp_path / "outside.py"
    outside.write_text(DEBUG)
    root = plain_dir(tmp_path, {"good.py": DEBUG})
    os.symlink(outside, root / "link.py")
    os.symlink(root / "good.py", root / "inner_link.py")
    result = run_cli("apply", "--in-place", cwd=root)
    assert result.exit_code == 2
    assert "link.py" in result.stderr and "symlink points outside" in result.stderr
    assert outside.read_text() == DEBUG
    assert (root / "good.py").read_text() == FIXED
    assert os.path.islink(root / "inner_link.py")


def test_permission_denied_on_write(tmp_path, monkeypatch):
    root = plain_dir(tmp_path, {"locked.py": DEBUG, "good.py": DEBUG})
    real_access = os.access
    # Tests run as root in CI, where chmod cannot deny a write: make the OS answer "not writable".
    monkeypatch.setattr("fixer.core.fileguard.os.access",
                        lambda path, mode: False if str(path).endswith("locked.py") else real_access(path, mode))
    result = run_cli("apply", "--in-place", cwd=root)
    assert result.exit_code == 2
    assert "locked.py" in result.stderr and "Permission denied" in result.stderr
    assert (root / "locked.py").read_text() == DEBUG
    assert (root / "good.py").read_text() == FIXED


def test_interrupted_write_leaves_the_old_file(tmp_path, monkeypatch):
    root = plain_dir(tmp_path, {"a.py": DEBUG})

    def boom(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr("fixer.core.fileguard.os.replace", boom)
    result = run_cli("apply", "--in-place", cwd=root)  # click turns the interrupt into "Aborted!"
    assert result.exit_code != 0
    assert (root / "a.py").read_text() == DEBUG
    assert sorted(p.name for p in root.iterdir()) == ["a.py", "fixer.toml"]


def test_in_place_refuses_to_overwrite_uncommitted_edits(tmp_path):
    repo = init_repo(tmp_path / "r", {"app/a.py": DEBUG, "fixer.toml": FILES})
    path = tmp_path / "r/app/a.py"
    path.write_text(DEBUG + "# my edit\n")
    result = run_cli("apply", "--in-place", cwd=repo.working_tree_dir)
    assert result.exit_code == 2 and "uncommitted changes" in result.stderr and "app/a.py" in result.stderr
    assert path.read_text() == DEBUG + "# my edit\n"
    assert run_cli("apply", "--in-place", "--force", cwd=repo.working_tree_dir).exit_code == 0
    assert path.read_text() == FIXED + "# my edit\n"


def test_verbose_shows_a_traceback_for_expected_errors(tmp_path):
    root = plain_dir(tmp_path, {"fixer.toml": "[fixer]\nbogus = 1\n"})
    quiet = run_cli("check", cwd=root)
    assert quiet.exit_code == 2 and "Traceback" not in quiet.stderr
    loud = run_cli("check", "--verbose", cwd=root)
    assert loud.exit_code == 2 and "Traceback" in loud.stderr


def test_validation_failure_leaves_the_file_untouched():
    from fixer.core.engine import fix_text
    from fixer.core.edits import Edit
    from fixer.core.rule import Outcome, Rule

    class Breaker(Rule):
        id = "breaker"
        language = "python"
        anchors = ("x",)

        def check(self, source):
            return Outcome(edits=[Edit(0, 1, "(", self.id)] if source.text.startswith("x") else [])

    result = fix_text("a.py", "x = 1\n", [Breaker()])
    assert result.new == "x = 1\n"
    assert any("unparsable" in f.message and not f.fixed for f in result.findings)


def test_a_rule_that_changes_its_own_output_again_is_rejected():
    from fixer.core.engine import fix_text
    from fixer.core.edits import Edit
    from fixer.core.rule import Outcome, Rule

    class Restless(Rule):
        id = "restless"
        language = "python"
        anchors = ("x",)

        def check(self, source):
            return Outcome(edits=[Edit(len(source.text), len(source.text), "x = 1\n", self.id)])

    result = fix_text("a.py", "x = 1\n", [Restless()])
    assert result.new == "x = 1\n"
    # Reported as needs review (the file's other fixes, if any, would be kept: see test_engine.py).
    assert [f.fixed for f in result.findings] == [False] and "second pass" in result.findings[0].message


def test_one_breaking_edit_is_dropped_and_the_rest_still_apply():
    from fixer.core.engine import fix_text
    from fixer.core.edits import Edit
    from fixer.core.rule import Outcome, Rule

    class HalfBroken(Rule):
        id = "half-broken"
        language = "python"
        anchors = ("old",)

        def check(self, source):
            edits = []
            for index, line in enumerate(source.lines.starts[:-1]):
                if source.text.startswith("old = 1", line):
                    edits.append(Edit(line + 6, line + 7, "2", self.id))  # fine
                if source.text.startswith("old(", line):
                    edits.append(Edit(line, line + 4, "old((", self.id))  # would break the file
            return Outcome(edits=edits)

    result = fix_text("a.py", "old = 1\nold(2)\n", [HalfBroken()])
    assert result.errors == []
    assert result.new == "old = 2\nold(2)\n"
    assert [f.message.split(":")[0] for f in result.findings if not f.fixed] == ["fix dropped"]

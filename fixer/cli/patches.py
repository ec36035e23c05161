"""`fixer apply --patch`: apply exactly the hunks of a reviewed patch, all or nothing.

The whole patch is validated before anything is written: every hunk's body must hold exactly the lines
its header counts (unidiff alone would read a longer body as the counted part plus stray lines, and
apply half of it), then it is parsed with unidiff, and every hunk must match the file at its stated
position (a reviewer may delete hunks or whole files, not edit them). Anything off is refused in one
line naming the file and hunk, before a byte is written.
"""
from __future__ import annotations

import posixpath
import re
import stat
from pathlib import Path

from unidiff import PatchSet
from unidiff.errors import UnidiffParseError

from fixer.core import exitcodes
from fixer.ui import report
from fixer.core.diffs import unquote_path
from fixer.core.engine import VALIDATORS, language_of
from fixer.core.fileguard import Replacement, replace_all
from fixer.git.branches import GitError, PlannedCommit, build_branch
from fixer.git.lock import repo_lock
from fixer.cli.session import source_for
from fixer.core.sources import CommitTree
from fixer.ui.wording import plural


class PatchError(GitError):
    """A patch fixer will not apply (the message names the file and hunk)."""


def apply_reviewed_patch(ws, options, patch_file: Path) -> int:
    try:
        text = patch_file.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PatchError(f"{patch_file}: cannot read the patch ({exc})") from None
    source = source_for(ws, options.in_place, options.base)
    new_contents = patched_files(source, text, str(patch_file))
    if options.in_place:
        from fixer.cli.applying import note_stale_temps

        def announce():
            report.stderr().print(f"applied {patch_file} to {plural(len(new_contents), 'file')} in place", markup=False)

        with repo_lock(ws.repo, ws.root):
            note_stale_temps(ws, source)
            items = [Replacement(path, data, source.fingerprints[path]) for path, data in new_contents.items()]
            try:
                replace_all(ws.root, items, announce)
            except KeyboardInterrupt:
                report.stderr().print(f"interrupted: {patch_file} was not applied, no file was changed", markup=False)
                raise
        return exitcodes.OK
    files = {path: (data, source.mode(path)) for path, data in new_contents.items()}
    body = "\n".join(f"- {path}" for path in sorted(files))
    commit = PlannedCommit(f"fixer: apply reviewed patch ({plural(len(files), 'file')})", body, files)
    from fixer.cli.applying import describe_branch

    outcome = build_branch(source.repo, source.commit, options.branch, [commit], options.author, options.force)
    describe_branch(outcome, source.repo)
    return exitcodes.OK


def patched_files(source, patch_text: str, label: str) -> dict[str, bytes]:
    """path -> new bytes for every file in the patch; raises PatchError on anything off."""
    if "GIT binary patch" in patch_text or re.search(r"^Binary files .* differ$", patch_text, re.M):
        raise PatchError(f"{label}: binary patches are not supported")
    check_counts(patch_text, label)
    try:
        patch = PatchSet(patch_text)
    except UnidiffParseError as exc:
        raise PatchError(f"{label}: malformed patch: {exc}") from None
    if not patch:
        raise PatchError(f"{label}: malformed patch: no file changes found in it")
    available = set(source.files())
    results: dict[str, bytes] = {}
    changed = False
    for patched in patch:
        path = _checked_path(patched, source, available, label)
        if path in results:
            raise PatchError(f"{label}: {path} appears twice in the patch")
        original = source.read(path)
        if original is None:
            raise PatchError(f"{label}: {path} is a symlink; fixer does not patch through links")
        try:
            text = original.decode("utf-8")
        except UnicodeDecodeError:
            raise PatchError(f"{label}: {path} is not UTF-8 text") from None
        new_text = _apply_hunks(path, text, patched, label)
        _validate(path, new_text, text, label)
        results[path] = new_text.encode("utf-8")
        changed = changed or new_text != text
    if not changed:  # a commit that changes nothing is never made
        raise PatchError(f"{label}: the patch changes nothing")
    return results


HUNK_HEAD = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
FILE_HEAD = re.compile(r"^\+\+\+ (.*?)\t?$")


def check_counts(patch_text: str, label: str) -> None:
    """Every hunk's body holds exactly the old and new lines its header counts, as git requires."""
    lines = patch_text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    path, number, i = "?", 0, 0
    while i < len(lines):
        head = HUNK_HEAD.match(lines[i])
        named = FILE_HEAD.match(lines[i])
        if named:
            path, number = _strip(named.group(1).strip()), 0
        i += 1
        if not head:
            continue
        number += 1
        old, new = (int(head.group(n)) if head.group(n) is not None else 1 for n in (2, 4))
        where = f"{label}: {path}: hunk {number} ({head.group(0)})"
        while old > 0 or new > 0:
            kind = lines[i][:1] if i < len(lines) else None
            if kind in (" ", ""):
                old, new = old - 1, new - 1
            elif kind in ("-", "+"):
                old, new = (old - 1, new) if kind == "-" else (old, new - 1)
            elif kind != "\\":
                raise PatchError(f"{where} has fewer lines than its header counts: the patch was cut short or edited")
            if old < 0 or new < 0:
                raise PatchError(f"{where} does not match its header counts: the patch was edited")
            i += 1
        while i < len(lines) and lines[i].startswith("\\"):
            i += 1
        if i < len(lines) and lines[i][:1] in (" ", "-", "+") and not lines[i].startswith(("--- ", "+++ ")):
            raise PatchError(f"{where} has more lines than its header counts: the patch was edited")


def _checked_path(patched, source, available: set[str], label: str) -> str:
    if patched.is_binary_file:
        raise PatchError(f"{label}: {patched.path}: binary patches are not supported")
    if patched.is_added_file or patched.is_removed_file:
        verb = "creates" if patched.is_added_file else "deletes"
        raise PatchError(f"{label}: the patch {verb} {patched.path}; fixer patches only change existing files")
    if patched.is_rename or _strip(patched.source_file) != _strip(patched.target_file):
        raise PatchError(f"{label}: the patch renames {patched.source_file} to {patched.target_file}")
    path = _strip(patched.target_file)
    normal = posixpath.normpath(path)
    if path.startswith("/") or normal.startswith("..") or normal != path:
        raise PatchError(f"{label}: {path}: path outside the repository")
    parts = path.split("/")
    for depth in range(1, len(parts)):
        if _is_link(source, "/".join(parts[:depth])):
            raise PatchError(f"{label}: {path}: path goes through a symlink")
    if path not in available:
        raise PatchError(f"{label}: {path}: no such file in the repository")
    return path


def _strip(name: str) -> str:
    name = unquote_path(name)
    return name[2:] if name.startswith(("a/", "b/")) else name


def _is_link(source, prefix: str) -> bool:
    if isinstance(source, CommitTree):
        try:
            return stat.S_ISLNK((source.commit.tree / prefix).mode)
        except KeyError:
            return False
    return (source.root / prefix).is_symlink()


def _apply_hunks(path: str, text: str, patched, label: str) -> str:
    lines = re.findall(r"[^\n]*\n|[^\n]+\Z", text)
    out: list[str] = []
    cursor = 0
    for number, hunk in enumerate(patched, 1):
        old, new = _hunk_sides(hunk)
        start = hunk.source_start - 1 if hunk.source_length else hunk.source_start
        if start < cursor or lines[start:start + len(old)] != old:
            raise PatchError(f"{label}: {path}: hunk {number} (@@ -{hunk.source_start},{hunk.source_length} @@) "
                             "does not match the file: it is stale or was edited")
        out.extend(lines[cursor:start])
        out.extend(new)
        cursor = start + len(old)
    out.extend(lines[cursor:])
    return "".join(out)


def _hunk_sides(hunk) -> tuple[list[str], list[str]]:
    old: list[str] = []
    new: list[str] = []
    last = None
    for line in hunk:
        if line.line_type == "\\":
            if last in (" ", "-") and old:
                old[-1] = old[-1].rstrip("\n")
            if last in (" ", "+") and new:
                new[-1] = new[-1].rstrip("\n")
            continue
        if line.line_type in (" ", "-"):
            old.append(line.value)
        if line.line_type in (" ", "+"):
            new.append(line.value)
        last = line.line_type
    return old, new


def _validate(path: str, new_text: str, old_text: str, label: str) -> None:
    language = language_of(path)
    if language is None:
        return
    problem = VALIDATORS[language](path, new_text.lstrip("\ufeff"), old_text.lstrip("\ufeff"))
    if problem:
        raise PatchError(f"{label}: {path}: the patched file would not parse ({problem})")

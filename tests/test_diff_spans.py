"""The unified diff written from the edit spans (fixer.core.diffs with `changed`) against
`difflib.unified_diff` over the whole files, byte for byte, on many random edit sets applied to the
project's own Python and Elixir fixtures (LF, CRLF, mixed line endings, no final newline, emptied
files), in one or several passes (settle.Trail composes them).

Where difflib aligns the lines inside the edits' regions, the two must be the same bytes. Where it
aligns a changed line with a look-alike outside them (a choice as minimal as the edit's own), the
edit-based diff may differ: then `git apply --check` must accept it and `patch` must turn the old
file into the new one. Every patch of a sample goes through both tools as well."""
from __future__ import annotations

import difflib
import random
import re
import subprocess
from pathlib import Path

import pytest

from conftest import FIXTURES, require_tool
from fixer.core.diffs import LINES, NO_NEWLINE, changed_lines, file_diff
from fixer.core.edits import Edit, splice
from fixer.core.settle import Trail

SOURCES = sorted(p for p in FIXTURES.rglob("*") if p.suffix in (".py", ".ex", ".exs") and p.stat().st_size > 400)


def reference(path: str, old: str, new: str, context: int = 3) -> str:
    """fixer's diff as it was: difflib.unified_diff over every line of both files."""
    if old == new:
        return ""
    lines = list(difflib.unified_diff(LINES.findall(old), LINES.findall(new), f"a/{path}", f"b/{path}", n=context))
    out = [f"diff --git a/{path} b/{path}\n", lines[0], lines[1]]
    out.extend(line if line.endswith("\n") else line + "\n" + NO_NEWLINE for line in lines[2:])
    return "".join(out)


def variants(text: str) -> list[str]:
    """The text as it is, with CRLF, with a few CRLF lines, without its final newline."""
    lines = text.split("\n")
    mixed = "\n".join(line + ("\r" if i % 7 == 3 else "") for i, line in enumerate(lines[:-1])) + "\n" + lines[-1]
    return [text, text.replace("\n", "\r\n"), mixed, text.rstrip("\n")]


def random_edits(rng: random.Random, text: str) -> list[Edit]:
    """Sorted, disjoint edits of the kinds fixes make: whole lines removed, lines inserted, part of a
    line changed, lines replaced by lines that look like their neighbours, a tail or all removed."""
    starts = [m.start() for m in re.finditer(r"^", text, re.M)]
    pieces = LINES.findall(text) or ["\n"]
    cuts = sorted(rng.sample(range(len(text) + 1), min(len(text) + 1, 2 * rng.randint(1, 6))))
    edits = []
    for start, end in zip(cuts[::2], cuts[1::2]):
        kind = rng.randrange(7)
        if kind in (0, 1, 2):  # whole lines (kind 1: removed; kind 2: replaced by look-alikes)
            start = max([s for s in starts if s <= start], default=0)
            end = min([s for s in starts if s >= end], default=len(text))
            replacement = "" if kind == 1 else "".join(rng.choice(pieces) for _ in range(rng.randint(0, 3)))
        elif kind == 3:  # lines inserted at a line start
            start = end = max([s for s in starts if s <= start], default=0)
            replacement = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 3)))
        elif kind == 4:  # part of a line
            end = min(end, start + rng.randint(0, 12))
            replacement = rng.choice(["", "x", "IO.inspect(x)", "pass", "\n", "# done\n"])
        elif kind == 5:  # to the end of the file
            end = len(text)
            replacement = rng.choice(["", "\n", "end\n", "end"])
        else:
            replacement = rng.choice(pieces)[: rng.randint(0, 20)]
        edits.append(Edit(start, end, replacement))
    if rng.random() < 0.03:
        edits = [Edit(0, len(text), "")]  # the final file is empty
    kept: list[Edit] = []
    for edit in edits:  # widened spans may now meet: keep them disjoint, one insertion at a point
        if kept and (edit.start < kept[-1].end or edit.start == edit.end == kept[-1].start == kept[-1].end):
            continue
        kept.append(edit)
    return kept


def fixed(rng: random.Random, text: str) -> tuple[str, Trail]:
    """The text after one to three passes of random edits, and the trail of the passes."""
    trail, current = Trail(), text
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        spans = random_edits(rng, current)
        new = splice(current, spans)
        if new == current:
            continue
        trail.add(spans)
        current = new
    return current, trail


def inside(old: str, new: str, changed) -> bool:
    """True when every change difflib finds lies inside one of the edits' line ranges."""
    matcher = difflib.SequenceMatcher(None, LINES.findall(old), LINES.findall(new))
    return all(any(a <= i1 and i2 <= b and c <= j1 and j2 <= d for a, b, c, d in changed)
               for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal")


def alike_lines_placed_elsewhere(ours: str, theirs: str) -> bool:
    """True when both diffs remove the same lines and add the same lines, in number and text: they
    differ only in which of several alike lines they call removed or added (equally small diffs)."""
    def counted(diff: str, mark: str):
        return sorted(line for line in diff.split("\n")[3:] if line.startswith(mark))
    return counted(ours, "-") == counted(theirs, "-") and counted(ours, "+") == counted(theirs, "+")


def cases(seed: int, count: int):
    rng = random.Random(seed)
    for n in range(count):
        source = SOURCES[n % len(SOURCES)]
        for text in variants(source.read_text()):
            new, trail = fixed(rng, text)
            yield f"{source.stem}-{n}-{len(text)}", text, new, trail.changes()


def test_the_spans_cover_every_change_and_nothing_else():
    """Trail.changes composes the passes: outside its regions the texts are the same, in order."""
    for name, old, new, changes in cases(11, 120):
        at = new_at = 0
        for start, end, new_start, new_end in changes:
            assert at <= start <= end and new_at <= new_start <= new_end, name  # sorted, disjoint
            assert old[at:start] == new[new_at:new_start], name
            at, new_at = end, new_end
        assert old[at:] == new[new_at:], name


def test_the_diff_from_the_spans_is_difflibs_where_difflib_aligns_inside_the_edits(tmp_path):
    same = differ = 0
    chosen_elsewhere = []
    for name, old, new, changes in cases(2026, 300):
        changed = changed_lines(old, new, changes)
        ours = file_diff(f"{name}.txt", old, new, changed=changed)
        theirs = reference(f"{name}.txt", old, new)
        if ours == theirs:
            same += 1
            continue
        assert alike_lines_placed_elsewhere(ours, theirs) or not inside(old, new, changed), name
        differ += 1
        chosen_elsewhere.append((name, old, new, ours))
    assert same > 1000 and differ < same / 20, (same, differ)
    applies(tmp_path / "elsewhere", chosen_elsewhere)


def test_a_sample_of_the_patches_apply_with_git_and_patch(tmp_path):
    sample = []
    for name, old, new, changes in cases(7, 40):
        sample.append((name, old, new, file_diff(f"{name}.txt", old, new, changed=changed_lines(old, new, changes))))
    applies(tmp_path / "sample", sample)


def test_crlf_files_use_the_spans_of_their_decoded_text(tmp_path):
    """The engine works on the text with CRLF turned into LF; the diff is of the bytes on disk."""
    rng, elsewhere = random.Random(5), []
    for source in SOURCES:
        text = source.read_text().replace("\r\n", "\n")
        for _ in range(20):
            new, trail = fixed(rng, text)
            changed = changed_lines(text, new, trail.changes())
            crlf_old, crlf_new = text.replace("\n", "\r\n"), new.replace("\n", "\r\n")
            theirs = reference("m.ex", crlf_old, crlf_new)
            ours = file_diff("m.ex", crlf_old, crlf_new, changed=changed)
            if ours != theirs:
                assert alike_lines_placed_elsewhere(ours, theirs) or not inside(crlf_old, crlf_new, changed)
                elsewhere.append((f"{source.stem}-{len(elsewhere)}", crlf_old, crlf_new,
                                  ours.replace("m.ex", f"{source.stem}-{len(elsewhere)}.txt")))
    applies(tmp_path / "crlf", elsewhere)


@pytest.mark.parametrize("old, new", [
    ("a\nb\nc\n", "a\nc\n"),                       # a whole line removed
    ("a\nb\nc\n", "a\nb\nx\ny\nc\n"),              # lines inserted
    ("a\nbee\nc\n", "a\nbxe\nc\n"),                # part of a line
    ("a\nb\nc", "a\nb\nd"),                        # no final newline, last line changed
    ("a\nb\nc", "a\nb\nc\n"),                      # a final newline added
    ("a\nb\nc\n", "a\nb\nc"),                      # the final newline removed
    ("a\nb\n", ""),                                # the file emptied
    ("", "a\n"),                                   # an empty file filled
    ("a\r\nb\r\nc\r\n", "a\r\nc\r\n"),             # CRLF
    ("a\r\nb\nc\r\n", "a\r\nB\nc\r\n"),            # mixed line endings
    ("x\n" * 3 + "a\n" + "x\n" * 10 + "b\n" + "x\n" * 3, "x\n" * 3 + "x\n" * 10 + "x\n" * 3),  # hunks apart
    ("x\n" * 3 + "a\n" + "x\n" * 6 + "b\n" + "x\n" * 3, "x\n" * 3 + "x\n" * 6 + "x\n" * 3),  # context touching
    ("x\n" * 3 + "a\n" + "x\n" * 7 + "b\n" + "x\n" * 3, "x\n" * 3 + "x\n" * 7 + "x\n" * 3),  # just apart
    ("p\n---x", "p\n"),                            # a removed last line that starts like a header
])
def test_hand_written_edge_cases(old, new):
    # The edit: the smallest span that differs (common prefix and suffix of characters).
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    tail = 0
    while tail < min(len(old), len(new)) - start and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    changes = [(start, len(old) - tail, start, len(new) - tail)]
    ours = file_diff("f.py", old, new, changed=changed_lines(old, new, changes))
    if old.endswith("---x"):  # the old writer took this line for a header and lost its no-newline marker
        assert ours.endswith("----x\n" + NO_NEWLINE)
        return
    assert ours == reference("f.py", old, new)


def test_ranges_that_do_not_fit_the_texts_are_not_trusted():
    old, new = "a\nb\nc\nd\n", "a\nB\nc\nD\n"
    assert file_diff("f", old, new, changed=[(1, 2, 1, 2)]) == reference("f", old, new)  # misses line 4
    assert file_diff("f", old, new, changed=[(0, 9, 0, 9)]) == reference("f", old, new)  # past the end


def applies(folder: Path, patches: list[tuple[str, str, str, str]]) -> None:
    """`git apply --check` accepts all the patches, and `patch` turns every old file into the new one."""
    if not patches:
        return
    require_tool("git")
    require_tool("patch")
    folder.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    for name, old, _, _ in patches:
        (folder / f"{name}.txt").write_bytes(old.encode())
    combined = folder.parent / f"{folder.name}.patch"
    combined.write_bytes("".join(diff for _, _, _, diff in patches).encode())
    checked = subprocess.run(["git", "apply", "--check", str(combined)], cwd=folder, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    applied = subprocess.run(["patch", "-p1", "-s", "--binary", "-i", str(combined)], cwd=folder,
                             capture_output=True, text=True)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    for name, _, new, _ in patches:
        assert (folder / f"{name}.txt").read_bytes() == new.encode(), name


def test_the_engine_s_changes_give_difflibs_diff_on_the_fixtures():
    """The regions fix_text keeps (FileResult.changes) on real fixes of the fixture projects, each
    with its own config."""
    from fixer.core.config import load
    from fixer.core.engine import fix_text

    fixed_files = 0
    for project in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        rules = load(project).rules()
        for source in sorted(p for p in project.rglob("*") if p.suffix in (".py", ".ex", ".exs")):
            path = source.relative_to(project).as_posix()
            result = fix_text(path, source.read_text(), rules)
            if not result.changed:
                continue
            fixed_files += 1
            assert result.changes, path
            ours = file_diff(path, result.old, result.new, changed=result.changed_lines())
            assert ours == reference(path, result.old, result.new), path
    assert fixed_files >= 3

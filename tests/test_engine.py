"""The engine's cost and settling: one parse per pass, batched edits, work that does not grow per fix,
and one construct a rule cannot settle never voiding the file's other fixes."""
from __future__ import annotations

import textwrap

from hypothesis import given
from hypothesis import strategies as st

from fixer.core import engine
from fixer.core.edits import Edit, LineIndex, Spans, apply_edits, delete_lines, plan_edits, splice
from fixer.core.engine import fix_text
from fixer.lang.elixir import syntax as elixir
from fixer.lang.python import syntax as python
from fixer.core.rule import Outcome, Rule
from fixer.core.settle import Trail


def debug_calls():
    from fixer.core.rule import all_rules

    return all_rules()["remove-debug-calls"]()


def many_inspects(count: int) -> str:
    body = "".join(f"  def f{n}(x) do\n    IO.inspect(x, label: \"f{n}\")\n    x + {n}\n  end\n\n" for n in range(count))
    return f"defmodule Many do\n{body}end\n"


class Counter:
    def __init__(self, monkeypatch, owner, name):
        self.calls = 0
        real = getattr(owner, name)

        def counted(*args, **kwargs):
            self.calls += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(owner, name, counted)


# -- cost: the number of parses and line tables does not grow with the number of fixes ------------
def test_elixir_work_per_file_does_not_grow_with_its_fixes(monkeypatch):
    parses = Counter(monkeypatch, elixir, "_parser")  # every tree-sitter parse asks for the parser
    tables = Counter(monkeypatch, LineIndex, "_build")
    counts = []
    for fixes in (20, 300):
        parses.calls = tables.calls = 0
        result = fix_text("lib/many.ex", many_inspects(fixes), [debug_calls()])
        assert result.fixes() == fixes and "IO.inspect" not in result.new and not result.errors
        counts.append((parses.calls, tables.calls))
    assert counts[0] == counts[1]  # the same handful of parses and line tables for 20 or 300 fixes
    assert counts[1][0] <= 3 and counts[1][1] <= 3


def test_delete_lines_and_line_index_reuse_one_table_per_text(monkeypatch):
    tables = Counter(monkeypatch, LineIndex, "_build")
    text = "".join(f"line {n}\n" for n in range(500))
    edits = [delete_lines(text, n, n) for n in range(1, 500, 2)]
    assert LineIndex(text) is LineIndex(text)
    new, applied, refused = apply_edits(text, edits)
    assert tables.calls == 1 and len(applied) == 250 and not refused
    assert new == "".join(f"line {n}\n" for n in range(1, 500, 2))


def test_breaking_edits_are_found_by_halving_not_one_by_one(monkeypatch):
    checks = []
    real = engine.VALIDATORS["python"]
    monkeypatch.setitem(engine.VALIDATORS, "python", lambda *a: checks.append(1) or real(*a))

    class Renamer(Rule):
        id = "renamer"
        language = "python"
        anchors = ("value",)

        def check(self, source):
            edits = []
            for line in range(1, source.lines.line_count + 1):
                start = source.lines.line_start(line)
                if not source.text.startswith("value", start):
                    continue
                bad = line == 40  # this one would break the file
                edits.append(Edit(start, start + 5, "(((" if bad else "count", self.id))
            return Outcome(edits=edits)

    text = "".join(f"value = {n}\n" for n in range(64))
    result = fix_text("a.py", text, [Renamer()])
    assert result.new.count("count = ") == 63 and "value = 39\n" in result.new
    assert [f.line for f in result.findings if not f.fixed] == [40]
    assert len(checks) <= 20  # ~2 log2(64) validations, not 64


def test_python_is_validated_without_libcst(monkeypatch):
    parses = Counter(monkeypatch, python, "_parse")

    class Upper(Rule):
        id = "upper"
        language = "python"
        anchors = ("debug",)

        def check(self, source):
            at = source.text.find("debug")
            return Outcome(edits=[Edit(at, at + 5, "DEBUG", self.id)] if at >= 0 else [])

    result = fix_text("a.py", "debug = 1\nprint(debug)\nx = 2\n", [Upper()])
    assert result.new == "DEBUG = 1\nprint(DEBUG)\nx = 2\n"  # one edit a pass, to a fixed point
    assert parses.calls == 0


def test_an_unchanged_file_is_checked_once():
    calls = []

    class Looker(Rule):
        id = "looker"
        language = "python"
        anchors = ("x",)

        def check(self, source):
            calls.append(source.text)
            return Outcome()

    assert not fix_text("a.py", "x = 1\n", [Looker()]).changed
    assert len(calls) == 1


def test_rules_looking_at_the_same_text_share_its_parse(monkeypatch):
    parses = Counter(monkeypatch, python, "_parse")

    class Reader(Rule):
        language = "python"
        anchors = ("x",)

        def check(self, source):
            source.cached("python.wrapper", python.wrapper)
            return Outcome()

    first, second = (type(f"Reader{n}", (Reader,), {"id": f"reader-{n}"})() for n in (1, 2))
    fix_text("a.py", "x = 1\n", [first, second])
    assert parses.calls == 1


# -- settling: keep what settles, report what does not ----------------------------------------
class LineRule(Rule):
    """A test rule deciding line by line (`on_line` adds edits and findings for one line)."""

    language = "python"

    def check(self, source):
        outcome = Outcome()
        for line in range(1, source.lines.line_count + 1):
            self.on_line(source, line, source.lines.line_text(line), outcome)
        return outcome


class Marked(LineRule):
    """Removes every line ending in `# gone`; on a line ending in `# grow` adds a line each pass."""

    id = "marked"
    anchors = ("#",)

    def on_line(self, source, line, text, outcome):
        if text.endswith("# gone"):
            outcome.edits.append(delete_lines(source.text, line, line, self.id))
            outcome.findings.append(self.finding(source, source.lines.line_start(line), "removed", True))
        elif text.endswith("# grow"):
            end = source.lines.line_end(line)
            outcome.edits.append(Edit(end, end, "pass  # grow\n", self.id))


def test_one_construct_that_never_settles_keeps_the_other_fixes():
    source = textwrap.dedent("""\
        a = 1  # gone
        b = 2

        pass  # grow

        c = 3  # gone
        d = 4
        """)
    result = fix_text("a.py", source, [Marked()])
    assert result.errors == []
    assert result.new == "b = 2\n\npass  # grow\n\nd = 4\n"
    held = [f for f in result.findings if not f.fixed]
    assert len(held) == 1 and "second pass" in held[0].message and held[0].line in (4, 5)
    assert [f.line for f in result.findings if f.fixed] == [1, 6]
    again = fix_text("a.py", result.new, [Marked()])
    assert again.new == result.new and not again.errors  # its own spot stays held, the rest is done


def test_a_fix_leaving_a_name_undefined_is_held_back_and_the_others_kept():
    source = textwrap.dedent("""\
        import os  # gone
        import json  # gone
        x = 1
        print("debug")  # gone
        print(os.getcwd(), x)
        """)
    result = fix_text("a.py", source, [Marked()])
    assert result.errors == []
    assert result.new == 'import os  # gone\nx = 1\nprint(os.getcwd(), x)\n'
    held = [f for f in result.findings if not f.fixed]
    assert [(f.line, "os undefined" in f.message) for f in held] == [(1, True)]
    assert sorted(f.line for f in result.findings if f.fixed) == [2, 4]


def test_a_with_handle_used_after_the_block_is_never_removed():
    """The safety net under the Python rules: removing a block must not leave a name read but unbound."""

    class DropWith(LineRule):
        id = "drop-with"
        anchors = ("with",)

        def on_line(self, source, line, text, outcome):
            if text.lstrip().startswith("with open("):
                outcome.edits.append(delete_lines(source.text, line, line + 1, self.id))

    source = textwrap.dedent("""\
        def log_path():
            with open("/tmp/a_debug.log", "a") as f:
                f.write("x")
            return f.name


        def other():
            with open("/tmp/a_debug.log", "a") as g:
                g.write("y")
            return 2
        """)
    result = fix_text("w.py", source, [DropWith()])
    assert "return f.name" in result.new and 'as f:' in result.new
    assert "as g:" not in result.new and "return 2" in result.new
    assert any("f undefined" in f.message for f in result.findings if not f.fixed)


def test_a_rule_that_settles_in_a_later_pass_keeps_everything():
    class Peel(Rule):
        """Removes the outermost `[...]` each pass: settles after as many passes as there are brackets."""

        id = "peel"
        language = "python"
        anchors = (r"\[",)

        def check(self, source):
            start = source.text.find("[")
            end = source.text.rfind("]")
            return Outcome(edits=[Edit(start, start + 1, "", self.id), Edit(end, end + 1, "", self.id)] if start >= 0 else [])

    result = fix_text("a.py", "x = [[[1]]]\n", [Peel()])
    assert result.new == "x = 1\n" and result.errors == []


# -- the building blocks ----------------------------------------------------------------------
@given(st.text(alphabet=st.sampled_from("ab\né€😀 "), max_size=60))
def test_doc_converts_bytes_and_chars_like_a_full_table(text):
    doc = elixir.Doc(text)
    data = text.encode("utf-8")
    byte_at = [len(text[:i].encode("utf-8")) for i in range(len(text) + 1)]
    for char_offset, byte_offset in enumerate(byte_at):
        assert doc.byte(char_offset) == byte_offset
        assert doc.char(byte_offset) == char_offset
    for byte_offset in range(len(data) + 1):  # a byte inside a character maps to that character
        assert doc.char(byte_offset) == len(data[:byte_offset].decode("utf-8", "ignore"))
    if not doc.ascii:
        assert len(doc._wide[0]) == sum(1 for c in text if ord(c) > 127)  # one entry per wide char only


@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 15)), max_size=10), st.integers(0, 80), st.integers(0, 10))
def test_spans_answer_like_a_scan(ranges, start, width):
    spans = Spans()
    seen = []
    for low, size in ranges:
        spans.add(low, low + size)
        seen.append((low, low + size))
        assert spans.covers(start, start + width) == any(a <= start and start + width <= b for a, b in seen)


@given(st.data())
def test_trail_maps_untouched_text_back_exactly(data):
    original = "".join(f"{n:02d}\n" for n in range(30))
    trail, text = Trail(), original
    for _ in range(2):
        starts = sorted(set(data.draw(st.lists(st.integers(0, len(text) - 1), max_size=4))))
        edits = [Edit(s, min(s + 2, len(text)), data.draw(st.sampled_from(["", "X", "YYYY"]))) for s in starts]
        spans, _, _ = plan_edits(text, edits)
        trail.add(spans)
        text = splice(text, spans)
    # Every character of the final text that came through untouched (replacements are X and Y) and
    # maps to a single character maps back to itself.
    for offset in range(len(text)):
        low, high = trail.to_original(offset, offset + 1)
        if text[offset] not in "XY" and high - low == 1 and text[offset] != original[low]:
            raise AssertionError((offset, low, text, original))


# -- findings of several passes on one line ---------------------------------------------------
class Calls(Rule):
    """Replaces `fix()` by `ok()`, reports `keep()`; `nest(fix())` becomes `fix()` (a second pass
    fixes what the first revealed): several sites on one line, over several passes."""

    id = "calls"
    language = "python"
    anchors = (r"\w\(",)

    def check(self, source):
        import re

        outcome = Outcome()
        for match in re.finditer(r"nest\(fix\(\)\)|fix\(\)|keep\(\)", source.text):
            word = match.group()
            if word == "keep()":
                outcome.findings.append(self.finding(source, match.start(), "kept: keep() is needed", False))
                continue
            replacement = "fix()" if word.startswith("nest") else "ok()"
            outcome.edits.append(Edit(match.start(), match.end(), replacement, self.id))
            outcome.findings.append(self.finding(source, match.start(), f"replaced {word}", True))
        return outcome


def test_a_refusal_on_the_line_of_a_fix_in_the_same_pass_is_reported():
    result = fix_text("app/a.py", "x = [keep(), fix()]\n", [Calls()])
    assert result.new == "x = [keep(), ok()]\n"
    assert sorted((f.message, f.fixed) for f in result.findings) == [
        ("kept: keep() is needed", False), ("replaced fix()", True)]


def test_a_refusal_still_true_after_a_later_pass_fixed_its_line_is_reported():
    result = fix_text("app/a.py", "x = [keep(), nest(fix())]\n", [Calls()])
    assert result.new == "x = [keep(), ok()]\n"
    messages = sorted((f.message, f.fixed) for f in result.findings)
    assert ("kept: keep() is needed", False) in messages, messages

"""Properties (hypothesis): edits splice exactly, overlaps are refused, removals never break code."""
from __future__ import annotations

import re
import shutil

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, elixir_parses, init_repo, run_cli
from fixer.core.edits import Edit, apply_edits, delete_lines
from fixer.core.engine import fix_text
from fixer.core.rule import all_rules

RULES = all_rules()
text_strategy = st.text(alphabet="ab \n#", max_size=60)


@st.composite
def text_and_edits(draw):
    text = draw(text_strategy)
    count = draw(st.integers(0, 6))
    edits = []
    for _ in range(count):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, len(text)))
        edits.append(Edit(start, end, draw(st.text(alphabet="xy\n", max_size=5))))
    return text, edits


@given(text_and_edits())
def test_applied_edits_equal_a_manual_splice_and_never_overlap(case):
    text, edits = case
    new, applied, refused = apply_edits(text, edits)
    assert sorted(set(applied) | set(refused), key=lambda e: (e.start, e.end, e.replacement)) == \
        sorted(set(edits), key=lambda e: (e.start, e.end, e.replacement))
    ordered = sorted(applied, key=lambda e: (e.start, e.end))
    for left, right in zip(ordered, ordered[1:]):
        assert left.end <= right.start
    expected = text
    for edit in sorted(applied, key=lambda e: (e.start, e.end), reverse=True):
        expected = expected[:edit.start] + edit.replacement + expected[edit.end:]
    assert new == expected


def _max_blank_run(text: str) -> int:
    """The longest run of blank lines."""
    return max((m.group(0).count("\n") for m in re.finditer(r"(?:^[ \t]*\n)+", text, re.M)), default=0)


@given(st.lists(st.sampled_from(["x = 1", "", "    y = 2", "# note", "z()"]), min_size=1, max_size=14),
       st.data())
def test_line_deletions_never_grow_blank_runs(lines, data):
    text = "\n".join(lines) + "\n"
    total = len(lines)
    first = data.draw(st.integers(1, total))
    last = data.draw(st.integers(first, total))
    new, _, _ = apply_edits(text, [delete_lines(text, first, last)])
    assert _max_blank_run(new) <= _max_blank_run(text)


# -- whole programs -----------------------------------------------------------------------------

PY_STATEMENTS = [
    "value = compute(value)",
    'with open("/tmp/a_debug.log", "a") as f:\n    f.write(f"{value}")',
    'open("/tmp/a_debug.log", "a").write("tick")',
    "# DEBUG: trace the value",
    "# keep: explains the next line",
    "",
    'with open("/var/log/app.log", "a") as log:\n    log.write("kept")',
    "results.append(value)",
]
PY_WRAPPERS = ["with lock:\n{body}", "if flag:\n{body}", "for item in items:\n{body}", "try:\n{body}\nexcept ValueError:\n{body}",
               "try:\n    run()\nfinally:\n{body}", "while queue:\n{body}\nelse:\n{body}"]


@st.composite
def python_programs(draw):
    blocks = []
    for _ in range(draw(st.integers(1, 3))):
        wrapper = draw(st.sampled_from(PY_WRAPPERS))
        body = draw(st.lists(st.sampled_from(PY_STATEMENTS), min_size=1, max_size=5))
        if not any(line and not line.startswith("#") for line in body):
            body.append("value = 0")
        indented = "\n".join("    " + line if line else "" for stmt in body for line in stmt.split("\n"))
        blocks.append(wrapper.format(body=indented))
    inner = "\n".join(blocks)
    return "def handler(value, flag, items, queue, results):\n" + \
        "\n".join("    " + line if line else "" for line in inner.split("\n")) + "\n    return value\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(python_programs())
def test_python_removals_always_compile_and_settle(program):
    rule = RULES["remove-debug-file-writes"](files=["/tmp/*debug*.log"])
    compile(program, "p.py", "exec")
    result = fix_text("p.py", program, [rule])
    assert result.errors == [], (program, result.errors)
    compile(result.new, "p.py", "exec")
    assert "/tmp/a_debug.log" not in result.new
    assert result.new.count('log.write("kept")') == program.count('log.write("kept")')
    assert result.new.count("results.append(value)") == program.count("results.append(value)")
    assert fix_text("p.py", result.new, [rule]).new == result.new


EX_STATEMENTS = [
    "value = compute(value)",
    'IO.inspect(value, label: "value")',
    "IO.inspect(\n  %{value: value, node: node()},\n  label: \"state\"\n)",
    "value = value |> IO.inspect() |> normalise()",
    "value =\n  value\n  |> tap(fn v -> IO.inspect(v) end)\n  |> normalise()",
    "# DEBUG: show the value",
    "# keep: explains the next line",
    "",
    "send(self(), {:value, value})",
    "dbg(value)",
]
EX_LAST = ["value", "IO.inspect(value)", "dbg(value + 1)", "{:ok, IO.inspect(value)}"]


@st.composite
def elixir_programs(draw):
    functions = []
    for index in range(draw(st.integers(1, 3))):
        body = draw(st.lists(st.sampled_from(EX_STATEMENTS), min_size=0, max_size=5))
        body.append(draw(st.sampled_from(EX_LAST)))
        lines = "\n".join("    " + line if line else "" for stmt in body for line in stmt.split("\n"))
        functions.append(f"  def f{index}(value) do\n{lines}\n  end\n")
    return "defmodule Generated do\n" + "\n".join(functions) + "end\n"


GENERATED: list[tuple[str, str]] = []


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(elixir_programs())
def test_elixir_removals_keep_values_and_settle(program):
    rule = RULES["remove-debug-calls"]()
    result = fix_text("lib/generated.ex", program, [rule])
    assert result.errors == [], (program, result.errors)
    assert "IO.inspect" not in result.new and "dbg(" not in result.new
    assert result.new.count("send(self(), {:value, value})") == program.count("send(self(), {:value, value})")
    assert "\n\n\n" not in result.new.replace(program, "") or "\n\n\n" in program
    assert fix_text("lib/generated.ex", result.new, [rule]).new == result.new
    if len(GENERATED) < 60:
        GENERATED.append((program, result.new))


def test_generated_elixir_parses_with_elixir(elixir_tools, tmp_path):
    """The programs (and their fixes) from the property above go through Elixir's own parser."""
    if not GENERATED:
        test_elixir_removals_keep_values_and_settle()
    paths = []
    for number, (before, after) in enumerate(GENERATED):
        for side, text in (("before", before), ("after", after)):
            path = tmp_path / f"g{number}_{side}.ex"
            path.write_text(text)
            paths.append(path)
    assert paths
    elixir_parses(paths)


def test_clean_fixture_has_nothing_to_fix(tmp_path):
    root = tmp_path / "clean"
    shutil.copytree(FIXTURES / "clean-service", root)
    repo = init_repo(root)
    repo.git.add("-A")
    repo.git.commit("-m", "clean")
    assert run_cli("check", cwd=root).exit_code == 0
    for rule_id in RULES:
        assert run_cli("check", "--rule", rule_id, cwd=root).exit_code == 0, rule_id
    result = run_cli("apply", cwd=root)
    assert result.exit_code == 0 and "nothing to fix" in result.stdout
    assert "fixer/cleanup" not in repo.heads


@given(st.lists(st.sampled_from(["x = 1", "", "y()", "# c"]), min_size=2, max_size=8), st.booleans(), st.data())
def test_deleting_lines_keeps_a_missing_final_newline_missing(lines, final_newline, data):
    text = "\n".join(lines) + ("\n" if final_newline else "")
    first = data.draw(st.integers(1, len(lines)))
    last = data.draw(st.integers(first, len(lines)))
    new, _, _ = apply_edits(text, [delete_lines(text, first, last)])
    if new:
        assert new.endswith("\n") == text.endswith("\n")

"""Issue 17, section 3, on generated inputs: inside a deleted debug call, work is kept in order, reads
that only raise and private functions that do no work go, and nothing dead is left. Every combination
of an effect, a read and a pure private call in several holders is compiled and run before and after
with real Elixir: the same messages are sent in the same order, every function returns the same value,
the fixed file is formatted, compiles with no new warning, and keeps no bare read as a statement.
"""
from __future__ import annotations

import itertools
import re

import elixir_batch
from fixer.core.engine import fix_text
from fixer.core.rule import all_rules
from test_elixir_debug_calls_trust import warnings_of

RULE = all_rules()["remove-debug-calls"]()

PIECES = {
    "effect": "note(x)",  # a private function that sends a message: work
    "remote": "Probe.Sink.put(x)",  # another module: work
    "field": "state.count",  # a read that may raise
    "length": "length(state.items)",
    "fetch": "Map.fetch!(state, :count)",
    "info": "Process.info(self(), :registered_name)",
    "env": 'System.get_env("PROBE_HOME")',
    "interpolated": '"#{state.count} items"',
    "arith": "x * 2 + 1",
    "pure_local": "summarize(state)",  # a private function that only reads
}
HOLDERS = {
    "map": "IO.inspect(%{first: @A@, second: @B@}, label: \"probe\")",
    "list": "IO.inspect([@A@, @B@])",
    "tuple_macro": "dbg({@A@, @B@})",
    "nested": "IO.inspect(%{outer: [@A@, {@B@}]}, label: \"probe\")",
}

PREAMBLE = '''
defmodule Probe.Sink do
  def put(x), do: send(self(), {:sink, x})
end
'''


def _module(functions: list[str]) -> str:
    helpers = '''
  defp note(x), do: send(self(), {:note, x})

  defp summarize(state) do
    total = state.count + length(state.items)
    if total > 0, do: {:some, total}, else: :none
  end
'''
    return PREAMBLE + "\ndefmodule Probe do\n" + "\n".join(functions) + helpers + "end\n"


def _functions() -> list[tuple[str, str]]:
    found = []
    for number, ((a, b), holder) in enumerate(itertools.product(itertools.permutations(PIECES, 2), HOLDERS)):
        call = HOLDERS[holder].replace("@A@", PIECES[a]).replace("@B@", PIECES[b])
        name = f"f{number}_{a}_{b}_{holder}"
        found.append((name, f"  def {name}(state, x) do\n    {call}\n    {{:done, x}}\n  end\n"))
    return found


def test_generated_inspects_keep_their_work_in_order_and_drop_their_reads(elixir_tools, tmp_path):
    functions = _functions()
    assert len(functions) > 300
    (before,) = elixir_batch.formatted([_module([text for _, text in functions])])
    assert before is not None
    result = fix_text("lib/probe.ex", before, [RULE])
    assert result.errors == []
    after = result.new
    assert [f.message for f in result.findings if not f.fixed] == []
    assert "IO.inspect" not in after and "dbg({" not in after
    # no bare read left as a statement
    for line in after.splitlines():
        assert not re.fullmatch(r"\s+(?:state\.count|length\(.*\)|Map\.fetch!\(.*\)|Process\.info\(.*\)|"
                                r"System\.get_env\(.*\)|\"#\{.*|x \* 2 \+ 1|summarize\(state\))", line), line
    calls = "[" + ", ".join(
        f"{{Probe.{name}(%{{count: 2, items: [1]}}, 5), flush.(flush)}}" for name, _ in functions) + "]"
    script = "flush = fn flush -> receive do m -> [m | flush.(flush)] after 0 -> [] end end\n" + calls
    (v1, out1, _), (v2, out2, _) = elixir_batch.run_scripts([before + script, after + script])
    assert v1.startswith("{:ok, [") and v1 == v2
    assert "probe" in out1 and out2 == ""
    assert elixir_batch.formatted([after]) == [after]
    assert warnings_of(tmp_path, "after", after) == warnings_of(tmp_path, "before", before)

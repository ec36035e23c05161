"""remove-debug-calls never changes a value (issue 17, section 1): an inspect at the tail of a branch is
the branch's value, through every branch form and their nestings.

Generated: every pair of branch forms (do/else blocks, keyword forms, clauses, `with`, `receive`,
`try` bodies and handlers, `fn` clauses, comprehensions, multi-clause functions), with the debug call
in the place whose value flows out or in a place whose value is dropped. One module holds them all;
it is formatted by the real formatter, fixed, then compiled and run before and after by real Elixir:
every function returns the same value, the fixed module is still formatted, compiles with no new
warning, and prints none of the debug output.
"""
from __future__ import annotations

import itertools
import re
import textwrap

import elixir_batch
from fixer.core.engine import fix_text
from fixer.core.rule import all_rules
from test_elixir_debug_calls_trust import warnings_of

RULE = all_rules()["remove-debug-calls"]()

# A branch form wrapping a hole `H` (the value that flows out). `c` is a boolean parameter.
FORMS = {
    "if": "if c do\n  H\nelse\n  :other\nend",
    "if_else_branch": "if c do\n  :other\nelse\n  H\nend",
    "unless": "unless c do\n  H\nelse\n  :other\nend",
    "if_keyword": "if(c, do: H, else: :other)",
    "unless_keyword": "unless(c, do: :other, else: H)",
    "case": "case c do\n  true -> H\n  _ -> :other\nend",
    "cond": "cond do\n  c -> H\n  true -> :other\nend",
    "with": "with true <- c do\n  H\nelse\n  _ -> :other\nend",
    "with_else": "with false <- c do\n  :other\nelse\n  _ -> H\nend",
    "receive_after": "receive do\n  :never -> :other\nafter\n  0 -> H\nend",
    "try_body": "try do\n  H\nrescue\n  _ -> :other\nend",
    "try_rescue": "try do\n  raise ArgumentError\nrescue\n  _ -> H\nend",
    "try_catch": "try do\n  throw(:x)\ncatch\n  _ -> H\nend",
    "try_else": "try do\n  c\nelse\n  _ -> H\nend",
    "try_after": "try do\n  H\nafter\n  :cleanup\nend",
    "fn": "(fn -> H end).()",
    "fn_clauses": "(fn\n   true -> H\n   _ -> H\n end).(c)",
    "map": "Enum.map([c], fn _ -> H end)",
    "for": "for(_ <- [c], do: H)",
    "block": "(\n  _ = :before\n  H\n)",
}
# The debug call around the value `V` (keys name the functions: no printing word like "inspect").
CALLS = {
    "io": 'IO.inspect(V, label: "probe")',
    "piped": 'V\n|> IO.inspect(label: "probe")',
    "macro": "dbg(V)",
}
VALUE = "[{Pool, size: n}]"


def _fill(form: str, hole: str) -> str:
    """Put `hole` (maybe several lines) in the form, indented like the H it replaces."""
    lines = []
    for line in form.split("\n"):
        at = line.find("H")
        if at >= 0 and line.strip() == "H":
            lines.append(textwrap.indent(hole, line[:at]))
        elif at >= 0:
            lines.append(line.replace("H", hole if "\n" not in hole else f"(\n{textwrap.indent(hole, '  ')}\n)"))
        else:
            lines.append(line)
    return "\n".join(lines)


def _functions() -> list[tuple[str, str]]:
    """(name, definition) for every (outer form, inner form, call, place)."""
    found = []
    names = list(FORMS)
    number = 0
    for outer, inner, call in itertools.product(names, names, CALLS):
        if (names.index(outer) + names.index(inner)) % 2 and call != "io":
            continue  # every pair with IO.inspect; the other calls on half of the pairs
        debug = CALLS[call].replace("V", VALUE)
        for place in ("tail", "dropped"):
            hole = debug if place == "tail" else f"{debug}\n{VALUE}"
            body = _fill(FORMS[outer], _fill(FORMS[inner], hole))
            number += 1
            name = f"f{number}_{outer}_{inner}_{call}_{place}"
            found.append((name, f"def {name}(c, n) do\n{textwrap.indent(body, '  ')}\nend"))
    return found


MULTI_CLAUSE = '''
def multi(true, n), do: IO.inspect([{Pool, size: n}], label: "probe")

def multi(false, n) do
  [{Pool, size: n}]
  |> IO.inspect(label: "probe")
end

def multi_guard(c, n) when c do
  if n > 0, do: dbg([{Pool, size: n}]), else: []
end

def multi_guard(_c, n), do: unless(n > 0, do: [], else: IO.inspect([{Pool, size: n}], label: "probe"))

def implicit_rescue(c, n) do
  if c, do: raise(ArgumentError)
  IO.inspect([{Pool, size: n}], label: "probe")
rescue
  _ -> IO.inspect(:rescued, label: "probe")
end

def received(c, n) do
  send(self(), {:go, c})

  receive do
    {:go, true} -> IO.inspect([{Pool, size: n}], label: "probe")
    {:go, _} -> dbg(:other)
  end
end

def nested_keyword(c, n), do: if(c, do: case(n, do: (3 -> dbg(n + 1); _ -> 0)), else: :other)
'''


def _module(functions: list[tuple[str, str]]) -> str:
    defs = "\n\n".join(text for _, text in functions) + "\n" + MULTI_CLAUSE
    return "defmodule Flow do\n" + textwrap.indent(defs, "  ") + "end\n"


def test_every_branch_form_and_nesting_keeps_each_function_value(elixir_tools, tmp_path):
    functions = _functions()
    assert len(functions) > 500
    (before,) = elixir_batch.formatted([_module(functions)])
    assert before is not None
    result = fix_text("lib/flow.ex", before, [RULE])
    assert result.errors == []
    after = result.new
    names = [name for name, _ in functions] + ["multi", "multi_guard", "implicit_rescue", "received",
                                               "nested_keyword"]
    calls = "[" + ", ".join(f"{{:{n}, Flow.{n}(true, 3), Flow.{n}(false, 3)}}" for n in names) + "]"
    (v1, out1, _), (v2, out2, _) = elixir_batch.run_scripts([before + calls, after + calls])
    assert v1.startswith("{:ok, [") and v1 == v2
    assert "probe" in out1
    # Every debug call was fixed except the ones reported: none left silently, no output left.
    left = len(re.findall(r"IO\.inspect|dbg\(", after))
    assert left == sum(1 for f in result.findings if not f.fixed), [f.message for f in result.findings if not f.fixed]
    assert "probe" not in out2 or left
    assert elixir_batch.formatted([after]) == [after]
    assert warnings_of(tmp_path, "after", after) == warnings_of(tmp_path, "before", before)


DEMO_SHAPE = '''
defmodule Demo do
  def children(enabled) do
    if enabled do
      [{Pool, size: size()}]
      |> IO.inspect(label: "pool children")
    else
      []
    end
  end

  def children_unless(disabled) do
    unless disabled do
      IO.inspect([{Pool, size: size()}], label: "pool children")
    else
      []
    end
  end

  def guarded(x) do
    try do
      IO.inspect(x)
    rescue
      _ -> :error
    end
  end

  defp size, do: 2
end
'''


def test_the_tail_of_a_branch_is_the_branch_value(elixir_tools):
    result = fix_text("lib/demo.ex", DEMO_SHAPE.lstrip(), [RULE])
    after = result.new
    assert "    if enabled do\n      [{Pool, size: size()}]\n    else\n" in after
    assert "    unless disabled do\n      [{Pool, size: size()}]\n    else\n" in after
    assert "    try do\n      x\n    rescue\n" in after
    calls = "{Demo.children(true), Demo.children(false), Demo.children_unless(false), Demo.guarded(7)}"
    (v1, _, _), (v2, out2, _) = elixir_batch.run_scripts([DEMO_SHAPE + calls, after + calls])
    assert v1 == v2 == "{:ok, {[{Pool, [size: 2]}], [], [{Pool, [size: 2]}], 7}}"
    assert out2 == ""


def test_the_rule_docs_state_the_value_intent_and_purity_policy():
    from conftest import run_cli

    text = " ".join(run_cli("rules", "remove-debug-calls").stdout.split())
    for phrase in ("Value policy:", "one value-flow analysis", "Intent policy:", "Purity policy:",
                   "A read that can only raise is not an effect", "in the same function is reported",
                   "Effects are kept", "private function inferred"):
        assert phrase in text, phrase

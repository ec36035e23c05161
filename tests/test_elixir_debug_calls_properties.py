"""Properties of remove-debug-calls over generated Elixir, checked in batches with the real toolchain.

- Generated modules hold debug leftovers in every position (statement, pipeline stage, tap stage,
  matched value, argument, case/if branch, returned value, work inside the inspected value, aliased
  IO, Kernel.dbg, IEx.pry with its `require IEx`, :dbg tracing) next to decoys (definitions named
  dbg/inspect, quoted code, IO aliased to another module, functions whose job is printing, docs): the
  decoys come back byte-identical, and the quoted AST of the output equals the AST of the module
  written without the leftovers.
- A grid of formatted shapes (each context x value x call x label length): every unwrapping that is
  made is `mix format`-clean and quotes to the module with the call replaced by its value; every
  shape that is not fixed is reported.
One `elixir` process per batch, never per example.
"""
from __future__ import annotations

import itertools
import textwrap

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import elixir_batch
from fixer.core.engine import fix_text
from fixer.core.rule import all_rules

RULE = all_rules()["remove-debug-calls"](paths=["**/*.ex", "**/*.exs"])

# (before, after) statement pairs; `a` and `b` are the function's parameters, read again at the end.
LEFTOVERS = [
    ('IO.inspect(a, label: "a")', ""),
    ("dbg(b)", ""),
    ("IO.inspect(a)", ""),
    ("Kernel.dbg({a, b})", ""),
    ('IO.inspect(:stdio, a, label: "a")', ""),
    ("IO.inspect(%{sent: send(self(), {:ping, a})})", "send(self(), {:ping, a})"),
    ('IO.inspect("at #{inspect(Process.put(:last, a))}")', "Process.put(:last, a)"),
    ("c = IO.inspect(a + 1)", "c = a + 1"),
    ('c = IO.inspect(b, label: "b") * 2', "c = b * 2"),
    ("c = Enum.sum([dbg(a), b])", "c = Enum.sum([a, b])"),
    ("c = a |> IO.inspect() |> Kernel.+(1)", "c = a |> Kernel.+(1)"),
    ('c = a |> Kernel.+(b) |> IO.inspect(label: "sum") |> Kernel.*(2)', "c = a |> Kernel.+(b) |> Kernel.*(2)"),
    ("c = a |> tap(fn v -> IO.inspect(v) end) |> Kernel.-(1)", "c = a |> Kernel.-(1)"),
    ("c = b |> then(&IO.inspect/1) |> Kernel.+(a)", "c = b |> Kernel.+(a)"),
    ("c = if a > b, do: IO.inspect(a), else: b", "c = if a > b, do: a, else: b"),
    ("c =\n  case a do\n    0 -> dbg(:zero)\n    _ -> IO.inspect(b)\n  end",
     "c =\n  case a do\n    0 -> :zero\n    _ -> b\n  end"),
    ("c = foo(IO.inspect(a - b), b)", "c = foo(a - b, b)"),
    ("c = IO.inspect(:ok, [])", "c = :ok"),
    ("IEx.pry()", ""),
    (":dbg.tracer()", ""),
    ("{:ok, _} = :dbg.p(:all, :c)", ""),
    (":dbg.tpl(Gen, :handle, :x)", ""),
]
NEUTRAL = [
    "c = a + b",
    "send(self(), {:tick, a})",
    "c = Enum.map([a, b], &(&1 * 2))",
    'Logger.debug("checked #{a}")',
    "c = %{a: a, b: b}",
    "# debugging notes about IO.inspect/2 stay in comments",
]
RETURNS = ["{a, b}", "{:ok, a, b}", "[a, b]"]
FUNCTION_NAMES = ["handle", "compute", "process_order", "checkout", "apply_rules", "run_step"]

DECOY_MODULES = [
    '''defmodule Decoy.Debug do
  import Kernel, except: [dbg: 1, inspect: 2]

  @spec dbg(term) :: term
  def dbg(value), do: value

  @callback inspect(term, keyword) :: term
  def inspect(value, _opts), do: value

  def use_them(x), do: {dbg(x), inspect(x, [])}
end
''',
    '''defmodule Decoy.Macros do
  defmacro trace(expr) do
    quote do
      IO.inspect(unquote(expr), label: "trace")
    end
  end

  def template, do: quote(do: dbg(value))
end
''',
    '''defmodule Decoy.Aliased do
  alias Decoy.Printer, as: IO

  def show(x) do
    IO.inspect(x, label: "shown")
    x
  end
end
''',
    '''defmodule Decoy.Report do
  def print_report(rows) do
    IO.inspect(rows, label: "report")
    Enum.each(rows, &IO.puts/1)
  end

  def dump(state, opts), do: IO.inspect(state, opts)
end
''',
    '''defmodule Decoy.Docs do
  @moduledoc """
  Call `IO.inspect(x)` or `dbg(x)` while debugging.
  """
  @doc "Prints with IO.inspect/2"
  def noop(x), do: x
end
''',
]


@st.composite
def functions(draw, index: int):
    name = f"{draw(st.sampled_from(FUNCTION_NAMES))}_{index}"
    lines = draw(st.lists(st.one_of(st.sampled_from(LEFTOVERS), st.sampled_from(NEUTRAL).map(lambda n: (n, n))),
                          min_size=1, max_size=6))
    lines.append((draw(st.sampled_from(RETURNS)),) * 2)
    before = "\n".join(b for b, _ in lines)
    after = "\n".join(a for _, a in lines if a)
    head = f"  def {name}(a, b) do\n"
    return head + textwrap.indent(before, "    ") + "\n  end\n", head + textwrap.indent(after, "    ") + "\n  end\n"


@st.composite
def modules(draw, index: int):
    count = draw(st.integers(1, 3))
    parts = [draw(functions(index * 10 + n)) for n in range(count)]
    io_alias = draw(st.sampled_from(["", "Out", "Shown"])) if any("IO.inspect(" in b for b, _ in parts) else ""
    header_before = "  require Logger\n  def foo(x, y), do: {x, y}\n"
    header_after = header_before
    if any("IEx.pry" in b for b, _ in parts):
        header_before += "  require IEx\n"  # goes with the last pry
    body_before = "\n".join(b for b, _ in parts)
    body_after = "\n".join(a for _, a in parts)
    if io_alias:
        header_before += f"  alias IO, as: {io_alias}\n"
        body_before = body_before.replace("IO.inspect(", f"{io_alias}.inspect(")
    decoys = draw(st.lists(st.sampled_from(DECOY_MODULES), max_size=2, unique=True))
    name = f"Gen{index}"
    before = "".join(decoys) + f"defmodule {name} do\n{header_before}\n{body_before}end\n"
    after = "".join(decoys) + f"defmodule {name} do\n{header_after}\n{body_after}end\n"
    return before, after, decoys


# No shrinking: each example is a batch of modules checked by one `elixir` run; the assertion shows the module.
@settings(max_examples=6, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_leftovers_go_decoys_stay_and_the_rest_quotes_the_same(elixir_tools, data):
    cases = [data.draw(modules(n)) for n in range(16)]
    outputs = []
    for before, _, decoys in cases:
        result = fix_text("lib/gen.ex", before, [RULE])
        assert result.errors == [], (before, result.errors)
        for decoy in decoys:
            assert decoy in result.new, (decoy, result.new)
        generated = result.new.split("defmodule Gen")[-1]
        assert not any(left in generated for left in ("IO.inspect(a", "dbg(", "IEx.", ":dbg.")), \
            (before, result.new, result.findings)
        outputs.append(result.new)
    quoted = elixir_batch.quoted([after for _, after, _ in cases] + outputs)
    expected, got = quoted[:len(cases)], quoted[len(cases):]
    for (before, after, _), output, want, have in zip(cases, outputs, expected, got):
        assert want is not None, after
        assert have == want, f"{before}\n--- fixer ---\n{output}\n--- expected ---\n{after}"


# -- the layout grid -------------------------------------------------------------------------------------

LONG = "a_rather_long_variable_name_here"
CONTEXTS = {
    "match": "x = CALL\nx\n",
    "statement_last": "CALL\n",
    "case_arrow": "case y do\n  1 -> CALL\n  _ -> :other\nend\n",
    "and": "y && CALL\n",
    "concat": "\"prefix\" <> CALL\n",
    "plus": "y + CALL\n",
    "compare": "y == CALL\n",
    "with": "with {:ok, z} <- CALL do\n  z\nend\n",
    "keyword": "foo(y, key: CALL)\n",
    "argument": "foo(y, CALL, y)\n",
    "list": "[y, CALL]\n",
    "map": "%{y: 1, z: CALL}\n",
    "pipe_first": "CALL\n|> foo()\n",
    "if_body": "if y do\n  CALL\nend\n",
    "tuple": "{:ok, CALL}\n",
    "case_head": "case CALL do\n  _ -> :ok\nend\n",
}
VALUES = {
    "var": "y",
    "call": "compute(y, 1)",
    "long_call": f"compute({LONG}, {LONG}, 1)",
    "map": "%{a: y, b: 2}",
    "long_map": f"%{{a: {LONG}, b: {LONG}, c: {LONG}}}",
    "case": "case y do\n  1 -> :one\n  _ -> :other\nend",
    "pipe": "y |> foo() |> bar()",
    "long_pipe": f"{LONG} |> foo({LONG}) |> bar({LONG})",
    "fn": "fn z -> z + y end",
    "broken_list": "[\n  y,\n  2\n]",
    "sum": "y + 1",
    "broken_call": "foo(\n  y,\n  2\n)",
    "string": '"text #{y}"',
}
CALLS = {
    "inspect": 'IO.inspect(VALUE, label: "LABEL")',
    "dbg": "dbg(VALUE)",
    "device": 'IO.inspect(:stdio, VALUE, label: "LABEL")',
}
LABELS = {"short": "l", "long": "a label long enough to push the whole call over the line limit of ninety"}


def _module(body: str) -> str:
    return "defmodule M do\n  def f(y) do\n" + textwrap.indent(body, "    ") + "  end\nend\n"


def test_every_unwrapping_in_the_shape_grid_is_mix_format_clean_and_keeps_the_ast(elixir_tools):
    shapes = []
    for (context, body), (value_name, value), (call_name, call), (_, label) in itertools.product(
            CONTEXTS.items(), VALUES.items(), CALLS.items(), LABELS.items()):
        wrapped = call.replace("VALUE", value).replace("LABEL", label)
        shapes.append((context, value_name, call_name, _module(body.replace("CALL", wrapped)),
                       _module(body.replace("CALL", f"({value})"))))
    formatted = elixir_batch.formatted([before for *_, before, _ in shapes])
    inputs = [(shape, text) for shape, text in zip(shapes, formatted) if text is not None]
    assert len(inputs) > 0.9 * len(shapes)
    changed, reported = [], 0
    for shape, text in inputs:
        result = fix_text("lib/m.ex", text, [RULE])
        assert result.errors == [], (text, result.errors)
        if result.new == text:
            assert any(not f.fixed for f in result.findings), (text, "left unchanged without a finding")
            reported += 1
        else:
            changed.append((shape, text, result.new))
    assert len(changed) > 0.7 * len(inputs), (len(changed), len(inputs))
    outputs = [new for *_, new in changed]
    reformatted = elixir_batch.formatted(outputs)
    for (shape, text, new), again in zip(changed, reformatted):
        assert again == new, f"{shape[:3]}\n{text}\n--- fixer ---\n{new}\n--- mix format ---\n{again}"
    asts = elixir_batch.quoted(outputs + [shape[4] for shape, _, _ in changed])
    for (shape, text, new), got, want in zip(changed, asts[:len(changed)], asts[len(changed):]):
        assert got is not None and got == want, f"{shape[:3]}\n{text}\n--- fixer ---\n{new}"


# -- two debug calls in one statement: decided together, so one pass reaches the formatter's layout --------

PAIRS = {
    "tuple": "x = {:ok, A, B}\nx\n",
    "arguments": "x = foo(A, B)\nx\n",
    "plus": "A + B\n",
    "keyword": "x = foo(A, key: B)\nx\n",
    "map": "%{a: A, b: B}\n",
    "list": "[A, B]\n",
    "nested": "x = NEST\nx\n",
    "reply": "{:reply, A, B}\n",
    "case": "case A do\n  _ -> B\nend\n",
}
PAIR_VALUES = {"var": "y", "long": LONG, "call": f"compute({LONG}, 1)"}
PAIR_CALLS = {"inspect": lambda v, label: f'IO.inspect({v}, label: "{label}")', "dbg": lambda v, label: f"dbg({v})"}


def test_two_calls_in_one_statement_settle_in_one_pass_and_stay_formatted(elixir_tools):
    cases = []
    for (context, body), (_, first), (_, second), (_, label), (_, outer), (_, inner) in itertools.product(
            PAIRS.items(), PAIR_VALUES.items(), PAIR_VALUES.items(), LABELS.items(), PAIR_CALLS.items(),
            PAIR_CALLS.items()):
        if context == "nested":
            before = body.replace("NEST", outer(f"foo({inner(second, label)})", "n"))
            after = body.replace("NEST", f"foo({second})")
        else:
            before = body.replace("A", outer(first, label)).replace("B", inner(second, "m"))
            after = body.replace("A", f"({first})").replace("B", f"({second})")
        cases.append((_module(before), _module(after)))
    formatted = elixir_batch.formatted([before for before, _ in cases])
    changed = []
    for (_, after), text in zip(cases, formatted):
        result = fix_text("lib/m.ex", text, [RULE])
        assert result.errors == [], (text, result.errors)  # includes: a second pass changes nothing
        if result.new != text:
            assert "IO.inspect" not in result.new and "dbg(" not in result.new, (text, result.new, result.findings)
            changed.append((text, result.new, after))
        else:
            assert len([f for f in result.findings if not f.fixed]) == 2, (text, result.findings)
    assert len(changed) > 0.8 * len(cases)
    again = elixir_batch.formatted([new for _, new, _ in changed])
    asts = elixir_batch.quoted([new for _, new, _ in changed] + [after for _, _, after in changed])
    for (text, new, _), reformatted, got, want in zip(changed, again, asts[:len(changed)], asts[len(changed):]):
        assert reformatted == new, f"{text}\n--- fixer ---\n{new}\n--- mix format ---\n{reformatted}"
        assert got == want, f"{text}\n--- fixer ---\n{new}"

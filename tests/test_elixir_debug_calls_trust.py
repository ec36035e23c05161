"""remove-debug-calls on code shaped like real Elixir projects (issue 8), checked with the real toolchain.

One section per failure class: definitions are not calls, quoted code is data, names are resolved,
arity and the device argument, side effects inside the inspected value, intent (printing on purpose),
re-indentation, and bookkeeping per module. Inputs are modules written for these tests; outputs are
checked with Elixir's own parser, formatter and compiler, and run before/after where the value matters.
"""
from __future__ import annotations

import textwrap
from pathlib import Path

import elixir_batch
from conftest import elixirc_warnings, run_cli
from fixer.core.engine import fix_text
from fixer.core.rule import all_rules

RULE = all_rules()["remove-debug-calls"]
EVERYWHERE = ["**/*.ex", "**/*.exs"]  # how users run it: tests, scripts, mix tasks too


def rule(**params):
    return RULE(paths=EVERYWHERE, **params)


def run(source: str, path: str = "lib/app.ex", **params):
    result = fix_text(path, textwrap.dedent(source).lstrip(), [rule(**params)])
    assert result.errors == [], result.errors
    return result


def fixed(result) -> list[str]:
    return [f.message for f in result.findings if f.fixed]


def reviews(result) -> list[str]:
    return [f.message for f in result.findings if not f.fixed]


def assert_formatted(*texts: str) -> None:
    """Each text is exactly what `mix format` makes of it."""
    for text, formatted in zip(texts, elixir_batch.formatted(list(texts))):
        assert formatted == text, f"not mix-format clean:\n{text}\n--- mix format wants ---\n{formatted}"


def assert_same_ast_except(before: str, after: str, removed: list[str]) -> None:
    """`after` quotes to the same AST as `before` with the `removed` snippets taken out by hand."""
    expected = before
    for snippet in removed:
        assert snippet in expected, snippet
        expected = expected.replace(snippet, "", 1)
    left, right = elixir_batch.quoted([expected, after])
    assert left is not None and left == right


def warnings_of(tmp_path: Path, name: str, text: str) -> list[str]:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "m.ex").write_text(text)
    return [w.split(" @ ")[0] for w in elixirc_warnings([folder / "m.ex"], tmp_path / f"{name}-ebin", folder)]


# -- 1. definitions are not calls ---------------------------------------------------------------------

DEBUG_HELPERS = '''
defmodule MyApp.Debug do
  @moduledoc "Debug helpers for the console."
  import Kernel, except: [dbg: 1, dbg: 2, inspect: 2]

  @callback inspect(term, keyword) :: term
  @spec dbg(Macro.t(), keyword) :: Macro.t()
  defmacro dbg(code, opts \\\\ []) do
    quote do
      MyApp.Debug.trace(unquote(code), unquote(opts))
    end
  end

  @spec inspect(term, keyword) :: term
  def inspect(term, opts \\\\ []), do: Kernel.inspect(term, opts)

  defdelegate puts(text), to: IO

  def trace(value, _opts), do: value

  def run(value) do
    dbg(value)
    inspect(value, pretty: true)
  end
end

defmodule MyApp.Uses do
  import Kernel, except: [dbg: 1]
  import MyApp.Debug, only: [dbg: 1]

  def run(value) do
    dbg(value)
  end
end
'''


def test_definitions_specs_and_imports_named_like_debug_calls_are_left_alone(elixir_tools, tmp_path):
    result = run(DEBUG_HELPERS)
    assert result.new == DEBUG_HELPERS.lstrip()
    assert result.findings == []
    assert warnings_of(tmp_path, "helpers", DEBUG_HELPERS) == []  # real code: it compiles cleanly


def test_a_module_that_defines_dbg_does_not_shield_its_neighbour(elixir_tools, tmp_path):
    source = '''
    defmodule Shop.Printer do
      import Kernel, except: [dbg: 1]

      def dbg(value), do: {:printed, value}

      def show(order), do: dbg(order)
    end

    defmodule Shop.Cart do
      def total(items) do
        sum = Enum.sum(items)
        dbg(sum)
      end
    end
    '''
    result = run(source)
    after = textwrap.dedent(source).lstrip()
    assert result.new == after.replace("    dbg(sum)\n", "    sum\n")
    assert_formatted(textwrap.dedent(source).lstrip(), result.new)
    assert warnings_of(tmp_path, "after", result.new) == []


# -- 2. quoted code is data ----------------------------------------------------------------------------

def test_code_inside_quote_is_never_edited():
    source = '''
    defmodule MyApp.Trace do
      defmacro trace(expr, label) do
        quote do
          IO.inspect(unquote(expr), label: unquote(label))
        end
      end

      defmacro peek(expr), do: quote(do: dbg(unquote(expr)))

      def template, do: quote(do: IO.inspect(:value) |> IO.inspect(label: "again"))

      defmacro __using__(_opts) do
        quote location: :keep do
          def debug_state(state) do
            IO.inspect(state, label: "state")
            state
          end
        end
      end
    end
    '''
    result = run(source)
    assert result.new == textwrap.dedent(source).lstrip()
    assert result.findings == []


# -- 3. names are resolved ------------------------------------------------------------------------------

def test_io_aliased_to_another_module_is_not_kernel_io(elixir_tools, tmp_path):
    source = '''
    defmodule MyApp.Printer do
      def inspect(value, _opts \\\\ []), do: {:printed, value}
    end

    defmodule MyApp.Report do
      alias MyApp.Printer, as: IO

      def render(rows), do: IO.inspect(rows, label: "rows")
    end

    defmodule MyApp.Other do
      def total(rows) do
        IO.inspect(rows, label: "rows")
        length(rows)
      end
    end
    '''
    result = run(source)
    text = textwrap.dedent(source).lstrip()
    assert "def render(rows), do: IO.inspect(rows, label: \"rows\")" in result.new
    assert result.new == text.replace('    IO.inspect(rows, label: "rows")\n    length', "    length")


def test_alias_inside_one_function_applies_only_there():
    source = '''
    defmodule MyApp.Mixed do
      def a(rows) do
        alias MyApp.Printer, as: IO
        IO.inspect(rows)
      end

      def b(rows) do
        IO.inspect(rows)
      end
    end
    '''
    result = run(source)
    assert "    alias MyApp.Printer, as: IO\n    IO.inspect(rows)\n" in result.new
    assert "  def b(rows) do\n    rows\n  end\n" in result.new


def test_nested_module_named_io_shadows_io_in_the_enclosing_module():
    source = '''
    defmodule MyApp.Shell do
      defmodule IO do
        def inspect(value, _opts), do: value
      end

      def show(value), do: IO.inspect(value, label: "value")
    end
    '''
    result = run(source)
    assert result.new == textwrap.dedent(source).lstrip()


def test_io_through_alias_import_and_kernel_dbg_are_debug_calls(elixir_tools, tmp_path):
    source = '''
    defmodule MyApp.Worker do
      alias IO, as: Out
      import IO, only: [inspect: 3]

      def handle(job) do
        Out.inspect(job, label: "job")
        inspect(:stdio, job, label: "id")
        result = Kernel.dbg(job.payload)
        {:ok, result}
      end
    end
    '''
    result = run(source)
    assert result.new == textwrap.dedent('''
    defmodule MyApp.Worker do
      def handle(job) do
        result = job.payload
        {:ok, result}
      end
    end
    ''').lstrip()
    messages = " ".join(fixed(result))
    assert "through alias IO, as: Out" in messages and "through import IO" in messages
    assert "removed alias Out" in messages and "removed import IO" in messages
    assert warnings_of(tmp_path, "after", result.new) == []


def test_ambiguous_or_unreadable_names_are_reported_not_guessed():
    source = '''
    defmodule MyApp.Ambiguous do
      import IO

      def show(value) do
        inspect(value, label: "value")
        value
      end
    end

    defmodule MyApp.Dynamic do
      defmacro __using__(mod) do
        quote do: alias(unquote(mod), as: IO)
      end

      alias unquote(Module.concat(MyApp, Printer)), as: IO

      def show(value) do
        IO.inspect(value)
        value
      end
    end
    '''
    result = run(source)
    assert result.new == textwrap.dedent(source).lstrip()
    messages = reviews(result)
    assert any("imported from both IO and Kernel" in m for m in messages), messages
    assert any("may be an alias fixer cannot read" in m for m in messages), messages


def test_kernel_inspect_in_a_module_with_generated_functions_is_not_reported():
    source = '''
    defmodule MyApp.Levels do
      for level <- [:debug, :info] do
        def unquote(level)(message), do: {unquote(level), inspect(message)}
      end

      def describe(value), do: "value: " <> inspect(value, pretty: true)

      def trace(value) do
        dbg(value)
      end
    end
    '''
    result = run(source)
    assert result.new == textwrap.dedent(source).lstrip()
    [message] = reviews(result)  # only dbg: a generated function might be named dbg
    assert message.startswith("dbg may not be the debug call it looks like: the module defines functions")


# -- 4. arity and the device argument -------------------------------------------------------------------

ARITY = '''
defmodule Arity do
  def atom_item, do: IO.inspect(:ok, label: "finish")
  def atom_item_list_opts, do: IO.inspect(:stderr, [])
  def device_item(value), do: IO.inspect(:stdio, value, label: "value")
  def dbg_two(value), do: dbg(value + 1, [])

  def piped(value) do
    value
    |> Kernel.+(1)
    |> IO.inspect(label: "plus one")
    |> Kernel.*(2)
  end
end
'''
CALLS = "{Arity.atom_item(), Arity.atom_item_list_opts(), Arity.device_item(7), Arity.dbg_two(1), Arity.piped(3)}"


def test_arity_decides_which_argument_is_returned(elixir_tools):
    result = run(ARITY)
    assert "IO.inspect" not in result.new and "dbg(" not in result.new
    assert "def atom_item, do: :ok\n" in result.new
    assert "def atom_item_list_opts, do: :stderr\n" in result.new
    (before, out_before, _), (after, out_after, _) = elixir_batch.run_scripts(
        [ARITY + CALLS, result.new + CALLS])
    assert before == after == "{:ok, {:ok, :stderr, 7, 2, 8}}"
    assert "finish: :ok" in out_before and out_after == ""


def test_a_device_piped_into_io_inspect_is_reported():
    source = '''
    defmodule Pipe do
      def show(device, value) do
        device
        |> IO.inspect(value, label: "value")
        |> List.wrap()
      end
    end
    '''
    result = run(source)
    assert result.new == textwrap.dedent(source).lstrip()
    assert any("piped value is the device" in m or "device" in m for m in reviews(result)), reviews(result)


# -- 5. side effects inside the inspected value ------------------------------------------------------------

EFFECTS = '''
defmodule Effects do
  def mailbox(pid) do
    IO.inspect(%{sent: send(pid, :ping), at: :now})
    IO.inspect("counter #{inspect(Agent.get_and_update(Effects.Counter, &{&1, &1 + 1}))}")
    IO.inspect(x = Process.put(:effects_key, :set))
    IO.puts("!!! banner #{inspect(send(pid, :banner))}")
    {x, Process.get(:effects_key)}
  end

  def risky(list) do
    IO.inspect(hd(list), label: "head")
    :ok
  end

  def labelled(value) do
    result = IO.inspect(value, label: "#{send(self(), :label)}")
    result
  end
end
'''
EFFECTS_RUN = '''
{:ok, _} = Agent.start_link(fn -> 0 end, name: Effects.Counter)
result = Effects.mailbox(self())
messages = for _ <- 1..2, do: (receive do m -> m after 100 -> :none end)
outcome = {result, messages, Agent.get(Effects.Counter, & &1), Effects.risky([1])}
Agent.stop(Effects.Counter)
outcome
'''


def test_work_inside_a_deleted_call_is_kept_as_statements(elixir_tools):
    result = run(EFFECTS, messages=["^!!! "])
    new = result.new
    assert "    send(pid, :ping)\n" in new
    assert "    Agent.get_and_update(Effects.Counter, &{&1, &1 + 1})\n" in new
    assert "    x = Process.put(:effects_key, :set)\n" in new
    assert "    send(pid, :banner)\n" in new
    # a read that can only raise is no work (issue 17): it goes with the call, outside any rescue
    assert "hd(list)" not in new
    assert "label: \"#{send(self(), :label)}\"" in new  # options that do work: for a person
    assert any("options do work" in m for m in reviews(result))
    (before, out_before, _), (after, out_after, _) = elixir_batch.run_scripts(
        [EFFECTS + EFFECTS_RUN, new + EFFECTS_RUN])
    assert before == after == "{:ok, {{nil, :set}, [:ping, :banner], 1, :ok}}"
    assert "counter 0" in out_before and "counter" not in out_after and "banner" not in out_after


# -- 6. intent: printing can be the point ---------------------------------------------------------------

CLI_TEST = '''
defmodule MyApp.ReportTest do
  use ExUnit.Case
  import ExUnit.CaptureIO

  test "prints the report" do
    assert capture_io(fn -> IO.inspect(%{a: 1}) end) == "%{a: 1}\\n"
  end

  test "inspect returns its argument" do
    assert IO.inspect(:value) == :value
  end

  test "totals" do
    rows = [1, 2, 3]
    IO.inspect(rows, label: "rows")
    assert Enum.sum(rows) == 6
  end
end
'''


def test_tests_keep_asserted_output_and_lose_debug_output():
    result = run(CLI_TEST, path="test/my_app/report_test.exs")
    assert "capture_io(fn -> IO.inspect(%{a: 1}) end)" in result.new
    assert "assert IO.inspect(:value) == :value" in result.new
    assert 'IO.inspect(rows, label: "rows")' not in result.new
    assert len(fixed(result)) == 1 and reviews(result) == []


def test_scripts_mix_tasks_escripts_and_printing_functions_keep_their_output():
    script = 'data = Parser.parse("1 + 2")\nIO.inspect(data, label: "parsed")\nIO.inspect(Parser.eval(data))\n'
    task = '''
    defmodule Mix.Tasks.App.Stats do
      use Mix.Task

      def run(_args) do
        stats = App.stats()
        IO.inspect(stats, label: "stats")
      end
    end
    '''
    escript = '''
    defmodule App.CLI do
      def main(args) do
        args |> App.run() |> IO.inspect()
      end
    end
    '''
    printers = '''
    defmodule App.Tree do
      def print_tree(tree) do
        IO.inspect(tree.root, label: "root")
        Enum.each(tree.children, &print_tree/1)
      end

      def dump(state, opts), do: IO.inspect(state, opts)

      def show(device, value), do: IO.inspect(device, value, [])
    end
    '''
    for path, source in (("examples/parse.exs", script), ("lib/mix/tasks/app.stats.ex", task),
                         ("lib/app/cli.ex", escript), ("lib/app/tree.ex", printers)):
        result = run(source, path=path)
        assert result.new == textwrap.dedent(source).lstrip(), path
        assert result.findings == [], (path, result.findings)


def test_strong_leftover_evidence_in_printing_code_is_reported_with_both_reasons():
    script = 'Parser.parse("1 + 2")\n|> dbg()\n|> Parser.eval()\n|> IO.inspect()\n'
    result = run(script, path="examples/eval.exs")
    assert result.new == script
    [message] = reviews(result)
    assert "dbg is a debugging macro" in message and "a script's output is its job" in message
    [finding] = result.findings
    assert "leftover:" in finding.evidence and "on purpose:" in finding.evidence


def test_every_fix_says_why_it_is_a_leftover():
    source = '''
    defmodule App.Pool do
      def checkout(pool) do
        # DEBUG
        IO.inspect(pool)
        pool |> GenServer.call(:checkout) |> IO.inspect(label: "checkout") |> elem(1)
      end
    end
    '''
    result = run(source)
    assert len(result.findings) == 2
    for finding in result.findings:
        assert finding.fixed and finding.evidence.startswith("leftover: ")
        assert "(debug leftover: " in finding.message
    assert "under a debug comment" in result.findings[0].evidence
    assert "passes the value through" in result.findings[1].evidence


def test_rule_docs_state_the_intent_policy():
    output = run_cli("rules", "remove-debug-calls").stdout
    for phrase in ("Intent policy", "Evidence of a leftover", "Evidence of output on purpose", "Verdict:",
                   "needs review", "capture_io", "Mix task", "IEx.pry", ":dbg"):
        assert phrase.replace("\n        ", " ") in " ".join(output.split()), phrase


# -- 7. re-indentation --------------------------------------------------------------------------------

LAYOUT = '''
defmodule Layout do
  def classify(value) do
    dbg(
      case value do
        0 -> :zero
        n when n > 0 -> :positive
        _ -> :negative
      end
    )
  end

  def load(config) do
    settings =
      IO.inspect(
        Map.merge(config.defaults, config.overrides),
        label: "settings after merging the defaults with the overrides"
      )

    validated =
      IO.inspect(
        %{
          host: settings.host,
          port: settings.port,
          pool_size: settings.pool_size
        },
        label: "validated settings"
      )

    checked =
      dbg(
        case validated.port do
          port when port > 0 -> {:ok, port}
          _ -> :error
        end
      )

    {settings, validated, checked}
  end

  def respond(conn),
    do:
      IO.inspect(Map.put(conn, :status, 200),
        label: "the response we send back to the client with status"
      )
end
'''


def test_unwrapped_multi_line_calls_stay_mix_format_clean(elixir_tools):
    assert_formatted(LAYOUT.lstrip())
    result = run(LAYOUT)
    assert "dbg" not in result.new and "IO.inspect" not in result.new, result.findings
    assert "    case value do\n      0 -> :zero\n" in result.new
    assert "    settings = Map.merge(config.defaults, config.overrides)\n" in result.new
    assert "    validated = %{\n      host: settings.host,\n" in result.new
    assert "    checked =\n      case validated.port do\n" in result.new
    assert "  def respond(conn),\n    do: Map.put(conn, :status, 200)\n" in result.new
    assert_formatted(result.new)
    left, right = elixir_batch.quoted([LAYOUT, result.new])
    assert left != right and right is not None


# -- 8. bookkeeping per module ---------------------------------------------------------------------------

TWO_MODULES = '''
defmodule Metrics.Stats do
  def snapshot, do: %{}
end

defmodule Shop.A do
  alias Metrics.Stats
  @label "a"

  def run(x) do
    IO.inspect(Stats, label: @label)
    x
  end
end

defmodule Shop.B do
  alias Metrics.Stats
  @label "b"

  def run(x), do: {Stats.snapshot(), @label, x}
end
'''


def test_aliases_and_attributes_are_tracked_per_module(elixir_tools, tmp_path):
    result = run(TWO_MODULES)
    a_module = result.new.split("defmodule Shop.B")[0]
    b_module = result.new.split("defmodule Shop.B")[1]
    assert "alias Metrics.Stats" not in a_module and "@label" not in a_module
    assert "alias Metrics.Stats" in b_module and '@label "b"' in b_module
    before = warnings_of(tmp_path, "before", TWO_MODULES)
    after = warnings_of(tmp_path, "after", result.new)
    assert before == [] and after == []


def test_a_rebinding_after_the_removed_read_warns_no_unused_variable(elixir_tools, tmp_path):
    """Needs the per-binding-group variables() of the elixir-vars session: `x = input + 1` must get
    its own Variable (read only by the removed call) so it becomes `_x`."""
    source = '''
    defmodule Rebind do
      def run(input) do
        x = input + 1
        IO.inspect(x)
        x = input * 2
        x
      end
    end
    '''
    text = textwrap.dedent(source).lstrip()
    result = run(source)
    assert "IO.inspect" not in result.new
    assert warnings_of(tmp_path, "before", text) == []
    assert warnings_of(tmp_path, "after", result.new) == []


def test_a_repeated_pattern_variable_is_not_half_renamed(elixir_tools, tmp_path):
    source = '''
    defmodule Repeat do
      def pair(pair) do
        {x, x} = pair
        IO.inspect(x, label: "same")
        :ok
      end
    end
    '''
    text = textwrap.dedent(source).lstrip()
    result = run(source)
    assert result.new == text.replace('    IO.inspect(x, label: "same")\n', "")
    assert warnings_of(tmp_path, "before", text) == []
    assert warnings_of(tmp_path, "after", result.new) == []


# -- more shapes seen in real code ----------------------------------------------------------------------

EDGES = '''
defmodule Edge do
  require Logger
  @limit IO.inspect(length([1, 2, 3]))

  def each(list), do: for(x <- list, do: IO.inspect(x))

  def nested(x) do
    IO.inspect(dbg(x), label: "both")
    Logger.info("value: #{IO.inspect(x)}")
    y = x + @limit
    dbg()
    y
  end

  def rescued(conn) do
    IO.inspect(conn[:assigns][:user])

    try do
      Map.fetch!(conn, :halted)
    rescue
      e ->
        IO.inspect(e, label: "rescued")
        reraise e, __STACKTRACE__
    end
  end

  def commented(x) do
    value =
      IO.inspect(
        # the interesting bit
        x,
        label: "x"
      )

    value
  end
end
'''


def test_nested_calls_attributes_interpolation_rescue_and_callbacks(elixir_tools, tmp_path):
    result = run(EDGES)
    new = result.new
    assert "@limit length([1, 2, 3])" in new
    assert "for(x <- list, do: x)" in new  # the comprehension is returned: its values are used (issue 17)
    assert '    Logger.info("value: #{x}")\n    y = x + @limit\n    y\n' in new
    assert "    IO.inspect(dbg(x)" not in new and "    dbg()\n" not in new
    assert 'label: "rescued"' not in new
    # An Access read only raises, and no rescue sees it (it is before the try): it goes (issue 17).
    assert "conn[:assigns][:user]" not in new
    assert "# the interesting bit" in new  # the call holding the comment is left for a person
    messages = reviews(result)
    assert any("comment inside it would be lost" in m for m in messages)
    assert_formatted(EDGES.lstrip(), new)
    assert warnings_of(tmp_path, "after", new) == warnings_of(tmp_path, "before", EDGES)


def test_computed_inspect_options_mark_output_on_purpose():
    source = '''
    defmodule App.Inspector do
      @defaults [pretty: true, limit: :infinity]

      def report(value, extra) do
        opts = Keyword.merge(@defaults, extra)
        IO.inspect(value, opts)
        :ok
      end

      def peek(value) do
        IO.inspect(value, pretty: true)
        :ok
      end
    end
    '''
    result = run(source)
    assert 'IO.inspect(value, opts)' in result.new and "IO.inspect(value, pretty: true)" not in result.new
    assert "def peek(_value) do" in result.new  # only the removed call read it
    assert [f.fixed for f in result.findings] == [True, True]


def test_flag_switched_output_stays_and_branches_that_only_print_are_not_hollowed_out():
    source = '''
    defmodule Noop do
      def run(x, opts) do
        if opts[:verbose], do: IO.inspect(x, label: "x")
        if x > 5, do: IO.inspect(x)

        case x do
          1 -> IO.inspect(x)
          _ -> :ok
        end

        y = if x > 2, do: IO.inspect(x), else: 0
        {x, y}
      end
    end
    '''
    result = run(source)
    text = textwrap.dedent(source).lstrip()
    # Issue 17: an `if`/`case` statement that only runs the inspect goes whole (it was reported).
    assert result.new == text.replace("do: IO.inspect(x), else: 0", "do: x, else: 0").replace(
        "    if x > 5, do: IO.inspect(x)\n\n    case x do\n      1 -> IO.inspect(x)\n      _ -> :ok\n    end\n", "")
    assert reviews(result) == []

"""remove-debug-calls on shapes found by a held-out run (issue 17): the Elixir toolchain's own sources
and a command-line app's, plus adversarial inputs written to look like services. Each input here is
written from scratch in the shape that went wrong; real Elixir compiles and runs it before and after.

- `_ = IO.inspect(x)` lost the inspect but kept `_ = x`, a statement that does nothing.
- A `dbg`/`IEx.pry` inside a test's `capture_io`, the output the test asserts on, was reported ("may
  not be the debug call it looks like", "may be there on purpose"): the output is swallowed by the
  capture, so nobody looking at a terminal sees it; it is the test's subject, not a leftover.
- A label that interpolates a parameter (`label: "user #{id}"`) was taken as "the caller passes its
  options": a location label with a value in it is still a location label.
"""
from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

from conftest import require_tool
from fixer.core.engine import fix_text
from fixer.core.rule import all_rules
from test_elixir_debug_calls_trust import assert_formatted, warnings_of

RULE = all_rules()["remove-debug-calls"]
EVERYWHERE = ["**/*.ex", "**/*.exs"]

RUN = r'''
[file, calls] = System.argv()
[{module, _} | _] = Code.compile_file(file)
for line <- String.split(File.read!(calls), "\n", trim: true) do
  {{fun, args}, _} = Code.eval_string(line)
  {value, output} = ExUnit.CaptureIO.with_io(fn -> apply(module, fun, args) end)
  IO.puts("#{fun}: #{inspect(value)} | printed #{inspect(output)}")
end
'''


def fix(source: str, path: str = "lib/app.ex"):
    result = fix_text(path, textwrap.dedent(source).lstrip(), [RULE(paths=EVERYWHERE)])
    assert result.errors == [], result.errors
    return result


def run_calls(tmp_path: Path, name: str, text: str, calls: list[str]) -> list[str]:
    """Compile `text` with real Elixir and call each `{fun, args}`: one line per call, value and output."""
    require_tool("elixir")
    folder = tmp_path / name
    folder.mkdir()
    (folder / "m.ex").write_text(text)
    (folder / "calls.txt").write_text("\n".join(calls) + "\n")
    (folder / "run.exs").write_text(RUN)
    proc = subprocess.run(["elixir", "-e", "ExUnit.start(autorun: false)", "-r", "run.exs", "m.ex", "calls.txt"],
                          cwd=folder, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()


IGNORED_MATCH = '''
defmodule Shop.Checkout do
  def total(cart) do
    _ = IO.inspect(cart.items, label: "items")
    Enum.sum(Enum.map(cart.items, & &1.price))
  end

  def confirm(order) do
    _ignored = IO.inspect(notify(order), label: "notified")
    {:ok, order.id}
  end

  def ship(order) do
    {:ok, _} = IO.inspect(reserve(order), label: "reserved")
    :shipped
  end

  defp notify(order) do
    send(self(), {:notified, order.id})
    :sent
  end

  defp reserve(order), do: if(order.id > 0, do: {:ok, order.id}, else: :error)
end
'''


def test_an_ignored_match_of_an_inspect_goes_whole_and_keeps_the_work(tmp_path):
    result = fix(IGNORED_MATCH)
    after = result.new
    assert "_ = " not in after and "_ignored" not in after, after
    assert "    notify(order)\n" in after  # the work the inspect wrapped stays, as a statement
    assert "{:ok, _} = reserve(order)" in after  # a match that can fail is a check: it stays
    assert "IO.inspect" not in after
    assert_formatted(IGNORED_MATCH.lstrip(), after)
    assert warnings_of(tmp_path, "after", after) == []
    calls = ['{:total, [%{items: [%{price: 2}, %{price: 3}]}]}', '{:confirm, [%{id: 7}]}', '{:ship, [%{id: 1}]}']
    before_runs = run_calls(tmp_path, "run-before", IGNORED_MATCH, calls)
    after_runs = run_calls(tmp_path, "run-after", after, calls)
    assert [line.split(" | ")[0] for line in before_runs] == [line.split(" | ")[0] for line in after_runs]
    assert all(line.endswith('printed ""') for line in after_runs), after_runs


CAPTURED_TEST = '''
defmodule Tools.DebugTest do
  use ExUnit.Case
  import ExUnit.CaptureIO

  describe "delegation" do
    name = :dynamic_flatten
    defdelegate unquote(name)(list), to: List, as: :flatten

    test "flattens" do
      assert dynamic_flatten([[1]]) == [1]
    end
  end

  test "dbg prints the expression and returns its value" do
    output = capture_io(fn -> assert dbg(Enum.sum([1, 2])) == 3 end)
    assert output =~ "Enum.sum([1, 2])"
  end

  test "pry without a shell says so" do
    assert capture_io(fn ->
             assert IEx.pry() == {:error, :no_iex}
           end) =~ "IEx shell"
  end

  test "inspect with a label" do
    assert with_io(fn -> IO.inspect(:ok, label: "state") end) == {:ok, "state: :ok\\n"}
  end
end
'''


def test_debug_calls_whose_output_a_test_captures_are_left_alone_silently():
    result = fix(CAPTURED_TEST, "test/tools/debug_test.exs")
    assert result.new == CAPTURED_TEST.lstrip()
    assert result.findings == [], [f.message for f in result.findings]


def test_a_leftover_next_to_a_capture_is_still_removed():
    source = '''
    defmodule Tools.ReportTest do
      use ExUnit.Case
      import ExUnit.CaptureIO

      test "report" do
        rows = Tools.Report.rows() |> IO.inspect(label: "rows")
        assert capture_io(fn -> Tools.Report.print(rows) end) =~ "total"
      end
    end
    '''
    result = fix(source, "test/tools/report_test.exs")
    assert "IO.inspect" not in result.new
    assert "rows = Tools.Report.rows()\n" in result.new


INTERPOLATED_LABEL = '''
defmodule Shop.Orders do
  def load(order_id) do
    order = fetch(order_id) |> IO.inspect(label: "order #{order_id}")
    {:ok, order}
  end

  def mark(order, id) do
    IO.inspect(order, label: "id=#{id}")
    Map.put(order, :marked, true)
  end

  def trace(value, label) do
    IO.inspect(value, label: label)
  end

  defp fetch(id), do: %{id: id}
end
'''


def test_a_label_with_a_parameter_interpolated_is_a_location_label(tmp_path):
    result = fix(INTERPOLATED_LABEL)
    after = result.new
    assert 'label: "order' not in after and 'label: "id=' not in after, after
    assert "def mark(order, _id) do" in after  # only the label read it
    assert "IO.inspect(value, label: label)" in after  # the caller chooses the label: on purpose
    assert all("caller passes" not in f.message for f in result.findings), [f.message for f in result.findings]
    assert_formatted(INTERPOLATED_LABEL.lstrip(), after)
    assert warnings_of(tmp_path, "after", after) == []
    calls = ["{:load, [3]}", "{:mark, [%{}, 9]}"]
    before_runs = run_calls(tmp_path, "run-before", INTERPOLATED_LABEL, calls)
    after_runs = run_calls(tmp_path, "run-after", after, calls)
    assert [line.split(" | ")[0] for line in before_runs] == [line.split(" | ")[0] for line in after_runs]
    assert all(line.endswith('printed ""') for line in after_runs), after_runs


AFTER_ONLY = '''
defmodule Shop.Import do
  def parse(line) do
    try do
      String.to_integer(line)
    rescue
      ArgumentError -> :bad
    after
      IO.inspect(line, label: "parsed line")
    end
  end

  def close(file) do
    try do
      File.close(file)
    after
      IO.inspect(file, label: "closed")
    end
  end
end
'''


def test_an_after_that_only_inspects_goes_while_the_try_keeps_its_rescue(tmp_path):
    result = fix(AFTER_ONLY)
    after = result.new
    assert after.count("after\n") == 1 and 'label: "parsed line"' not in after, after
    assert 'IO.inspect(file, label: "closed")' in after  # `try` without rescue/catch needs its `after`
    closing = [f.message for f in result.findings if not f.fixed]
    assert len(closing) == 1 and "replace the `try` with its body" in closing[0], closing
    assert_formatted(AFTER_ONLY.lstrip(), after)
    assert warnings_of(tmp_path, "after", after) == []
    calls = ['{:parse, ["12"]}', '{:parse, ["x"]}']
    before_runs = run_calls(tmp_path, "run-before", AFTER_ONLY, calls)
    after_runs = run_calls(tmp_path, "run-after", after, calls)
    assert [line.split(" | ")[0] for line in before_runs] == [line.split(" | ")[0] for line in after_runs]
    assert all(line.endswith('printed ""') for line in after_runs), after_runs


REBOUND = '''
defmodule Shop.Cart do
  def add(cart, item) do
    cart = cart |> IO.inspect(label: "cart")
    items = IO.inspect(item, label: "item")
    item = IO.inspect(item, label: "item")
    %{cart | items: [item | cart.items] ++ [items]}
  end

  def status(resp) do
    # print the response
    IO.inspect(resp)
    # a 2xx is fine
    resp.status in 200..299
  end
end
'''


def test_a_variable_rebound_to_its_inspected_self_loses_the_whole_match(tmp_path):
    result = fix(REBOUND)
    after = result.new
    assert "cart = cart" not in after and "item = item" not in after, after
    assert "    items = item\n" in after  # a new name: the binding is read later, it stays
    assert "print the response" not in after  # it described the removed call
    assert "# a 2xx is fine" in after  # it describes the code that stays
    assert_formatted(REBOUND.lstrip(), after)
    assert warnings_of(tmp_path, "after", after) == []
    calls = ["{:add, [%{items: [1]}, 2]}", "{:status, [%{status: 204}]}"]
    before_runs = run_calls(tmp_path, "run-before", REBOUND, calls)
    after_runs = run_calls(tmp_path, "run-after", after, calls)
    assert [line.split(" | ")[0] for line in before_runs] == [line.split(" | ")[0] for line in after_runs]
    assert all(line.endswith('printed ""') for line in after_runs), after_runs


def test_a_rebinding_in_one_function_does_not_shield_a_variable_of_another(tmp_path):
    source = '''
    defmodule Shop.Stock do
      def reserve(cart) do
        cart = cart |> IO.inspect(label: "cart")
        Map.put(cart, :reserved, true)
      end

      def release(cart, id) do
        IO.inspect(cart, label: "cart")
        id
      end
    end
    '''
    after = fix(source).new
    assert "def release(_cart, id) do" in after, after
    assert "def reserve(cart) do" in after and "cart = cart" not in after, after
    assert warnings_of(tmp_path, "after", after) == []


EACH_CAPTURE = '''
defmodule Shop.Audit do
  def check(rows) do
    Enum.each(rows, &IO.inspect(&1, label: "row"))
    length(rows)
  end

  def sum(rows) do
    Enum.each(load(rows), &IO.inspect(&1, label: "row"))
    Enum.sum(rows)
  end

  def total(rows) do
    Enum.map(rows, &IO.inspect(&1 * 2, label: "doubled"))
  end

  defp load(rows) do
    send(self(), :loaded)
    rows
  end
end
'''


def test_an_enum_each_that_only_inspects_through_a_capture_goes_whole(tmp_path):
    result = fix(EACH_CAPTURE)
    after = result.new
    assert "  def check(rows) do\n    length(rows)\n" in after, after
    assert 'Enum.each(load(rows), &IO.inspect(&1, label: "row"))' in after  # its list does work: reported
    assert 'Enum.map(rows, &IO.inspect(&1 * 2, label: "doubled"))' in after  # the capture's value is used
    assert len([f for f in result.findings if not f.fixed]) == 2
    assert_formatted(EACH_CAPTURE.lstrip(), after)
    assert warnings_of(tmp_path, "after", after) == []
    calls = ["{:check, [[1, 2]]}"]
    before_runs = run_calls(tmp_path, "run-before", EACH_CAPTURE, calls)
    after_runs = run_calls(tmp_path, "run-after", after, calls)
    assert before_runs[0].split(" | ")[0] == after_runs[0].split(" | ")[0] and after_runs[0].endswith('printed ""')


def test_an_underscored_binding_that_is_read_later_keeps_its_match(tmp_path):
    source = '''
    defmodule Shop.Pricing do
      def price(x) do
        _v = IO.inspect(x * 2, label: "v")
        _v + 1
      end

      def start(x) do
        {:ok, _pid} = :dbg.tracer()
        {_pid, x}
      end
    end
    '''
    after = fix(source).new
    assert "    _v = x * 2\n    _v + 1\n" in after, after
    assert "{:ok, _pid} = :dbg.tracer()" in after, after  # reported: its result is used
    calls = ["{:price, [3]}"]
    before_runs = run_calls(tmp_path, "run-before", textwrap.dedent(source).lstrip(), calls)
    after_runs = run_calls(tmp_path, "run-after", after, calls)
    assert before_runs[0].split(" | ")[0] == after_runs[0].split(" | ")[0] and after_runs[0].endswith('printed ""')

"""remove-debug-calls also removes `IEx.pry` (with the `require IEx` only it used) and `:dbg` tracing
leftovers (issue 13, item 3), with the same intent policy and evidence as `IO.inspect`/`dbg`."""
from __future__ import annotations

import textwrap
from pathlib import Path

import elixir_batch
from conftest import elixirc_warnings
from fixer.core.engine import fix_text
from fixer.core.rule import all_rules

RULE = all_rules()["remove-debug-calls"]

CHECKOUT = '''
defmodule Shop.Checkout do
  require IEx

  def pay(order) do
    IEx.pry()
    total = Enum.sum(order.lines)
    {:ok, total}
  end

  def refund(order) do
    require IEx; IEx.pry()
    {:ok, order}
  end

  def capture(order) do
    :dbg.tracer()
    :dbg.p(:all, :c)
    {:ok, _} = :dbg.tpl(Shop.Checkout, :pay, :x)
    result = {:captured, order.id}
    :dbg.stop_clear()
    result
  end
end

defmodule Shop.Console do
  @moduledoc "Helpers for an iex session: tracing here is the point."

  def trace_payments do
    :dbg.tracer()
    :dbg.p(:all, :c)
    :dbg.tpl(Shop.Checkout, :pay, :x)
  end

  def print_order(order) do
    IO.puts("order #{order.id}")
    IO.inspect(order.lines, label: "lines")
  end
end
'''
CHECKOUT_AFTER = '''
defmodule Shop.Checkout do
  def pay(order) do
    total = Enum.sum(order.lines)
    {:ok, total}
  end

  def refund(order) do
    {:ok, order}
  end

  def capture(order) do
    result = {:captured, order.id}
    result
  end
end
'''


def fix(source: str, path: str = "lib/shop.ex"):
    result = fix_text(path, textwrap.dedent(source).lstrip(), [RULE()])
    assert result.errors == [], result.errors
    return result


def compile_warnings(tmp_path: Path, name: str, text: str) -> list[str]:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "shop.ex").write_text(text)
    return [w.split(" @ ")[0] for w in elixirc_warnings([folder / "shop.ex"], tmp_path / f"{name}-ebin", folder)]


def test_pry_and_dbg_leftovers_go_and_intentional_tracing_stays(elixir_tools, tmp_path):
    result = fix(CHECKOUT)
    console = CHECKOUT[CHECKOUT.index("defmodule Shop.Console"):]
    assert result.new == CHECKOUT_AFTER.lstrip() + "\n" + console
    assert "require IEx" not in result.new  # only the removed pry calls used it
    # Tracing is trace_payments/0's job, yet :dbg is strong leftover evidence: for a person, with both reasons.
    reviews = [f for f in result.findings if not f.fixed]
    assert [f.line for f in reviews] == [29, 30, 31]
    assert all("on purpose: printing is the job of trace_payments/0" in f.evidence for f in reviews)
    evidence = [f.evidence for f in result.findings if f.fixed]
    assert sum("IEx.pry stops the process for a debugger" in e for e in evidence) == 2
    assert sum(":dbg traces calls" in e for e in evidence) == 4
    assert any("removed require IEx" in f.message or "`require IEx` on its line" in f.message for f in result.findings)
    assert elixir_batch.formatted([result.new]) == [result.new]  # (the one-liner input was not formatted)
    before = compile_warnings(tmp_path, "before", CHECKOUT)
    after = compile_warnings(tmp_path, "after", result.new)
    assert set(after) <= set(before), set(after) - set(before)


def test_pry_whose_value_is_used_or_whose_require_is_still_needed_is_handled_carefully():
    source = '''
    defmodule Shop.Debugging do
      require IEx

      def inspect_here(state) do
        IEx.pry()
        state
      end

      def last(order) do
        IEx.pry()
      end

      def other(order) do
        IEx.pry()
        order
      end
    end
    '''
    result = fix(source)
    text = textwrap.dedent(source).lstrip()
    # inspect_here/1 is a debugging helper by name; last/1 returns what pry returns: both for a person.
    assert result.new == text.replace("  def other(order) do\n    IEx.pry()\n", "  def other(order) do\n")
    messages = [f.message for f in result.findings if not f.fixed]
    assert any("its result is used" in m for m in messages)
    assert any("may be there on purpose (printing is the job of inspect_here/1)" in m for m in messages)
    assert "require IEx" in result.new  # still used by the calls left for a person


def test_debugger_calls_in_scripts_and_iex_files_are_left_to_a_person():
    iex = ':dbg.tracer()\n:dbg.p(:all, :c)\nIEx.configure(colors: [enabled: true])\n'
    result = fix_text(".iex.exs", iex, [RULE(paths=["**/*.exs", ".iex.exs"])])
    assert result.new == iex
    assert all(not f.fixed and "a script's output is its job" in f.evidence for f in result.findings)
    assert len(result.findings) == 2


def test_debuggers_param_can_leave_debuggers_alone():
    source = "defmodule A do\n  def f(x) do\n    IEx.pry()\n    IO.inspect(x)\n    x\n  end\nend\n"
    result = fix_text("lib/a.ex", source, [RULE(debuggers=[])])
    assert result.new == "defmodule A do\n  def f(x) do\n    IEx.pry()\n    x\n  end\nend\n"

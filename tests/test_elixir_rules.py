"""Elixir rules, checked against the real Elixir toolchain (parser, formatter, compiler warnings)."""
from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from conftest import SAMPLE, elixir_parses, elixirc_warnings, mix_format_clean, run_cli
from fixer.core.engine import fix_text
from fixer.core.rule import all_rules

RULES = all_rules()


def debug_calls(**params):
    return RULES["remove-debug-calls"](**params)


def fix(source: str, *rules, context=None) -> str:
    result = fix_text("lib/m.ex", textwrap.dedent(source), list(rules) or [debug_calls()], context)
    assert result.errors == [], result.errors
    return result.new


def module(body: str) -> str:
    return "defmodule M do\n" + textwrap.indent(textwrap.dedent(body), "  ") + "end\n"


# -- what Recode gets wrong ------------------------------------------------------------------

def test_inspect_as_return_value_keeps_the_value():
    assert fix(module("def f(y) do\n  y = y + 1\n  IO.inspect(y)\nend\n")) == module("def f(y) do\n  y = y + 1\n  y\nend\n")


def test_tap_with_only_debug_is_removed_without_crashing():
    before = module("def f(list) do\n  list\n  |> tap(fn x -> IO.inspect(x) end)\n  |> Enum.sum()\nend\n")
    assert fix(before) == module("def f(list) do\n  list\n  |> Enum.sum()\nend\n")


def test_tap_that_also_does_work_keeps_the_work():
    before = module("def f(list) do\n  list\n  |> tap(fn x ->\n    IO.inspect(x)\n    send(self(), x)\n  end)\n  |> Enum.sum()\nend\n")
    after = module("def f(list) do\n  list\n  |> tap(fn x ->\n    send(self(), x)\n  end)\n  |> Enum.sum()\nend\n")
    assert fix(before) == after


def test_one_line_def_stays_valid():
    assert fix(module("def f(x), do: IO.inspect(x)\n")) == module("def f(x), do: x\n")


def test_argument_position_keeps_the_argument():
    assert fix(module("def f(x), do: foo(IO.inspect(x), 1)\n")) == module("def f(x), do: foo(x, 1)\n")


def test_comment_above_removed_stage_that_is_not_debug_stays():
    before = module("def f(x) do\n  x\n  # normalise before summing\n  |> IO.inspect(label: \"x\")\n  |> Enum.sum()\nend\n")
    after = module("def f(x) do\n  x\n  # normalise before summing\n  |> Enum.sum()\nend\n")
    assert fix(before) == after


def test_rest_of_file_is_byte_identical():
    odd = "defmodule   M do\n  def g( a ),do: a   # odd spacing kept\n\n  def f(x) do\n    IO.inspect x\n    x\n  end\nend\n"
    assert fix(odd) == "defmodule   M do\n  def g( a ),do: a   # odd spacing kept\n\n  def f(x) do\n    x\n  end\nend\n"


# -- more shapes ----------------------------------------------------------------------------

def test_multi_line_statement_and_debug_comment_go_together():
    before = module('''
        def start(opts) do
          # DEBUG: dump the options
          IO.inspect(
            %{opts: opts, node: node()},
            label: "start"
          )

          run(opts)
        end
    ''')
    assert fix(before) == module("\ndef start(opts) do\n  run(opts)\nend\n")


def test_value_positions_case_branch_match_and_operators():
    before = module('''
        def f(x) do
          y = IO.inspect(x * 2)
          z = IO.inspect(x, label: "z") + 1
          w = IO.inspect(x + 1) * 3

          case y do
            0 -> IO.inspect(:zero)
            _ -> dbg(z + w)
          end
        end
    ''')
    after = module('''
        def f(x) do
          y = x * 2
          z = x + 1
          w = (x + 1) * 3

          case y do
            0 -> :zero
            _ -> z + w
          end
        end
    ''')
    assert fix(before) == after


def test_inspect_with_a_device_is_output_on_purpose():
    # Issue 17: naming a device (`IO.inspect(:stderr, ...)`) marks the output as wanted (it was removed).
    before = module('''
        def f(pid) do
          IO.inspect(:stderr, GenServer.call(pid, :flush), label: "flushed")
          IO.inspect(:stderr, pid, [])
          :ok
        end
    ''')
    assert fix(before) == before


def test_strings_heredocs_sigils_docs_and_comments_are_never_targets():
    source = module('''
        @moduledoc """
        Use IO.inspect(x) while debugging.
        """
        @doc "Calls IO.inspect/2"
        def f(x) do
          # IO.inspect(x)
          s = ~s[IO.inspect(x)]
          "IO.inspect(#{x})" <> s
        end
    ''')
    assert fix(source) == source


def test_captures_and_shared_lines_are_reported_not_touched():
    source = module('''
        def f(list) do
          Enum.each(list, &IO.inspect/1)
          Enum.map(list, &IO.inspect(&1, label: "item"))
          a = 1; IO.inspect(a); a
        end
    ''')
    result = fix_text("lib/m.ex", source, [debug_calls()])
    assert result.new == source
    messages = [f.message for f in result.findings if not f.fixed]
    # Issue 17: a bare `&IO.inspect/1` callback is deliberate and not even reported (it was).
    assert sum("captured" in m for m in messages) == 1
    assert any("shares its line" in m for m in messages)


def test_module_with_its_own_dbg_keeps_its_calls():
    source = module("def dbg(x), do: Logger.debug(inspect(x))\n\ndef f(x) do\n  dbg(x)\n  x\nend\n")
    assert fix(source) == source


def test_blank_lines_are_tidied():
    before = module('''
        def f(x) do

          IO.inspect(x)

          y = x + 1

          IO.inspect(y)

          y
        end
    ''')
    after = module('''
        def f(x) do

          y = x + 1

          y
        end
    ''')
    # Blank lines the author had after `do` and before `end` stay; no new ones appear.
    assert fix(before).count("\n\n\n") == 0
    assert fix(before) == after


def test_banner_messages_and_banner_used_as_value():
    rule = debug_calls(calls=["IO.inspect"], messages=["^\\n?!!! "])
    before = module('''
        def terminate(reason, state) do
          IO.puts("\\n!!! Worker.terminate/2 CALLED !!!")
          Logger.warning("!!! reason #{inspect(reason)}")
          IO.puts("shutting down #{state.id}")
          cleanup(state)
        end

        def done, do: IO.puts("!!! done")
    ''')
    after = module('''
        def terminate(_reason, state) do
          IO.puts("shutting down #{state.id}")
          cleanup(state)
        end

        def done, do: :ok
    ''')
    assert fix(before, rule) == after


def test_variable_left_unused_by_the_removal_gets_an_underscore():
    before = module('''
        def terminate(reason, state) do
          IO.inspect(reason, label: "reason")
          cleanup(state)
        end

        def keep(reason) do
          IO.inspect(reason)
          log(reason)
        end
    ''')
    after = module('''
        def terminate(_reason, state) do
          cleanup(state)
        end

        def keep(reason) do
          log(reason)
        end
    ''')
    assert fix(before) == after


def test_default_paths_leave_tests_and_scripts_alone():
    rule = debug_calls()
    source = "IO.inspect(1)\n:ok\n"
    assert fix_text("test/m_test.exs", source, [rule]).new == source
    assert fix_text("scripts/x.exs", source, [rule]).new == source
    assert fix_text("lib/x.ex", source, [rule]).new == ":ok\n"


# -- add-impl ---------------------------------------------------------------------------------

def test_add_impl_for_repo_defined_behaviour_and_module_style():
    behaviour = "defmodule MyApp.Adapter do\n  @callback execute(String.t(), map) :: {:ok, term}\n  @callback init() :: :ok\nend\n"
    rule = RULES["add-impl"]()
    facts = rule.gather("lib/adapter.ex", behaviour)
    assert facts == {"MyApp.Adapter": ["execute/2", "init/0"]}
    before = module('''
        alias MyApp.Adapter
        @behaviour Adapter

        @impl Adapter
        def init, do: :ok

        @doc "Runs a command."
        @spec execute(String.t(), map) :: {:ok, term}
        def execute(command, args \\\\ %{})
        def execute(command, args), do: {:ok, {command, args}}

        def execute(a, b, c), do: {a, b, c}
    ''')
    after = before.replace('  @spec execute(String.t(), map) :: {:ok, term}\n',
                           '  @spec execute(String.t(), map) :: {:ok, term}\n  @impl MyApp.Adapter\n')
    assert fix(before, rule, context={"add-impl": [facts]}) == after


def test_add_impl_functions_filter_and_existing_impls():
    rule = RULES["add-impl"](functions=["Application.stop/1"])
    before = module('''
        use Application

        @impl true
        def start(_type, _args), do: Supervisor.start_link([], strategy: :one_for_one)

        def prep_stop(state), do: state

        def stop(_state), do: :ok
    ''')
    after = before.replace("  def stop(_state)", "  @impl true\n  def stop(_state)")
    assert fix(before, rule) == after


# -- rename-used-underscored -------------------------------------------------------------------

def test_rename_is_scoped_to_the_clause():
    before = module('''
        def a(_id, list) do
          Enum.map(list, fn {_id, v} -> {_id, v} end) ++ [_id]
        end

        def b({_id, v}), do: v
    ''')
    after = module('''
        def a(id, list) do
          Enum.map(list, fn {id, v} -> {id, v} end) ++ [id]
        end

        def b({_id, v}), do: v
    ''')
    assert fix(before, RULES["rename-used-underscored"]()) == after


def test_rename_with_case_with_guard_and_pin():
    before = module('''
        def f(x, _limit) when _limit > 0 do
          case x do
            {:ok, _value} when is_integer(_value) -> _value
            ^_limit -> :limit
            _ -> with {:ok, _n} <- parse(x), do: _n
          end
        end
    ''')
    after = module('''
        def f(x, limit) when limit > 0 do
          case x do
            {:ok, value} when is_integer(value) -> value
            ^limit -> :limit
            _ -> with {:ok, n} <- parse(x), do: n
          end
        end
    ''')
    assert fix(before, RULES["rename-used-underscored"]()) == after


def test_rename_nearest_clause_to_line_hint():
    source = module('''
        def first(_worker_id), do: [_worker_id]

        def second(_worker_id), do: [_worker_id]
    ''')
    rule = RULES["rename-used-underscored"](renames=[{"from": "_worker_id", "to": "worker_id", "line": 7}])
    assert fix(source, rule) == source.replace("second(_worker_id), do: [_worker_id]", "second(worker_id), do: [worker_id]")


# -- the oracle: the sample service through the real toolchain ---------------------------------

@pytest.fixture
def fixed_sample(tmp_path, elixir_tools):
    before = tmp_path / "before"
    after = tmp_path / "after"
    for target in (before, after):
        shutil.copytree(SAMPLE, target, ignore=shutil.ignore_patterns("_build", "__pycache__"))
    result = run_cli("apply", "--in-place", cwd=after)
    assert result.exit_code == 0, result
    return before, after


def elixir_files(root: Path) -> list[Path]:
    return sorted((root / "lib").rglob("*.ex"))


def test_sample_output_parses_formats_and_compiles_with_fewer_warnings(fixed_sample, tmp_path):
    before, after = fixed_sample
    changed = [p for p in elixir_files(after) if p.read_bytes() != (before / p.relative_to(after)).read_bytes()]
    assert len(changed) == 5
    elixir_parses(changed)
    assert mix_format_clean(elixir_files(before), before), "the sample itself must be formatter-clean"
    assert mix_format_clean(changed, after)
    warnings_before = elixirc_warnings(elixir_files(before), tmp_path / "ebin-before", before)
    warnings_after = elixirc_warnings(elixir_files(after), tmp_path / "ebin-after", after)
    assert any("@impl was not set for function stop/1" in w for w in warnings_before)
    assert any('underscored variable "_worker_id"' in w for w in warnings_before)
    assert not any("@impl was not set" in w or "underscored variable" in w for w in warnings_after)
    assert set(warnings_after) <= set(warnings_before), set(warnings_after) - set(warnings_before)
    source = "\n".join(p.read_text() for p in elixir_files(after))
    assert "IO.inspect" not in source.replace("`IO.inspect(Snakepit.Pool.stats())`", "")
    assert "!!! GRPCWorker.terminate/2 CALLED !!!" not in source


def test_sample_untouched_files_are_byte_identical(fixed_sample):
    before, after = fixed_sample
    for path in before.rglob("*"):
        if path.is_file() and path.suffix not in (".ex", ".py"):
            assert path.read_bytes() == (after / path.relative_to(before)).read_bytes()


def test_add_impl_for_gen_statem_and_plug_silences_the_compiler(elixir_tools, tmp_path):
    statem = textwrap.dedent('''
        defmodule Door do
          @behaviour :gen_statem

          def start_link, do: :gen_statem.start_link(__MODULE__, :ok, [])

          @impl true
          def init(:ok), do: {:ok, :locked, %{}}

          def callback_mode, do: :handle_event_function

          def handle_event({:call, from}, :unlock, :locked, data) do
            {:next_state, :open, data, [{:reply, from, :ok}]}
          end

          def handle_event(_type, _content, state, data), do: {:keep_state, data} |> then(fn _ -> {:next_state, state, data} end)
        end
    ''').lstrip()
    plug = textwrap.dedent('''
        defmodule Plug do
          @callback init(term) :: term
          @callback call(map, term) :: map
        end

        defmodule HealthPlug do
          @behaviour Plug

          @impl Plug
          def init(opts), do: opts

          def call(conn, _opts), do: Map.put(conn, :status, 200)

          def call(conn, _opts, _extra), do: conn
        end
    ''').lstrip()
    rule = RULES["add-impl"]()
    facts = rule.gather("lib/plug.ex", plug)
    fixed_statem = fix_text("lib/door.ex", statem, [rule]).new
    fixed_plug = fix_text("lib/health_plug.ex", plug, [rule], {"add-impl": [facts]}).new
    assert fixed_statem.count("@impl true") == 3  # init (already), callback_mode, first handle_event clause
    assert "  @impl true\n  def callback_mode" in fixed_statem
    assert "  @impl Plug\n  def call(conn, _opts), do" in fixed_plug
    assert "@impl Plug\n  def call(conn, _opts, _extra)" not in fixed_plug
    for name, before, after in (("door", statem, fixed_statem), ("health_plug", plug, fixed_plug)):
        (tmp_path / "before").mkdir(exist_ok=True)
        (tmp_path / "after").mkdir(exist_ok=True)
        (tmp_path / "before" / f"{name}.ex").write_text(before)
        (tmp_path / "after" / f"{name}.ex").write_text(after)
    warned = elixirc_warnings(sorted((tmp_path / "before").glob("*.ex")), tmp_path / "ebin1", tmp_path / "before")
    clean = elixirc_warnings(sorted((tmp_path / "after").glob("*.ex")), tmp_path / "ebin2", tmp_path / "after")
    assert sum("@impl was not set" in w for w in warned) == 3
    assert not any("@impl" in w for w in clean), clean
    assert set(clean) <= set(warned)


def test_no_blank_line_left_after_an_arrow():
    before = module('''
        def f(x) do
          case x do
            1 ->
              IO.inspect(x, label: "one")

              :one

            _ ->
              :other
          end
        end
    ''')
    after = module('''
        def f(x) do
          case x do
            1 ->
              :one

            _ ->
              :other
          end
        end
    ''')
    assert fix(before) == after


def test_attribute_used_only_by_debug_code_goes_too(elixir_tools, tmp_path):
    before = module('''
        @debug_label "worker state"
        @timeout 5_000
        @trace_opts Application.compile_env(:app, :trace, [])

        def f(state) do
          IO.inspect(state, label: @debug_label)
          IO.inspect(state, @trace_opts)
          GenServer.call(state.pid, :ping, @timeout)
        end
    ''')
    after = module('''
        @timeout 5_000
        @trace_opts Application.compile_env(:app, :trace, [])

        def f(state) do
          GenServer.call(state.pid, :ping, @timeout)
        end
    ''')
    result = fix_text("lib/m.ex", before, [debug_calls()])
    assert result.new == after
    assert [f.message for f in result.findings if not f.fixed] == [
        "@trace_opts is only used by the removed debug code; remove it by hand"]
    (tmp_path / "m.ex").write_text(after.replace("Application.compile_env(:app, :trace, [])", "[]"))
    warnings = elixirc_warnings([tmp_path / "m.ex"], tmp_path / "ebin", tmp_path)
    assert [w for w in warnings if "debug_label" in w] == []


def test_alias_used_only_by_debug_code_goes_too(elixir_tools, tmp_path):
    before = textwrap.dedent('''
        defmodule Metrics.Stats do
          def snapshot, do: %{}
        end

        defmodule Pool do
          alias Metrics.Stats, as: PoolStats
          alias Metrics.Stats

          def checkout(pool) do
            IO.inspect(PoolStats.snapshot(), label: "before checkout")
            IO.inspect(Stats, label: "module")
            GenServer.call(pool, :checkout)
          end
        end
    ''').lstrip()
    result = fix_text("lib/pool.ex", before, [debug_calls()])
    assert result.errors == []
    assert "  alias Metrics.Stats\n" not in result.new  # only the removed IO.inspect(Stats) used it
    assert "alias Metrics.Stats, as: PoolStats" in result.new  # its call stays as a statement: still used
    assert "PoolStats.snapshot()" in result.new
    (tmp_path / "before").mkdir()
    (tmp_path / "after").mkdir()
    (tmp_path / "before" / "pool.ex").write_text(before)
    (tmp_path / "after" / "pool.ex").write_text(result.new)
    (tmp_path / "kept").mkdir()
    (tmp_path / "kept" / "pool.ex").write_text(before.replace('    IO.inspect(Stats, label: "module")\n', ""))
    warned = elixirc_warnings([tmp_path / "before" / "pool.ex"], tmp_path / "e1", tmp_path / "before")
    clean = elixirc_warnings([tmp_path / "after" / "pool.ex"], tmp_path / "e2", tmp_path / "after")
    naive = elixirc_warnings([tmp_path / "kept" / "pool.ex"], tmp_path / "e3", tmp_path / "kept")
    assert any("unused alias Stats" in w for w in naive)  # what a plain removal would cause
    assert set(clean) <= set(warned), set(clean) - set(warned)


def test_umbrella_apps_and_a_behaviour_from_another_app(tmp_path):
    from conftest import init_repo

    repo = init_repo(tmp_path / "umbrella", {
        "apps/core/lib/core/adapter.ex": "defmodule Core.Adapter do\n  @callback run(term) :: term\nend\n",
        "apps/web/lib/web/adapter_impl.ex": "defmodule Web.AdapterImpl do\n  @behaviour Core.Adapter\n\n"
                                            "  @impl true\n  def init, do: :ok\n\n  def run(x) do\n"
                                            "    IO.inspect(x)\n    x\n  end\nend\n",
    })
    assert run_cli("apply", "--in-place", cwd=repo.working_tree_dir).exit_code == 0
    fixed = (tmp_path / "umbrella/apps/web/lib/web/adapter_impl.ex").read_text()
    assert "  @impl true\n  def run(x) do\n    x\n  end" in fixed

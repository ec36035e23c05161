"""Issue 17, section 2: output that is there on purpose is not a leftover, and what is deliberate by its
shape is not even reported. rename-used-underscored renames only a variable that is read.

Each input is a shape seen in real projects (written here from scratch); the fixed text is checked
with the real toolchain where it changes.
"""
from __future__ import annotations

import textwrap

from conftest import elixirc_warnings
from fixer.core.engine import fix_text
from fixer.core.rule import all_rules
from test_elixir_debug_calls_trust import warnings_of

RULE = all_rules()["remove-debug-calls"]
RENAME = all_rules()["rename-used-underscored"]


def run(source: str, path: str = "lib/app.ex", rule=None):
    result = fix_text(path, textwrap.dedent(source).lstrip(), [rule or RULE()])
    assert result.errors == []
    return result


def unchanged_and_silent(source: str, path: str = "lib/app.ex") -> None:
    result = run(source, path)
    assert result.new == textwrap.dedent(source).lstrip()
    assert result.findings == [], [f.message for f in result.findings]


def messages(result, fixed: bool) -> list[str]:
    return [f.message for f in result.findings if f.fixed == fixed]


# -- an error path's only report, with a sentence for a person -------------------------------------------

ERROR_PATHS = '''
defmodule Crm.Sync do
  def push(contact) do
    case Crm.Client.create(contact) do
      {:ok, id} ->
        {:ok, id}

      error ->
        IO.inspect(error, label: "Failed to create CRM contact!")
        :error
    end
  end

  def pull(id) do
    try do
      Crm.Client.fetch(id)
    rescue
      e ->
        IO.inspect(e, label: "Could not fetch the contact from the CRM")
        nil
    end
  end

  def load(path) do
    with {:ok, body} <- File.read(path),
         {:ok, data} <- Jason.decode(body) do
      {:ok, data}
    else
      {:error, reason} ->
        IO.inspect(reason, label: "⚠ could not load #{path}")
        {:error, reason}
    end
  end

  def read(key) do
    case Crm.Cache.get(key) do
      nil -> :miss
      {:error, err} -> IO.inspect(err, label: "CACHE READ ERROR")
      value -> value
    end
  end

  def touch(id) do
    IO.inspect(id, label: "touch id")
    Crm.Client.touch(id)
  end
end
'''


def test_a_sentence_label_on_an_error_path_is_kept_and_a_location_label_still_goes():
    result = run(ERROR_PATHS)
    assert 'IO.inspect(error, label: "Failed to create CRM contact!")' in result.new
    assert 'IO.inspect(e, label: "Could not fetch the contact from the CRM")' in result.new
    assert 'label: "⚠ could not load #{path}"' in result.new and 'label: "CACHE READ ERROR"' in result.new
    assert 'label: "touch id"' not in result.new
    assert messages(result, False) == []


# -- output marked as wanted -------------------------------------------------------------------------------

MARKED = '''
defmodule Tools.Export do
  def run(rows) do
    # credo:disable-for-next-line Credo.Check.Warning.IoInspect
    IO.inspect(rows, limit: :infinity)
    IO.inspect(:stderr, length(rows), label: "exported")
    Tools.Store.save(rows)
  end

  def legacy_handler(_event) do
    IO.inspect("Not doing anything... please use the updated handler!")
    :ok
  end

  def count(rows) do
    IO.inspect(length(rows)) # credo:disable-for-this-line
    Tools.Store.count(rows)
  end
end
'''


def test_credo_disables_devices_and_deprecation_notices_mark_wanted_output():
    unchanged_and_silent(MARKED)


CREDO_FILE = '''
# credo:disable-for-this-file Credo.Check.Warning.IoInspect
defmodule Tools.Dump do
  def run(rows) do
    IO.inspect(rows, label: "rows")
    Tools.Store.save(rows)
  end
end
'''


def test_a_credo_disable_for_the_file_covers_every_inspect_in_it():
    unchanged_and_silent(CREDO_FILE)


# -- output selected by an option --------------------------------------------------------------------------

OPTIONS = '''
defmodule Bench.Runner do
  def run(jobs, opts) do
    results = Enum.map(jobs, &Bench.Job.run/1)

    if opts[:display] do
      IO.inspect(results, label: "results")
    end

    case opts[:print] do
      true -> dbg(results)
      _ -> :ok
    end

    if Keyword.get(opts, :show_timings, false), do: IO.inspect(Bench.timings(results))
    results
  end

  def summary(results, verbose) do
    if verbose, do: IO.inspect(results, label: "summary")
    Bench.summarize(results)
  end
end
'''


def test_output_under_an_option_is_what_the_option_does():
    result = run(OPTIONS)
    assert result.new == textwrap.dedent(OPTIONS).lstrip()
    # dbg is strong leftover evidence: with the option's purpose it goes to a person, never removed
    reviews = messages(result, False)
    assert len(reviews) == 1 and "dbg" in reviews[0] and "opts[:print]" in reviews[0], reviews


# -- code that is not ordinary Elixir ----------------------------------------------------------------------

NX = '''
defmodule Model.Layers do
  import Nx.Defn

  defn dense(x, w) do
    x
    |> Nx.dot(w)
    |> IO.inspect(label: "dense")
  end

  deftransformp shape_of(t) do
    IO.inspect(Nx.shape(t))
  end
end
'''


def test_nx_numerical_definitions_are_not_ordinary_elixir():
    unchanged_and_silent(NX)


FIXTURE = '''
defmodule Stepper.Sample do
  def run(x) do
    x
    |> Kernel.+(1)
    |> dbg()
  end
end
'''


def test_test_fixture_projects_are_left_alone():
    unchanged_and_silent(FIXTURE, "test/fixtures/stepper_app/lib/sample.ex")
    unchanged_and_silent(FIXTURE, "test/support/fixtures/app/lib/sample.ex")


HELPER = '''
defmodule Stepper.TestHelpers do
  import ExUnit.CaptureIO

  def printed(fun), do: capture_io(fun)

  def show_state(state) do
    IO.inspect(state, label: "state")
    state
  end
end
'''


def test_a_test_helper_that_captures_output_keeps_its_prints():
    unchanged_and_silent(HELPER, "test/support/test_helpers.ex")


# -- deliberate shapes: not even reported -------------------------------------------------------------------

DELIBERATE = '''
defmodule Pipeline.Config do
  defstruct receiver: &IO.inspect/1, name: nil

  require IEx

  def pry, do: IEx.pry()

  def each_item(items), do: Enum.each(items, &IO.inspect/1)

  def with_logger(items, fun \\\\ &IO.inspect/2), do: Enum.map(items, &fun.(&1, []))
end
'''


def test_captured_inspects_struct_defaults_and_pry_helpers_are_not_reported():
    unchanged_and_silent(DELIBERATE)


# -- rename-used-underscored: bound is not read ---------------------------------------------------------

ASSERTIONS = '''
defmodule Checks do
  import ExUnit.Assertions

  def failing(run) do
    assert {:error, _error} = run.(:bad)
    send(self(), {:error, :boom})
    assert_receive {:error, _error}
    refute_received {:ok, _error}
    :ok
  end

  def received(run) do
    send(self(), {:done, run.(:ok)})
    assert_received {:done, _result}
    :ok
  end

  def read(run) do
    assert {:error, _error} = run.(:bad)
    {:seen, _error}
  end
end
'''


def test_rename_only_a_variable_read_after_its_binding(elixir_tools, tmp_path):
    result = run(ASSERTIONS, rule=RENAME())
    new = result.new
    assert "assert {:error, _error} = run.(:bad)\n    send" in new
    assert "assert_receive {:error, _error}" in new and "refute_received {:ok, _error}" in new
    assert "assert_received {:done, _result}" in new
    assert "assert {:error, error} = run.(:bad)\n    {:seen, error}" in new
    assert len(messages(result, True)) == 1
    before = warnings_of(tmp_path, "before", textwrap.dedent(ASSERTIONS).lstrip())
    after = warnings_of(tmp_path, "after", new)
    assert any("_error" in w for w in before) and after == []

"""Issue 17, section 3: remove what does nothing, keep only what raises where it is caught, and never
leave a dead statement behind. Checked by compiling and running before and after with real Elixir.
"""
from __future__ import annotations

import re
import textwrap

import elixir_batch
from conftest import run_cli
from fixer.core.engine import fix_text
from fixer.core.rule import all_rules
from test_elixir_debug_calls_trust import warnings_of

RULE = all_rules()["remove-debug-calls"]


def run(source: str, **params):
    result = fix_text("lib/app.ex", textwrap.dedent(source).lstrip(), [RULE(**params)])
    assert result.errors == []
    return result


def body(text: str, name: str) -> str:
    return re.split(rf"  def {name}\b", text)[1].split("\n  end\n")[0].split(" do\n", 1)[1]


SEED = '''
defmodule Seed.Worker do
  require Logger

  def terminate(_reason, state) do
    # DEBUG: Log all kills for this worker
    IO.inspect(%{worker_id: state.id, os_pid: state.os_pid, info: Process.info(self())}, label: "TERMINATE")
    IO.puts("!!! terminating os_pid #{state.os_pid} !!!")
    IO.inspect(Process.info(self(), :registered_name))
    IO.inspect(Process.whereis(:layer_one))
    IO.inspect(System.get_env("AWS_SECRET_ACCESS_KEY"))
    IO.inspect(File.cwd())
    # Tell the registry before the port goes away
    Seed.Registry.drop(state.id)
  end

  def env_check do
    IO.inspect(Mix.env())
    :ready
  end

  def parse(text) do
    IO.inspect(Float.parse(text))
    :parsed
  end

  def guarded(state) do
    try do
      IO.inspect(state.id, label: "id")
      :ok
    rescue
      KeyError -> :missing
    end
  end

  def fallback(m) do
    with {:ok, v} <- Map.fetch(m, :a) do
      IO.inspect(m.b, label: "b")
      v
    else
      :error -> :none
    end
  end

  def in_handler(x) do
    try do
      Seed.Registry.risky(x)
    rescue
      e ->
        IO.inspect(e.message, label: "error")
        :error
    end
  end

  def summary(state) do
    IO.inspect(summarize(state), label: "summary")
    :done
  end

  def recorded(state) do
    IO.inspect(record(state), label: "record")
    :done
  end

  def squares(list), do: Enum.map(list, fn x -> IO.inspect(x * x) end)

  defp summarize(state) do
    count = length(state.items)
    if count > 0, do: %{id: state.id, count: count}, else: %{id: state.id}
  end

  defp record(state) do
    Logger.info("recording #{state.id}")
    state.id
  end
end

defmodule Seed.Registry do
  def drop(id), do: send(self(), {:dropped, id})
  def risky(x), do: if(x, do: :fine, else: raise(ArgumentError, "no"))
end
'''
SEED_RUN = '''
state = %{id: 7, os_pid: 99, items: [1, 2]}
r = fn g -> try do g.() rescue e -> e.__struct__ end end
flush = fn flush -> receive do m -> [m | flush.(flush)] after 0 -> [] end end
{[r.(fn -> Seed.Worker.terminate(:normal, state) end), r.(fn -> Seed.Worker.parse("1.5") end),
  r.(fn -> Seed.Worker.guarded(state) end), r.(fn -> Seed.Worker.guarded(%{}) end),
  r.(fn -> Seed.Worker.fallback(%{a: 1, b: 2}) end), r.(fn -> Seed.Worker.fallback(%{a: 1}) end),
  r.(fn -> Seed.Worker.in_handler(false) end), r.(fn -> Seed.Worker.summary(state) end),
  r.(fn -> Seed.Worker.recorded(state) end), r.(fn -> Seed.Worker.squares([1, 2, 3]) end)], flush.(flush)}
'''


def test_reads_go_whole_effects_stay_and_caught_reads_are_reported(elixir_tools, tmp_path):
    result = run(SEED, messages=["^!!! "])
    new = result.new
    # Reads that can only raise go with the call: no bare read is left, nor the comment about the call.
    assert body(new, "terminate") == "    # Tell the registry before the port goes away\n    Seed.Registry.drop(state.id)"
    assert body(new, "env_check") == "    :ready"
    assert body(new, "parse") == "    :parsed"
    assert body(new, "in_handler").count("IO.inspect") == 0  # its own handler does not catch it
    assert body(new, "summary") == "    :done"  # summarize/1 is a private function that does no work
    assert "defp summarize" not in new  # and only the debug call used it: it goes too (no unused warning)
    assert body(new, "recorded") == "    record(state)\n    :done"  # record/1 logs: its work stays
    assert "Enum.map(list, fn x -> x * x end)" in new  # the fn's value is the product: unwrapped
    # A read a rescue (or a with/else) in the same function would see raise: kept, and reported.
    assert 'IO.inspect(state.id, label: "id")' in body(new, "guarded")
    assert 'IO.inspect(m.b, label: "b")' in body(new, "fallback")
    reviews = [f.message for f in result.findings if not f.fixed]
    assert len(reviews) == 2 and all("which may raise, inside a" in m for m in reviews), reviews
    assert any("try/rescue that would catch it" in m for m in reviews)
    assert any("with/else" in m and "catch" not in m.split("with/else")[1] for m in reviews), reviews
    # No statement left that only reads: nothing the compiler or Credo would flag.
    for line in new.splitlines():
        assert not re.fullmatch(r"\s*(?:Process|System|File|Mix|Float)\.\w+\(.*\)", line), line
    assert warnings_of(tmp_path, "after", new) == warnings_of(tmp_path, "before", SEED.lstrip())
    assert elixir_batch.formatted([new]) == [new]
    (v1, out1, _), (v2, out2, _) = elixir_batch.run_scripts([SEED + SEED_RUN, new + SEED_RUN])
    assert v1 == v2 == "{:ok, {[{:dropped, 7}, :parsed, :ok, :missing, 1, KeyError, :error, :done, :done, [1, 4, 9]], [dropped: 7]}}"
    assert "TERMINATE" in out1 and "TERMINATE" not in out2 and "!!!" not in out2


def test_the_fn_body_unwrap_gives_the_fn_its_value(elixir_tools):
    source = '''
    defmodule Squares do
      def all(list), do: Enum.map(list, fn x -> IO.inspect(x * x) end)

      def each(list) do
        Enum.each(list, fn x ->
          IO.inspect(x, label: "x")
          send(self(), x)
        end)
      end
    end
    '''
    result = run(source)
    assert "Enum.map(list, fn x -> x * x end)" in result.new
    assert "Enum.each(list, fn x ->\n      send(self(), x)\n    end)" in result.new
    assert all(f.fixed for f in result.findings), [f.message for f in result.findings]


def test_the_demo_diff_keeps_every_value_and_leaves_no_dead_read(sample_repo):
    outcome = run_cli("apply", "--dry-run", cwd=sample_repo.working_tree_dir)
    assert outcome.exit_code in (0, 1), outcome.stdout + outcome.stderr
    diff = outcome.stdout
    application = diff.split("+++ b/lib/snakepit/application.ex")[1].split("\ndiff --git")[0]
    # pool_children/0 still returns its child list, not pool_size()
    assert "+      pool_size()" not in application
    assert "-      [{Snakepit.Pool, size: pool_size()}]" not in application
    assert "\n       [{Snakepit.Pool, size: pool_size()}]\n-      |> IO.inspect(label: \"pool children\")" in application
    # the start banner's private reads go whole, not as bare statements
    assert "+    pooling_enabled?()" not in application and "+    pool_size()" not in application
    assert "-    # DEBUG: show how the application is being started" in application
    # the terminate banner with an interpolated field goes with its neighbour
    worker = diff.split("+++ b/lib/snakepit/grpc_worker.ex")[1].split("\ndiff --git")[0]
    assert '-    IO.puts("!!! reason: #{inspect(reason)} os_pid: #{state.os_pid} !!!\\n")' in worker
    findings = [line for line in (diff + outcome.stderr).splitlines() if "[remove-debug-calls]" in line]
    assert findings and not any("needs review" in line for line in findings), findings
    assert not any("is discarded" in line and "pool children" in line for line in findings)


HOLLOW = '''
defmodule Hollow do
  def run(x, list, opts) do
    if x > 5, do: IO.inspect(x)

    case x do
      1 -> IO.inspect(x, label: "one")
      _ -> :ok
    end

    for item <- list, do: IO.inspect(item)
    Enum.each(list, fn item -> IO.inspect(item, label: "item") end)
    ready = x > 0
    ready && IO.inspect(list)
    if send(self(), {:sent, x}), do: IO.inspect(x)
    if opts[:verbose], do: IO.inspect(x, label: "x")

    cond do
      x > 3 -> IO.inspect(:big)
      true -> :ok
    end

    :done
  end
end
'''


def test_a_construct_that_only_runs_the_debug_call_goes_whole(elixir_tools, tmp_path):
    result = run(HOLLOW)
    new = result.new
    for gone in ("if x > 5", "case x do", "for item", "Enum.each", "ready &&", "cond do"):
        assert gone not in new, gone
    # work in the condition: for a person, with a reason that says what to do
    assert "if send(self(), {:sent, x}), do: IO.inspect(x)" in new
    assert 'if opts[:verbose], do: IO.inspect(x, label: "x")' in new  # the option's output: left alone
    [review] = [f.message for f in result.findings if not f.fixed]
    assert "deleting it would leave an empty branch" in review and "remove the whole `if` by hand" in review
    assert warnings_of(tmp_path, "after", new) == warnings_of(tmp_path, "before", HOLLOW.lstrip())
    assert elixir_batch.formatted([new]) == [new]
    calls = "{Hollow.run(1, [2], []), Hollow.run(9, [], verbose: false), (receive do m -> m after 0 -> nil end)}"
    (v1, _, _), (v2, out2, _) = elixir_batch.run_scripts([HOLLOW + calls, new + calls])
    assert v1 == v2 == "{:ok, {:done, :done, {:sent, 1}}}"
    assert out2 == "1\n9\n"  # only the reported `if send(...)` still prints


SPAWNED = '''
defmodule Spawned do
  def store(parent, key) do
    spawn(fn ->
      key
      |> Atom.to_string()
      # the write is the slow part
      |> then(&send(parent, {:stored, &1}))
      |> IO.inspect(label: "WRITE RESULT")
    end)

    Task.start(fn -> IO.inspect(send(parent, {:task, key}), label: "task") end)
    :ok
  end
end
'''


def test_the_only_stage_or_call_of_an_ignored_fn_keeps_its_work(elixir_tools):
    result = run(SPAWNED)
    new = result.new
    assert '|> then(&send(parent, {:stored, &1}))\n    end)' in new
    assert "Task.start(fn -> send(parent, {:task, key}) end)" in new
    assert all(f.fixed for f in result.findings), [f.message for f in result.findings]
    assert elixir_batch.formatted([new]) == [new]
    calls = ("Spawned.store(self(), :k)\nProcess.sleep(50)\n"
             "Enum.sort(for _ <- 1..2, do: (receive do m -> m after 200 -> nil end))")
    (v1, _, _), (v2, out2, _) = elixir_batch.run_scripts([SPAWNED + calls, new + calls])
    assert v1 == v2 == '{:ok, [stored: "k", task: :k]}' and out2 == ""


COMMENTS = '''
defmodule Reaper do
  def run(orphans) do
    setup()

    # show the orphans before the kill
    IO.inspect(orphans, label: "orphans")

    # Orphans must be killed before the port closes
    IO.inspect(orphans, label: "orphans")
    kill(orphans)
  end

  defp setup, do: :ok
  defp kill(_), do: :ok
end
'''


def test_a_comment_that_only_describes_the_removed_call_goes_with_it():
    new = run(COMMENTS).new
    assert "show the orphans" not in new  # its paragraph was only the call
    assert "    # Orphans must be killed before the port closes\n    kill(orphans)\n" in new
    assert "    setup()\n\n    # Orphans" in new


BINDINGS = '''
defmodule Bound do
  def run(x, y) do
    total = x + y
    sent = send(self(), {:sent, x})
    IO.inspect({total, sent}, label: "total")
    :ok
  end
end
'''


def test_a_binding_only_the_removed_call_read_goes_instead_of_a_dead_underscore(elixir_tools, tmp_path):
    result = run(BINDINGS)
    new = result.new
    assert body(new, "run") == "    send(self(), {:sent, x})\n    :ok"
    assert "def run(x, _y)" in new  # y was read only by the dropped binding: renamed, no warning
    assert warnings_of(tmp_path, "after", new) == warnings_of(tmp_path, "before", BINDINGS.lstrip())
    assert elixir_batch.formatted([new]) == [new]
    calls = "{Bound.run(1, 2), (receive do m -> m after 0 -> nil end)}"
    (v1, _, _), (v2, _, _) = elixir_batch.run_scripts([BINDINGS + calls, new + calls])
    assert v1 == v2 == "{:ok, {:ok, {:sent, 1}}}"

from __future__ import annotations

import re

from fixer.core import textcache
from fixer.core.edits import Edit
from fixer.core.rule import ConfigError, Example, Outcome, Param, Rule, Source

GEN_SERVER = ["init/1", "handle_call/3", "handle_cast/2", "handle_info/2", "handle_continue/2", "terminate/2",
              "code_change/3", "format_status/1", "format_status/2"]
KNOWN_CALLBACKS: dict[str, list[str]] = {
    "Application": ["start/2", "stop/1", "prep_stop/1", "config_change/3", "start_phase/3"],
    "GenServer": GEN_SERVER,
    ":gen_server": GEN_SERVER,
    "Supervisor": ["init/1"],
    "DynamicSupervisor": ["init/1"],
    ":gen_statem": ["init/1", "callback_mode/0", "handle_event/4", "terminate/3", "code_change/4",
                    "format_status/1", "format_status/2"],
    "Plug": ["init/1", "call/2"],
    "Phoenix.Channel": ["join/3", "handle_in/3", "handle_out/3", "handle_info/2", "handle_call/3", "handle_cast/2",
                        "terminate/2", "code_change/3"],
    "Phoenix.LiveView": ["mount/3", "render/1", "handle_params/3", "handle_event/3", "handle_info/2", "handle_call/3",
                         "handle_cast/2", "handle_async/3", "terminate/2"],
    "Phoenix.LiveComponent": ["mount/1", "update/2", "update_many/1", "render/1", "handle_event/3", "handle_async/3"],
    "Mix.Task": ["run/1"],
}
# `use X` that declares behaviour X.
USE_DECLARES = frozenset({"Application", "GenServer", "Supervisor", "DynamicSupervisor", "Phoenix.Channel",
                          "Phoenix.LiveView", "Phoenix.LiveComponent", "Mix.Task"})
SIGNATURE = re.compile(r"^([a-z_][\w?!]*)/(\d+)$")
IMPL = re.compile(r"@\s*impl\b")  # led by a literal: a fast search


class AddImpl(Rule):
    """Add the missing `@impl true` before behaviour callbacks, silencing the compiler warning.

    What it does:
        In a module that `use`s or declares `@behaviour` for a behaviour with known callbacks
        (Application, GenServer, Supervisor, DynamicSupervisor, :gen_statem, Plug, Phoenix.Channel,
        Phoenix.LiveView, Phoenix.LiveComponent, Mix.Task, and behaviours defined in this repo by
        their `@callback`/`@macrocallback` specs, named directly, through `alias`, `__MODULE__.X`
        or a nested module's automatic alias), inserts `@impl true` before the first clause of each
        callback that has no `@impl` on any clause, directly above the definition (so after its
        `@doc`/`@spec`), with its indentation. Every definition form counts: `def`, `defmacro`,
        `defdelegate`, and clauses a module-level `for`/`if` generates. An `@impl` counts for the
        next definition even with `require`, `alias`, `@doc` or comments in between (as the compiler
        does), so no second one is added. By default only modules that already have an `@impl` are
        fixed, which is exactly when the compiler warns; `mode = "always"` annotates the others too.
        A module that writes `@impl SomeBehaviour` gets that style. `functions` narrows the fix.

    Why:
        Once one callback has `@impl`, Elixir warns "module attribute @impl was not set for function
        stop/1 callback" for every other callback. The annotation also makes the compiler check
        that the function really is a callback.

    Example:
        use Application

        @impl true
        def start(_type, _args), do: Supervisor.start_link([], strategy: :one_for_one)

        def stop(_state), do: :ok
        # becomes
        use Application

        @impl true
        def start(_type, _args), do: Supervisor.start_link([], strategy: :one_for_one)

        @impl true
        def stop(_state), do: :ok

    Fix safety:
        Safe: one line is inserted, only for a public definition whose name and arity match a
        callback of a behaviour the module declares. Reported instead ("needs review"): a callback
        whose definition shares its line; one after an `@impl` separated from it by a macro call
        (`use X`, ...) that may or may not define functions itself (a second `@impl` would warn
        "redefining @impl attribute"); a callback only newer versions define (GenServer's
        `format_status/1`). In `mode = "always"` a module is annotated all or nothing: if any of
        its callbacks cannot be annotated, is left out by `functions`, or a definition's name is
        computed (`def unquote(name)`), none is, since one `@impl` makes the compiler warn about
        every callback without one.
        Private functions, other arities, `@impl false` and modules inside `quote` are left alone.
    """

    id = "add-impl"
    language = "elixir"
    default_paths = ("lib/**/*.ex", "apps/*/lib/**/*.ex")  # umbrella apps too
    wider_options = {"mode": "always"}  # `fixer check` hints when modules with no @impl at all have callbacks
    wider_what = "callbacks in modules with no @impl yet"
    anchors = (r"\buse\s+[A-Z:]", r"@behaviour\b")
    context_anchor = r"@(?:macro)?callback\b"
    params = {
        "mode": Param(str, "warn", "'warn': only modules that already use @impl (when the compiler warns); 'always'.",
                      choices=("warn", "always")),
        "functions": Param(list, [], "Only these callbacks, as 'name/arity' or 'Behaviour.name/arity'.", item_type=str),
    }
    examples = (
        Example(
            before="defmodule MyApp.Application do\n  use Application\n\n  @impl true\n  def start(_type, _args) do\n"
            "    Supervisor.start_link([], strategy: :one_for_one)\n  end\n\n  def stop(_state), do: :ok\nend\n",
            after="defmodule MyApp.Application do\n  use Application\n\n  @impl true\n  def start(_type, _args) do\n"
            "    Supervisor.start_link([], strategy: :one_for_one)\n  end\n\n  @impl true\n  def stop(_state), do: :ok\nend\n",
        ),
        Example(
            before="defmodule Cache do\n  use GenServer\n\n  @impl GenServer\n  def init(state), do: {:ok, state}\n\n"
            "  @doc \"Handles lookups.\"\n  @spec handle_call(term, GenServer.from(), map) :: tuple\n"
            "  def handle_call({:get, key}, _from, state), do: {:reply, Map.get(state, key), state}\n"
            "  def handle_call(:all, _from, state), do: {:reply, state, state}\n\n  defp helper(x), do: x\nend\n",
            after="defmodule Cache do\n  use GenServer\n\n  @impl GenServer\n  def init(state), do: {:ok, state}\n\n"
            "  @doc \"Handles lookups.\"\n  @spec handle_call(term, GenServer.from(), map) :: tuple\n"
            "  @impl GenServer\n  def handle_call({:get, key}, _from, state), do: {:reply, Map.get(state, key), state}\n"
            "  def handle_call(:all, _from, state), do: {:reply, state, state}\n\n  defp helper(x), do: x\nend\n",
        ),
        Example(  # defdelegate implements a callback too
            before="defmodule Cache do\n  use GenServer\n\n  @impl true\n  def init(state), do: {:ok, state}\n\n"
            "  defdelegate handle_call(request, from, state), to: Cache.Calls\nend\n",
            after="defmodule Cache do\n  use GenServer\n\n  @impl true\n  def init(state), do: {:ok, state}\n\n"
            "  @impl true\n  defdelegate handle_call(request, from, state), to: Cache.Calls\nend\n",
        ),
        Example(  # each @impl reaches its definition past `require`, `@doc`, a comment or a `for`
            before="defmodule Worker do\n  use GenServer\n\n  @impl true\n  require Logger\n  @doc \"Starts.\"\n"
            "  # state is a list\n  def init(state), do: {:ok, state}\n\n  @impl true\n  for message <- [:ping, :pong] do\n"
            "    def handle_cast(unquote(message), state), do: {:noreply, [unquote(message) | state]}\n  end\nend\n",
            after=None,
        ),
        Example(
            before="defmodule Quiet do\n  use GenServer\n  def init(state), do: {:ok, state}\nend\n",
            after=None,
        ),
        Example(
            before="defmodule Quiet do\n  use GenServer\n  def init(state), do: {:ok, state}\nend\n",
            after="defmodule Quiet do\n  use GenServer\n  @impl true\n  def init(state), do: {:ok, state}\nend\n",
            params={"mode": "always"},
        ),
    )

    @classmethod
    def check_options(cls, values, where):
        for item in values["functions"]:
            if not SIGNATURE.match(item.rsplit(".", 1)[-1] if "/" in item else item):
                raise ConfigError(f"{where}'rules.{cls.id}.functions': {item!r} is not 'name/arity'")

    def wants(self, path: str, text: str) -> bool:
        # In "warn" mode only a module that already has an @impl is annotated (the compiler warns
        # only then): a file with no @impl at all is never parsed.
        return super().wants(path, text) and (self.options["mode"] == "always" or IMPL.search(text) is not None)

    def gather(self, path: str, text: str) -> dict[str, list[str]]:
        """Behaviours defined in the repo: module name -> ['name/arity', ...] from @callback specs."""
        from fixer.lang.elixir.syntax import Doc
        from fixer.rules.add_impl.impl import declared_callbacks

        return declared_callbacks(Doc(text))

    def check(self, source: Source) -> Outcome:
        from fixer.lang.elixir.syntax import Doc
        from fixer.rules.add_impl.impl import module_plans

        doc = source.cached("elixir.doc", Doc)
        known = dict(KNOWN_CALLBACKS)
        for facts in source.context.get(self.id, []):
            known.update(facts or {})
        outcome = Outcome()
        # Modules that gave nothing in an earlier text of this file, and are written the same here
        # (the settle check re-runs the rule after other rules' fixes): not planned again.
        asked = (self.options["mode"], tuple(self.options["functions"]),
                 tuple(sorted((name, tuple(callbacks)) for name, callbacks in known.items())))
        quiet = textcache.per_file("add-impl.quiet", dict).setdefault(asked, set())
        for _module, key, plan in module_plans(doc, known, USE_DECLARES, quiet):
            before = (len(outcome.edits), len(outcome.findings))
            if plan.has_impl or self.options["mode"] == "always":
                self._module(source, doc, plan, outcome)
            if (len(outcome.edits), len(outcome.findings)) == before:
                quiet.add(key)
        return outcome

    def _module(self, source: Source, doc, plan, outcome: Outcome) -> None:
        missing = [c for c in plan.callbacks if not c.covered]
        for callback in missing:
            callback.reason = _blocker(source, doc, callback)
        if not plan.has_impl:
            # One @impl makes the compiler check every callback: annotate all of them or none.
            left = [c for c in missing if c.reason or not self._wanted(c)]
            if left or plan.computed_names:
                why = (_why_left(left[0]) if left else
                       "a definition's name is computed (unquote) and may be a callback")
                for callback in missing:
                    callback.reason = callback.reason or f"{why}, and annotating only some callbacks adds warnings"
        annotated: set[int] = set()
        for callback in (c for c in missing if self._wanted(c)):
            start, _ = doc.span(callback.first.node)
            label = f"{callback.name}/{callback.arity} ({callback.behaviour} callback)"
            if callback.reason:
                message = f"{label} lacks @impl, not added: {callback.reason}"
                outcome.findings.append(self._finding(source, start, message, False, callback.reason))
            elif start not in annotated:  # one definition may cover two arities (default arguments)
                annotated.add(start)
                value = callback.behaviour if plan.style is not None else "true"
                line_start = source.lines.line_start(source.lines.line_of(start))
                outcome.edits.append(Edit(line_start, line_start, f"{_indent(source, doc, callback.first.node)}@impl {value}\n", self.id))
                outcome.findings.append(self._finding(source, start, f"added @impl {value} to {label}", True, f"{callback.behaviour} callback"))

    def _finding(self, source: Source, offset: int, message: str, fixed: bool, evidence: str):
        return self.finding(source, offset, message, fixed, evidence=evidence)

    def _wanted(self, callback) -> bool:
        wanted = self.options["functions"]
        if not wanted:
            return True
        # "Application.stop/1", "MyApp.Application.stop/1" and "stop/1" all name stop/1.
        return any(w.rsplit(".", 1)[-1] == f"{callback.name}/{callback.arity}" for w in wanted)


def _why_left(callback) -> str:
    """The true reason a callback stays without @impl: it cannot take one, or it was not asked for."""
    name = f"{callback.name}/{callback.arity}"
    return f"{name} cannot be annotated" if callback.reason else f"{name} was not asked for (`functions`)"


def _indent(source: Source, doc, node) -> str | None:
    """The whitespace before the definition on its line, or None when other code precedes it there."""
    start, _ = doc.span(node)
    line_start = source.lines.line_start(source.lines.line_of(start))
    indent = doc.text[line_start:start]
    return None if indent.strip() else indent


def _blocker(source: Source, doc, callback) -> str | None:
    """Why `@impl` cannot be added safely above this callback's first clause, or None."""
    from fixer.rules.add_impl.impl import VERSION_DEPENDENT

    if callback.uncertain:
        return "an earlier @impl may reach it past a macro call that may define functions"
    if (callback.behaviour, callback.name, callback.arity) in VERSION_DEPENDENT:
        return VERSION_DEPENDENT[(callback.behaviour, callback.name, callback.arity)]
    if _indent(source, doc, callback.first.node) is None:
        return "its definition shares its line with other code"
    return None

from __future__ import annotations

import re

from fixer.edits import Edit
from fixer.lang import elixir
from fixer.lang.elixir import Doc, call_arguments, call_name
from fixer.lang.elixir_defs import attribute, function_head, module_statements, modules
from fixer.rule import ConfigError, Example, Outcome, Param, Rule, Source

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
USE_DECLARES = {"Application", "GenServer", "Supervisor", "DynamicSupervisor", "Phoenix.Channel", "Phoenix.LiveView",
                "Phoenix.LiveComponent", "Mix.Task"}
SIGNATURE = re.compile(r"^([a-z_][\w?!]*)/(\d+)$")


class AddImpl(Rule):
    """Add the missing `@impl true` before behaviour callbacks, silencing the compiler warning.

    What it does:
        In a module that `use`s or declares `@behaviour` for a behaviour with known callbacks
        (Application, GenServer, Supervisor, DynamicSupervisor, :gen_statem, Plug, Phoenix.Channel,
        Phoenix.LiveView, Phoenix.LiveComponent, Mix.Task, and behaviours defined in this repo by
        their `@callback` specs), inserts `@impl true` before the first clause of each callback
        that lacks one, directly above the `def` (so after its `@doc`/`@spec`), with the def's
        indentation. By default only modules that already have an `@impl` are fixed, which is
        exactly when the compiler warns; `mode = "always"` adds it regardless. A module that writes
        `@impl SomeBehaviour` gets that style. `functions` narrows the fix to given callbacks.

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
        Safe: one line is inserted, only for a public def whose name and arity match a callback of
        a behaviour the module declares. Private functions, other arities and functions already
        preceded by any `@impl` are left alone.
    """

    id = "add-impl"
    language = "elixir"
    default_paths = ("lib/**/*.ex", "apps/*/lib/**/*.ex")  # umbrella apps too
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

    def gather(self, path: str, text: str) -> dict[str, list[str]]:
        """Behaviours defined in the repo: module name -> ['name/arity', ...] from @callback specs."""
        doc = Doc(text)
        found: dict[str, list[str]] = {}
        for module, block in modules(doc):
            callbacks = []
            for stmt in module_statements(block):
                attr = attribute(stmt, doc)
                if attr and attr[0] in ("callback", "macrocallback") and attr[1] is not None:
                    signature = _callback_signature(attr[1], doc)
                    if signature:
                        callbacks.append(signature)
            if callbacks:
                found[module] = callbacks
        return found

    def check(self, source: Source) -> Outcome:
        doc = source.cached("elixir.doc", Doc)
        known = dict(KNOWN_CALLBACKS)
        for facts in source.context.get(self.id, []):
            known.update(facts or {})
        outcome = Outcome()
        for module, block in modules(doc):
            self._module(source, doc, module, block, known, outcome)
        return outcome

    def _module(self, source: Source, doc: Doc, module: str, block, known, outcome: Outcome) -> None:
        body = module_statements(block)
        behaviours = _behaviours(body, doc)
        callbacks: dict[tuple[str, int], str] = {}
        for behaviour in behaviours:
            for signature in known.get(behaviour, []):
                name, arity = signature.rsplit("/", 1)
                callbacks.setdefault((name, int(arity)), behaviour)
        if not callbacks:
            return
        impl_values = [attribute(s, doc) for s in body]
        impl_values = [value for value in impl_values if value and value[0] == "impl"]
        if not impl_values and self.options["mode"] == "warn":
            return
        module_style = any(v[1] is not None and v[1].type == "alias" for v in impl_values)
        seen: set[tuple[str, int]] = set()
        annotated = False
        pending: list[tuple[str, object]] = []
        for stmt in body:
            attr = attribute(stmt, doc)
            if attr is not None:
                annotated = annotated or attr[0] == "impl"
                continue
            head = function_head(stmt, doc)
            if head is None:
                annotated = False
                continue
            matching = [key for key in callbacks if key[0] == head.name and head.has_arity(key[1])]
            first_clause = all(key not in seen for key in matching)
            seen.update(matching)
            if head.kind == "def" and matching and first_clause and not annotated and self._wanted(matching, callbacks):
                pending.append((callbacks[matching[0]], head))
            elif annotated:
                # A later clause carrying @impl covers the function too: don't add a second one.
                pending = [(b, h) for b, h in pending if (h.name, h.min_arity) != (head.name, head.min_arity)]
            annotated = False
        for behaviour, head in pending:
            self._insert(source, doc, head, behaviour if module_style else "true", outcome)

    def _wanted(self, matching, callbacks) -> bool:
        wanted = self.options["functions"]
        if not wanted:
            return True
        # "Application.stop/1", "MyApp.Application.stop/1" and "stop/1" all name stop/1.
        names = {f"{n}/{a}" for n, a in matching}
        return any(w.rsplit(".", 1)[-1] in names for w in wanted)

    def _insert(self, source: Source, doc: Doc, head, value: str, outcome: Outcome) -> None:
        start, _ = doc.span(head.node)
        line = source.lines.line_of(start)
        line_start = source.lines.line_start(line)
        indent = doc.text[line_start:start]
        if indent.strip():
            outcome.findings.append(self.finding(source, start, f"{head.name}/{head.min_arity} lacks @impl but shares its line; add it by hand", False))
            return
        outcome.edits.append(Edit(line_start, line_start, f"{indent}@impl {value}\n", self.id))
        outcome.findings.append(self.finding(source, start, f"added @impl {value} to {head.name}/{head.max_arity}", True))


def _behaviours(body, doc: Doc) -> list[str]:
    aliases: dict[str, str] = {}
    found: list[str] = []
    for stmt in body:
        attr = attribute(stmt, doc)
        if attr and attr[0] == "behaviour" and attr[1] is not None:
            name = doc.node_text(attr[1])
            found.append(aliases.get(name, name))
            continue
        name = call_name(stmt, doc) if stmt.type == "call" else None
        args = call_arguments(stmt) if name in ("use", "alias") else []
        if name == "use" and args and args[0].type == "alias":
            used = doc.node_text(args[0])
            used = aliases.get(used, used)
            if used in USE_DECLARES:
                found.append(used)
        elif name == "alias" and args and args[0].type == "alias":
            full = doc.node_text(args[0])
            short = full.rsplit(".", 1)[-1]
            for pair in (a for a in args[1:] if a.type == "keywords"):
                match = re.search(r"as:\s*([A-Z][\w.]*)", doc.node_text(pair))
                if match:
                    short = match.group(1)
            aliases[short] = full
    return found


def _callback_signature(spec, doc: Doc) -> str | None:
    """'name/arity' from the `name(args) :: return` of a @callback."""
    node = spec
    while node.type == "binary_operator" and elixir.operator_of(node) in ("::", "when"):
        node = node.child_by_field_name("left")
    if node.type == "identifier":
        return f"{doc.node_text(node)}/0"
    if node.type == "call":
        target = node.child_by_field_name("target")
        if target is not None and target.type == "identifier":
            return f"{doc.node_text(target)}/{len(call_arguments(node))}"
    return None

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from fixer.edits import Edit
from fixer.lang.elixir import Doc
from fixer.lang.elixir_vars import Variable, name_taken, variables
from fixer.rule import ConfigError, Example, Outcome, Param, Rule, Source

if TYPE_CHECKING:
    from tree_sitter import Node

NEAR_HINT = 20  # lines
UNDERSCORED = re.compile(r"_[a-z]\w*[?!]?\Z")


class RenameUsedUnderscored(Rule):
    """Rename an underscored variable that is used after being bound (`_worker_id` -> `worker_id`).

    What it does:
        Finds variables bound with a leading underscore and then read, which the compiler warns
        about ("the underscored variable "_worker_id" is used after being set"), and renames the
        binding and every use to the name without the underscore, inside that clause only (def
        clause, fn clause, case/receive/with branch), including uses inside string interpolation.
        Same-named variables in other clauses are untouched. If the plain name is already used in
        the clause, the variable is reported instead. `renames` gives explicit
        `{from, to, line}` renames (the line picks the clause nearest to it).

    Why:
        A leading underscore promises the value is ignored; reading it anyway misleads readers and
        the compiler warns on every build.

    Example:
        Enum.filter(workers, fn {_worker_id, info} ->
          Logger.debug("checking #{_worker_id}")
          alive?(info)
        end)
        # becomes
        Enum.filter(workers, fn {worker_id, info} ->
          Logger.debug("checking #{worker_id}")
          alive?(info)
        end)

    Fix safety:
        Safe: only identifiers resolved to that one binding are renamed, and only when the new name
        does not already occur in the clause. Nothing inside `quote` blocks, strings (outside
        interpolation) or comments is touched.
    """

    id = "rename-used-underscored"
    language = "elixir"
    default_paths = ("lib/**/*.ex", "apps/*/lib/**/*.ex")  # umbrella apps too
    anchors = (r"(?<![\w@:])_[a-z]\w*",)
    params = {
        "renames": Param(list, [], "Explicit renames: tables {from, to, line (optional hint)}.", item_type=dict),
    }
    examples = (
        Example(
            before="defmodule Registry do\n  def dead(workers) do\n    Enum.filter(workers, fn {_worker_id, info} ->\n"
            "      Logger.debug(\"checking #{_worker_id}\")\n      not alive?(info)\n    end)\n  end\nend\n",
            after="defmodule Registry do\n  def dead(workers) do\n    Enum.filter(workers, fn {worker_id, info} ->\n"
            "      Logger.debug(\"checking #{worker_id}\")\n      not alive?(info)\n    end)\n  end\nend\n",
        ),
        Example(
            before="defmodule Registry do\n  def orphans(table) do\n    Enum.filter(table, fn {_id, info} -> alive?(info) and inspect(_id) != \"\" end)\n"
            "  end\n\n  def other({_id, _}), do: :ok\nend\n",
            after="defmodule Registry do\n  def orphans(table) do\n    Enum.filter(table, fn {id, info} -> alive?(info) and inspect(id) != \"\" end)\n"
            "  end\n\n  def other({_id, _}), do: :ok\nend\n",
        ),
        Example(
            before="defmodule Clash do\n  def f(_state, state), do: {_state, state}\nend\n",
            after=None,
        ),
        Example(
            before="defmodule Pool do\n  def ids(_worker_id), do: [_worker_id]\nend\n",
            after="defmodule Pool do\n  def ids(id), do: [id]\nend\n",
            params={"renames": [{"from": "_worker_id", "to": "id", "line": 2}]},
        ),
    )

    @classmethod
    def check_options(cls, values, where):
        for item in values["renames"]:
            unknown = set(item) - {"from", "to", "line"}
            if unknown or not isinstance(item.get("from"), str) or not isinstance(item.get("to"), str):
                raise ConfigError(f"{where}'rules.{cls.id}.renames' entries need string 'from' and 'to' (and an optional integer 'line')")
            if "line" in item and not isinstance(item["line"], int):
                raise ConfigError(f"{where}'rules.{cls.id}.renames': 'line' must be an integer")

    def check(self, source: Source) -> Outcome:
        doc = source.cached("elixir.doc", Doc)
        found = variables(doc, lambda name: bool(UNDERSCORED.match(name)) and not name.startswith("__"))
        outcome = Outcome()
        for variable, new_name in self._planned(doc, found):
            start, end = doc.span(variable.bindings[0])
            if name_taken(variable.scope, new_name, doc):
                message = f"{variable.name} is used after being set, but {new_name} is already taken in this clause"
                outcome.findings.append(self.finding(source, start, message, False))
                continue
            for node in variable.bindings + variable.reads:
                node_start, node_end = doc.span(node)
                outcome.edits.append(Edit(node_start, node_end, new_name, self.id))
            outcome.findings.append(self.finding(source, start, f"renamed used variable {variable.name} to {new_name}", True))
        return outcome

    def _planned(self, doc: Doc, found: list[Variable]):
        renames = self.options["renames"]
        if not renames:
            return [(v, v.name.lstrip("_")) for v in found if v.reads]
        chosen = []
        for item in renames:
            names = {item["from"], item["to"]}
            found_here = variables(doc, names.__contains__)
            candidates = [v for v in found_here if v.name == item["from"] and v.reads]
            if "line" in item and candidates:
                # A clause already using the new name right at the hint means the rename is done.
                done = [v for v in found_here if v.name == item["to"] and _distance(v.scope, item["line"]) <= NEAR_HINT]
                nearest = min(candidates + done, key=lambda v: (_distance(v.scope, item["line"]), v.name != item["to"]))
                candidates = [nearest] if nearest.name == item["from"] else []
            chosen.extend((v, item["to"]) for v in candidates)
        return chosen


def _distance(scope: Node, line: int) -> int:
    first, last = scope.start_point[0] + 1, scope.end_point[0] + 1
    return 0 if first <= line <= last else min(abs(line - first), abs(line - last))



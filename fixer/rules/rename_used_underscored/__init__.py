from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING

from fixer.core.edits import Edit
from fixer.core.rule import ConfigError, Example, Outcome, Param, Rule, Source

if TYPE_CHECKING:  # the tree-sitter side is imported inside check(): `fixer rules` stays fast
    from fixer.lang.elixir.syntax import Doc
    from fixer.lang.elixir.variables import Analysis, Variable

NEAR_HINT = 20  # lines
UNDERSCORED = re.compile(r"_[a-z]\w*[?!]?\Z")
UNDERSCORED_WORD = re.compile(r"_[a-z]\w*[?!]?")  # led by a literal: a fast search


class RenameUsedUnderscored(Rule):
    """Rename an underscored variable that is used after being bound (`_worker_id` -> `worker_id`).

    What it does:
        Finds underscored variables the compiler warns about and renames them to the name without
        the underscore: "the underscored variable "_id" is used after being set" (it is read, in the
        body, a guard, a pin `^_id`, a binary `size(_id)`, an interpolation or an `unquote(_id)`),
        and "... appears more than once in a match" (`{_x, _x}`: the pattern already needs equal
        values). Only a read counts: a pattern binds (`assert {:error, _e} = ...`, `assert_receive
        {:error, _e}`, `refute_receive ...`), so those names keep their underscore. Variables are
        resolved as the compiler does: one binding (all occurrences bound
        by one match) and exactly the reads that refer to it are renamed together, so a later
        rebinding `_x = 2` that is never read keeps its underscore, and a same-named variable in
        another clause, an inner `fn` or a different branch is another variable. `renames` gives
        explicit `{from, to, line}` renames (the line picks the clause nearest to it).

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
        Safe: a binding and its reads are renamed all together or not at all, never half (a
        repeated pattern variable renamed on one side only would change what matches). Reported
        instead ("needs review"), unchanged: the new name already names a variable or a
        zero-arity call in the clause (renaming would capture it), is a reserved word (`_end`),
        the clause calls `binding()` (its result would change), or a read of the old name there
        resolves to no binding (a macro may bind it). Code inside `quote` is generated code:
        its variables belong to the caller's module and are never renamed (only what `unquote`
        evaluates is a variable of the clause); strings outside interpolation, comments, field
        names, function names and `@attributes` are never touched.
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
        Example(  # the read through unquote is renamed too; the quoted `_result` is generated code
            before="defmodule Trace do\n  defmacro trace(_expr) do\n    text = Macro.to_string(_expr)\n\n    quote do\n"
            "      _result = unquote(_expr)\n      IO.puts(unquote(text))\n      _result\n    end\n  end\nend\n",
            after="defmodule Trace do\n  defmacro trace(expr) do\n    text = Macro.to_string(expr)\n\n    quote do\n"
            "      _result = unquote(expr)\n      IO.puts(unquote(text))\n      _result\n    end\n  end\nend\n",
        ),
        Example(  # one match binds both `_x`; the second `_step` is another, unread, binding
            before="defmodule Steps do\n  def same({_x, _x}), do: _x\n\n  def run do\n    _step = 1\n"
            "    total = _step + 1\n    _step = 2\n    total\n  end\nend\n",
            after="defmodule Steps do\n  def same({x, x}), do: x\n\n  def run do\n    step = 1\n"
            "    total = step + 1\n    _step = 2\n    total\n  end\nend\n",
        ),
        Example(
            before="defmodule Clash do\n  def f(_state, state), do: {_state, state}\nend\n",
            after=None,
        ),
        Example(  # renaming `_x` would capture the outer `x` read inside the fn: reported
            before="defmodule Capture do\n  def f(x, list), do: Enum.map(list, fn _x -> _x + x end)\nend\n",
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

    def wants(self, path: str, text: str) -> bool:
        # The compiler warns about an underscored variable read after its binding, or bound twice in
        # one match: either way its name is written twice. A file where none is never parsed.
        return super().wants(path, text) and bool(self.options["renames"] or repeated_names(text))

    def check(self, source: Source) -> Outcome:
        from fixer.lang.elixir.syntax import Doc
        from fixer.lang.elixir.variables import analyze, may_share_a_scope

        doc = source.cached("elixir.doc", Doc)
        outcome = Outcome()
        renames = self.options["renames"]
        if renames:
            names = {item["from"] for item in renames} | {item["to"] for item in renames}
            analysis = analyze(doc, names.__contains__)
            planned = self._explicit(analysis)
        else:
            names = may_share_a_scope(doc, source.cached("rename.repeated", repeated_names))
            if not names:
                return outcome  # each underscored name is written once per definition: no warning
            analysis = analyze(doc, lambda name: bool(UNDERSCORED.match(name)) and not name.startswith("__"), names)
            planned = [(v, v.name.lstrip("_")) for v in analysis.variables if v.reads or len(v.bindings) > 1]
        blockers = _Blockers(doc, analysis)
        for variable, new_name in planned:
            start, _ = doc.span(variable.bindings[0])
            problem = blockers.why_not(variable, new_name)
            if problem is not None:
                message = f"{_warning(variable)}, but it is not renamed to {new_name}: {problem}"
                outcome.findings.append(self._finding(source, start, message, False, problem))
                continue
            for node in variable.bindings + variable.reads:
                outcome.edits.append(Edit(*doc.span(node), new_name, self.id))
            message = f"renamed {variable.name} to {new_name} ({_warning(variable)})"
            outcome.findings.append(self._finding(source, start, message, True, _warning(variable)))
        return outcome

    def _finding(self, source: Source, offset: int, message: str, fixed: bool, evidence: str):
        return self.finding(source, offset, message, fixed, evidence=evidence)

    def _explicit(self, analysis: Analysis) -> list[tuple[Variable, str]]:
        chosen = []
        for item in self.options["renames"]:
            candidates = [v for v in analysis.variables if v.name == item["from"] and (v.reads or len(v.bindings) > 1)]
            if "line" in item and candidates:
                # A clause already using the new name right at the hint means the rename is done.
                done = [v for v in analysis.variables if v.name == item["to"] and _distance(v.scope, item["line"]) <= NEAR_HINT]
                nearest = min(candidates + done, key=lambda v: (_distance(v.scope, item["line"]), v.name != item["to"]))
                scope = nearest.scope
                candidates = [v for v in candidates if v.scope == scope] if nearest.name == item["from"] else []
            chosen.extend((v, item["to"]) for v in candidates)
        return chosen


def repeated_names(text: str) -> set[str]:
    """Underscored names written at least twice (in code, strings or comments alike: a superset)."""
    seen: set[str] = set()
    repeated: set[str] = set()
    for match in UNDERSCORED_WORD.finditer(text):
        at = match.start()
        if at and (text[at - 1].isalnum() or text[at - 1] in "_@:"):
            continue  # part of a longer word, an attribute or an atom: never a variable
        name = match.group()
        (repeated if name in seen else seen).add(name)
    return repeated


def _warning(variable: Variable) -> str:
    if variable.reads:
        return f"{variable.name} is used after being set"
    return f"{variable.name} appears more than once in one match"


class _Blockers:
    """Why renaming a binding could change or break the code; the indexes are built once per file."""

    def __init__(self, doc: Doc, analysis: Analysis):
        self.doc = doc
        self.unresolved: dict[str, list[int]] = {}
        for node in analysis.unresolved:
            self.unresolved.setdefault(doc.node_text(node), []).append(node.start_byte)
        self._templates: list | None = None

    def templates_within(self, scope) -> list[str]:
        """Texts of the template sigils (`~H"<%= x %>"`) inside `scope`."""
        if self._templates is None:
            from fixer.lang.elixir.variables import template_sigils

            self._templates = template_sigils(self.doc)
        index = bisect.bisect_left(self._templates, (scope.start_byte,))
        found = []
        while index < len(self._templates) and self._templates[index][0] < scope.end_byte:
            found.append(self._templates[index][1])
            index += 1
        return found

    def why_not(self, variable: Variable, new_name: str) -> str | None:
        from fixer.lang.elixir.variables import calls_binding, is_variable_name, name_taken, within

        scope = variable.scope
        if any(read.type != "identifier" for read in variable.reads):
            return f"a template sigil in this clause may read {variable.name} (its text is not edited)"
        if not is_variable_name(new_name):
            return f"{new_name} cannot name a variable"
        if name_taken(scope, new_name, self.doc):
            return f"{new_name} already occurs in this clause"
        if any(re.search(rf"(?<![\w@.:]){re.escape(new_name)}(?![\w?!:(])", text) for text in self.templates_within(scope)):
            return f"a template sigil in this clause mentions {new_name}"
        if within(sorted(self.unresolved.get(variable.name, [])), scope):
            return f"a read of {variable.name} here resolves to no binding (a macro may bind it)"
        if calls_binding(scope, self.doc):
            return "the clause calls binding(), whose result would change"
        return None


def _distance(scope, line: int) -> int:
    first, last = scope.start_point[0] + 1, scope.end_point[0] + 1
    return 0 if first <= line <= last else min(abs(line - first), abs(line - last))

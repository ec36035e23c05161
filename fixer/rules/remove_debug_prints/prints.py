"""`print(...)` calls in a Python module and the verdict on each: a debug leftover (removed) only on
explicit evidence, output on purpose (never touched), or in between (reported with the reason).

Evidence of a leftover: a marker message (`DEBUG`, `debug:`, `>>>`, `!!!`, `XXX`, or the `messages`
regexes), a trace marker (`"here"`, `"entering load"`), printing internals (`locals()`, `vars()`,
`globals()`, `dir()`, `type()`, `id()`, `__dict__`, a private attribute), a self-documenting f-string
(`f"{x=}"`), a debug comment on or above it, or being the only print of a function that returns data.
Evidence of output on purpose: a `file=`/`stream=`, the `__main__` block, a CLI entry point, a
`__repr__`/`__str__`, a function whose job is printing, an output switch (`if verbose:`), captured
output (`redirect_stdout`), output a test or a doctest asserts (directly or through the functions
calling it), `# noqa`, or a module whose job is output. Held back unless explicitly labelled
(`DEBUG`, `messages`): a print in a test, and a print just before a `raise`/`sys.exit`/error return.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import PurePosixPath

from fixer.lang.python.nodes import Spans, argument, keyword, last_name
from fixer.core.anchors import Anchor
from fixer.core.languages import is_test_path
from fixer.rules.remove_debug_prints import PURPOSE_CONTEXT
from fixer.core.userregex import compile_linear
from fixer.lang.python.leftovers import DUNDER_DEBUG, Analysis, Blocked, Module, Verdict, dunder_debug, kept_note, \
    name_parts, own_nodes, switch_in
from fixer.lang.python.names import FUNCTIONS
from fixer.lang.python.nodes import of_type

PRINTERS = {"builtins.print": (99, "file"), "pprint.pprint": (1, "stream"), "pprint.pp": (1, "stream")}
CALL_NAMES = {name.rpartition(".")[2] for name in PRINTERS}
MARKER = re.compile(r"^\s*(?P<marker>DEBUG\b|debug\s*:|>>>|!!!|XXX\b)")
TRACE = re.compile(r"(?i)^\s*(?:(?:got |i'?m |we'?re )?here\s*\d*|reached(?: here)?|checkpoint\s*\d*"
                   r"|(?:entering|leaving|exiting|inside)\s+[\w.]+(?:\(\))?|\d+)\s*[.!:]*\s*$")
USER_FACING = re.compile(r"(?i)^\s*(?:warning|warn|error|usage|note|hint|tip|info|success|failed|failure|done|saved"
                         r"|wrote|written|created|deleted|removed|skipping|skipped|found|no|cannot|could not|unable"
                         r"|please)\b")
# A comment about the print itself (`# debug`, `# DEBUG: rows`, `# temporary print`, `# remove before merge`),
# not one using the word in its ordinary sense about other code (`# temporary build directory; removed in …`,
# `# debug the slow migration below with EXPLAIN`).
_ABOUT_THE_PRINT = (r"^\s*#+\s*(?:(?:debug(?:ging)?|temp(?:orary)?|xxx)\b\s*(?:$|[:!.(\[-]|(?:print|output|line|code"
                        r"|statement|only|stuff)s?\b)|(?:for |while )?debugging\s*[.!]?\s*$"
                        r"|.*\b(?:debug|temp(?:orary)?) (?:print|output|line|code|statement)s?\b"
                        r"|.*\bremove (?:this|me|it|before|later|after|when)\b)")
DEBUG_MARK = re.compile("(?i)" + _ABOUT_THE_PRINT)
COMMENTS = re.compile("(?i)" + _ABOUT_THE_PRINT + r"|^\s*#+\s*(?:tombstone|print)\b")
STRONG_INTERNALS = {f"builtins.{name}" for name in ("locals", "vars", "globals")}  # anywhere in the arguments
WEAK_INTERNALS = {f"builtins.{name}" for name in ("dir", "type", "id")}  # printed as they are, not in a message
PURE_INTERNALS = ("builtins.locals", "builtins.globals", "builtins.dir")  # reading them changes nothing
DUNDERS = {"__repr__", "__str__", "__format__", "__rich__", "__rich_repr__", "_repr_pretty_", "__pretty__",
           "_repr_html_"}
# A function named `print_table`, `show`, `debug`, `log_event`, `json_dump`, `pretty_print` prints on purpose.
PRINTING_FIRST = {"print", "show", "display", "dump", "render", "report", "echo", "emit", "usage", "help", "banner",
                  "pretty", "pprint", "describe", "output", "log", "say",
                  "announce", "draw", "repl", "prompt", "progress", "greet", "debug", "trace", "warn", "notify", "write"}
DEMO_FUNCTIONS = {"test", "_test", "demo", "_demo", "selftest", "_selftest", "example"}  # a module's self-test
PRINTING_LAST = {"print", "show", "display", "dump", "echo", "output", "pprint", "report", "usage", "help", "banner"}
OUTPUT_MODULES = {"cli", "__main__", "main", "console", "display", "report", "reports", "reporting", "reporter",
                  "output", "outputs", "printer", "printers", "printing", "ui", "tui", "view", "views", "render",
                  "renderer", "formatter", "formatters", "pretty", "banner", "usage", "help", "demo", "example",
                  "examples", "show", "repl", "shell", "manage", "command", "commands"}
OUTPUT_FOLDERS = {"scripts", "script", "examples", "example", "demo", "demos", "bin", "docs", "doc", "tutorial",
                  "tutorials", "notebooks", "commands"}
SWITCH = re.compile(r"(?i)verbos|debug|trace|quiet|silent|dry_?run|show|print|echo|interactive|tty|\blog|loud|explain"
                    r"|stdout")
CAPTURE = {"contextlib.redirect_stdout", "contextlib.redirect_stderr"}
CLI_WRAPPERS = {"typer.run", "fire.Fire"}
REPORTERS = {"traceback.print_exc", "traceback.print_exception", "traceback.print_stack", "traceback.print_tb",
             "traceback.print_last", "sys.stdout.write", "sys.stderr.write"}  # explicit output beside a print


DATA_ONLY, DEBUG_COMMENT = "a data function's only print", "marked by a debug comment"
NOT_PRINTED = ("sep", "end", "flush", "file", "stream")  # print's and pprint's keywords that are not shown
WEAK_EVIDENCE = {DATA_ONLY, DEBUG_COMMENT}  # not enough on their own against a sign of output


@dataclass(frozen=True)
class Why:
    message: str  # a clause for the finding ("its message starts with "DEBUG"")
    evidence: str  # the short phrase


def analyse(tree: ast.Module, spans: Spans, path: str, options: dict,
            repo: tuple[list[str], dict[str, str]] = ([], {}), star_exports=None) -> "Prints | None":
    """The analysis, or None when no call in the module can be a print (one cheap walk)."""
    aliases = set(CALL_NAMES)
    for node in of_type(tree, ast.ImportFrom):
        aliases.update(a.asname for a in node.names if a.asname and a.name in CALL_NAMES)
    calls = [call for call in of_type(tree, ast.Call) if last_name(call.func) in aliases]
    if not calls:
        return None
    module = Module(tree, spans, [*PURE_INTERNALS, *options.get("pure_calls", ())], star_exports)
    return Prints(module, calls, path, options.get("messages", ()), repo)


def repo_facts(gathered: list, pick) -> tuple[list[str], dict[str, str]]:
    """(the console-script targets, the functions whose output a test asserts: name -> the tested
    function it is reached through, '' when tested itself) of the whole repo, from a rule's gathered
    facts (`pick` takes this module's `gathered` part of each; the call graph is the rule's `later`
    facts, there only when a test asserts output): built once a run."""
    from fixer.core import textcache

    def build():
        facts = [pick(f) for f in gathered if f and pick(f)]
        tested = {n: "" for f in facts for n in f.get("tested", ())}
        graph: dict[str, set[str]] = {}
        for calls in (getattr(gathered, "later", None) or ()) if tested else ():
            for caller, callees in (calls or {}).items():
                graph.setdefault(caller, set()).update(callees)
        return [t for f in facts for t in f.get("scripts", ())], reached(tested, graph), bool(tested)

    scripts, asserted, graphed = textcache.per_run("py_prints.repo", gathered, build)
    if graphed:
        getattr(gathered, "later", None)  # noted for each file: its verdict read the whole call graph
    return scripts, asserted


def reached(roots: dict[str, str], graph: dict[str, set[str]]) -> dict[str, str]:
    """`roots` and every function they call, directly or not (name -> the root it is reached through):
    a test asserting the output of `status()` asserts what `_status_line()`, which it calls, prints."""
    found = dict(roots)
    pending = list(roots)
    while pending:
        caller = pending.pop()
        for callee in graph.get(caller, ()):
            if callee not in found:
                found[callee] = found[caller] or caller
                pending.append(callee)
    return found


DEF_NAME = re.compile(r"[ \t]*(\w+)")
# A file that may say some function's output is wanted (searched in every file: RE2 first, see
# fixer.core.anchors; `\b(?:capsys|…)` alone would be tried at every position).
PURPOSE = Anchor(PURPOSE_CONTEXT)
CALLED = re.compile(r"\b([A-Za-z_]\w*)\s*\(")
CALLED_BACKWARDS = re.compile(r"\([ \t]*(\w+)")  # \w: str.isalnum() or "_", what a name is made of


def call_graph(text: str) -> dict[str, list[str]]:
    """Function name -> the names called in its text (up to the next `def`): read with a regex, so
    every module of the repo costs one scan, not a parse. Loose on purpose: a call too many only keeps
    a print."""
    starts = list(_defs(text))
    graph: dict[str, set[str]] = {}
    for (name, body), following in zip(starts, [*starts[1:], None]):
        end = following[1] if following else len(text)
        graph.setdefault(name, set()).update(_called(text, body, end))
    return {name: sorted(callees) for name, callees in graph.items() if callees}


def _defs(text: str):
    """(name, where its text starts) of each `def` starting a line (str.find: no regex at every position)."""
    index = text.find("def ")
    while index != -1:
        start = text.rfind("\n", 0, index) + 1
        if text[start:index].strip() in ("", "async"):
            match = DEF_NAME.match(text, index + 4)
            if match:
                yield match.group(1), match.end()
        index = text.find("def ", index + 4)


def _called(text: str, start: int, end: int) -> set[str]:
    """The name before each `(` between start and end (`f(`, `self.f (`): the whole run of word
    characters before it (and its blanks), unless it starts with a digit. Searched in the reversed
    text, where each match starts with its `(` (a literal: `re` skips to it at memchr speed)."""
    return {name[::-1] for name in CALLED_BACKWARDS.findall(text[start:end][::-1]) if not name[-1].isdigit()}


def gathered(path: str, text: str) -> dict[str, list[str]]:
    """What other files say about this module's functions: the console scripts a setup.py,
    pyproject.toml or setup.cfg declares (`pkg.cli:main`), and the functions whose output a test
    asserts (called in a test that reads `capsys`/`capfd` or uses `redirect_stdout`/`capture_output`)."""
    name = path.rpartition("/")[2]
    if name == "pyproject.toml":
        return {"scripts": _pyproject_targets(text)}
    if name == "setup.cfg":
        return {"scripts": _setup_cfg_targets(text)}
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return {}
    facts = {"scripts": console_targets(tree)}
    if is_test_path(path):
        facts["tested"] = _output_tested(tree)
    return facts


def console_targets(tree: ast.Module) -> list[str]:
    """`module:function` of each console script a setup.py declares (its entry_points strings)."""
    return [target for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)
            for target in [_entry_target(node.value, named=True)] if target]


def _entry_target(text: str, named: bool = False) -> str:
    """`pkg.cli:main` of `"pkg.cli:main"`, or of `"name = pkg.cli:main"` when `named`."""
    name = r"[\w.-]+\s*=\s*" if named else ""
    match = re.match(rf"^\s*{name}([\w.]+)\s*:\s*([\w.]+)", text)
    return f"{match.group(1)}:{match.group(2)}" if match else ""


def _pyproject_targets(text: str) -> list[str]:
    import tomllib

    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError):
        return []
    project, poetry = data.get("project", {}), data.get("tool", {}).get("poetry", {})
    tables = [project.get("scripts"), project.get("gui-scripts"), poetry.get("scripts")]
    values = [v.get("callable", "") if isinstance(v, dict) else v
              for table in tables if isinstance(table, dict) for v in table.values()]
    return [target for value in values if isinstance(value, str) for target in [_entry_target(value)] if target]


def _setup_cfg_targets(text: str) -> list[str]:
    import configparser

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return []
    if not parser.has_section("options.entry_points"):
        return []
    lines = [line for key in ("console_scripts", "gui_scripts")
             for line in parser.get("options.entry_points", key, fallback="").splitlines()]
    return [target for line in lines for target in [_entry_target(line, named=True)] if target]


OUTPUT_FIXTURES = {"capsys", "capfd", "capsysbinary", "capfdbinary"}
OUTPUT_CAPTURE = re.compile(r"\b(?:redirect_stdout|capture_output|capsys|capfd)\b")


def _output_tested(tree: ast.Module) -> list[str]:
    """Names of the functions called by tests that capture and read stdout."""
    found = set()
    for function in (n for n in ast.walk(tree) if isinstance(n, FUNCTIONS)):
        params = {a.arg for a in [*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs]}
        captures = params & OUTPUT_FIXTURES or any(
            isinstance(n, (ast.Name, ast.Attribute, ast.keyword)) and OUTPUT_CAPTURE.fullmatch(
                n.id if isinstance(n, ast.Name) else n.attr if isinstance(n, ast.Attribute) else n.arg or "")
            for n in ast.walk(function))
        if captures:
            found.update(last_name(n.func) for n in ast.walk(function) if isinstance(n, ast.Call))
    return sorted(name for name in found if name)


class Prints(Analysis):
    def __init__(self, module: Module, calls: list[ast.Call], path: str, messages, repo):
        self.module = module
        names = module.names
        self.kinds = {id(c): names.qualified(c.func) for c in calls}
        self.calls = [c for c in calls if self.kinds[id(c)] in PRINTERS]
        self.call_ids = {id(c) for c in self.calls}
        self.path = PurePosixPath(path)
        self.messages = [compile_linear(p) for p in messages]  # the config's: linear time
        self._facts: dict[int, tuple[list[int], bool]] = {}
        self._purposes: dict[int, Why | None] = {}
        self._blocks: dict[int, Why | None] = {}
        scripts, tested = repo  # the whole repo's (repo_facts)
        self.asserted = self._asserted(tested)  # function name -> why its output is asserted
        self.entries = _targets_here(path, scripts)
        self.wrapped = self._wrapped()

    def verdicts(self) -> list[Verdict]:
        judged = [(call, self._evidence(call)) for call in self.calls]
        self.plain = {id(call) for call, evidence in judged if not evidence}
        self.module_job = self._module_job(judged)
        out = []
        for call, evidence in judged:
            verdict = self._verdict(call, evidence)
            if verdict is not None:
                out.append(verdict)
        return out

    def _verdict(self, call: ast.Call, evidence: list[Why]) -> Verdict | None:
        module = self.module
        stmt = module.names.statement(call)
        shown = f"`{module.short(call)}`"
        purpose = self._purpose(call, stmt)
        leftover = "; ".join(why.message for why in evidence)
        if purpose is not None:
            if not evidence:
                return None
            return Verdict(stmt, False, f"print {shown} looks like a debug leftover ({leftover}), but {purpose.message}; "
                                        "not removed", purpose.evidence)
        held = self._held(call, stmt, evidence)
        if not evidence:
            if module.statement_of(call) is None or held is not None:
                return None
            return Verdict(stmt, False, f"print {shown} has no evidence either way: it matches no debug pattern and "
                                        "nothing shows it is output on purpose; not removed",
                           "no evidence either way")
        if held is not None:
            return Verdict(stmt, False, f"print {shown} looks like a debug leftover ({leftover}), but "
                                        f"{held.message}; not removed", held.evidence)
        star = module.names.star_source(call.func)
        if star:
            return Verdict(stmt, False, f"print {shown} looks like a debug leftover ({leftover}), but `print` may "
                                        f"come from `from {star} import *`; not removed", "name not resolved")
        doubt = self._doubt(call, evidence)
        if doubt is not None:
            return Verdict(stmt, False, f"print {shown} looks like a debug leftover ({leftover}), but {doubt.message}; "
                                        "not removed", doubt.evidence)
        if module.statement_of(call) is None:
            return Verdict(stmt, False, f"print {shown} looks like a debug leftover ({leftover}), but its value is "
                                        "used (it is not a statement of its own); not removed", "value is used")
        try:
            keep = module.kept_effects([*call.args, *(k.value for k in call.keywords)])
        except Blocked as blocked:
            return Verdict(stmt, False, f"print {shown} looks like a debug leftover ({leftover}), but "
                                        f"{blocked.reason}; not removed", blocked.evidence)
        return Verdict(stmt, True, f"removed debug print {shown}: {leftover}{kept_note(keep, module.raising)}", evidence[0].evidence,
                       keep)

    def _doubt(self, call: ast.Call, evidence: list[Why]) -> Why | None:
        """Why weak evidence (a debug comment, a data function's only print) is not enough here."""
        if any(why.evidence not in WEAK_EVIDENCE for why in evidence):
            return None
        if _user_facing(call):
            return Why("its message is prose for a reader, a sign of output on purpose", "message is prose")
        if any(why.evidence == DATA_ONLY for why in evidence) and self._is_script:
            return Why("the module is a script (it has an `if __name__ == \"__main__\":` block), whose caller may "
                       "discard the returned value and keep only what is printed", "in a script")
        return None

    @cached_property
    def _is_script(self) -> bool:
        return any(isinstance(stmt, ast.If) and self.module.in_main_block(stmt.body[0]) for stmt in self.module.tree.body)

    # -- evidence of a leftover ---------------------------------------------------------------------------
    def _evidence(self, call: ast.Call) -> list[Why]:
        found = []
        message = _message(call)
        marker = MARKER.match(message)
        if marker:
            text = marker.group("marker").replace(" ", "")
            found.append(Why(f'its message starts with "{text}"', f'message starts with "{text}"'))
        for pattern in self.messages:
            if pattern.search(message):
                found.append(Why(f"its message matches `{pattern.pattern}`", f"message matches `{pattern.pattern}`"))
        if call.args and all(_literal(a) for a in call.args) and TRACE.match(" ".join(map(_literal, call.args))):
            found.append(Why(f"it prints a trace marker message (`{self.module.short(call.args[0], 30)}`)",
                             "trace marker message"))
        user_facing = _user_facing(call)
        found += self._internals(call, user_facing)
        stmt = self.module.statement_of(call)
        comment = self._debug_comment(stmt) if stmt is not None else ""
        if comment:
            found.append(Why(f"it is marked by a debug comment (`{comment}`)", DEBUG_COMMENT))
        if not found and not user_facing:
            data = self._data_function(call)
            if data:
                found.append(Why(f"it is a data function's only print (`{data}` returns data and prints nothing else)",
                                 DATA_ONLY))
        return found

    def _internals(self, call: ast.Call, user_facing: bool) -> list[Why]:
        """`locals()`, `vars(x)`, `globals()`, `x.__dict__` anywhere in the arguments; `type(x)`, `id(x)`,
        `dir(x)` and private attributes (`self._index`) printed as they are (an argument, `repr(…)` of
        one, an f-string placeholder), unless the print is a message for the user."""
        names = self.module.names
        # only what is printed: `file=`/`stream=` say where it goes, `sep`/`end`/`flush` how
        arguments = [*call.args, *(k.value for k in call.keywords if k.arg not in NOT_PRINTED)]
        for arg in arguments:
            for node in ast.walk(arg):
                if isinstance(node, ast.Call) and names.qualified(node.func) in STRONG_INTERNALS or \
                        isinstance(node, ast.Attribute) and node.attr == "__dict__":
                    shown = self.module.short(node, 40)
                    return [Why(f"it prints `{shown}`", f"prints `{shown}`")]
        if user_facing:
            return []
        for node in (n for arg in arguments for n in _shown_as_is(arg, names)):
            if isinstance(node, ast.Call) and names.qualified(node.func) in WEAK_INTERNALS:
                shown = self.module.short(node, 40)
                return [Why(f"it prints `{shown}`", f"prints `{shown}`")]
            if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
                shown = self.module.short(node, 40)
                return [Why(f"it prints internals `{shown}`", f"prints internals `{shown}`")]
        for node in (n for arg in arguments for n in ast.walk(arg) if isinstance(n, ast.JoinedStr)):
            text = _self_documenting(node, self.module.spans.text(node))
            if text:
                return [Why(f"it uses a self-documenting f-string `{{{text}}}`", f"self-documenting f-string `{{{text}}}`")]
        return []

    def _debug_comment(self, stmt: ast.stmt) -> str:
        for comment in (self.module.trailing_comment(stmt), self.module.comment_above(stmt)):
            if comment and DEBUG_MARK.search(comment) and not comment.lstrip("# ").lower().startswith("noqa"):
                return comment if len(comment) <= 40 else comment[:39] + "…"
        return ""

    def _data_function(self, call: ast.Call) -> str:
        """The name of the function this print is the only print of, when that function returns data and
        the print shows values rather than a message for the user ('' otherwise)."""
        function = next(self.module.functions(call), None)
        if function is None or self._stream(call) is not None or self._in_handler(call, function):
            return ""
        values = [a for a in call.args if not _literal(a)]
        if not values or USER_FACING.match(_message(call)):
            return ""
        prints, returns = self._function_facts(function)
        if prints != [id(call)] or not returns or not self._shows_computed(call, function):
            return ""
        return function.name

    def _shows_computed(self, call: ast.Call, function) -> bool:
        """The print shows something the function computed (a call, a local), not only echoes its
        parameters (`print('bar(', a, ')')` in a demo of tracing)."""
        params = {a.arg for a in [*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs,
                                  function.args.vararg, function.args.kwarg] if a is not None}
        for arg in call.args:
            for node in ast.walk(arg):
                if isinstance(node, ast.Call) or isinstance(node, ast.Name) and node.id not in params:
                    return True
        return False

    def _in_handler(self, call: ast.Call, function) -> bool:
        """In an `except` handler a print reports the failure (`print(exc)`), on purpose."""
        for ancestor in self.module.names.ancestors(call):
            if ancestor is function:
                return False
            if isinstance(ancestor, ast.ExceptHandler):
                return True
        return False

    def _function_facts(self, function) -> tuple[list[int], bool]:
        """The prints of a function's own body, and whether it returns data (once per function)."""
        if id(function) not in self._facts:
            own = list(own_nodes(function))
            prints = [id(n) for n in own if id(n) in self.call_ids]
            returns = any(isinstance(n, ast.Return) and n.value is not None and
                          not (isinstance(n.value, ast.Constant) and n.value.value is None) for n in own)
            self._facts[id(function)] = (prints, returns)
        return self._facts[id(function)]

    # -- evidence of output on purpose ----------------------------------------------------------------------
    def _purpose(self, call: ast.Call, stmt: ast.stmt) -> Why | None:
        module = self.module
        mark = module.noqa(stmt, "T201") or module.noqa(stmt, "T203")
        if mark:
            return Why(f"it is marked `{mark}`", "marked `# noqa`")
        comment = module.intended(stmt)
        if comment:
            return Why(f"a comment says it is there on purpose (`{comment}`)", "a comment says it is intended")
        stream = self._stream(call)
        if stream is not None:
            shown = module.short(stream, 30)
            return Why(f"it writes to `{shown}`", f"writes to `{shown}` on purpose")
        end = keyword(call, "end")
        if end is not None and not (isinstance(end, ast.Constant) and end.value == "\n"):
            return Why(f"it sets `end={module.short(end, 20)}` (a prompt or progress line)", "formats its own output")
        if module.in_main_block(call):
            return Why("it is in the `__main__` block", "in the `__main__` block")
        if module.statement_of(call) is not None:
            report = self._block_output(module.siblings(stmt))
            if report is not None:
                return report
        capture = self._captured(call)
        if capture:
            return Why(f"its output is captured by `{capture}`", "output is captured")
        for function in module.functions(call):
            why = self._function_purpose(function) or self._doctested(call, function)
            if why is not None:
                return why
        for guard in module.guards(call):
            if dunder_debug(guard.test):
                return Why(*DUNDER_DEBUG)
            switch = switch_in(guard.test, module, SWITCH)
            if switch:
                return Why(f"it is guarded by `{switch}`, an output switch", "guarded by an output switch")
        if next(module.functions(call), None) is None and self.module_job.get("script"):
            return self.module_job["script"]
        return self.module_job.get("module")

    def _asserted(self, tested: dict[str, str]) -> dict[str, tuple[Why, list[str] | None]]:
        """The functions whose printed output something asserts: a test reading capsys/capfd (found in
        the repo), a doctest with expected output in the module's, a class's or a function's
        docstring, and every function they call (a wrapper's helper prints what the test reads).
        Each with the doctest's expected output (None for a test: what it reads is not known here).
        Only this module's functions are asked about (a print's enclosing functions): the repo's
        other tested names are left out, and without a root here there is no call graph to follow."""
        doctests = _doctest_calls(self.module.tree)
        roots = {**{name: "" for name in doctests}, **tested}
        here = {function.name for function in of_type(self.module.tree, FUNCTIONS)}
        if not here.intersection(roots):
            return {}
        graph = _local_call_graph(self.module.tree)
        found = {}
        for name, via in reached(roots, graph).items():
            if name not in here:
                continue
            origin = via or name
            by_doctest = origin in doctests and origin not in tested
            how = f"a doctest ({doctests[origin][0]})" if by_doctest else "a test (capsys/capfd/redirect_stdout)"
            through = f", which calls `{name}`" if via else ""
            what = "a doctest" if by_doctest else "a test"
            why = Why(f"{how} reads the output of `{origin}`{through}", f"output asserted by {what}")
            found[name] = (why, doctests[origin][1] if by_doctest else None)
        return found

    def _doctested(self, call: ast.Call, function) -> Why | None:
        """The doctest that reads this print's output, when its expected output could hold it: a
        doctest whose expected lines lack the print's own text (`DEBUG conv`, `item=`) would fail with
        the print there, so it asserts the function's result, not this output."""
        why, wants = self.asserted.get(function.name, (None, None))
        if why is None or wants is None:
            return why
        texts = [" ".join(t.split()) for a in call.args for t in _literal_chunks(a) if t.strip()]
        flat = [" ".join(want.split()) for want in wants]
        # an ellipsis (`...`) in the expected output may stand for the printed lines
        if not texts or any("..." in want or t in want for t in texts for want in flat):
            return why
        return None

    def _held(self, call: ast.Call, stmt: ast.stmt, evidence: list[Why]) -> Why | None:
        """Output unless an explicit label (`DEBUG`, `messages`) says otherwise: a print in a test, or
        on an error path."""
        if any(why.evidence.startswith(("message starts with", "message matches")) for why in evidence):
            return None
        return self._in_test(call) or (self._error_path(stmt) if self.module.statement_of(call) else None)

    def _in_test(self, call: ast.Call) -> Why | None:
        """A print in a test function (or a test file): printing calls `__str__`/`__repr__`, which may
        be what the test exercises."""
        function = next(self.module.functions(call), None)
        if function is not None and function.name.startswith("test"):
            return Why(f"it is in the test `{function.name}` (a test's print may be what exercises `__str__`; "
                       "only a label like DEBUG marks it as a leftover)", "in a test")
        if is_test_path(str(self.path)):
            return Why("it is in a test file (a test's print may be what exercises `__str__`; only a label like "
                       "DEBUG marks it as a leftover)", "in a test")
        return None

    def _error_path(self, stmt: ast.stmt) -> Why | None:
        """A print just before a `raise`, a `sys.exit(…)` or a `return` of an error code: the user's only
        view of the failure (the subprocess's stderr before `raise OSError(…)`)."""
        siblings = self.module.siblings(stmt)
        after = siblings[next(i for i, s in enumerate(siblings) if s is stmt) + 1:]
        for following in after:
            if isinstance(following, ast.Raise):
                return Why(f"it is on an error path: `{self.module.short(following, 40)}` follows (line "
                           f"{following.lineno}), and the print is what the user sees of the failure",
                           "output on an error path")
            if isinstance(following, ast.Return) and _error_value(following.value, self.module.names.parent(stmt)) or \
                    isinstance(following, ast.Expr) and isinstance(following.value, ast.Call) and \
                    self.module.names.qualified(following.value.func) in EXITS:
                return Why(f"it is on an error path: `{self.module.short(following, 40)}` follows (line "
                           f"{following.lineno}), and the print is what the user sees of the failure",
                           "output on an error path")
            if not isinstance(following, ast.Expr):  # other work in between: not the failure's message
                return None
        return None

    def _function_purpose(self, function) -> Why | None:
        if id(function) not in self._purposes:
            self._purposes[id(function)] = self._judge_function(function)
        return self._purposes[id(function)]

    def _judge_function(self, function) -> Why | None:
        name = function.name
        if name in DUNDERS:
            return Why(f"it is in `{name}`, which renders the object", "a `__repr__`/`__str__` helper")
        entry = self.module.entry_point(function, self.entries) or self.wrapped.get(name, "") * (
            isinstance(self.module.names.parent(function), ast.Module))
        if entry:
            return Why(f"it is in `{name}`, a CLI entry point ({entry})", f"in CLI entry point `{name}`")
        why, wants = self.asserted.get(name, (None, None))
        if why is not None and wants is None:  # a doctest's is judged per print (_doctested)
            return why
        parts = name_parts(name)
        if name in DEMO_FUNCTIONS:
            return Why(f"it is in `{name}`, the module's self-test or demo", "printing is the function's job")
        if parts and (parts[0] in PRINTING_FIRST or parts[-1] in PRINTING_LAST):
            return Why(f"printing is the job of `{name}` (its name says so)", "printing is the function's job")
        statements = [s for s in function.body if not _docstring(s)]
        if len(statements) == 1 and isinstance(statements[0], ast.Expr) and id(statements[0].value) in self.call_ids:
            return Why(f"printing is the job of `{name}` (its only statement prints)", "printing is the function's job")
        printing = [s for s in statements if isinstance(s, ast.Expr) and id(s.value) in self.plain]
        if len(printing) >= 2 and 2 * len(printing) >= len(statements):
            return Why(f"printing is the job of `{name}` ({len(printing)} of its {len(statements)} statements print)",
                       "printing is the function's job")
        return None

    def _block_output(self, block: list[ast.stmt]) -> Why | None:
        """A block that also dumps diagnostics explicitly (`traceback.print_exc(file=sys.stdout)`,
        `sys.stderr.write(…)`) is a report: its prints are part of it."""
        if id(block) not in self._blocks:
            self._blocks[id(block)] = None
            for stmt in block:
                call = stmt.value if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) else None
                if call is None:
                    continue
                if self.module.names.qualified(call.func) in REPORTERS:
                    shown = self.module.short(call, 50)
                    self._blocks[id(block)] = Why(f"it is part of the output of its block, which also runs `{shown}`",
                                                  "part of a block's output")
                    break
        return self._blocks[id(block)]

    def _stream(self, call: ast.Call) -> ast.expr | None:
        """The stream a print writes to (None for stdout)."""
        node = argument(call, *PRINTERS[self.kinds[id(call)]])
        return None if node is None or (isinstance(node, ast.Constant) and node.value is None) else node

    def _captured(self, call: ast.Call) -> str:
        for ancestor in self.module.names.ancestors(call):
            if isinstance(ancestor, (ast.With, ast.AsyncWith)):
                for item in ancestor.items:
                    expr = item.context_expr
                    if isinstance(expr, ast.Call) and self.module.names.qualified(expr.func) in CAPTURE:
                        return self.module.short(expr, 40)
        return ""

    def _wrapped(self) -> dict[str, str]:
        """Functions a CLI wrapper runs as the program: `typer.run(f)`, `fire.Fire(f)`."""
        found = {}
        for node in of_type(self.module.tree, ast.Call):
            if node.args and isinstance(node.args[0], ast.Name):
                wrapper = self.module.names.qualified(node.func)
                if wrapper in CLI_WRAPPERS:
                    found[node.args[0].id] = f"run by `{wrapper}`"
        return found

    # -- the module -----------------------------------------------------------------------------------------
    def _module_job(self, judged: list[tuple[ast.Call, list[Why]]]) -> dict[str, Why]:
        """Whether the module's job is output: its name or folder, most of its functions printing plainly,
        or (for top-level prints) its being a script."""
        job: dict[str, Why] = {}
        stem, folders = self.path.stem, set(self.path.parts[:-1])
        if stem in OUTPUT_MODULES:
            job["module"] = Why(f"the module `{self.path.name}` is an output module (its name says so)",
                                "the module's job is output")
        elif folders & OUTPUT_FOLDERS:
            folder = sorted(folders & OUTPUT_FOLDERS)[0]
            job["module"] = Why(f"the module is in `{folder}/`, a folder of scripts", "the module's job is output")
        else:
            functions = of_type(self.module.tree, FUNCTIONS)
            plain = {id(f) for call, why in judged if not why for f in [next(self.module.functions(call), None)] if f}
            if len(functions) >= 2 and 2 * len(plain) > len(functions):
                job["module"] = Why(f"most of the module's functions print ({len(plain)} of {len(functions)}): "
                                    "its job is output", "the module's job is output")
        if self._runs_at_top_level():
            job["script"] = Why("it is a script's top-level output (the module runs code when loaded)",
                                "a script's output")
        return job

    def _runs_at_top_level(self) -> bool:
        for stmt in self.module.tree.body:
            if isinstance(stmt, (ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith)):
                return True
            if isinstance(stmt, ast.Expr) and isinstance(stmt.value, (ast.Call, ast.Await)) and \
                    id(stmt.value) not in self.call_ids:
                return True
        return False


def _literal(node: ast.AST) -> str:
    """The text of a string literal or of an f-string without placeholders ('' otherwise)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr) and all(isinstance(v, ast.Constant) for v in node.values):
        return "".join(v.value for v in node.values)
    return ""


def _message(call: ast.Call) -> str:
    """The literal start of the first argument: a string, an f-string's first part, `"…" % x`."""
    if not call.args:
        return ""
    first = call.args[0]
    while isinstance(first, ast.BinOp) and isinstance(first.op, (ast.Mod, ast.Add)):
        first = first.left
    if isinstance(first, ast.Call) and isinstance(first.func, ast.Attribute) and first.func.attr == "format":
        first = first.func.value
    if isinstance(first, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in first.values)
    return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else ""


def _user_facing(call: ast.Call) -> bool:
    """A message for the user: it starts with warning/error/usage/done/…, or its literal text is prose
    (two words or more: "Job failed:", "rows exported to"), not a label (`"rows"`, `"parse_row:"`)."""
    message = _message(call)
    if USER_FACING.match(message):
        return True
    text = " ".join([message, *(_literal_parts(a) for a in call.args[1:])])
    return bool(re.search(r"[A-Za-z']{2,}\s+[A-Za-z']{2,}", text))


def _literal_parts(node: ast.AST) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return " ".join(v.value for v in node.values if isinstance(v, ast.Constant))
    return ""


def _shown_as_is(arg: ast.AST, names) -> list[ast.AST]:
    """The values a print argument shows as they are: itself, what `repr`/`str` wraps, f-string
    placeholders (not parts of larger expressions: `type(exc).__name__` names a class)."""
    if isinstance(arg, ast.JoinedStr):
        return [n for v in arg.values if isinstance(v, ast.FormattedValue) for n in _shown_as_is(v.value, names)]
    if isinstance(arg, ast.Call) and names.qualified(arg.func) in ("builtins.repr", "builtins.str") and arg.args:
        return [arg, *_shown_as_is(arg.args[0], names)]
    return [arg]


def _self_documenting(node: ast.JoinedStr, source: str) -> str:
    """`rows=` of `f"{rows=}"` (the text before the `=` as written), or ''. The ast of `f"{rows=}"` is
    that of `f"rows={rows!r}"`: only the source tells them apart (`(count={count})` is not one)."""
    for text, value in zip(node.values, node.values[1:]):
        if not (isinstance(text, ast.Constant) and isinstance(text.value, str) and isinstance(value, ast.FormattedValue)):
            continue
        target = re.sub(r"\s", "", ast.unparse(value.value)) + "="
        literal = text.value
        for start in range(len(literal) - 1, -1, -1):
            if re.sub(r"\s", "", literal[start:]) == target and not literal[start].isspace() and \
                    re.search(r"\{" + re.escape(literal[start:]) + r"[!:}]", source):
                return literal[start:]
    return ""


def _doctest_calls(tree: ast.Module) -> dict[str, tuple[str, list[str]]]:
    """Names called by doctest examples with expected output, in the module's, its classes' and its
    functions' docstrings -> (where the first such doctest is: "the module docstring", "`Report`'s
    docstring"; the expected output of every example that calls it). Examples marked `+SKIP` are
    never run, so they assert nothing."""
    found: dict[str, tuple[str, list[str]]] = {}
    owners = [tree, *of_type(tree, (ast.ClassDef, *FUNCTIONS))]
    for owner in owners:
        docstring = ast.get_docstring(owner, clean=True)
        if not docstring or ">>>" not in docstring:
            continue
        import doctest  # only for a docstring with an example: it imports pdb, unittest and argparse

        try:
            examples = doctest.DocTestParser().get_examples(docstring)
        except ValueError:
            continue
        where = "the module docstring" if owner is tree else f"`{owner.name}`'s docstring"
        for example in examples:
            if example.want.strip() and not example.options.get(doctest.SKIP):
                for name in CALLED.findall(example.source):
                    found.setdefault(name, (where, []))[1].append(example.want)
    return found


def _local_call_graph(tree: ast.Module) -> dict[str, set[str]]:
    """Each function of the module -> the names it calls that may be the module's functions: `name(…)`
    may run a function that is not a method, `x.name(…)` only a method (`text.replace(…)` runs
    `str.replace`, never a nested `def replace`)."""
    functions = of_type(tree, FUNCTIONS)
    classes = of_type(tree, ast.ClassDef)
    method_ids = {id(f) for c in classes for f in c.body if isinstance(f, FUNCTIONS)}
    methods = {f.name for f in functions if id(f) in method_ids}
    plain = {f.name for f in functions if id(f) not in method_ids}

    def may_run(func: ast.expr) -> bool:
        if isinstance(func, ast.Name):
            return func.id in plain
        if isinstance(func, ast.Attribute):
            return func.attr in methods
        return True

    return {f.name: {last_name(n.func) for n in own_nodes(f) if isinstance(n, ast.Call) and may_run(n.func)}
            for f in functions}


def _literal_chunks(node: ast.AST) -> list[str]:
    """The literal text a print argument shows whatever its values: a string, an f-string's fixed
    parts, the format string of `"…" % x` or `"…".format(x)` split at its placeholders."""
    while isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)):
        node = node.left
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        node = node.func.value
    if isinstance(node, ast.JoinedStr):
        return [v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return re.split(r"%[-#0 +\d.]*[a-zA-Z%]|\{[^{}]*\}", node.value)
    return []


EXITS = {"sys.exit", "builtins.exit", "builtins.quit", "os._exit"}


def _error_value(node: ast.AST | None, block_owner: ast.AST | None) -> bool:
    """A returned error: an exception (`return ValueError(…)`), or, in a branch (an `if`, an `except`),
    a non-zero int (`return 1`, `return -1`) or False."""
    if isinstance(node, ast.Call) and last_name(node.func).endswith(("Error", "Exception")):
        return True
    if not isinstance(block_owner, (ast.If, ast.ExceptHandler)):
        return False
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        node = node.operand
    return isinstance(node, ast.Constant) and (node.value is False or type(node.value) is int and node.value != 0)


def _docstring(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)


def _targets_here(path: str, targets) -> set[str]:
    """The functions of this file that are console-script targets (`pkg.cli:main`)."""
    found = set()
    for target in targets:
        module, _, function = target.partition(":")
        stem = module.replace(".", "/")
        if any(path == end or path.endswith("/" + end) for end in (f"{stem}.py", f"{stem}/__init__.py")):
            found.add(function.split(".")[0])
    return found

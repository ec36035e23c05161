from __future__ import annotations

from fixer.core.edits import Edit
from fixer.core.rule import ConfigError, Example, Outcome, Param, Rule, Source

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class SetLogLevel(Rule):
    """Change a configured logging level, e.g. INFO to WARNING for production.

    What it does:
        Rewrites the level given to `logging.basicConfig(level=…)`, to `<logger>.setLevel(…)` and to
        the `"level"` keys of a `logging.config.dictConfig({…})` dict (also a dict constant passed
        to it) when it equals `from`, keeping the style it is written in: `logging.INFO` (or `lg.INFO`
        after `import logging as lg`) becomes `logging.WARNING`, `"INFO"` becomes `"WARNING"` (same
        quotes), `logging.getLevelName("INFO")` keeps its call, a number (20) becomes the other level's
        number (30), and a bare `INFO` imported from logging becomes `WARNING` (imported in its place
        when it is not, and `INFO` leaves the import when nothing else uses it). A level held in a
        constant (`LEVEL = logging.INFO` … `basicConfig(level=LEVEL)`) is rewritten where it is
        defined, when nothing but level settings uses it. The default of a lookup changes while the
        variable or setting can still override it: `os.getenv("LOG_LEVEL", "INFO")`,
        `os.getenv("LOG_LEVEL") or "INFO"`, `os.environ.get("LOG_LEVEL", "info").upper()` (its case
        kept), `cfg.get("level", logging.INFO)`, `int(os.getenv("LVL", "20"))`, also inside
        `getattr(logging, …)`. In a dictConfig only the levels of `root`, `loggers.*` and `handlers.*`
        are levels.

        Levels under switches (policy): a level is a leftover only when it is the service's standing
        configuration, never when it is what a switch the user turns on does. Reported, never edited:
        a level set under an `if` on a flag, an option or an environment variable (`if args.verbose:`,
        `if options.debug:`, `if os.environ.get("APP_DEBUG"):`, also its `else`); a level set in a
        function that every call in the repository makes under such a switch (`if args.debug:
        enable_logging()`); either arm of a conditional expression (`DEBUG if args.verbose else
        INFO`); a logger's own level when handlers are added to it in the same module (their levels
        decide what is shown, and the logger's lets records through to a `--debug-file` handler); and a
        level that is a parameter's default (`def __init__(self, level=logging.INFO)`): its callers
        choose it, a user-facing default.

        Also reported ("needs review"), not changed: a level constant also used by something else
        (`logger.log(LEVEL, …)`, `isEnabledFor(LEVEL)`); a dictConfig `"level"` under `filters`/`formatters` or
        beside a `"()"` factory; any level in a test file (`tests/**`, `test_*.py`, `*_test.py`,
        `conftest.py`); and, once per call, a level the rule cannot follow ("cannot tell the level"):
        `setLevel(args.log_level)`, `max(logging.INFO, cfg["min"])`, `cfg["level"]`, a lookup without
        a default, a dictConfig that is not a dict literal, `logging.config.fileConfig("logging.ini")`.

    Why:
        Workers that log every request at INFO flood production logs; the release checklist lowers
        the noise without touching the log calls themselves.

    Example:
        logging.basicConfig(level=logging.INFO, format="%(message)s")
        # becomes
        logging.basicConfig(level=logging.WARNING, format="%(message)s")

    Fix safety:
        Safe: only the level expression is edited, only where it equals `from` and sets a level (never a
        log call's level, a switch's opt-in level or a test's), and names resolve through the module's
        imports; what it cannot follow is reported, not skipped. `setLevel` is changed only on a receiver known to be a logger or
        handler (`logging.getLogger(…)`, `logging.root`, a `logging.*Handler(…)`, `.getChild(…)`, a
        name or `self.` attribute bound only to those, `for h in logger.handlers`); on anything else
        (a progress bar, a widget) it is reported, not changed, and on an instance of a class the module
        defines that is not a `logging` class (`v = Volume(); v.setLevel(20)`, `self.setLevel(…)` in
        `Volume`) it is nothing to report. Never on by default: it runs only when configured.
    """

    id = "set-log-level"
    language = "python"
    default_enabled = False
    default_paths = ("**/*.py",)
    anchors = ("basicConfig", "setLevel", "dictConfig", "fileConfig")  # literals: the fastest search; ast confirms the call
    # Files that may call a function under a switch (`if args.debug: enable_logging()`); read only when a
    # level is set in a function, and only the files naming that function.
    context_anchor = r"(?i)verbos|debug|quiet|loud|trace|args\.|options\.|opts\.|environ|getenv"
    lazy_context = True
    # `fixer check` hints when the rule is off and a standing DEBUG level is set (the default `from`
    # is INFO, so the default rule would not touch it).
    wider_options = {"from": "DEBUG", "to": "INFO"}
    wider_what = "a standing DEBUG level"
    params = {
        "from": Param(str, "INFO", "The level to replace.", choices=LEVELS),
        "to": Param(str, "WARNING", "The level to set.", choices=LEVELS),
    }
    examples = (
        Example(
            before='import logging\nlogging.basicConfig(level=logging.INFO, format="%(message)s")\n',
            after='import logging\nlogging.basicConfig(level=logging.WARNING, format="%(message)s")\n',
        ),
        Example(
            before="import logging\nlog = logging.getLogger(__name__)\nlog.setLevel('INFO')\n",
            after="import logging\nlog = logging.getLogger(__name__)\nlog.setLevel('WARNING')\n",
        ),
        Example(
            before='import logging as lg\n\nLEVEL = lg.INFO\nlg.basicConfig(level=lg.getLevelName(LEVEL))\n',
            after='import logging as lg\n\nLEVEL = lg.WARNING\nlg.basicConfig(level=lg.getLevelName(LEVEL))\n',
        ),
        Example(
            before="import logging\nlogging.basicConfig(level=logging.ERROR)\n",
            after=None,
        ),
        Example(
            before="def show(progress):\n    progress.setLevel(20)\n",
            after=None,
        ),
        Example(
            before="import logging, os\n"
            'logging.basicConfig(level=getattr(logging, os.getenv("LOG_LEVEL", "info").upper()))\n',
            after="import logging, os\n"
            'logging.basicConfig(level=getattr(logging, os.getenv("LOG_LEVEL", "warning").upper()))\n',
        ),
        Example(
            before="from logging import DEBUG, getLogger\ngetLogger().handlers[0].setLevel(DEBUG)\n",
            after="from logging import ERROR, getLogger\ngetLogger().handlers[0].setLevel(ERROR)\n",
            params={"from": "DEBUG", "to": "ERROR"},
        ),
    )

    @classmethod
    def check_options(cls, values, where):
        if values["from"] == values["to"]:
            raise ConfigError(f"{where}'rules.{cls.id}.from' and 'to' are both {values['to']}")

    def check(self, source: Source) -> Outcome:
        from fixer.lang.python import nodes as py_ast
        from fixer.core.languages import is_test_path
        from fixer.rules.set_log_level.levels import CANNOT_TELL, Levels

        tree, spans = py_ast.for_source(source)
        levels = Levels(tree, spans, self.options["from"], self.options["to"], self._callers(source, tree))
        outcome = Outcome()
        in_tests = is_test_path(source.path)
        for site in levels.sites():
            start = spans.start(site.call)
            if site.aside:
                outcome.findings.append(self.finding(source, start, site.aside, False, evidence="not a level setting"))
            if site.problem:
                evidence = "cannot tell the level" if site.problem.startswith(CANNOT_TELL) else "not rewritten"
                outcome.findings.append(self.finding(source, start, site.problem, False, evidence=evidence))
            elif site.changes and in_tests:
                message = f"sets {self.options['from']} in a test file (tests set levels to check logging); not changed"
                outcome.findings.append(self.finding(source, start, message, False, evidence="a test file"))
            elif site.changes:
                outcome.edits += [Edit(c.start, c.end, c.text, self.id) for c in site.changes]
                message = f"log level {self.options['from']} -> {self.options['to']}"
                outcome.findings.append(self.finding(source, start, message, True))
        if not in_tests:
            outcome.edits += self._import_edits(levels, spans)
        return outcome

    def gather(self, path: str, text: str):
        """(path, called name -> the switch each call is under) of one module of the repo."""
        import ast

        from fixer.rules.set_log_level.switches import calls

        try:
            return path, calls(ast.parse(text), text)
        except (SyntaxError, ValueError):
            return path, {}

    def _callers(self, source: Source, tree):
        """name -> (the switch, the calling function) of each call of a function so named, this module's
        and the repo's."""
        from fixer.rules.set_log_level.switches import calls

        gathered, own_calls = source.context.get(self.id), []

        def callers(name: str) -> list[tuple[str, str]]:
            if not own_calls:
                own_calls.append(calls(tree, source.text))
            own = own_calls[0].get(name, [])
            facts = gathered.where(name) if hasattr(gathered, "where") else gathered or []
            return own + [g for path, found in facts if path != source.path for g in found.get(name, [])]

        return callers

    def _import_edits(self, levels, spans) -> list[Edit]:
        from fixer.lang.python.imports import without_names

        edits = []
        lines = spans.lines
        for stmt, drop, add in levels.import_changes():
            start, end = lines.line_start(stmt.lineno), lines.line_end(stmt.end_lineno)
            new = without_names(lines.text[start:end], drop, add)
            if new is not None:
                edits.append(Edit(start, end, new, self.id, "import"))
        return edits

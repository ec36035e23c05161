from __future__ import annotations

import libcst as cst
from libcst.metadata import PositionProvider

from fixer.edits import Edit
from fixer.lang import python
from fixer.rule import ConfigError, Example, Outcome, Param, Rule, Source

ENV_LOOKUPS = {"os.environ.get", "os.getenv", "environ.get", "getenv"}
LEVELS = {"DEBUG": 10, "INFO": 20, "WARNING": 30, "ERROR": 40, "CRITICAL": 50}


class SetLogLevel(Rule):
    """Change a configured logging level, e.g. INFO to WARNING for production.

    What it does:
        Rewrites the level in `logging.basicConfig(level=…)` and `<logger>.setLevel(…)` calls when it
        equals `from`, keeping the style it is written in: `logging.INFO` becomes `logging.WARNING`,
        `"INFO"` becomes `"WARNING"` (same quotes), `logging.getLevelName("INFO")` keeps its call, a
        bare `INFO` imported from logging becomes `WARNING` when that name is imported too, a
        number (20) becomes the other level's number (30), and the default of an environment lookup
        (`os.environ.get("LOG_LEVEL", "INFO")`, also inside `getattr(logging, …)`) changes while the
        variable can still override it.

    Why:
        Workers that log every request at INFO flood production logs; the release checklist lowers
        the noise without touching the log calls themselves.

    Example:
        logging.basicConfig(level=logging.INFO, format="%(message)s")
        # becomes
        logging.basicConfig(level=logging.WARNING, format="%(message)s")

    Fix safety:
        Safe: only the level expression is edited, only where it equals `from`. A bare level name
        whose replacement is not imported is reported instead of producing a NameError. Never on by
        default: it runs only when configured.
    """

    id = "set-log-level"
    language = "python"
    default_enabled = False
    default_paths = ("**/*.py",)
    anchors = (r"\bbasicConfig\b", r"\bsetLevel\b")
    params = {
        "from": Param(str, "INFO", "The level to replace.", choices=tuple(LEVELS)),
        "to": Param(str, "WARNING", "The level to set.", choices=tuple(LEVELS)),
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
            before='import logging\nlogging.basicConfig(level=logging.getLevelName("INFO"))\n',
            after='import logging\nlogging.basicConfig(level=logging.getLevelName("WARNING"))\n',
        ),
        Example(
            before="import logging\nlogging.basicConfig(level=logging.ERROR)\n",
            after=None,
        ),
        Example(
            before='import logging, os\nlogging.basicConfig(level=getattr(logging, os.getenv("LOG_LEVEL", "INFO").upper()))\n',
            after='import logging, os\nlogging.basicConfig(level=getattr(logging, os.getenv("LOG_LEVEL", "WARNING").upper()))\n',
        ),
        Example(
            before="import logging\nhandler.setLevel(logging.DEBUG)\n",
            after="import logging\nhandler.setLevel(logging.ERROR)\n",
            params={"from": "DEBUG", "to": "ERROR"},
        ),
    )

    @classmethod
    def check_options(cls, values, where):
        if values["from"] == values["to"]:
            raise ConfigError(f"{where}'rules.{cls.id}.from' and 'to' are both {values['to']}")

    def check(self, source: Source) -> Outcome:
        wrapper = source.cached("python.wrapper", python.wrapper)
        positions = wrapper.resolve(PositionProvider)
        imported = _names_from_logging(wrapper.module)
        outcome = Outcome()
        for call, level in _level_arguments(wrapper.module):
            edit, problem = self._rewrite(level, imported, positions, source)
            if edit is None and problem is None:
                continue
            where = positions[call].start
            offset = source.lines.offset(where.line, where.column)
            if edit is not None:
                outcome.edits.append(edit)
                message = f"log level {self.options['from']} -> {self.options['to']}"
                outcome.findings.append(self.finding(source, offset, message, True))
            else:
                outcome.findings.append(self.finding(source, offset, problem, False))
        return outcome

    def _rewrite(self, level: cst.BaseExpression, imported: set[str], positions, source: Source):
        old, new = self.options["from"], self.options["to"]

        def replace(node: cst.CSTNode, text: str) -> Edit:
            where = positions[node]
            start = source.lines.offset(where.start.line, where.start.column)
            end = source.lines.offset(where.end.line, where.end.column)
            return Edit(start, end, text, self.id)

        if isinstance(level, cst.Attribute) and level.attr.value == old and dotted(level.value) == "logging":
            return replace(level.attr, new), None
        if isinstance(level, cst.Name) and level.value == old and old in imported:
            if new in imported:
                return replace(level, new), None
            return None, f"level {old} should be {new}, but {new} is not imported from logging"
        if isinstance(level, cst.SimpleString) and level.evaluated_value == old:
            return replace(level, level.prefix + level.quote + new + level.quote), None
        if isinstance(level, cst.Integer) and level.evaluated_value == LEVELS[old]:
            return replace(level, str(LEVELS[new])), None
        if isinstance(level, cst.Call) and dotted(level.func) in ("logging.getLevelName", "getLevelName"):
            if len(level.args) == 1:
                return self._rewrite(level.args[0].value, imported, positions, source)
        if isinstance(level, cst.Call) and dotted(level.func) in ENV_LOOKUPS and len(level.args) == 2:
            # os.environ.get("LOG_LEVEL", "INFO"): the default is the level the code ships with.
            return self._rewrite(level.args[1].value, imported, positions, source)
        if isinstance(level, cst.Call) and dotted(level.func) == "getattr" and len(level.args) >= 2 \
                and dotted(level.args[0].value) == "logging":
            return self._rewrite(level.args[1].value, imported, positions, source)
        if isinstance(level, cst.Call) and isinstance(level.func, cst.Attribute) and level.func.attr.value == "upper":
            return self._rewrite(level.func.value, imported, positions, source)  # os.getenv(...).upper()
        return None, None


def _level_arguments(module: cst.Module):
    """(call, level expression) for basicConfig(level=…) and .setLevel(…) calls."""
    found = []

    class Visitor(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> None:
            name = dotted(node.func) or ""
            if name.split(".")[-1] == "basicConfig":
                found.extend((node, a.value) for a in node.args if a.keyword and a.keyword.value == "level")
            elif isinstance(node.func, cst.Attribute) and node.func.attr.value == "setLevel" and node.args:
                found.append((node, node.args[0].value))

    module.visit(Visitor())
    return found


def _names_from_logging(module: cst.Module) -> set[str]:
    names: set[str] = set()

    class Visitor(cst.CSTVisitor):
        def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
            if node.module is not None and dotted(node.module) == "logging" and not isinstance(node.names, cst.ImportStar):
                names.update(a.asname.name.value if a.asname else a.name.value for a in node.names)

    module.visit(Visitor())
    return names


def dotted(node):
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr.value}" if base else None
    return None

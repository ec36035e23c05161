"""The rule model: what every rule under rules/ declares, and how its parameters are checked.

A rule is a class with an ``id``, a ``language``, cheap ``anchors`` (regexes: a file is parsed only if
one matches), documented ``params``, default ``paths``, and before/after ``examples`` that the test
suite runs. ``check`` maps one source text to edits and findings; it never does I/O.
"""
from __future__ import annotations

import importlib
import inspect
import pkgutil
import textwrap
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, ClassVar

from fixer.core.anchors import Anchors
from fixer.core.edits import Edit, LineIndex
from fixer.core.languages import LANGUAGE_EXTENSIONS
from fixer.core.model import Finding


class ConfigError(Exception):
    """A configuration problem: the message names the key and, where known, the file."""


def _check_regexes(patterns: list[str], label: str) -> None:
    from fixer.core.userregex import UnsupportedPattern, compile_linear

    for pattern in patterns:
        try:
            compile_linear(pattern)
        except UnsupportedPattern as exc:
            raise ConfigError(f"{label}: bad regex {pattern!r}: {exc}") from None


@dataclass(frozen=True)
class Param:
    type: type | tuple[type, ...]
    default: Any
    doc: str
    choices: tuple[str, ...] = ()
    item_type: type | None = None  # for lists
    regex: bool = False  # each item must compile as an RE2 regex (fixer.core.userregex)


@dataclass(frozen=True)
class Example:
    before: str
    after: str | None  # None: the rule must leave `before` unchanged
    params: dict[str, Any] = field(default_factory=dict)
    path: str = ""  # defaults to a path the rule's `paths` accept


@dataclass
class Source:
    """One file's text as rules see it, with parse results cached across rules."""

    path: str
    text: str
    context: dict[str, Any] = field(default_factory=dict)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @cached_property
    def lines(self) -> LineIndex:
        return LineIndex(self.text)

    def cached(self, key: str, build):
        if key not in self._cache:
            self._cache[key] = build(self.text)
        return self._cache[key]


@dataclass
class Outcome:
    edits: list[Edit] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


class Rule:
    id: ClassVar[str] = ""
    language: ClassVar[str] = ""
    anchors: ClassVar[tuple[str, ...]] = ()
    default_enabled: ClassVar[bool] = True
    default_paths: ClassVar[tuple[str, ...]] = ()
    params: ClassVar[dict[str, Param]] = {}
    examples: ClassVar[tuple[Example, ...]] = ()
    # Rules that need facts from other files (e.g. behaviour callbacks) set this and `gather`.
    context_anchor: ClassVar[str | None] = None
    # Other files (by name, e.g. "pyproject.toml") whose facts `gather` reads too, whatever their language.
    context_files: ClassVar[tuple[str, ...]] = ()
    # A costly `gather` (e.g. a parse of every test file) runs only when `check` first reads the facts.
    lazy_context: ClassVar[bool] = False
    # Facts of every gathered file that only some runs need (remove-debug-prints' call graph, read
    # only when a test asserts printed output): `gather_later` runs on them, re-read in the listing's
    # order, only when `needs_later(facts)` says the run's gathered facts call for them. The files'
    # texts are not kept in between (a 100,000-file repository).
    later_context: ClassVar[bool] = False
    # Options under which the rule acts on more than it does by default (add-impl: mode = "always"),
    # and what those extra fixes are: `fixer check` runs the rule so once and hints at the count.
    # Only the hint uses them; they never change what the rule decides.
    wider_options: ClassVar[dict[str, Any]] = {}
    wider_what: ClassVar[str] = ""

    def __init__(self, **options: Any):
        self.options = self.validate_options(options)
        self.paths: tuple[str, ...] = tuple(options.get("paths") or self.default_paths)
        self.exclude: tuple[str, ...] = tuple(options.get("exclude") or ())

    # -- parameters -------------------------------------------------------------------------
    COMMON: ClassVar[dict[str, Param]] = {
        "enabled": Param(bool, True, "Run this rule (a rule table enables it unless this is false)."),
        "paths": Param(list, [], "Globs of repo-relative files this rule applies to.", item_type=str),
        "exclude": Param(list, [], "Globs of files this rule skips.", item_type=str),
    }

    @classmethod
    def validate_options(cls, options: dict[str, Any], where: str = "") -> dict[str, Any]:
        known = {**cls.COMMON, **cls.params}
        values = {name: spec.default for name, spec in cls.params.items()}
        for key, value in options.items():
            spec = known.get(key)
            label = f"rules.{cls.id}.{key}"
            if spec is None:
                raise ConfigError(f"{where}unknown key '{label}' (known: {', '.join(sorted(known))})")
            if isinstance(value, bool) and spec.type is not bool:
                raise ConfigError(f"{where}'{label}' must be {_type_name(spec)}, not a boolean")
            if not isinstance(value, spec.type):
                raise ConfigError(f"{where}'{label}' must be {_type_name(spec)}, got {type(value).__name__}")
            if spec.item_type and not all(isinstance(item, spec.item_type) for item in value):
                raise ConfigError(f"{where}'{label}' must be a list of {spec.item_type.__name__}")
            if spec.choices and value not in spec.choices:
                raise ConfigError(f"{where}'{label}' must be one of {', '.join(spec.choices)}, got {value!r}")
            if spec.regex:
                _check_regexes(value, f"{where}'{label}'")
            values[key] = value
        cls.check_options(values, where)
        return values

    @classmethod
    def check_options(cls, values: dict[str, Any], where: str) -> None:
        """Cross-field checks (e.g. a regex that must compile); raise ConfigError."""

    # -- matching ----------------------------------------------------------------------------
    linear_anchors: ClassVar[bool] = False  # anchors built from the config: matched by RE2 (linear time)

    def anchor_patterns(self) -> list[str]:
        return list(self.anchors)

    @cached_property
    def anchor_regex(self) -> Anchors:
        """`.search(text)`: does one of the anchors match (each searched fast, see fixer.core.anchors)."""
        return Anchors(self.anchor_patterns(), self.linear_anchors)

    def applies_to(self, path: str) -> bool:
        known = self.__dict__.setdefault("_applies", {})  # asked for every file several times a run
        if path not in known:
            known[path] = self._applies_to(path)
        return known[path]

    def _applies_to(self, path: str) -> bool:
        from fixer.core.globs import matches_any

        if not path.endswith(LANGUAGE_EXTENSIONS[self.language]):
            return False
        if self.exclude and matches_any(path, self.exclude):
            return False
        return not self.paths or matches_any(path, self.paths)

    def wants(self, path: str, text: str) -> bool:
        return self.applies_to(path) and bool(self.anchor_regex.search(text))

    # -- the work ----------------------------------------------------------------------------
    def gather(self, path: str, text: str) -> Any:
        """Facts this rule needs from other files (only called when `context_anchor` matches)."""
        return None

    def gather_later(self, path: str, text: str) -> Any:
        """A gathered file's facts that only some runs need (see `later_context`)."""
        return None

    def needs_later(self, facts: list) -> bool:
        """Do the run's gathered facts (one item a file, as `gather` made them) call for `gather_later`'s?"""
        return False

    def check(self, source: Source) -> Outcome:
        raise NotImplementedError

    def finding(self, source: Source, offset: int, message: str, fixed: bool, end: int | None = None, *,
                evidence: str = "") -> Finding:
        line = source.lines.line_of(offset)
        column = offset - source.lines.line_start(line) + 1
        end_line = source.lines.line_of(end) if end is not None else None
        return Finding(self.id, source.path, line, message, fixed, column, end_line, evidence)

    # -- documentation -----------------------------------------------------------------------
    @classmethod
    def summary(cls) -> str:
        doc = inspect.getdoc(cls) or ""
        return doc.split("\n\n", 1)[0].splitlines()[0] if doc else ""

    @classmethod
    def documentation(cls) -> str:
        return textwrap.dedent(inspect.getdoc(cls) or "")

    @classmethod
    def example_path(cls, example: Example) -> str:
        if example.path:
            return example.path
        return {"python": "app/example.py", "elixir": "lib/example.ex"}[cls.language]


def _type_name(spec: Param) -> str:
    kinds = spec.type if isinstance(spec.type, tuple) else (spec.type,)
    names = {str: "a string", list: "a list", bool: "a boolean", int: "an integer", dict: "a table"}
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def did_you_mean(word: str, known) -> str:
    """`: did you mean 'remove-debug-calls'?` for a near miss, else ` (known: a, b, c)`."""
    import difflib

    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return f": did you mean '{close[0]}'?" if close else f" (known: {', '.join(known)})"


def all_rules() -> dict[str, type[Rule]]:
    """Every rule class in the fixer.rules package, by id."""
    package = importlib.import_module("fixer.rules")  # by name: the core never imports a rule directly

    found: dict[str, type[Rule]] = {}
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, Rule) and obj is not Rule and obj.id and obj.__module__ == module.__name__:
                found[obj.id] = obj
    return dict(sorted(found.items()))

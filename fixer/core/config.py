"""Configuration: `fixer.toml`, or `[tool.fixer]` in `pyproject.toml`, the nearest one from the
directory fixer runs in (with paths given: the paths' folder, see fixer.cli.session.workspace) up to
the repository root.

```toml
# fixer.toml                               # pyproject.toml
[fixer]                                    # [tool.fixer]
branch = "fixer/cleanup"                   # branch = "fixer/cleanup"
exclude = ["vendor/**"]                    # exclude = ["vendor/**"]
extend-select = ["set-log-level"]          # extend-select = ["set-log-level"]

[rules.remove-debug-file-writes]           # [tool.fixer.rules.remove-debug-file-writes]
files = ["/tmp/python_worker_debug.log"]   # files = ["/tmp/python_worker_debug.log"]
```

Which rules run (as in ruff): `select` (default: every rule that is on by default), plus
`extend-select`, plus every rule that has a table, minus the tables saying `enabled = false`.
A config file below the repository root applies to its own folder: its globs are relative to it.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fixer.core.rule import ConfigError, Rule, all_rules, did_you_mean

DEFAULT_BRANCH = "fixer/cleanup"
DEFAULT_MAX_FILE_SIZE = 1024 * 1024
GENERAL_KEYS = {
    "branch": str,
    "include": list,
    "exclude": list,
    "max_file_size": int,
    "select": list,
    "extend-select": list,
    "jobs": int,  # processes (default: $FIXER_JOBS, else every core; at most 4 per core: fixer.core.pool)
    "verify": str,  # the project's test command; run only on `--verify @config` (docs/verify.md)
}
GLOB_KEYS = ("include", "exclude")
# How a TOML value's kind is named in a message ("must be an integer, got a string").
KINDS = {str: "a string", list: "a list", int: "an integer", bool: "a boolean", float: "a number", dict: "a table"}


@dataclass
class Config:
    source: str = "defaults"
    branch: str = DEFAULT_BRANCH
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    select: list[str] | None = None  # None: the rules that are on by default
    extend_select: list[str] = field(default_factory=list)
    jobs: int | None = None
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)  # only configured rules
    verify: str = ""  # named here, run only when the user passes `--verify @config`
    base: str = ""  # the config's folder, relative to the repository root ("" at the root)

    def rule_ids(self, only: list[str] | None = None) -> list[str]:
        """The ids that run, in registry order: `only` (--rule) when given, else the config's choice."""
        registry = all_rules()
        for rule_id in only or []:
            if rule_id not in registry:
                raise ConfigError(f"unknown rule id '{rule_id}'{did_you_mean(rule_id, registry)}")
        if only:
            return [rule_id for rule_id in registry if rule_id in only]
        base = set(self.select) if self.select is not None else {i for i, c in registry.items() if c.default_enabled}
        chosen = base | set(self.extend_select) | set(self.rule_options)
        disabled = {i for i, options in self.rule_options.items() if options.get("enabled", True) is False}
        return [rule_id for rule_id in registry if rule_id in chosen - disabled]

    def rules(self, only: list[str] | None = None) -> list[Rule]:
        registry = all_rules()
        return [registry[rule_id](**self.options_for(registry[rule_id])) for rule_id in self.rule_ids(only)]

    def options_for(self, cls: type[Rule]) -> dict[str, Any]:
        """The options the config gives this rule (its globs under the config's folder), on or off."""
        options = dict(self.rule_options.get(cls.id, {}))
        if self.base:  # the rule's globs are relative to the config's folder
            options["paths"] = _under(self.base, options.get("paths") or list(cls.default_paths) or ["**"])
            options["exclude"] = _under(self.base, options.get("exclude") or [])
        return options

    def describe(self, rules: list[Rule], only: list[str] | None) -> str:
        """One line saying which rules run and why (so a config never silently drops rules)."""
        why = "--rule" if only else ("select" if self.select is not None else "defaults")
        if not only and (self.extend_select or self.rule_options):
            why += " + config"
        names = ", ".join(rule.id for rule in rules) or "none"
        from fixer.core.pool import capped_note

        capped = capped_note(self)
        return f"rules ({why}, config: {_shown(self.source)}): {names}" + (f"\nnote: {capped}" if capped else "")


def _shown(source: str) -> str:
    """The config's path relative to the current directory when it is below it."""
    path = Path(source)
    return path.relative_to(Path.cwd()).as_posix() if path.is_absolute() and path.is_relative_to(Path.cwd()) else source


def _under(base: str, globs: list[str]) -> list[str]:
    return [f"{base}/{glob.lstrip('/')}" for glob in globs]


def find_config_file(start: Path, root: Path) -> Path | None:
    """The nearest fixer.toml, or pyproject.toml with a [tool.fixer] table, from `start` up to `root`."""
    folder = start
    while True:
        for name in ("fixer.toml", "pyproject.toml"):
            candidate = folder / name
            if candidate.is_file():
                if name == "pyproject.toml" and "fixer" not in read_toml(candidate).get("tool", {}):
                    continue
                return candidate
        if folder == root or folder.parent == folder or not folder.is_relative_to(root):
            return None
        folder = folder.parent


def load(root: Path, explicit: Path | None = None, start: Path | None = None) -> Config:
    if explicit is not None and not explicit.is_file():
        raise ConfigError(f"{explicit}: config file not found")
    path = explicit or find_config_file(start or root, root)
    if path is None:
        return Config()
    data = read_toml(path)
    if path.name == "pyproject.toml" or ("tool" in data and not {"fixer", "rules"} & set(data)):
        if "fixer" not in data.get("tool", {}):
            raise ConfigError(f"{path}: no [tool.fixer] table")
        config = parse_pyproject(data["tool"]["fixer"], str(path))
    else:
        config = parse(data, str(path))
    folder = path.resolve().parent
    if folder != root.resolve() and folder.is_relative_to(root.resolve()):
        _reroot(config, folder.relative_to(root.resolve()).as_posix())
    return config


def _reroot(config: Config, base: str) -> None:
    """A config below the repository root covers its own folder: its globs are relative to it."""
    config.base = base
    config.include = _under(base, config.include or ["**"])
    config.exclude = _under(base, config.exclude)


def parse(data: dict[str, Any], source: str) -> Config:
    """fixer.toml: a [fixer] table for the global keys and [rules.ID] tables."""
    for key in data:
        if key not in ("fixer", "rules"):
            raise ConfigError(f"{source}: unknown key '{key}' (expected a [fixer] table and [rules.ID] tables)")
    general = data.get("fixer", {})
    if not isinstance(general, dict):
        raise ConfigError(f"{source}: 'fixer' must be a table")
    return _build(general, data.get("rules", {}), source, general_prefix="fixer.", rules_prefix="")


def parse_pyproject(table: Any, source: str) -> Config:
    """pyproject.toml: the global keys directly in [tool.fixer], the rules in [tool.fixer.rules.ID]."""
    if not isinstance(table, dict):
        raise ConfigError(f"{source}: 'tool.fixer' must be a table")
    if isinstance(table.get("fixer"), dict):
        raise ConfigError(f"{source}: unknown key 'tool.fixer.fixer' (put the global keys directly in [tool.fixer])")
    general = {key: value for key, value in table.items() if key != "rules"}
    return _build(general, table.get("rules", {}), source, general_prefix="tool.fixer.", rules_prefix="tool.fixer.")


def _build(general: dict[str, Any], rules: Any, source: str, general_prefix: str, rules_prefix: str) -> Config:
    where = f"{source}: "
    config = Config(source=source)
    registry = all_rules()
    for key, value in general.items():
        label = f"{general_prefix}{key}"
        expected = GENERAL_KEYS.get(key)
        if expected is None:
            known = ", ".join(list(GENERAL_KEYS) + [f"[{rules_prefix}rules.ID] tables"])
            raise ConfigError(f"{where}unknown key '{label}' (known: {known})")
        if not isinstance(value, expected) or isinstance(value, bool):
            raise ConfigError(f"{where}'{label}' must be {KINDS[expected]}, got {KINDS.get(type(value), type(value).__name__)}")
        if expected is list and not all(isinstance(item, str) for item in value):
            raise ConfigError(f"{where}'{label}' must be a list of strings")
        if key in ("select", "extend-select"):
            unknown = [rule_id for rule_id in value if rule_id not in registry]
            if unknown:
                raise ConfigError(f"{where}'{label}': unknown rule id '{unknown[0]}'{did_you_mean(unknown[0], registry)}")
        if key == "jobs" and value < 1:
            raise ConfigError(f"{where}'{label}' must be 1 or more, got {value}")
        if key == "max_file_size" and value < 1:
            raise ConfigError(f"{where}'{label}' must be a positive number of bytes, got {value}")
        setattr(config, key.replace("-", "_"), value)
    if not isinstance(rules, dict):
        raise ConfigError(f"{where}'{rules_prefix}rules' must be a table of rule tables")
    for rule_id, options in rules.items():
        if rule_id not in registry:
            raise ConfigError(f"{where}unknown rule id '{rules_prefix}rules.{rule_id}'{did_you_mean(rule_id, registry)}")
        if not isinstance(options, dict):
            raise ConfigError(f"{where}'{rules_prefix}rules.{rule_id}' must be a table")
        registry[rule_id].validate_options(options, where)
        config.rule_options[rule_id] = options
    return config


# A config comes from the repository, so it is input: one far past any real config (a pyproject.toml
# with its tool tables is a few KiB) is refused before it is parsed, instead of costing minutes.
MAX_CONFIG_BYTES = 1024 * 1024


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    return parse_toml(data, path, len(data))


def parse_toml(data: bytes, where, size: int) -> dict[str, Any]:
    """A config file's TOML (`size`: the whole file's, which may be more than `data` holds), refused
    past MAX_CONFIG_BYTES, with `where` in every message."""
    if size > MAX_CONFIG_BYTES:
        raise ConfigError(f"{where}: larger than {MAX_CONFIG_BYTES // 1024} KiB, far past any real config: "
                          "not read")
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{where}: not UTF-8 (TOML files are UTF-8)") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: invalid TOML: {exc}") from None

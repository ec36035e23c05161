"""Configuration: `fixer.toml` at the repo root, or `[tool.fixer]` in `pyproject.toml`.

```toml
[fixer]
branch = "fixer/cleanup"
include = ["**"]
exclude = ["vendor/**"]
max_file_size = 1048576

[rules.remove-debug-file-writes]
paths = ["priv/python/**/*.py"]
files = ["/tmp/python_worker_debug.log"]
```

A rule table enables that rule (`enabled = false` turns it off). With no rule tables at all, every rule
whose ``default_enabled`` is true runs with its defaults (see ``fixer rules``).
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fixer.rule import ConfigError, Rule, all_rules

DEFAULT_BRANCH = "fixer/cleanup"
DEFAULT_MAX_FILE_SIZE = 1024 * 1024
GENERAL_KEYS = {
    "branch": str,
    "include": list,
    "exclude": list,
    "max_file_size": int,
    "jobs": int,  # processes (default: $FIXER_JOBS, else every core)
}


@dataclass
class Config:
    source: str = "defaults"
    branch: str = DEFAULT_BRANCH
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    jobs: int | None = None
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)  # only configured rules

    def rules(self, only: list[str] | None = None) -> list[Rule]:
        """Instantiate the enabled rules (all configured ones, or the default set, or `only`)."""
        registry = all_rules()
        for rule_id in only or []:
            if rule_id not in registry:
                raise ConfigError(f"unknown rule id '{rule_id}' (known: {', '.join(registry)})")
        chosen: list[Rule] = []
        for rule_id, cls in registry.items():
            options = self.rule_options.get(rule_id)
            if only:
                enabled = rule_id in only
            elif self.rule_options:
                enabled = options is not None and options.get("enabled", True)
            else:
                enabled = cls.default_enabled
            if enabled:
                chosen.append(cls(**(options or {})))
        return chosen


def find_config_file(root: Path) -> Path | None:
    for name in ("fixer.toml", "pyproject.toml"):
        candidate = root / name
        if candidate.is_file():
            if name == "pyproject.toml" and "fixer" not in _read_toml(candidate).get("tool", {}):
                continue
            return candidate
    return None


def load(root: Path, explicit: Path | None = None) -> Config:
    path = explicit or find_config_file(root)
    if path is None:
        return Config()
    if explicit is not None and not explicit.is_file():
        raise ConfigError(f"{explicit}: config file not found")
    data = _read_toml(path)
    if path.name == "pyproject.toml" and explicit is None:
        data = data.get("tool", {}).get("fixer", {})
        prefix = "tool.fixer."
    else:
        prefix = ""
    return parse(data, str(path), prefix)


def parse(data: dict[str, Any], source: str, prefix: str = "") -> Config:
    where = f"{source}: "
    config = Config(source=source)
    for key in data:
        if key not in ("fixer", "rules"):
            raise ConfigError(f"{where}unknown key '{prefix}{key}' (expected [{prefix}fixer] and [{prefix}rules.ID] tables)")
    general = data.get("fixer", {})
    if not isinstance(general, dict):
        raise ConfigError(f"{where}'{prefix}fixer' must be a table")
    for key, value in general.items():
        expected = GENERAL_KEYS.get(key)
        if expected is None:
            raise ConfigError(f"{where}unknown key '{prefix}fixer.{key}' (known: {', '.join(GENERAL_KEYS)})")
        if not isinstance(value, expected) or isinstance(value, bool):
            raise ConfigError(f"{where}'{prefix}fixer.{key}' must be a {expected.__name__}, got {type(value).__name__}")
        if expected is list and not all(isinstance(item, str) for item in value):
            raise ConfigError(f"{where}'{prefix}fixer.{key}' must be a list of strings")
        if key == "jobs" and value < 1:
            raise ConfigError(f"{where}'{prefix}fixer.jobs' must be 1 or more, got {value}")
        setattr(config, key, value)
    rules = data.get("rules", {})
    if not isinstance(rules, dict):
        raise ConfigError(f"{where}'{prefix}rules' must be a table of rule tables")
    registry = all_rules()
    for rule_id, options in rules.items():
        if rule_id not in registry:
            raise ConfigError(f"{where}unknown rule id '{prefix}rules.{rule_id}' (known: {', '.join(registry)})")
        if not isinstance(options, dict):
            raise ConfigError(f"{where}'{prefix}rules.{rule_id}' must be a table")
        registry[rule_id].validate_options(options, where)
        config.rule_options[rule_id] = options
    return config


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None

"""A repository's own fixer config, read from the commit the branch is built on, with the campaign's
[fixer] and [rules.ID] tables laid over it (the campaign's keys win, one key at a time)."""
from __future__ import annotations

from typing import Any

from fixer.core.config import MAX_CONFIG_BYTES, Config, parse, parse_toml


def own_tables(source) -> tuple[dict[str, Any], dict[str, Any], str]:
    """(general keys, rule tables, where they came from) of the repository's root config: fixer.toml,
    else pyproject.toml's [tool.fixer], as `fixer apply` run at the root would find it."""
    listed = set(source.files())
    for name in ("fixer.toml", "pyproject.toml"):
        if name not in listed:
            continue
        size = source.size(name)  # a committed config of gigabytes is refused before it is read
        data = parse_toml(source.read(name) if size <= MAX_CONFIG_BYTES else b"", name, size)
        if name == "fixer.toml":
            return dict(data.get("fixer", {})), dict(data.get("rules", {})), name
        table = data.get("tool", {}).get("fixer")
        if isinstance(table, dict):
            general = {key: value for key, value in table.items() if key != "rules"}
            return general, dict(table.get("rules", {})), name
    return {}, {}, "defaults"


def layered(general: dict[str, Any], rules: dict[str, Any], overlay: dict[str, Any]) -> dict[str, Any]:
    """A fixer.toml-shaped table: the repository's keys, then the campaign's on top."""
    merged_rules = {rule_id: dict(options) for rule_id, options in rules.items()}
    for rule_id, options in overlay.get("rules", {}).items():
        merged_rules[rule_id] = {**merged_rules.get(rule_id, {}), **options}
    return {"fixer": {**general, **overlay.get("fixer", {})}, "rules": merged_rules}


def repo_config(source, overlay: dict[str, Any], campaign_file: str) -> Config:
    general, rules, origin = own_tables(source)
    label = origin if origin == "defaults" else f"{origin} + {campaign_file}"
    return parse(layered(general, rules, overlay), label)

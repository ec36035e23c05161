"""Reading `campaign.toml`: the [campaign] table, the repositories, the optional discovery, and the
[fixer] / [rules.ID] tables laid over every repository's own config.

```toml
[campaign]
name = "remove-debug-leftovers"
branch = "fixer/remove-debug-leftovers"
title = "Remove leftover debug code"
forge = "github"                     # or "gitlab", "gitea"
api-url = "https://api.github.com"   # optional: the forge's public instance, or its CI's own API
token-env = "GITHUB_TOKEN"           # optional: GITHUB_TOKEN, GITLAB_TOKEN or GITEA_TOKEN by forge
labels = ["cleanup"]
draft = false

discover = { org = "acme", include = ["acme/svc-*"], exclude = ["acme/svc-legacy"] }  # optional

[[repos]]
url = "https://github.com/acme/billing.git"
name = "acme/billing"

[fixer]
exclude = ["vendor/**"]

[rules.set-log-level]
from = "DEBUG"
to = "INFO"
```
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fixer.core.config import parse, read_toml
from fixer.core.rule import ConfigError
from fixer.forge import registry

FORGES = tuple(registry.FORGES)
CAMPAIGN_KEYS = {"name": str, "branch": str, "title": str, "forge": str, "api-url": str, "labels": list,
                 "draft": bool, "token-env": str, "discover": dict}
DISCOVER_KEYS = {"org": str, "include": list, "exclude": list}


def default_api_url(forge: str, env: dict[str, str]) -> str:
    """The API of the forge's CI the campaign runs in (GitLab CI's CI_API_V4_URL, ...), else of its
    public instance (api.github.com, gitlab.com, gitea.com)."""
    public = registry.Remote("https", registry.FORGES[forge].public_host, "")
    return registry.default_api_url(forge, public, env)


def default_token_env(forge: str) -> str:
    return registry.FORGES[forge].token_variables[0]


@dataclass(frozen=True)
class RepoSpec:
    name: str  # the forge's owner/repo (or group/sub/project)
    url: str  # any git clone URL, a local path or file://


@dataclass(frozen=True)
class Discovery:
    org: str
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


@dataclass
class Campaign:
    path: Path
    name: str
    branch: str
    title: str | None = None
    forge: str = "github"
    api_url: str = "https://api.github.com"
    labels: list[str] = field(default_factory=list)
    draft: bool = False
    token_env: str = "GITHUB_TOKEN"
    repos: list[RepoSpec] = field(default_factory=list)
    discover: Discovery | None = None
    overlay: dict[str, Any] = field(default_factory=dict)  # {"fixer": {...}, "rules": {...}} as written

    @property
    def stem(self) -> str:
        return self.path.stem


def load_campaign(path: Path) -> Campaign:
    if not path.exists():
        raise ConfigError(f"{path}: campaign file not found")
    return parse_campaign(read_toml(path), path)  # bounded as every config is


def parse_campaign(data: dict[str, Any], path: Path) -> Campaign:
    where = f"{path}: "
    unknown = set(data) - {"campaign", "repos", "discover", "fixer", "rules"}
    if unknown:
        raise ConfigError(f"{where}unknown key '{sorted(unknown)[0]}' (expected [campaign], [[repos]], discover, "
                          "[fixer] and [rules.ID])")
    table = data.get("campaign")
    if not isinstance(table, dict):
        raise ConfigError(f"{where}missing the [campaign] table")
    _check_types(table, CAMPAIGN_KEYS, "campaign.", where)
    for key in ("name", "branch"):
        if not table.get(key):
            raise ConfigError(f"{where}'campaign.{key}' is required")
    forge = table.get("forge", "github")
    if forge not in FORGES:
        raise ConfigError(f"{where}'campaign.forge' = {forge!r}: expected one of {', '.join(FORGES)}")
    overlay = {key: data[key] for key in ("fixer", "rules") if key in data}
    parse(overlay, str(path))  # the [fixer]/[rules] tables must be a valid fixer config on their own
    campaign = Campaign(path=path, name=table["name"], branch=table["branch"], title=table.get("title"), forge=forge,
                        api_url=table.get("api-url") or default_api_url(forge, dict(os.environ)),
                        labels=_strings(table, "labels", where), draft=table.get("draft", False),
                        token_env=table.get("token-env", default_token_env(forge)),
                        overlay=overlay)
    campaign.repos = _repos(data.get("repos", []), where)
    discover = data.get("discover", table.get("discover"))
    campaign.discover = _discovery(discover, where) if discover is not None else None
    if not campaign.repos and campaign.discover is None:
        raise ConfigError(f"{where}no repositories: add [[repos]] tables (url, name) or discover = {{ org = \"...\" }}")
    return campaign


def _check_types(table: dict, keys: dict[str, type], prefix: str, where: str) -> None:
    for key, value in table.items():
        expected = keys.get(key)
        if expected is None:
            raise ConfigError(f"{where}unknown key '{prefix}{key}' (known: {', '.join(keys)})")
        if not isinstance(value, expected) or (expected is not bool and isinstance(value, bool)):
            raise ConfigError(f"{where}'{prefix}{key}' must be a {expected.__name__}, got {type(value).__name__}")


def _strings(table: dict, key: str, where: str, prefix: str = "campaign.") -> list[str]:
    values = table.get(key, [])
    if not all(isinstance(value, str) for value in values):
        raise ConfigError(f"{where}'{prefix}{key}' must be a list of strings")
    return list(values)


def _repos(entries: Any, where: str) -> list[RepoSpec]:
    if not isinstance(entries, list):
        raise ConfigError(f"{where}'repos' must be an array of tables ([[repos]] with url and name)")
    repos: dict[str, RepoSpec] = {}
    for index, entry in enumerate(entries, 1):
        label = f"repos[{index}]"
        if not isinstance(entry, dict):
            raise ConfigError(f"{where}'{label}' must be a table with url and name")
        _check_types(entry, {"url": str, "name": str}, f"{label}.", where)
        if not entry.get("url") or not entry.get("name"):
            raise ConfigError(f"{where}'{label}' needs both url and name")
        if entry["name"] in repos:
            raise ConfigError(f"{where}'{label}': repository {entry['name']} is listed twice")
        repos[entry["name"]] = RepoSpec(entry["name"], entry["url"])
    return list(repos.values())


def _discovery(table: Any, where: str) -> Discovery:
    if not isinstance(table, dict):
        raise ConfigError(f"{where}'discover' must be a table like {{ org = \"acme\" }}")
    _check_types(table, DISCOVER_KEYS, "discover.", where)
    if not table.get("org"):
        raise ConfigError(f"{where}'discover.org' is required")
    return Discovery(table["org"], tuple(_strings(table, "include", where, "discover.")),
                     tuple(_strings(table, "exclude", where, "discover.")))

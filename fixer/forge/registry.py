"""Which forge a run talks to, at which API URL, with which token: from the options, else the
remote's host, else the CI environment. A forge is one module (the API calls) and one row in FORGES."""
from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from fixer.forge.protocol import Forge, ForgeError, Target


@dataclass(frozen=True)
class Entry:
    name: str
    module: str  # holds a class of the same name implementing fixer.forge.protocol.Forge
    token_variables: tuple[str, ...]
    api_path: str  # what the API URL ends with on a self-hosted instance
    ci_variable: str  # set by the forge's own CI
    public_host: str  # the forge's public instance: where a campaign's API is when it names none


FORGES = {
    "github": Entry("GitHub", "fixer.forge.github", ("GITHUB_TOKEN",), "/api/v3", "GITHUB_ACTIONS", "github.com"),
    "gitlab": Entry("GitLab", "fixer.forge.gitlab", ("GITLAB_TOKEN",), "/api/v4", "GITLAB_CI", "gitlab.com"),
    "gitea": Entry("Gitea", "fixer.forge.gitea", ("GITEA_TOKEN",), "/api/v1", "GITEA_ACTIONS", "gitea.com"),
}
# Gitea's runner also sets GITHUB_ACTIONS, for actions written for GitHub: the others are asked first.
CI_ORDER = ("gitlab", "gitea", "github")
PROBE_SECONDS = 5.0
SCP_REMOTE = re.compile(r"^(?:[\w.-]+@)?(?P<host>[\w.-]+):(?P<path>(?!/).+)$")


@dataclass(frozen=True)
class Remote:
    """A remote URL's parts that choose the forge and the repository (never its credentials)."""
    scheme: str  # "https", "http", "ssh" or "" for a local path
    host: str
    path: str  # group/sub/project, without .git


def parse_remote(url: str) -> Remote:
    url = url.strip()
    if "://" in url:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if parts.port and parts.scheme in ("http", "https"):
            host = f"{host}:{parts.port}"
        scheme = parts.scheme if parts.scheme in ("http", "https") else ("ssh" if host else "")
        return Remote(scheme, host, _project_path(parts.path))
    scp = SCP_REMOTE.match(url)
    if scp and "/" not in scp.group("host"):
        return Remote("ssh", scp.group("host"), _project_path(scp.group("path")))
    return Remote("", "", _project_path(url))


def _project_path(path: str) -> str:
    return path.strip("/").removesuffix(".git").strip("/")


def repo_path(kind: str, remote: Remote) -> str | None:
    """The repository as the forge names it: the whole path on GitLab (groups nest), OWNER/NAME elsewhere."""
    segments = [s for s in remote.path.split("/") if s]
    if len(segments) < 2:
        return None
    return "/".join(segments) if kind == "gitlab" else "/".join(segments[-2:])


def detect(chosen: str | None, remote: Remote, api_url: str | None, env: dict[str, str]) -> str:
    """--forge; else what the remote's host or the --api-url says by its name; else whether the
    remote's host answers as Gitea; else the CI environment; else GitHub."""
    if chosen:
        if chosen not in FORGES:
            raise ForgeError(f"--forge {chosen}: expected one of {', '.join(FORGES)}")
        return chosen
    named = (_named_by_host(remote.host) if remote.host else None) or (_named_by_api_url(api_url) if api_url else None)
    if named:
        return named
    if remote.host and _answers_as_gitea(remote.host, "http" if remote.scheme == "http" else "https"):
        return "gitea"
    for kind in CI_ORDER:
        if env.get(FORGES[kind].ci_variable):
            return kind
    return "github"


def _named_by_api_url(api_url: str) -> str | None:
    path = urlsplit(api_url).path.rstrip("/")
    return next((kind for kind, entry in FORGES.items() if path.endswith(entry.api_path)), None) or \
        _named_by_host(urlsplit(api_url).netloc)


def _named_by_host(host: str) -> str | None:
    name = host.lower().split(":")[0]
    if name == "github.com" or name.endswith(".github.com") or name.startswith("github."):
        return "github"
    if name == "gitlab.com" or name.startswith("gitlab.") or ".gitlab." in name:
        return "gitlab"
    if name in ("codeberg.org",) or name.startswith(("gitea.", "forgejo.")):
        return "gitea"
    return None


def _answers_as_gitea(host: str, scheme: str) -> bool:
    """Gitea and Forgejo answer GET /api/v1/version with {"version": ...}; asked with no token."""
    import requests

    try:
        answer = requests.get(f"{scheme}://{host}/api/v1/version", timeout=PROBE_SECONDS, allow_redirects=False)
        return answer.status_code == 200 and isinstance(answer.json().get("version"), str)
    except (requests.RequestException, ValueError, AttributeError):
        return False


def default_api_url(kind: str, remote: Remote, env: dict[str, str]) -> str:
    if kind == "gitlab" and env.get("GITLAB_CI") and env.get("CI_API_V4_URL"):
        return env["CI_API_V4_URL"]
    if kind == "github" and env.get("GITHUB_ACTIONS") and env.get("GITHUB_API_URL"):
        return env["GITHUB_API_URL"]
    if kind == "gitea" and env.get("GITEA_ACTIONS") and env.get("GITHUB_SERVER_URL"):
        return env["GITHUB_SERVER_URL"].rstrip("/") + FORGES["gitea"].api_path
    if kind == "github" and remote.host.lower() in ("", "github.com"):
        return "https://api.github.com"
    if not remote.host:
        raise ForgeError(f"cannot tell the {FORGES[kind].name} API URL from the remote; pass --api-url")
    scheme = "http" if remote.scheme == "http" else "https"
    return f"{scheme}://{remote.host}{FORGES[kind].api_path}"


def token_variables(kind: str, env: dict[str, str]) -> tuple[str, ...]:
    # Inside GitLab CI the job's own token is the fallback; a project access token can do more.
    fallback = ("CI_JOB_TOKEN",) if kind == "gitlab" and env.get("GITLAB_CI") else ()
    return FORGES[kind].token_variables + fallback


def take_tokens(token_env: str | None) -> dict[str, str]:
    """The token variables (`--token-env VAR`, else every forge's usual ones), removed from the
    environment before any git call, so that no git process or hook inherits them."""
    from fixer.git.command import take_secret

    names = (token_env,) if token_env else (*dict.fromkeys(v for f in FORGES.values() for v in f.token_variables),
                                            "CI_JOB_TOKEN")
    return {name: take_secret(name) for name in names}


def forge_class(kind: str) -> type:
    entry = FORGES[kind]
    return getattr(importlib.import_module(entry.module), entry.name)


def make(kind: str, target: Target) -> Forge:
    return forge_class(kind)(target)

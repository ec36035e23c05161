"""Which forge a run talks to, at which API URL, with which token: from the options, else the
remote's host, else the CI environment. One entry per forge module in FORGES."""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from fixer.forge.protocol import Forge, ForgeError, Target

FORGES = ("github", "gitlab", "gitea")
CI_VARIABLES = (("GITLAB_CI", "gitlab"), ("GITEA_ACTIONS", "gitea"), ("GITHUB_ACTIONS", "github"))
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
    for variable, kind in CI_VARIABLES:
        if env.get(variable):
            return kind
    return "github"


def _named_by_api_url(api_url: str) -> str | None:
    path = urlsplit(api_url).path.rstrip("/")
    by_path = {"/api/v4": "gitlab", "/api/v1": "gitea", "/api/v3": "github"}
    return next((kind for end, kind in by_path.items() if path.endswith(end)), None) or \
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
        return env["GITHUB_SERVER_URL"].rstrip("/") + "/api/v1"
    scheme = "http" if remote.scheme == "http" else "https"
    if kind == "github":
        host = remote.host.lower()
        return "https://api.github.com" if not host or host == "github.com" else f"{scheme}://{remote.host}/api/v3"
    if not remote.host:
        raise ForgeError(f"cannot tell the {kind_name(kind)} API URL from the remote; pass --api-url")
    return f"{scheme}://{remote.host}/api/{'v4' if kind == 'gitlab' else 'v1'}"


def token_variables(kind: str, env: dict[str, str]) -> tuple[str, ...]:
    if kind == "gitlab":
        # Inside GitLab CI the job's own token is the fallback; a project access token can do more.
        return ("GITLAB_TOKEN", "CI_JOB_TOKEN") if env.get("GITLAB_CI") else ("GITLAB_TOKEN",)
    return {"github": ("GITHUB_TOKEN",), "gitea": ("GITEA_TOKEN",)}[kind]


def kind_name(kind: str) -> str:
    return {"github": "GitHub", "gitlab": "GitLab", "gitea": "Gitea"}[kind]


def make(kind: str, target: Target, token_variable: str) -> Forge:
    if kind == "gitlab":
        from fixer.forge.gitlab import GitLab

        return GitLab(target, job_token=token_variable == "CI_JOB_TOKEN")
    if kind == "gitea":
        from fixer.forge.gitea import Gitea

        return Gitea(target)
    from fixer.forge.github import GitHub

    return GitHub(target)

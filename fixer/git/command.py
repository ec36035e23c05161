"""The one place fixer runs git: every command, fixer's own and GitPython's, with nothing the repository
configures able to run a program.

A repository's config and its tracked files can name programs that git would start: hooks (husky's
`core.hooksPath=.husky` points into the tracked tree, so in CI the hook's text comes from the code under
review), `core.fsmonitor`, clean/smudge/process filters named by `.gitattributes`, `diff.external` and
textconv drivers, and `remote.*.uploadpack`/`receivepack`. fixer turns each of them off for every call:

- `-c core.hooksPath=/dev/null` (and `--no-verify` on the push): no hook runs;
- `-c core.fsmonitor=false`;
- every filter driver the config defines is emptied and made optional, so git reads and compares
  blobs as stored (cat-file is never asked for `--filters`/`--textconv`);
- `--no-ext-diff --no-textconv` on the one diff fixer shows;
- upload-pack/receive-pack pinned to git's own on every call that talks to a remote (a remote's
  `uploadpack` config can't be overridden with `-c`: git takes its first value), and the `ext::`
  transport refused;
- a push to a repository on this machine (a path or file:// URL) starts that repository's
  receive-pack here, as the user, and git hands it none of the `-c` settings above: its receive-pack
  is told them itself, so the other repository's hooks (pre-receive, update, post-receive,
  reference-transaction, ...), its auto-gc and its `updateInstead` checkout don't run either.

The forge tokens never reach git's environment: every command takes them out of the process
environment when it starts (fixer.core.secrets), `run_git` leaves them out again, and the push alone
gets its token, through a credential helper that reads it from a pipe (so it is in no environment, no
command line and no file).
"""
from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess

from fixer.core import secrets
from fixer.core.errors import GitError

TYPE_CHECKING = False  # typing's own constant, without importing typing
if TYPE_CHECKING:  # GitPython (~0.05 s to import) is not needed to run git: the fast lane of `check` never loads it
    from git import Repo

BASE_SETTINGS = (
    f"core.hooksPath={os.devnull}",
    "core.fsmonitor=false",
    "protocol.ext.allow=never",
    "gc.auto=0",  # no background gc/maintenance started by fetch (its hooks are off anyway)
    "maintenance.auto=false",
)
SAFE_DIFF = ("--no-ext-diff", "--no-textconv")
UPLOAD_PACK = "--upload-pack=git-upload-pack"
RECEIVE_PACK = "--receive-pack=git-receive-pack"
# What a receive-pack fixer starts on this machine is told: none of the other repository's hooks, no
# auto-gc, and no checkout of its working tree (`receive.denyCurrentBranch=updateInstead` would run
# its filters). git runs the option's value with the shell, the repository's path appended.
LOCAL_RECEIVE_SETTINGS = (*BASE_SETTINGS, "receive.autogc=false", "receive.denyCurrentBranch=refuse")
# Filter driver keys, and the value that turns each off: an empty command is no filter, and a
# filter that is not run must not be `required`.
FILTER_KEYS = {"clean": "", "smudge": "", "process": "", "required": "false"}
FILTER_KEY = r"^filter\..*\.(clean|smudge|process|required)$"


def git_executable(repo: Repo | None = None) -> str:
    return (repo.git.GIT_PYTHON_GIT_EXECUTABLE if repo is not None else None) or "git"


def _plain_env(env: dict[str, str] | None = None) -> dict[str, str]:
    return {**secrets.without_secrets(dict(os.environ)), "LC_ALL": "C", "LANGUAGE": "C", "GIT_TERMINAL_PROMPT": "0",
            **(env or {})}


def as_options(settings) -> list[str]:
    return [part for setting in settings for part in ("-c", setting)]


def safe_settings(repo: Repo) -> list[str]:
    """The `key=value` settings every git call on this repository gets (read once per Repo object)."""
    cached = getattr(repo, "_fixer_safe_settings", None)
    if cached is None:
        cached = [*BASE_SETTINGS, *_filter_overrides(repo)]
        repo._fixer_safe_settings = cached
    return cached


def _filter_overrides(repo: Repo) -> list[str]:
    where = repo.working_tree_dir or repo.git_dir
    try:
        proc = subprocess.run([git_executable(repo), *FILTER_QUERY], cwd=where, env=_plain_env(), capture_output=True)
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror}") from None
    if proc.returncode not in (0, 1):  # 1: no such key
        raise GitError(f"git config failed: {first_reason(proc.stderr.decode('utf-8', 'replace'))}")
    return filter_overrides(proc.stdout)


# `git config` listing the filter drivers a repository's config defines (exit 1: none).
FILTER_QUERY = (*as_options(BASE_SETTINGS), "config", "-z", "--get-regexp", FILTER_KEY)


def filter_overrides(listed: bytes) -> list[str]:
    """The settings that turn off each filter driver FILTER_QUERY listed."""
    settings = []
    for entry in listed.decode("utf-8", "surrogateescape").split("\0"):
        key = entry.split("\n", 1)[0]
        if key:
            settings.append(f"{key}={FILTER_KEYS[key.rsplit('.', 1)[1].lower()]}")
    return settings


def start_plain(args: list[str], cwd, settings: list[str] | tuple[str, ...], stdin: bool = False) -> subprocess.Popen:
    """Start one read-only git command without a GitPython repository (the fast lane of `check`,
    fixer.cli.fastlane), with `settings` (BASE_SETTINGS, plus `filter_overrides` once they are
    known) and the plain environment; its stdout is a pipe (and its stdin, with `stdin`), its stderr
    dropped."""
    executable = os.environ.get("GIT_PYTHON_GIT_EXECUTABLE") or "git"  # what GitPython would run
    return subprocess.Popen([executable, *as_options(settings), *args], cwd=cwd,
                            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            env=_plain_env({"GIT_OPTIONAL_LOCKS": "0"}))


def harden(repo: Repo) -> Repo:
    """Make GitPython's own calls on `repo` (cat-file, rev-list, ls-files, ...) as safe as `run_git`'s."""
    repo.git.set_persistent_git_options(c=safe_settings(repo))
    # `git status` would otherwise refresh and rewrite .git/index: fixer only reads it.
    repo.git.update_environment(GIT_OPTIONAL_LOCKS="0", GIT_TERMINAL_PROMPT="0")
    return repo


def clone(url: str, target, options: tuple[str, ...] = ()) -> None:
    """`git clone` of someone else's repository, with the settings every call gets in force from the
    start (no hook, fsmonitor or configured upload-pack of its runs) and kept in the clone's config."""
    command = [git_executable(), *as_options(BASE_SETTINGS), "clone", "--quiet", UPLOAD_PACK, "--no-local",
               *as_options(BASE_SETTINGS), *options, "--", url, str(target)]
    _run(command, ["clone"], None, _plain_env(), ())


def run_git(repo: Repo, args: list[str], data: bytes | None = None, env: dict[str, str] | None = None,
            pass_fds: tuple[int, ...] = (), options: tuple[str, ...] = (), strip: bool = True) -> str:
    """Run one git command; a failure becomes a one-line GitError with git's own reason. The output
    is stripped unless `strip` is false (porcelain formats start with a meaningful space)."""
    command = [git_executable(repo), *as_options(safe_settings(repo)), *options, *args]
    out = _run(command, args, data, _plain_env({"GIT_OPTIONAL_LOCKS": "0", **(env or {})}), pass_fds,
               cwd=repo.working_tree_dir or repo.git_dir)
    return out.strip() if strip else out


def _run(command: list[str], args: list[str], data: bytes | None, env: dict[str, str], pass_fds: tuple[int, ...],
         cwd=None) -> str:
    try:
        proc = subprocess.run(command, input=data, cwd=cwd, env=env, capture_output=True, pass_fds=pass_fds)
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror}") from None
    if proc.returncode < 0:
        raise GitError(f"git {args[0]} was killed by {signal.Signals(-proc.returncode).name}")
    if proc.returncode != 0:
        raise GitError(f"git {args[0]} failed: {first_reason(proc.stderr.decode('utf-8', 'replace'))}")
    return proc.stdout.decode("utf-8", "surrogateescape")


def first_reason(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        if line.startswith(("fatal:", "error:")):
            return line.split(":", 1)[1].strip()
    return lines[0] if lines else "no reason given"


def diff(repo: Repo, revisions: str) -> str:
    """`git diff` as stored: no external diff program, no textconv driver."""
    return run_git(repo, ["diff", *SAFE_DIFF, revisions])


def ls_remote(repo: Repo, *args: str) -> str:
    return run_git(repo, ["ls-remote", UPLOAD_PACK, *args])


def fetch(repo: Repo, *args: str) -> str:
    return run_git(repo, ["fetch", UPLOAD_PACK, "--no-write-fetch-head", *args])


def take_secret(name: str) -> str:
    """The variable's value, removed from the environment so that no git (or anything git starts)
    inherits it."""
    return secrets.take(name)


# `transport::address` names a remote helper only when the part before `::` is a scheme at the URL's start,
# as git reads it (transport.c): `/tmp/a::b/r.git` is a local path, and its hooks would run on a push.
REMOTE_HELPER = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*::")


def is_local_url(url: str) -> bool:
    """Whether git reaches `url` by starting the other side's programs on this machine (git's own
    test for a local path, plus file:// URLs); ssh, http(s) and remote helpers are elsewhere."""
    if url.startswith("file://"):
        return True
    if "://" in url or REMOTE_HELPER.match(url):
        return False
    colon, slash = url.find(":"), url.find("/")
    return colon < 0 or 0 <= slash < colon


def receive_pack(repo: Repo, remote: str) -> str:
    """The --receive-pack option for a push to `remote` (a remote's name, or a URL)."""
    try:
        urls = run_git(repo, ["remote", "get-url", "--push", "--all", remote]).splitlines()
    except GitError:  # not a remote's name: the URL itself
        urls = [remote]
    if any(is_local_url(url) for url in urls):
        settings = " ".join(shlex.quote(part) for part in as_options(LOCAL_RECEIVE_SETTINGS))
        return f"--receive-pack={shlex.quote(git_executable(repo))} {settings} receive-pack"
    return RECEIVE_PACK


def push(repo: Repo, remote: str, refspec: str, token: str = "", flags: tuple[str, ...] = ()) -> str:
    """`git push --no-verify`; with a token, git asks for credentials only through fixer's helper,
    which reads them from a pipe this call alone holds."""
    args = ["push", receive_pack(repo, remote), "--no-verify", "--porcelain", *flags, remote, refspec]
    if not token:
        return run_git(repo, args)
    read_end, write_end = os.pipe()
    try:
        # A pipe buffer holds far more than a token: the write never waits for a reader.
        os.write(write_end, f"username=x-access-token\npassword={token}\n".encode())
        os.close(write_end)
        write_end = -1
        helper = f'!f() {{ test "$1" = get && cat /dev/fd/{read_end}; }}; f'
        return run_git(repo, args, pass_fds=(read_end,),
                       options=("-c", "credential.helper=", "-c", f"credential.helper={helper}",
                                "-c", "credential.interactive=false"))
    finally:
        os.close(read_end)
        if write_end >= 0:
            os.close(write_end)

"""`fixer pr`: push the cleanup branch (GitPython) and open or update its pull request (GitHub,
Gitea) or merge request (GitLab), the same way on every forge.

This is the flow, written once: what is checked before the push, the idempotence (a second run
updates the open request, never opens another; a closed or merged one is never reopened), the
refusals and the dry run. The API calls are a forge module's (fixer.forge.protocol).

The token is read from the environment and only ever handed to the forge's client: it is never
printed, put in a URL, logged or written into the body, and it is scrubbed from any error message.
Remote URLs may carry credentials of their own (`https://x-access-token:TOKEN@host/o/r.git`): every
URL fixer prints loses its userinfo first.
"""
from __future__ import annotations

import json
import os
import re
import shlex
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from git import Repo

from fixer.core import exitcodes
from fixer.ui import report
from fixer.git import command as git_command
from fixer.git.branches import GitError, foreign_commits, fork_point as branch_fork_point
from fixer.forge.failures import scrub as _scrub
from fixer.forge.body import pr_body, title as title_of
from fixer.forge.protocol import Forge, Request, Target
from fixer.forge.registry import (default_api_url, detect, make, parse_remote, repo_path, take_tokens,
                                  token_variables)


@dataclass
class PrOptions:
    branch: str
    remote: str = "origin"
    repo: str | None = None
    base: str | None = None
    title: str | None = None
    draft: bool = False
    labels: list[str] = field(default_factory=list)
    reviewers: list[str] = field(default_factory=list)
    api_url: str | None = None  # default: from the remote's host or the CI environment
    token_env: str | None = None  # default: the forge's usual variable
    dry_run: bool = False
    force: bool = False
    checklist: str | None = None
    forge: str | None = None  # github, gitlab or gitea; default: detected
    assignees: list[str] = field(default_factory=list)
    timeout: float = 30.0
    verify: object = None  # fixer.verify.command.Verify: --verify CMD checks the branch before it is pushed
    # The forge tokens, already taken out of the environment (None: take them now, before any git call).
    tokens: dict[str, str] | None = None


@dataclass
class Plan:
    """Everything the run will send, worked out before any call."""
    forge: Forge
    slug: str
    api_url: str
    token_variables: tuple[str, ...]
    token: str
    base: str
    title: str
    body: str


def repo_slug(url: str) -> str | None:
    """OWNER/NAME from https, ssh (`git@host:owner/name.git`) and ssh:// remote URLs."""
    return repo_path("github", parse_remote(url))


def open_pr(repo: Repo, options: PrOptions) -> int:
    if options.branch not in repo.heads:
        raise GitError(f"no local branch {options.branch}: run `fixer apply` (or `fixer checklist --apply`) first")
    try:
        remote = repo.remote(options.remote)
    except ValueError:
        raise GitError(f"no git remote named {options.remote}") from None
    url = next(iter(remote.urls))
    if options.repo is None and git_command.is_local_url(url):
        raise GitError(f"the remote {options.remote} is a local path ({url}), not a forge's repository: "
                       "pass --repo OWNER/NAME")
    plan = _plan_target(options, url)
    branch = repo.heads[options.branch]
    fork_point = branch_fork_point(branch.commit)
    _refuse_foreign_commits(repo, remote, options, fork_point, plan.token)
    plan.base = options.base  # else the forge's default branch (git's guess only when it cannot say)
    plan.title = options.title or title_of(repo, fork_point, branch.commit)
    verified = None
    if options.verify is not None:
        verified = _verify_branch(repo, fork_point, branch.commit, options, plan.forge.noun)
    plan.body = pr_body(repo, fork_point, branch.commit, options.branch,
                        _checklist_report(repo, fork_point, branch.commit, options.checklist), verified)
    _say_what_the_forge_lacks(plan.forge, options)
    if options.dry_run:
        plan.base = plan.base or _default_branch_guess(repo, remote)
        _print_dry_run(plan, options, _scrub(url, plan.token))
        return exitcodes.OK
    if not plan.token:
        wanted = " or $".join(plan.token_variables)
        raise GitError(f"${wanted} is not set: fixer needs a token to open the {plan.forge.noun}")
    with _scrubbed(plan.token):
        existing, left_alone = _check_before_push(plan, options, branch.commit.hexsha,
                                                  lambda: _default_branch_guess(repo, remote))
        if left_alone:
            return exitcodes.OK
        _push(repo, remote, options.branch, plan.token)
        request, action = _open_or_update(plan, options, existing, branch.commit.hexsha)
    report.stdout().print(f"{plan.forge.noun} {plan.forge.sign}{request.number} {action}: "
                          f"{_scrub(request.url, plan.token)}", markup=False)
    return exitcodes.OK


def _verify_branch(repo: Repo, fork_point, tip, options: PrOptions, noun: str) -> str:
    """`fixer pr --verify CMD`: the command passes on the fork point and on the branch's tip, else
    the pull request is not opened (`fixer apply --verify` is what drops breaking fixes)."""
    from fixer.verify.command import VerifyError
    from fixer.verify.verifier import TreeFails, verify_tree

    names = git_command.run_git(repo, ["diff", *git_command.SAFE_DIFF, "--name-only", "-z", "--no-renames",
                                       "--diff-filter=AM", fork_point.hexsha, tip.hexsha])
    files = {path: (tip.tree / path).data_stream.read() for path in names.split("\0") if path}
    try:
        return verify_tree(repo, fork_point, files, options.verify, f"branch {options.branch}").trailer
    except TreeFails as exc:
        # A pull request never publishes a red branch; rebuilding it with --verify drops the breaking fixes.
        command, branch = shlex.quote(options.verify.command), shlex.quote(options.branch)
        raise VerifyError(f"{exc}. Nothing pushed, no {noun} opened: `fixer apply --verify {command} "
                          f"--branch {branch}` rebuilds the branch without the fixes that break it "
                          f"(`fixer checklist CHECKLIST --apply --verify {command} --branch {branch}` for a "
                          "checklist's branch); then run `fixer pr` again") from None


def _refuse_foreign_commits(repo: Repo, remote, options: PrOptions, fork_point, token: str) -> None:
    """Never push over commits on the remote branch that fixer did not make (unless --force)."""
    try:
        foreign = _foreign_remote_commits(repo, remote, options.branch, fork_point, fetch=not options.dry_run)
    except GitError as exc:
        if not options.dry_run:
            raise GitError(_scrub(f"cannot reach {options.remote}: {exc}", token)) from None
        report.stderr().print(f"note: cannot reach {options.remote} to check its {options.branch} branch", markup=False)
        foreign = []
    if foreign and not options.force:
        listed = "\n".join(f"  {c.hexsha[:10]} {c.summary}" for c in foreign)
        raise GitError(f"{options.remote}/{options.branch} has commits fixer did not make (use --force):\n{listed}")


def _plan_target(options: PrOptions, url: str) -> Plan:
    """The forge, the repository, the API URL and the token, from the options, the remote and the environment."""
    tokens = options.tokens if options.tokens is not None else take_tokens(options.token_env)
    env = {**os.environ, **{name: value for name, value in tokens.items() if value}}
    where = parse_remote(url)
    kind = detect(options.forge, where, options.api_url, env)
    slug = options.repo or repo_path(kind, where)
    if not slug:
        shape = "GROUP/PROJECT" if kind == "gitlab" else "OWNER/NAME"
        raise GitError(f"cannot tell {shape} from the {options.remote} URL; pass --repo {shape}")
    api_url = options.api_url or default_api_url(kind, where, env)
    variables = (options.token_env,) if options.token_env else token_variables(kind, env)
    variable, token = next(((name, env[name]) for name in variables if env.get(name)), (variables[0], ""))
    forge = make(kind, Target(api_url, slug, token, options.timeout, variable))
    return Plan(forge, slug, api_url, variables, token, "", "", "")


def _say_what_the_forge_lacks(forge: Forge, options: PrOptions) -> None:
    asked = {"labels": options.labels, "draft": options.draft, "reviewers": options.reviewers,
             "assignees": options.assignees}
    for feature, value in asked.items():
        if value and feature in forge.lacks:
            report.stderr().print(f"note: {forge.lacks[feature]}", markup=False)


def _print_dry_run(plan: Plan, options: PrOptions, shown_url: str) -> None:
    forge, out = plan.forge, report.stdout()
    out.print(f"would push {options.branch} to {options.remote} ({shown_url}) as refs/heads/{options.branch}",
              markup=False)
    out.print(f"would open a {forge.noun} on {plan.slug} ({forge.name} API at {_scrub(plan.api_url, plan.token)}), "
              f"or update the open one: {options.branch} -> {plan.base}{' (draft)' if options.draft else ''}",
              markup=False)
    for what, names in (("labels", options.labels), ("reviewers", options.reviewers),
                        ("assignees", options.assignees)):
        if names and what not in forge.lacks:
            out.print(f"{what}: {', '.join(names)}", markup=False)
    out.print(f"title: {forge.sent_title(plan.title, options.draft)}", markup=False)
    out.print("body:\n" + plan.body, markup=False)


@contextmanager
def _scrubbed(token: str):
    """Every failure in here is one line without the token (API errors, git errors alike)."""
    try:
        yield
    except GitError as exc:
        raise GitError(_scrub(str(exc), token)) from None
    except Exception as exc:  # a client library's own error: say what failed, never the token
        raise GitError(_scrub(f"{type(exc).__name__}: {exc}", token)) from None


def _check_before_push(plan: Plan, options: PrOptions, tip: str, guess_base) -> tuple[Request | None, bool]:
    """Prove the token, URL and repository, and find the request, while nothing has changed yet.
    Returns the open request (if any) and whether the run stops here, leaving a closed one alone."""
    forge = plan.forge
    default = forge.check()
    plan.base = options.base or default or guess_base()
    forge.prepare(options.labels, options.reviewers + options.assignees)
    existing = forge.find_open(options.branch)
    if existing is not None:
        return existing, False
    closed = forge.find_closed(options.branch)
    if closed is None:
        return None, False
    shown = f"{forge.noun} {forge.sign}{closed.number} ({_scrub(closed.url, plan.token)})"
    if closed.head_sha == tip:
        report.stdout().print(f"{shown} was {closed.state} with this same branch tip {tip[:10]}: fixer does not "
                              f"reopen it, and pushes nothing", markup=False)
        return None, True
    report.stderr().print(f"note: {shown} for {options.branch} was {closed.state}; fixer leaves it {closed.state} "
                          f"and opens a new {forge.noun} for the new commits", markup=False)
    return None, False


def _open_or_update(plan: Plan, options: PrOptions, existing: Request | None, tip: str) -> tuple[Request, str]:
    forge = plan.forge
    if existing is None:
        request = forge.create(options.branch, plan.base, plan.title, plan.body, options.draft)
        action = "opened"
    else:
        # A draft marked in the title (GitLab, Gitea) stays a draft until a person marks it ready.
        marks_in_title = forge.sent_title("", True) != ""
        was_draft = marks_in_title and forge.sent_title(existing.title, True) == existing.title
        request = forge.update(existing, forge.sent_title(plan.title, options.draft or was_draft), plan.body)
        action = "updated"
        if existing.head_sha and existing.head_sha != tip:
            forge.comment(request, f"fixer rebuilt `{options.branch}`: it is now at {tip[:10]} "
                                   f"(was {existing.head_sha[:10]}). The description lists the new commits.")
    if options.labels:
        forge.set_labels(request, options.labels)
    if options.reviewers:
        forge.add_reviewers(request, options.reviewers)
    if options.assignees:
        forge.add_assignees(request, options.assignees)
    return request, action


def _checklist_report(repo: Repo, fork_point, tip, checklist: str | None) -> dict | None:
    """The checklist results as `fixer checklist --format json` prints them: read from that JSON
    file, or replayed from the Markdown checklist on the commit the branch started from (with the
    fixes `--verify` left out of the branch held back again)."""
    if not checklist:
        return None
    if checklist.endswith(".json"):
        try:
            return json.loads(Path(checklist).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise GitError(f"--checklist {checklist}: cannot read the checklist report ({exc})") from None
    from fixer.checklist.as_json import to_json
    from fixer.checklist.run import run_checklist
    from fixer.core.config import load
    from fixer.core.sources import CommitTree
    from fixer.core.textio import InputError, decode
    from fixer.forge.body import left_out_spots

    source = CommitTree(repo, fork_point)
    if checklist not in set(source.files()):
        raise GitError(f"--checklist {checklist}: not in the repository at {fork_point.hexsha[:10]}")
    # The same configuration `fixer checklist` used: items naming no file search the paths it allows.
    config = load(Path(repo.working_tree_dir))
    held = left_out_spots(repo.iter_commits(f"{fork_point.hexsha}..{tip.hexsha}"))
    try:
        replayed = run_checklist(source, checklist, decode(source.read(checklist)).text, config.max_file_size,
                                 config, held)
    except InputError as exc:
        raise GitError(f"--checklist {checklist}: cannot replay the fixes --verify left out ({exc})") from None
    return json.loads(to_json(replayed, ""))


def _foreign_remote_commits(repo: Repo, remote, branch: str, fork_point, fetch: bool = True) -> list:
    """Commits on the remote branch that fixer did not make (a dry run fetches nothing)."""
    listing = git_command.ls_remote(repo, remote.name, f"refs/heads/{branch}")
    if not listing.strip():
        return []
    remote_sha = listing.split()[0]
    tracking = f"refs/fixer/remotes/{remote.name}/{branch}"
    known = True
    try:
        repo.commit(remote_sha)
    except ValueError:
        known = False
    if not known:
        if not fetch:
            report.stderr().print(f"note: {remote.name}/{branch} is at {remote_sha[:10]}, not fetched in a dry run",
                                  markup=False)
            return []
        git_command.fetch(repo, remote.name, f"+refs/heads/{branch}:{tracking}")
    try:
        return foreign_commits(repo, remote_sha, fork_point)
    finally:
        if not known:
            git_command.run_git(repo, ["update-ref", "-d", tracking])


def _default_branch_guess(repo: Repo, remote) -> str:
    try:
        listing = git_command.ls_remote(repo, "--symref", remote.name, "HEAD")
    except GitError:
        return "main"
    match = re.search(r"^ref: refs/heads/(\S+)\s+HEAD", listing, re.M)
    return match.group(1) if match else "main"


def _push(repo: Repo, remote, branch: str, token: str) -> None:
    try:
        git_command.push(repo, remote.name, f"+refs/heads/{branch}:refs/heads/{branch}", token)
    except GitError as exc:
        raise GitError(_scrub(f"push of {branch} to {remote.name} failed: {exc}", token)) from None



"""`fixer pr`: push the cleanup branch (GitPython) and open or update its pull request (PyGithub).

The token is read from the environment and only ever handed to PyGithub: it is never printed, put
in a URL, logged or written into the PR body, and it is scrubbed from any error message. Remote URLs
may carry credentials of their own (`https://x-access-token:TOKEN@host/o/r.git`): every URL fixer
prints loses its userinfo first.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from git import Repo

from fixer import __version__

from fixer.core import exitcodes

from fixer.ui import report
from fixer.git import command as git_command
from fixer.git.branches import GitError, is_fixer_commit

RULE_TRAILER = re.compile(r"^Rule: (\S+)$", re.M)
SUMMARY = re.compile(r"^fixer: (?P<what>.+?) \((?P<fixes>\d+) fix(?:es)? in (?P<files>\d+) files?\)$")
FILE_LINE = re.compile(r"^- (\S+): (\d+) fix(?:es)?$", re.M)
REMOTE_URL = re.compile(r"(?:[:/])(?P<owner>[\w.-]+)/(?P<name>[\w.-]+?)(?:\.git)?/?$")
EVIDENCE_HEAD = re.compile(r"^Evidence(?: \((?P<rule>[\w-]+)\))?:$")
EVIDENCE_LINE = re.compile(r"^- (?P<evidence>.+): (?P<fixes>\d+) fix(?:es)? at (?P<where>.+)$")
SHORT_DIFF_LINES = 300
# scheme://userinfo@ — up to the last "@" before the path, as git reads it.
USERINFO = re.compile(r"\b(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)[^/\s'\"]*@")


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
    api_url: str = "https://api.github.com"
    token_env: str = "GITHUB_TOKEN"
    dry_run: bool = False
    force: bool = False
    checklist: str | None = None
    token: str | None = None  # already taken from the environment (None: take it from token_env now)


def repo_slug(url: str) -> str | None:
    """OWNER/NAME from https, ssh (`git@host:owner/name.git`) and ssh:// remote URLs."""
    match = REMOTE_URL.search(url.strip())
    return f"{match.group('owner')}/{match.group('name')}" if match else None


def open_pr(repo: Repo, options: PrOptions) -> int:
    if options.branch not in repo.heads:
        raise GitError(f"no local branch {options.branch}: run `fixer apply` (or `fixer checklist --apply`) first")
    try:
        remote = repo.remote(options.remote)
    except ValueError:
        raise GitError(f"no git remote named {options.remote}") from None
    url = next(iter(remote.urls))
    slug = options.repo or repo_slug(url)
    token = options.token if options.token is not None else git_command.take_secret(options.token_env)
    if not slug:
        raise GitError(f"cannot tell OWNER/NAME from the {options.remote} URL; pass --repo OWNER/NAME")
    branch = repo.heads[options.branch]
    fork_point = _fork_point(repo, branch.commit)
    try:
        foreign = _foreign_remote_commits(repo, remote, options.branch, fork_point, fetch=not options.dry_run)
    except GitError as exc:
        if not options.dry_run:
            raise GitError(_scrub(f"cannot reach {options.remote}: {_reason(exc)}", token)) from None
        report.stderr().print(f"note: cannot reach {options.remote} to check its {options.branch} branch", markup=False)
        foreign = []
    if foreign and not options.force:
        listed = "\n".join(f"  {c.hexsha[:10]} {c.summary}" for c in foreign)
        raise GitError(f"{options.remote}/{options.branch} has commits fixer did not make (use --force):\n{listed}")
    base = options.base or _default_branch_guess(repo, remote)
    title = options.title or _title(repo, fork_point, branch.commit)
    body = pr_body(repo, fork_point, branch.commit, options, _checklist_report(repo, fork_point, options.checklist))
    if options.dry_run:
        out = report.stdout()
        out.print(f"would push {options.branch} to {options.remote} ({_scrub(url, token)}) as refs/heads/{options.branch}",
                  markup=False)
        out.print(f"would open a pull request on {slug}: {options.branch} -> {base}{' (draft)' if options.draft else ''}", markup=False)
        out.print(f"title: {title}", markup=False)
        out.print("body:\n" + body, markup=False)
        return exitcodes.OK
    if not token:
        raise GitError(f"${options.token_env} is not set: fixer needs a token to open the pull request")
    try:
        _push(repo, remote, options.branch, token)
        number, html_url, action = _github(slug, token, options, base, title, body)
    except GitError:
        raise
    except Exception as exc:  # PyGithub and GitPython errors: say what failed, never the token
        raise GitError(_scrub(f"{type(exc).__name__}: {exc}", token)) from None
    report.stdout().print(f"pull request #{number} {action}: {_scrub(html_url, token)}", markup=False)
    return exitcodes.OK


def _checklist_report(repo: Repo, fork_point, checklist: str | None) -> dict | None:
    """The checklist results as `fixer checklist --format json` prints them: read from that JSON
    file, or replayed from the Markdown checklist on the commit the branch started from."""
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
    from fixer.core.textio import decode

    source = CommitTree(repo, fork_point)
    if checklist not in set(source.files()):
        raise GitError(f"--checklist {checklist}: not in the repository at {fork_point.hexsha[:10]}")
    # The same configuration `fixer checklist` used: items naming no file search the paths it allows.
    config = load(Path(repo.working_tree_dir))
    replayed = run_checklist(source, checklist, decode(source.read(checklist)).text, config.max_file_size, config)
    return json.loads(to_json(replayed, ""))


def _fork_point(repo: Repo, tip):
    """The first commit below the branch's fixer commits (what the branch was built on)."""
    commit = tip
    while is_fixer_commit(commit) and commit.parents:
        commit = commit.parents[0]
    return commit


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
        return [c for c in repo.iter_commits(f"{fork_point.hexsha}..{remote_sha}") if not is_fixer_commit(c)]
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


def _github(slug: str, token: str, options: PrOptions, base: str, title: str, body: str):
    from github import Auth, Github

    client = Github(base_url=options.api_url.rstrip("/"), auth=Auth.Token(token), retry=None,
                    seconds_between_requests=None, seconds_between_writes=None)
    gh_repo = client.get_repo(slug)
    base = options.base or gh_repo.default_branch or base
    owner = slug.split("/")[0]
    existing = list(gh_repo.get_pulls(state="open", head=f"{owner}:{options.branch}"))
    if existing:
        pull = existing[0]
        pull.edit(title=title, body=body)
        action = "updated"
    else:
        pull = gh_repo.create_pull(base=base, head=options.branch, title=title, body=body, draft=options.draft)
        action = "opened"
    if options.labels:
        pull.set_labels(*options.labels)
    if options.reviewers:
        pull.create_review_request(reviewers=options.reviewers)
    return pull.number, pull.html_url, action


def _scrub(text: str, token: str = "") -> str:
    """Never show a secret: the token, and the userinfo (user:password@) of any URL in the text."""
    text = USERINFO.sub(r"\g<scheme>", text)
    return text.replace(token, "***") if token else text


def _reason(exc: GitError) -> str:
    """git's own one-line reason for a failed command (run_git keeps only that)."""
    return str(exc)


def _title(repo: Repo, fork_point, tip) -> str:
    commits = list(repo.iter_commits(f"{fork_point.hexsha}..{tip.hexsha}"))
    if any(c.summary.startswith("fixer: checklist item") for c in commits):
        return "Release checklist cleanup (fixer)"
    return f"Remove leftover debug code ({len(commits)} fixer commit{'s' if len(commits) != 1 else ''})"


def pr_body(repo: Repo, fork_point, tip, options: PrOptions, checklist_result=None) -> str:
    commits = list(reversed(list(repo.iter_commits(f"{fork_point.hexsha}..{tip.hexsha}"))))
    lines = ["This pull request was made by fixer: every change re-parses and a second pass changes nothing.", ""]
    lines += ["| rule | files | fixes | commit |", "|---|---|---|---|"]
    for commit in commits:
        counted = FILE_LINE.findall(commit.message)
        if not counted:
            continue  # e.g. the commit that ticks the checklist
        rule = _rule_of(commit)
        fixes = sum(int(n) for _, n in counted)
        files = ", ".join(f"`{path}`" for path, _ in counted)
        lines.append(f"| {rule} | {_cell(files)} | {fixes} | {commit.hexsha[:10]} {_cell(commit.summary)} |")
    lines += evidence_section(commits)
    if checklist_result is not None:
        lines += ["", *checklist_section(checklist_result)]
    diff = git_command.diff(repo, f"{fork_point.hexsha}..{tip.hexsha}")
    if diff and diff.count("\n") < SHORT_DIFF_LINES:
        lines += ["", "<details><summary>Diff</summary>", "", "```diff", diff, "```", "", "</details>"]
    if checklist_result is not None:
        command = f"fixer checklist {checklist_result['checklist']} --apply --branch {options.branch}"
    else:
        command = f"fixer apply --branch {options.branch}"
    lines += ["", "---", f"Generated by fixer {__version__}. Reproduce with `{command}`."]
    return "\n".join(lines) + "\n"


def _rule_of(commit) -> str:
    """The rule a fixer commit is for: its `Rule:` trailer, else what its summary names."""
    named = RULE_TRAILER.search(commit.message)
    match = SUMMARY.match(commit.summary)
    return named.group(1) if named else (match.group("what") if match else "")


def evidence_section(commits) -> list[str]:
    """The fixes grouped by the evidence each rule gave for them (read from the commits' `Evidence:`
    lines), so a reviewer sees why every change was judged a leftover."""
    groups: dict[tuple[str, str], list] = {}
    for commit in commits:
        rule = _rule_of(commit)
        current = None
        for line in commit.message.splitlines():
            head = EVIDENCE_HEAD.match(line)
            if head:
                current = head.group("rule") or rule
                continue
            found = EVIDENCE_LINE.match(line) if current else None
            if found:
                entry = groups.setdefault((current, found.group("evidence")), [0, []])
                entry[0] += int(found.group("fixes"))
                entry[1] += [place.strip() for place in found.group("where").split(",")]
            elif current and line.strip():
                current = None
    if not groups:
        return []
    lines = ["", "### Why each fix was made", "", "| rule | evidence | fixes | where |", "|---|---|---|---|"]
    for (rule, evidence), (fixes, places) in sorted(groups.items(), key=lambda item: (item[0][0], -item[1][0])):
        shown = ", ".join(f"`{place}`" if place != "…" else place for place in places)
        lines.append(f"| {rule} | {_cell(evidence)} | {fixes} | {_cell(shown)} |")
    return lines


def checklist_section(data: dict) -> list[str]:
    """Items by status; manual ones as unticked task items the reviewer can tick."""
    groups: dict[str, list[dict]] = {}
    for item in data["items"]:
        groups.setdefault(item["status"], []).append(item)
    lines = [f"### Checklist `{data['checklist']}`", ""]
    for status, title in (("fixed", "Done"), ("covered", "Done by the item above"), ("already done", "Already done"),
                          ("not found", "Not found"), ("needs review", "Needs review"), ("error", "Errors")):
        if groups.get(status):
            lines.append(f"**{title}**")
            for item in groups[status]:
                mark = "x" if item["ticked"] else " "
                detail = f" — {item['detail']}" if item["detail"] and status != "fixed" else ""
                lines.append(f"- [{mark}] {item['text']}{detail}")
                lines += [f"  - {line}" for line in _checklist_notes(item)]
            lines.append("")
    if groups.get("manual"):
        lines.append("**Manual (tick when done)**")
        lines += [f"- [ ] {item['text']}" for item in groups["manual"]]
        lines.append("")
    return lines


def _checklist_notes(item: dict) -> list[str]:
    """Under an item: hints that moved or missed, then each piece of work left undone and why."""
    notes = [hint["message"] for hint in item["hints"]
             if (hint["offset"] or hint.get("status", "fixed") != "fixed") and hint["message"] not in item["detail"]]
    if item["kind"] == "rule":
        for found in item.get("findings", []):
            if found["state"] != "fixed":
                span = str(found["line"]) if found["end_line"] in (None, found["line"]) else \
                    f"{found['line']}-{found['end_line']}"
                why = f" ({found['evidence']})" if found.get("evidence") else ""
                notes.append(f"{found['path']}:{span}: {found['message']}{why}")
    return notes


def _cell(text: str) -> str:
    return text.replace("|", "\\|")

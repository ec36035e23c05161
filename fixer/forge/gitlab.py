"""GitLab (gitlab.com and self-managed) through python-gitlab: only the API calls of the `Forge`
protocol. A merge request is found by its source branch; users (reviewers, assignees) are named by
username and sent as the ids GitLab wants."""
from __future__ import annotations


from fixer.forge import backoff
from fixer.forge.failures import api_call
from fixer.forge.protocol import FAILED, PASSED, PENDING, Check, ForgeError, Repository, Request, Target

API_PATH = "/api/v4"
DRAFT_PREFIX = "Draft: "
STATES = {"opened": "open", "closed": "closed", "merged": "merged", "locked": "closed"}
# A job's or external status's state; a failed job allowed to fail counts as passed (GitLab shows a warning).
OUTCOMES = {"success": PASSED, "skipped": PASSED, "failed": FAILED, "canceled": FAILED}


class GitLab:
    name = "GitLab"
    noun = "merge request"
    sign = "!"
    lacks = {"draft": "GitLab has no draft flag to send: a draft merge request is one whose title starts with "
                      f"`{DRAFT_PREFIX.strip()}`, so fixer puts that in the title"}

    def __init__(self, target: Target):
        self.target = target
        self.job_token = target.token_variable == "CI_JOB_TOKEN"
        self._project = None
        self._client = None
        self._user_ids: dict[str, int] = {}

    def sent_title(self, title: str, draft: bool) -> str:
        return DRAFT_PREFIX + title if draft and not title.startswith(DRAFT_PREFIX) else title

    @property
    def client(self):
        if self._client is None:
            # python-gitlab wants the instance URL and adds /api/v4 itself.
            url = self.target.api_url.rstrip("/").removesuffix(API_PATH)
            token = {"job_token" if self.job_token else "private_token": self.target.token}
            session = _token_stays_on_host()
            backoff.mount(session)
            self._client = _client_class()(url, timeout=self.target.timeout, retry_transient_errors=False,
                                           keep_base_url=True, session=session, **token)
        return self._client

    @property
    def project(self):
        if self._project is None:
            with self._calling(f"get project {self.target.repo}"):
                self._project = self.client.projects.get(self.target.repo)
        return self._project

    def _calling(self, call: str):
        from gitlab.exceptions import GitlabError

        return api_call(self.name, self.target, call, GitlabError, lambda exc: (exc.response_code, exc.error_message))

    def check(self) -> str:
        return self.project.default_branch

    def prepare(self, labels: list[str], users: list[str]) -> None:
        for username in users:  # GitLab makes labels it does not know yet; users must exist
            if username not in self._user_ids:
                with self._calling(f"find user {username}"):
                    found = self.client.users.list(username=username, get_all=False)
                if not found:
                    raise ForgeError(f"GitLab API: no user named {username}")
                self._user_ids[username] = found[0].id

    def _find(self, branch: str, state: str) -> list:
        with self._calling(f"list {state} merge requests for {branch}"):
            order = "created_at" if state == "all" else "updated_at"
            found = self.project.mergerequests.list(source_branch=branch, state=state, order_by=order,
                                                     sort="desc", get_all=False, per_page=20)
        return [mr for mr in found if mr.source_branch == branch and mr.source_project_id == self.project.id]

    def find_open(self, branch: str) -> Request | None:
        found = self._find(branch, "opened")
        return _request(found[0]) if found else None

    def find_closed(self, branch: str) -> Request | None:
        found = self._find(branch, "closed") + self._find(branch, "merged")
        found.sort(key=lambda mr: mr.updated_at or "", reverse=True)
        return _request(found[0]) if found else None

    def _merge_request(self, request: Request):
        # A lazy object: no GET, only the iid the next call needs.
        return self.project.mergerequests.get(request.number, lazy=True)

    def create(self, branch: str, base: str, title: str, body: str, draft: bool) -> Request:
        with self._calling(f"create a merge request for {branch}"):
            return _request(self.project.mergerequests.create(
                {"source_branch": branch, "target_branch": base, "title": self.sent_title(title, draft),
                 "description": body}))

    def update(self, request: Request, title: str, body: str) -> Request:
        merge_request = self._merge_request(request)
        merge_request.title, merge_request.description = title, body
        with self._calling(f"update merge request !{request.number}"):
            merge_request.save()
        return _request(merge_request)

    def set_labels(self, request: Request, labels: list[str]) -> None:
        merge_request = self._merge_request(request)
        merge_request.labels = labels
        with self._calling(f"set the labels of merge request !{request.number}"):
            merge_request.save()

    def add_reviewers(self, request: Request, users: list[str]) -> None:
        merge_request = self._merge_request(request)
        merge_request.reviewer_ids = self._ids(users)
        with self._calling(f"set the reviewers of merge request !{request.number}"):
            merge_request.save()

    def add_assignees(self, request: Request, users: list[str]) -> None:
        merge_request = self._merge_request(request)
        merge_request.assignee_ids = self._ids(users)
        with self._calling(f"set the assignees of merge request !{request.number}"):
            merge_request.save()

    def comment(self, request: Request, text: str) -> None:
        with self._calling(f"comment on merge request !{request.number}"):
            self._merge_request(request).notes.create({"body": text})

    def find_latest(self, branch: str) -> Request | None:
        found = self._find(branch, "all")
        found.sort(key=lambda mr: mr.iid, reverse=True)  # iids count up as requests are opened
        return _request(found[0]) if found else None

    def get(self, number: int) -> Request:
        with self._calling(f"get merge request !{number}"):
            return _request(self.project.mergerequests.get(number))

    def checks(self, sha: str) -> list[Check]:
        # The commit's statuses: every pipeline job and every external status, the latest of each name.
        with self._calling(f"get the statuses of commit {sha[:10]}"):
            statuses = self.project.commits.get(sha, lazy=True).statuses.list(get_all=True)
        return [Check(status.name, PASSED if status.status == "failed" and status.attributes.get("allow_failure")
                      else OUTCOMES.get(status.status, PENDING)) for status in statuses]

    def close(self, request: Request) -> None:
        merge_request = self._merge_request(request)
        merge_request.state_event = "close"
        with self._calling(f"close merge request !{request.number}"):
            merge_request.save()

    def list_repos(self, owner: str) -> list[Repository]:
        with self._calling(f"list the projects of group {owner}"):
            projects = self.client.groups.get(owner, lazy=True).projects.list(
                include_subgroups=True, archived=False, with_shared=False, get_all=True)
        return [Repository(p.path_with_namespace, p.http_url_to_repo) for p in projects
                if not p.attributes.get("archived")]

    def _ids(self, usernames: list[str]) -> list[int]:
        self.prepare([], usernames)
        return [self._user_ids[name] for name in usernames]


def _client_class():
    import gitlab

    class Client(gitlab.Gitlab):
        def http_request(self, *args, **kwargs):
            # Rate limits are fixer.forge.backoff's, as for every forge: python-gitlab's own 429 loop is off.
            kwargs["obey_rate_limit"] = False
            return super().http_request(*args, **kwargs)

    return Client


def _token_stays_on_host():
    """A requests session that drops GitLab's token headers on a redirect to another host, as requests
    itself does only for the Authorization header (python-gitlab follows redirects of GETs)."""
    import requests

    class Session(requests.Session):
        def rebuild_auth(self, prepared, response):
            super().rebuild_auth(prepared, response)
            if self.should_strip_auth(response.request.url, prepared.url):
                for header in ("PRIVATE-TOKEN", "JOB-TOKEN"):
                    prepared.headers.pop(header, None)

    return Session()


def _request(merge_request) -> Request:
    attrs = merge_request.attributes
    title = attrs.get("title", "")
    draft = bool(attrs.get("draft", attrs.get("work_in_progress", title.startswith(DRAFT_PREFIX))))
    return Request(attrs["iid"], attrs.get("web_url", ""), STATES.get(attrs.get("state", "opened"), "closed"),
                   attrs.get("sha") or "", title, draft)

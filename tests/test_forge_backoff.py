"""The rate-limit back-off every forge client shares (fixer/forge/backoff.py): which answers are asked
again and after how long, and that GitLab's and Gitea's clients really wait and ask again while a
plain refusal is one request and one error. (GitHub's 429 and 403 are in tests/test_campaign.py.)"""
from __future__ import annotations

from email.utils import formatdate

import pytest
from urllib3 import HTTPResponse
from urllib3.exceptions import MaxRetryError

from fixer.forge.backoff import LONGEST_WAIT, RateLimitRetry, rate_limit_wait
from fixer.forge.protocol import ForgeError, Target
from fixer.forge.registry import make
from gitea_server import FakeGitea
from gitlab_server import FakeGitLab

NOW = 1_800_000_000.0
TOKEN = "backoff-test-token-0123456789"


@pytest.mark.parametrize("status, headers, attempt, wait", [
    (429, {"Retry-After": "7"}, 0, 7.0),
    (403, {"Retry-After": "2"}, 0, 2.0),  # GitHub's secondary rate limit
    (429, {"Retry-After": formatdate(NOW + 30, usegmt=True)}, 0, 30.0),  # an HTTP date
    (403, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(NOW) + 60)}, 0, 61.0),  # GitHub's primary
    (429, {"RateLimit-Remaining": "0", "RateLimit-Reset": str(int(NOW) + 5)}, 0, 6.0),  # GitLab's headers
    (429, {}, 0, 1.0),
    (429, {}, 3, 8.0),  # no wait named: doubling
    (403, {}, 0, None),  # a permission problem, not a rate limit
    (403, {"X-RateLimit-Remaining": "12"}, 0, None),
    (500, {"Retry-After": "1"}, 0, None),
    (404, {}, 0, None),
])
def test_which_answers_are_asked_again_and_after_how_long(status, headers, attempt, wait):
    assert rate_limit_wait(status, headers, NOW, attempt) == wait


def test_a_wait_longer_than_the_longest_gives_the_answer_back_at_once():
    retry = RateLimitRetry()
    answer = HTTPResponse(status=429, headers={"Retry-After": str(LONGEST_WAIT + 1)})
    with pytest.raises(MaxRetryError):  # urllib3 then hands this 429 to the client, which reports it
        retry.increment("GET", "/x", response=answer)
    again = retry.increment("POST", "/x", response=HTTPResponse(status=429, headers={"Retry-After": "3"}))
    assert again.wait == 3 and again.status == retry.status - 1  # any method: the forge did not act on it


def _forge(kind, server):
    api = server.url + ("/api/v4" if kind == "gitlab" else "/api/v1")
    repo = "acme/platform/service" if kind == "gitlab" else "acme/service"
    return make(kind, Target(api, repo, TOKEN, timeout=10))


@pytest.mark.parametrize("kind, route", [("gitlab", "project"), ("gitea", "repo")])
def test_gitlab_and_gitea_wait_for_retry_after_and_ask_again(kind, route):
    with (FakeGitLab(TOKEN) if kind == "gitlab" else FakeGitea(TOKEN)) as server:
        server.throttled[route] = 1
        assert _forge(kind, server).check() == "main"
        asked = server.calls(route)
    assert len(asked) == 2
    assert asked[1]["time"] - asked[0]["time"] >= 1.0  # Retry-After: 1


@pytest.mark.parametrize("kind, route", [("gitlab", "project"), ("gitea", "repo")])
def test_a_refusal_that_is_no_rate_limit_is_one_request_and_one_error(kind, route):
    with (FakeGitLab(TOKEN) if kind == "gitlab" else FakeGitea(TOKEN)) as server:
        server.fail[route] = (403, {"message": "403 Forbidden"})
        with pytest.raises(ForgeError, match="403 Forbidden"):
            _forge(kind, server).check()
        assert len(server.calls(route)) == 1

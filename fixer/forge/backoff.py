"""Rate limits, the same way for every forge's client: an answer that says "too many requests" (429,
or a 403 that carries GitHub's rate-limit headers) is asked again after the wait the forge names
(`Retry-After`, else the rate-limit reset time), a few times at most.

`RateLimitRetry` is a urllib3 `Retry`, the hook every client here already takes: PyGithub's `retry=`,
and the HTTPAdapter of the requests session python-gitlab and the Gitea module send through.
Nothing else is retried (a 5xx, a refused connection, a timeout stay one failure), and a wait longer
than LONGEST_WAIT fails the call instead: a campaign's next run picks the repository up.
"""
from __future__ import annotations

import time
from email.utils import parsedate_to_datetime

from urllib3.exceptions import MaxRetryError, ResponseError
from urllib3.util.retry import Retry

RETRIES = 5
LONGEST_WAIT = 15 * 60  # seconds
# A 429 naming no wait: 1, 2, 4, 8, 16 s.
FIRST_GUESS = 1.0


def rate_limit_wait(status: int, headers, now: float, attempt: int = 0) -> float | None:
    """Seconds to wait before asking again, or None when the answer is not a rate limit (a 403 with no
    rate-limit header is a permission problem: asking again would not help)."""
    if status not in (403, 429):
        return None
    said = _retry_after(headers.get("Retry-After"), now)
    if said is not None:
        return said
    remaining = headers.get("X-RateLimit-Remaining") or headers.get("RateLimit-Remaining")
    reset = headers.get("X-RateLimit-Reset") or headers.get("RateLimit-Reset")
    if remaining == "0" and reset and reset.isdigit():
        return max(0.0, int(reset) - now) + 1  # the reset falls somewhere in that second
    return FIRST_GUESS * 2 ** attempt if status == 429 else None


def _retry_after(value: str | None, now: float) -> float | None:
    """Retry-After as seconds or as an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError):
        return None


class RateLimitRetry(Retry):
    """Retry rate-limited answers only, for any method (the forge did not act on them)."""

    def __init__(self, **kwargs):
        self.wait = kwargs.pop("wait", 0.0)
        defaults = dict(total=RETRIES, status=RETRIES, connect=0, read=False, other=0, redirect=0,
                        status_forcelist=frozenset({403, 429}), allowed_methods=None, raise_on_status=False,
                        respect_retry_after_header=False)
        super().__init__(**{**defaults, **kwargs})

    def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):
        if response is None or error is not None:
            return super().increment(method, url, response, error, _pool, _stacktrace)
        attempt = len(self.history)
        wait = rate_limit_wait(response.status, response.headers, time.time(), attempt)
        if wait is None or wait > LONGEST_WAIT:
            # Not a rate limit, or one to wait out another time: the client gets this answer as it is.
            raise MaxRetryError(_pool, url, ResponseError(f"{response.status}: not retried"))
        retry = super().increment(method, url, response, error, _pool, _stacktrace)
        retry.wait = wait
        return retry

    def sleep(self, response=None) -> None:
        if self.wait > 0:
            time.sleep(self.wait)


def mount(session) -> None:
    """Send a requests session's calls through the rate-limit back-off."""
    from requests.adapters import HTTPAdapter

    for prefix in ("http://", "https://"):
        session.mount(prefix, HTTPAdapter(max_retries=RateLimitRetry()))

"""API failures as one line each: which forge, which call, what status or network failure, and the
server's own reason. The flow scrubs the token from the line as well, in case a server echoes it."""
from __future__ import annotations

import re
from contextlib import contextmanager
from http import HTTPStatus

from fixer.forge.protocol import ForgeError

LONGEST_REASON = 200
# scheme://userinfo@ — up to the last "@" before the path, as git reads it.
USERINFO = re.compile(r"\b(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)[^/\s'\"]*@")


def scrub(text: str, token: str = "") -> str:
    """Never show a secret: the token, and the userinfo (user:password@) of any URL in the text."""
    text = USERINFO.sub(r"\g<scheme>", text)
    return text.replace(token, "***") if token else text


def http_failure(forge: str, call: str, status: int | None, reason: object) -> ForgeError:
    if not status:  # a client's own error with no answer behind it (a redirect it refused, unreadable JSON)
        return ForgeError(f"{forge} API: {call}: {one_line(reason) or 'failed'}")
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "error"
    said = re.sub(rf"^{status}\b\s*", "", one_line(reason))  # GitLab repeats the status: "401 Unauthorized"
    return ForgeError(f"{forge} API: {call}: {status} {phrase}" + (f": {said}" if said and said != phrase else ""))


def network_failure(forge: str, api_url: str, timeout: float, exc: BaseException) -> ForgeError | None:
    """A ForgeError for a requests timeout or connection failure; None for anything else."""
    import requests

    if isinstance(exc, requests.Timeout):
        return ForgeError(f"{forge} API at {api_url}: no answer within {timeout:g} s")
    if isinstance(exc, requests.ConnectionError):
        text = str(exc)
        why = "connection refused" if "refused" in text.lower() else \
            "host not found" if "resolve" in text.lower() or "Name or service" in text else "cannot connect"
        return ForgeError(f"{forge} API at {api_url}: {why}")
    return None


@contextmanager
def api_call(forge: str, target, call: str, api_error: type[BaseException], status_and_reason):
    """Run one client-library call: its API error (`status_and_reason(exc)` gives the HTTP status and the
    server's reason) and a network failure each become one ForgeError line; anything else is raised."""
    try:
        yield
    except api_error as exc:
        raise http_failure(forge, call, *status_and_reason(exc)) from None
    except Exception as exc:
        failure = network_failure(forge, target.api_url, target.timeout, exc)
        if failure is None:
            raise
        raise failure from None


def one_line(reason: object) -> str:
    """A server's error (text, or JSON such as {"message": ...}) on one short line."""
    if isinstance(reason, dict):
        reason = reason.get("message") or reason.get("error") or reason
    text = re.sub(r"\s+", " ", str(reason if reason is not None else "")).strip()
    if text.startswith("<"):
        return ""  # a proxy's HTML error page: the status says it all
    return text if len(text) <= LONGEST_REASON else text[:LONGEST_REASON - 1] + "…"

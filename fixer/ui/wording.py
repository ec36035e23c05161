"""Words for the reader: counts with the right plural, and a fix's message told as what it *would* do
when nothing has been written yet (`fixer check`, `apply --dry-run`, SARIF, GitHub annotations).

Rules word their messages as done ("removed IO.inspect statement"): true once `fixer apply` wrote the
branch, untrue in a report of what is pending. `pending()` turns the leading verb (and a "; kept ..."
clause) into "would ...", so a rule's message is written once and read right in both places.
"""
from __future__ import annotations

import re

# Past participle -> the verb after "would". Only verbs rules start a message (or a clause) with.
_VERBS = {
    "added": "add", "removed": "remove", "replaced": "replace", "renamed": "rename", "kept": "keep",
    "changed": "change", "rewrote": "rewrite", "deleted": "delete", "moved": "move", "inserted": "insert",
}
_LEADING = re.compile(r"^(" + "|".join(_VERBS) + r")\b")
_CLAUSE = re.compile(r"(?<=[;,] )(" + "|".join(_VERBS) + r")\b")


def plural(count: int, noun: str, many: str | None = None) -> str:
    """`1 fix`, `2 fixes`, `0 files`: the count and the noun in the form the count needs."""
    if count == 1:
        return f"{count} {noun}"
    if many is None:
        many = noun + ("es" if noun.endswith(("s", "x", "sh", "ch")) else "s")
    return f"{count} {many}"


def pending(message: str) -> str:
    """A fix's message as what the fix would do: "removed X" -> "would remove X"; a message that
    does not start with a verb ("log level INFO -> WARNING") -> "would fix: log level ..."."""
    if not _LEADING.match(message):
        return f"would fix: {message}"
    message = _LEADING.sub(lambda m: "would " + _VERBS[m.group(1)], message, count=1)
    return _CLAUSE.sub(lambda m: "would " + _VERBS[m.group(1)], message)

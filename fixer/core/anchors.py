"""A rule's anchors searched fast: most files have no target, so this search is most of what fixer
does to them.

Python's `re` finds a pattern that starts with a literal (`IO\\.inspect`) at memchr speed, but one that
starts with a lookbehind or `\\b` (`(?<![\\w.])IO\\.inspect`) is tried at every position: 50 times
slower, and an alternation of such anchors is slower still. So each anchor is searched on its own,
led by a literal every match must contain (read from the pattern's own parse, so it can never
disagree with it): a pattern whose matches start with that literal is tried only where the literal
occurs; any other is searched only in a text that holds its literal. The answer is always the
pattern's own: the literal only decides where it is worth looking.
"""
from __future__ import annotations

import re

try:  # CPython's own regex parser (public as sre_parse until 3.11)
    from re import _constants as _sre
    from re import _parser
except ImportError:  # pragma: no cover - another Python: every anchor is a plain search
    _parser = _sre = None


class Anchor:
    def __init__(self, pattern: str, linear: bool = False):
        self.pattern = pattern
        self.lead, self.literal = required_literals(pattern)  # parsing never backtracks: only matching can
        self.linear = linear
        if linear:  # built from the config (a glob): RE2, whose time is linear (fixer.core.userregex)
            from fixer.core.userregex import compile_linear

            self.regex, self.asserted = compile_linear(pattern), False
            return
        self.regex = re.compile(pattern)
        # A pattern that starts with its literal is searched by `re` itself at full speed; only one
        # that starts with an assertion (a lookbehind, \b) needs to be tried where its literal is.
        self.asserted = bool(self.lead) and not pattern.startswith(re.escape(self.lead[0]))

    def search(self, text: str) -> bool:
        if self.linear:  # RE2 skips ahead to its literal prefix itself
            return (not self.literal or self.literal in text) and self.regex.search(text) is not None
        if self.lead and not self.asserted:
            return self.regex.search(text) is not None
        if self.lead:
            find, match, lead = text.find, self.regex.match, self.lead
            at = find(lead)
            while at != -1:
                if match(text, at):  # lookbehinds and \b still see the text before `at`
                    return True
                at = find(lead, at + 1)
            return False
        if self.literal and self.literal not in text:
            return False
        return self.regex.search(text) is not None


class Anchors:
    """Several anchors: a text matches when one of them does (the rule's `anchor_regex`)."""

    def __init__(self, patterns: list[str], linear: bool = False):
        self.anchors = [Anchor(p, linear) for p in patterns]

    def search(self, text: str) -> bool:
        return any(anchor.search(text) for anchor in self.anchors)

    @property
    def patterns(self) -> list[str]:
        return [anchor.pattern for anchor in self.anchors]


ZERO_WIDTH = ("AT", "ASSERT", "ASSERT_NOT")


def required_literals(pattern: str) -> tuple[str, str]:
    """(the literal every match starts with, after zero-width assertions; the longest literal every
    match contains). Either is "" when there is none (or it cannot be read from the pattern)."""
    if _parser is None:
        return "", ""
    try:
        parsed = _parser.parse(pattern)
    except (re.error, RecursionError, OverflowError):  # re.compile reports a bad pattern itself
        return "", ""
    if parsed.state.flags & (re.IGNORECASE | re.LOCALE):
        return "", ""
    zero_width = {getattr(_sre, name) for name in ZERO_WIDTH}
    literal_op = _sre.LITERAL
    runs, run, lead, leading = [], [], "", True
    for op, arg in parsed:
        if op is literal_op:
            run.append(chr(arg))
        elif op in zero_width:
            continue  # consumes nothing: the literals on both sides are adjacent in the text
        else:
            if leading:
                lead, leading = "".join(run), False
            runs.append("".join(run))
            run = []
    if leading:
        lead = "".join(run)
    runs.append("".join(run))
    return lead, max(runs, key=len)

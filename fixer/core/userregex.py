"""Regexes and globs from a repository's config, matched in linear time.

A config comes from the repository, so it is input: Python's `re` backtracks, and a pattern such as
`^(a+)+$` (or a glob of sixty `*`) can keep it busy for ever on one line. These are compiled with
RE2 (Google's engine, through its maintained `google-re2` binding), whose matching time is linear in
the text. RE2 has no lookaround and no backreferences: such a pattern is refused with a message that
says so, never run with a backtracking engine."""
from __future__ import annotations

from functools import lru_cache


class UnsupportedPattern(ValueError):
    """A pattern RE2 cannot take (the message says why)."""


@lru_cache(maxsize=1)
def re2_options():
    import re2

    options = re2.Options()
    options.log_errors = False  # RE2 would print its own parse errors on stderr
    options.max_mem = 256 << 20  # room for a few thousand globs joined into one regex
    return options


@lru_cache(maxsize=1024)
def compile_linear(pattern: str):
    """The RE2 regex (search/match/fullmatch as in `re`); UnsupportedPattern if RE2 cannot take it."""
    import re2

    try:
        return re2.compile(pattern, re2_options())
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise UnsupportedPattern(f"{reason} (fixer matches configured patterns with RE2, which runs in linear "
                                 "time and has no lookaround or backreferences)") from None


SET_CHUNK = 1024  # patterns per RE2 set; a chunk RE2 cannot hold is split in two


class LinearSet:
    """Whole-text patterns matched by RE2 sets: `match(text)` is true when one matches, in time linear
    in the text, one pass per set of up to SET_CHUNK patterns."""

    def __init__(self, patterns: list[str]):
        self.sets = []
        for at in range(0, len(patterns), SET_CHUNK):
            self._add(patterns[at:at + SET_CHUNK])

    def _add(self, patterns: list[str]) -> None:
        import re2

        group = re2.Set.FullMatchSet(re2_options())
        for pattern in patterns:
            try:
                group.Add(pattern)
            except re2.error:
                compile_linear(pattern)  # raises UnsupportedPattern with RE2's own reason
                raise
        try:
            group.Compile()
        except re2.error:  # over RE2's memory budget
            if len(patterns) == 1:
                raise UnsupportedPattern(f"{patterns[0]!r} is more than RE2 can hold") from None
            half = len(patterns) // 2
            self._add(patterns[:half])
            self._add(patterns[half:])
            return
        self.sets.append(group)

    def match(self, text: str) -> bool:
        return any(group.Match(text) is not None for group in self.sets)

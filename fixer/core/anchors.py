"""A rule's anchors searched fast: most files have no target, so this search is most of what fixer
does to them.

Python's `re` finds a pattern that starts with a literal (`IO\\.inspect`) at memchr speed, but one that
starts with a lookbehind or `\\b` (`(?<![\\w.])IO\\.inspect`) is tried at every position: 50 times
slower, and an alternation of such anchors is slower still. So each anchor is searched on its own,
led by a literal every match must contain (read from the pattern's own parse, so it can never
disagree with it): a pattern whose matches start with that literal is tried only where the literal
occurs; any other is searched only in a text that holds its literal. The answer is always the
pattern's own: the literal only decides where it is worth looking.

Before that, an ASCII text (most source files; `str.isascii` is free) is searched once by RE2 for a
pattern that matches wherever the anchor can (`superset`: the anchor with its lookarounds, `^` and
`$` dropped, and its classes spelled out for ASCII as Python reads them). RE2 runs a DFA over the
text at memory speed whatever the pattern starts with, so the 19 of 20 files without a target are
ruled out in one pass; a text it matches still gets the exact answer from the pattern itself.

Every pre-search of the process (each rule's anchors, and the other anchors searched in every file,
such as remove-debug-prints' purpose search) runs in that one pass: they are the patterns of one RE2
set (`PRESEARCH`), matched once per text, each anchor reading its own answer from the set's.
"""
from __future__ import annotations

import re

try:  # CPython's own regex parser (public as sre_parse until 3.11)
    from re import _constants as _sre
    from re import _parser
except ImportError:  # pragma: no cover - another Python: every anchor is a plain search
    _parser = _sre = None


class Anchor:
    def __init__(self, pattern: str, linear: bool = False, quick: bool = True):
        """`quick=False`: no RE2 pre-search, for a pattern most texts match early (`import|patch`)."""
        self.pattern = pattern
        self.lead, self.literal = required_literals(pattern)  # parsing never backtracks: only matching can
        self.linear = linear
        self.quick = quick_filter([pattern]) if quick and not linear else None
        self.slot = PRESEARCH.add(self.quick.pattern) if self.quick is not None else -1
        if linear:  # built from the config (a glob): RE2, whose time is linear (fixer.core.userregex)
            from fixer.core.userregex import compile_linear

            self.regex, self.asserted = compile_linear(pattern), False
            return
        self.regex = re.compile(pattern)
        # A pattern that starts with its literal is searched by `re` itself at full speed; only one
        # that starts with an assertion (a lookbehind, \b) needs to be tried where its literal is.
        self.asserted = bool(self.lead) and not pattern.startswith(re.escape(self.lead[0]))

    def search(self, text: str) -> bool:
        if self.quick is not None and text.isascii() and not PRESEARCH.matches(text, self.slot, self.quick):
            return False
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
        self.quick = None if linear or len(patterns) < 2 else quick_filter(patterns)
        self.slot = PRESEARCH.add(self.quick.pattern) if self.quick is not None else -1
        # (with one pre-search for all, a text that passes it is not pre-searched again per anchor)
        self.anchors = [Anchor(p, linear, quick=self.quick is None) for p in patterns]

    def search(self, text: str) -> bool:
        if self.quick is not None and text.isascii() and not PRESEARCH.matches(text, self.slot, self.quick):
            return False  # one RE2 pass for all the anchors: none of them can match
        return any(anchor.search(text) for anchor in self.anchors)

    @property
    def patterns(self) -> list[str]:
        return [anchor.pattern for anchor in self.anchors]


class _PreSearch:
    """The RE2 pre-searches of every anchor of the process as one RE2 set: an ASCII text is matched
    once, and each anchor asks whether its own pattern was among those that matched. A rule's anchors,
    the other rule's and the gathering's searches of the same text (a file being scanned) share that
    one pass: an RE2 set runs one DFA over the text for all its patterns, about the time of one
    search. The answer for the last text is kept by the text object itself (held, so its identity
    cannot be reused); adding a pattern builds the set again.

    An RE2 set has no slower engine to fall back on, so its `Match` reports no error; none is lost:
    once `Compile()` succeeds (it runs a test search, and fails when the memory budget cannot hold
    the automaton), the DFA of a set never gives up on a text (it starts its state cache afresh as
    often as it must: RE2 disables the "too slow, use the NFA" exit for sets)."""

    def __init__(self):
        self.patterns: list[str] = []
        self.slots: dict[str, int] = {}
        self._set = None  # None: to build; False: RE2 could not hold them all (each pattern alone)
        self._singles: list = []
        self._text: str | None = None
        self._hits: frozenset[int] | tuple = ()

    def add(self, pattern: str) -> int:
        """The slot of an RE2 pattern (the same pattern shares its slot); -1 once the set is full (a
        process that makes anchors of ever new patterns: those search on their own)."""
        slot = self.slots.get(pattern)
        if slot is None and len(self.patterns) >= PRESEARCH_MAX:
            return -1
        if slot is None:
            slot = self.slots[pattern] = len(self.patterns)
            self.patterns.append(pattern)
            self._set, self._text = None, None
        return slot

    def matches(self, text: str, slot: int, regex) -> bool:
        """Does the pattern in `slot` (compiled alone: `regex`) match somewhere in `text`, an ASCII text?"""
        if slot < 0:
            return regex.search(text.encode("ascii")) is not None
        if text is not self._text:
            self._hits = self._match(text.encode("ascii"))  # (RE2 reads bytes: a str would be measured first)
            self._text = text
        return slot in self._hits

    def _match(self, data: bytes) -> frozenset[int]:
        if self._set is None:
            self._build()
        if self._set is False:
            return frozenset(slot for slot, regex in enumerate(self._singles) if regex.search(data) is not None)
        return frozenset(self._set.Match(data) or ())

    def _build(self) -> None:
        import re2

        from fixer.core.userregex import compile_linear, re2_options

        group = re2.Set.SearchSet(re2_options())
        try:
            for pattern in self.patterns:
                group.Add(pattern)
            group.Compile()
        except re2.error:  # over RE2's memory budget: one search per pattern, as each compiled alone
            self._set, self._singles = False, [compile_linear(pattern) for pattern in self.patterns]
            return
        self._set = group


PRESEARCH_MAX = 256  # patterns in the set: the rules' anchors and the gathering's searches are a few dozen
PRESEARCH = _PreSearch()

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


# -- the RE2 pre-search of ASCII texts -----------------------------------------------------------
# What Python's classes hold among ASCII characters (its `\s` also holds \x1c-\x1f, RE2's does not
# hold \v): spelled out, so that a class, negated or not, means in RE2 what it means in Python.
_ASCII_CLASSES = {
    "CATEGORY_DIGIT": r"0-9", "CATEGORY_NOT_DIGIT": r"\x00-/:-\x7f",
    "CATEGORY_SPACE": r"\t-\r\x1c- ", "CATEGORY_NOT_SPACE": r"\x00-\x08\x0e-\x1b!-\x7f",
    "CATEGORY_WORD": r"0-9A-Z_a-z", "CATEGORY_NOT_WORD": r"\x00-/:-@\[-\^`\{-\x7f",
}
RE2_MAX_REPEAT = 1000  # RE2 refuses larger counted repeats


class _Untranslatable(Exception):
    pass


def quick_filter(patterns: list[str]):
    """An RE2 regex that matches an ASCII text wherever one of `patterns` (Python regexes) matches
    it, or None when one of them cannot be translated (a backreference, local flags...)."""
    try:
        parts = [superset(pattern) for pattern in patterns]
    except _Untranslatable:
        return None
    from fixer.core.userregex import UnsupportedPattern, compile_linear

    try:
        return compile_linear("|".join(f"(?:{part})" for part in parts))
    except UnsupportedPattern:
        return None


def superset(pattern: str) -> str:
    """An RE2 pattern matching, in an ASCII text, everywhere `pattern` matches (and maybe more): the
    same pattern read from Python's own parse, with lookarounds and anchors to line or text ends left out
    (a zero-width assertion only ever rules matches out) and `.` matching any character."""
    if _parser is None:
        raise _Untranslatable(pattern)
    try:
        parsed = _parser.parse(pattern)
    except (re.error, RecursionError, OverflowError):
        raise _Untranslatable(pattern) from None
    flags = parsed.state.flags
    if flags & (re.LOCALE | re.ASCII) or parsed.state.groups > 1 and _has_groupref(parsed):
        raise _Untranslatable(pattern)
    return ("(?i)" if flags & re.IGNORECASE else "") + _sequence(parsed)


def _has_groupref(items) -> bool:
    return any(op in (_sre.GROUPREF, _sre.GROUPREF_EXISTS) for op, _ in items)


def _sequence(items) -> str:
    return "".join(_item(op, arg) for op, arg in items)


def _item(op, arg) -> str:
    c = _sre
    if op is c.LITERAL:
        return _char(arg)
    if op is c.NOT_LITERAL:
        return f"[^{_char(arg)}]"
    if op is c.ANY:
        return "(?s:.)"
    if op is c.IN:
        return _class(arg)
    if op is c.BRANCH:
        return "(?:" + "|".join(_sequence(branch) for branch in arg[1]) + ")"
    if op is c.SUBPATTERN:
        _group, add, remove, items = arg
        if add or remove:
            raise _Untranslatable("local flags")
        return f"(?:{_sequence(items)})"
    if op is getattr(c, "ATOMIC_GROUP", None):  # matches a subset of what the group alone matches
        return f"(?:{_sequence(arg)})"
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT)):
        low, high, items = arg
        if low > RE2_MAX_REPEAT or high != c.MAXREPEAT and high > RE2_MAX_REPEAT:
            raise _Untranslatable("a repeat count past RE2's limit")
        count = f"{{{low},}}" if high == c.MAXREPEAT else f"{{{low},{high}}}"
        return f"(?:{_sequence(items)}){count}"
    if op is c.AT:
        name = str(arg)
        if name == "AT_BOUNDARY":  # \b: the same in RE2 and Python on an ASCII text
            return r"\b"
        if name == "AT_NON_BOUNDARY":
            return r"\B"
        return ""
    if op in (c.ASSERT, c.ASSERT_NOT):
        return ""
    raise _Untranslatable(str(op))


def _char(code: int) -> str:
    char = chr(code)
    return char if char.isascii() and char.isalnum() else f"\\x{{{code:x}}}"


def _class(items) -> str:
    negate, parts = False, []
    for op, arg in items:
        if op is _sre.NEGATE:
            negate = True
        elif op is _sre.LITERAL:
            parts.append(_char(arg))
        elif op is _sre.RANGE:
            parts.append(f"{_char(arg[0])}-{_char(arg[1])}")
        elif op is _sre.CATEGORY and str(arg) in _ASCII_CLASSES:
            parts.append(_ASCII_CLASSES[str(arg)])
        else:
            raise _Untranslatable(str(op))
    if not parts:
        raise _Untranslatable("an empty class")
    return ("[^" if negate else "[") + "".join(parts) + "]"

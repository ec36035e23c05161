"""Which of an item's fixes a checklist line hint means.

A hint ("lines 151-154", "lib/x.ex:62") claims the fixes its lines cover; failing that, the nearest
fix within NEAR lines inside the definition the lines point at (the whole hint moves by that drift);
failing that, the fixes whose code, comment or enclosing function carry most of the item's own
words ("signal", "tombstone") when they all sit in one definition. Two hints never claim the same fix, and
a hint that claims nothing is "not found" with the nearest candidate named: nothing is ticked on a
guess. A hint that lands on a write the rule refused reports it ("needs review at 154-156: …").
"""
from __future__ import annotations

from dataclasses import dataclass, field

from fixer.lang.enclosing import Chain, Outline, describe, encloses
from fixer.core.model import evidence_note

NEAR = 20  # lines: how far code may have moved since the checklist was written
MAX_POINTED_LINES = 200  # a hint wider than this is a region, not a place: look at its ends only


@dataclass
class Site:
    """One thing an item's rule saw in the ORIGINAL file: a fix that landed, or one left undone."""

    path: str
    start: int
    end: int
    state: str  # "fixed", "needs review" or "error"
    message: str
    evidence: str = ""
    where: Chain | None = None  # the enclosing definition
    haystack: str = ""  # lowercase: enclosing names, the code, the comment right above it
    claimed_by: int | None = None  # the item whose hint claimed it

    @property
    def span(self) -> tuple[int, int]:
        return self.start, self.end

    @property
    def evidence_note(self) -> str:
        return evidence_note(self.evidence, self.message)

    def distance(self, said: tuple[int, int]) -> int:
        if self.end < said[0]:
            return said[0] - self.end
        if self.start > said[1]:
            return self.start - said[1]
        return 0

    def score(self, words: tuple[str, ...]) -> int:
        """How many of the words the site's code, comment or definition names carry (by their stem:
        "rotation" finds "rotate", "connection" finds "connect")."""
        return sum(1 for word in words if _stem(word) in self.haystack)

    def matches(self, words: tuple[str, ...]) -> bool:
        return self.score(words) > 0

    def label(self, with_path: bool = False) -> str:
        where = f"{self.path}:" if with_path else ""
        return f"{where}{span_text(self.span)} in {describe(self.where)}"

    def as_dict(self) -> dict:
        return {"path": self.path, "line": self.start, "end_line": self.end, "state": self.state,
                "message": self.message, "evidence": self.evidence, "where": describe(self.where),
                "claimed_by": self.claimed_by}


@dataclass
class Hint:
    owner: int  # number of the item the hint belongs to
    said: tuple[int, int] | None  # None: the item gave words only
    path: str | None  # the file its lines are in; None: any of the covering item's files
    words: tuple[str, ...] = ()


@dataclass
class HintReport:
    said: tuple[int, int] | None
    path: str | None = None
    status: str = "not found"  # or the state of what it claimed: fixed / needs review / error
    sites: list[Site] = field(default_factory=list)
    how: str = ""  # "lines", "drift" or "words"
    words: tuple[str, ...] = ()
    note: str = ""  # why nothing was claimed
    show_path: bool = False

    @property
    def found(self) -> tuple[int, int] | None:
        if not self.sites:
            return None
        return min(s.start for s in self.sites), max(s.end for s in self.sites)

    @property
    def offset(self) -> int | None:
        found = self.found
        return None if found is None or self.said is None else found[0] - self.said[0]

    def describe(self) -> str:
        if not self.sites:
            return self.note
        first = self.sites[0]
        where = (f"{first.path}:" if self.show_path else "") + span_text(self.found)
        if self.how == "words":
            said = f"; the checklist said {span_text(self.said)}" if self.said else ""
            drift = f" (matched by its words: {', '.join(self.words)}, in {describe(first.where)}{said})"
        elif self.offset == 0:
            drift = " (as the checklist said)"
        else:
            drift = f" (checklist said {span_text(self.said)}, {self.offset:+d})"
        if self.status == "fixed":
            return f"found at {where}{drift}"
        undone = next(s for s in self.sites if s.state == self.status)
        return f"{self.status} at {where}{drift}: {undone.message}"

    def as_dict(self) -> dict:
        return {"said": list(self.said) if self.said else None, "path": self.path, "status": self.status,
                "found": list(self.found) if self.found else None, "offset": self.offset, "how": self.how or None,
                "message": self.describe()}


def attribute(hints: list[Hint], sites: list[Site], outlines: dict[str, Outline | None]) -> list[HintReport]:
    """One report per hint, claiming sites (marks `claimed_by`) in the order described above."""
    show_path = len({s.path for s in sites}) > 1
    reports = [HintReport(h.said, h.path, words=_informative(h.words, _scope(h, sites)), show_path=show_path)
               for h in hints]
    pairs = list(zip(hints, reports))
    taken = set()  # hints whose lines cover only code another hint claimed: that is what they meant
    for index, (hint, report) in enumerate(pairs):  # 1. lines that cover the code exactly
        if hint.said is not None:
            covered = [s for s in _scope(hint, sites) if s.distance(hint.said) == 0]
            _claim_if_agreed(hint, report, [s for s in covered if s.claimed_by is None], sites, "lines")
            if covered and not report.sites and all(s.claimed_by is not None for s in covered):
                taken.add(index)
    for index, (hint, report) in enumerate(pairs):  # 2. drift inside the definition the lines point at
        if hint.said is not None and not report.sites and index not in taken:
            _claim_if_agreed(hint, report, _drifted(hint, sites, outlines), sites, "drift")
    for index, (hint, report) in enumerate(pairs):  # 3. the item's own words
        if not report.sites and report.words and index not in taken:
            free = _free(hint, sites)
            best = max((s.score(report.words) for s in free), default=0)
            matching = [s for s in free if best and s.score(report.words) == best]
            places = {(s.path, s.where) for s in matching}
            if len(places) == 1:
                _claim(hint, report, matching, "words")
            elif places:
                listed = "; ".join(s.label(show_path) for s in matching)
                report.note = f"its words ({', '.join(report.words)}) match code in {len(places)} places: {listed}"
    for hint, report in pairs:
        if not report.sites:
            report.note = _not_found(hint, report, sites, outlines)
    return reports


def _stem(word: str) -> str:
    return word[:max(5, len(word) - 3)]


def _scope(hint: Hint, sites: list[Site]) -> list[Site]:
    return [s for s in sites if hint.path is None or s.path == hint.path]


def _free(hint: Hint, sites: list[Site]) -> list[Site]:
    return [s for s in _scope(hint, sites) if s.claimed_by is None]


def _informative(words: tuple[str, ...], sites: list[Site]) -> tuple[str, ...]:
    """The words that tell the item's code apart: found in some of its sites, not in all of them."""
    kept = []
    for word in words:
        hits = sum(1 for s in sites if s.matches((word,)))
        if hits and (len(sites) < 2 or hits < len(sites)):
            kept.append(word)
    return tuple(kept)


def _claim_if_agreed(hint: Hint, report: HintReport, found: list[Site], sites: list[Site], how: str) -> None:
    """Lines pick the code unless the item's words fit other code better (then the words decide, step 3),
    or the hint names no file and its lines fit code in several of the item's files."""
    if not found or len({s.path for s in found}) > 1:
        return
    words = report.words
    undone_here = how == "lines" and any(s.state != "fixed" for s in found)  # always reported as such
    if words and not undone_here and \
            max(s.score(words) for s in found) < max(s.score(words) for s in _free(hint, sites)):
        return
    _claim(hint, report, found, how)


def _claim(hint: Hint, report: HintReport, found: list[Site], how: str) -> None:
    for site in found:
        site.claimed_by = hint.owner
    report.sites = sorted(found, key=lambda s: (s.path, s.start))
    report.how = how
    states = {s.state for s in found}
    report.status = next(state for state in ("error", "needs review", "fixed") if state in states)


def _pointed(outline: Outline | None, said: tuple[int, int]) -> list[Chain]:
    """The definitions the hint's lines sit in (its ends only, for a very wide hint). Blank lines
    count only when the hint holds nothing else: a range that ends on the blank line after a
    function points at that function, not at the module around it."""
    if outline is None:
        return []
    first, last = said
    lines = range(first, last + 1) if last - first < MAX_POINTED_LINES else (first, last)
    filled = [line for line in lines if line not in outline.blank] or lines
    return [chain for chain in dict.fromkeys(outline.at(line) for line in filled) if chain is not None]


def _drifted(hint: Hint, sites: list[Site], outlines: dict[str, Outline | None]) -> list[Site]:
    """The sites the hint means if the code moved by up to NEAR lines inside the same definition
    (none when a hint that names no file could mean code in several files)."""
    said = hint.said
    near = [s for s in _free(hint, sites) if s.distance(said) <= NEAR and s.where is not None
            and any(encloses(chain, s.where) for chain in _pointed(outlines.get(s.path), said))]
    if len({s.path for s in near}) != 1:
        return []
    best = min(near, key=lambda s: (s.distance(said), s.start))
    # Move the hint just far enough to reach the nearest site, then take what it covers there.
    shift = best.end - said[1] if best.end < said[0] else best.start - said[0]
    moved = (said[0] + shift, said[1] + shift)
    return [s for s in near if s.where == best.where and s.distance(moved) == 0] or [best]


def _not_found(hint: Hint, report: HintReport, sites: list[Site], outlines: dict[str, Outline | None]) -> str:
    scope = _scope(hint, sites)
    if hint.said is None:
        head = f"no code of this item matches its words ({', '.join(hint.words)})"
    else:
        head = f"nothing at {_lines(hint.said)}"
        place = _place(hint, scope, outlines)
        if place:
            head += f" ({place})"
    if report.note:
        return f"{head}; {report.note}"
    if not scope:
        return head
    if hint.said is None:
        return head
    nearby = {s.path for s in scope if s.distance(hint.said) <= NEAR}
    if hint.path is None and len(nearby) > 1:
        return f"{head}: the item names no file, and code near these lines is in {', '.join(sorted(nearby))}"
    nearest = min(scope, key=lambda s: (s.distance(hint.said), s.start))
    owner = f", already item {nearest.claimed_by}'s" if nearest.claimed_by not in (None, hint.owner) else ""
    distance = nearest.distance(hint.said)
    away = f", {distance} line{'s' if distance > 1 else ''} away" if distance else ""
    return f"{head}; nearest: {nearest.label(report.show_path)}{away}{owner}"


def _place(hint: Hint, scope: list[Site], outlines: dict[str, Outline | None]) -> str:
    paths = [hint.path] if hint.path else sorted({s.path for s in scope})
    if len(paths) != 1 or outlines.get(paths[0]) is None:
        return ""
    outline = outlines[paths[0]]
    if hint.said[0] > outline.line_count:
        return f"past the end of {paths[0]}, which has {outline.line_count} lines"
    return "in " + ", ".join(describe(chain) for chain in _pointed(outline, hint.said))


def _lines(span: tuple[int, int]) -> str:
    return f"line {span[0]}" if span[0] == span[1] else f"lines {span_text(span)}"


def span_text(span: tuple[int, int] | None) -> str:
    if span is None:
        return "?"
    return str(span[0]) if span[0] == span[1] else f"{span[0]}-{span[1]}"

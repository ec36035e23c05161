"""Values the engine hands back: findings and per-file results."""
from __future__ import annotations

from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator


def evidence_note(evidence: str, message: str) -> str:
    """The parts of the evidence the message does not already say ("" when it says them all).

    Evidence reads "leftover: its message matches X; not fixed: deleting it would skip Y": a part
    whose words (after its "label: ") are already in the message is not said twice."""
    if not evidence or evidence in message:
        return ""
    kept = [part for part in evidence.split("; ") if part.partition(": ")[2 if ": " in part else 0] not in message]
    return "; ".join(kept)


@dataclass(frozen=True)
class Finding:
    """Something a rule saw. ``fixed`` says whether an edit for it was applied.

    ``evidence`` says why the rule judged it (a debug leftover, or output on purpose, or what blocked
    the fix): shown with the message, carried in JSON/SARIF, and used to group fixes in PR bodies.
    """

    rule: str
    path: str
    line: int
    message: str
    fixed: bool
    column: int = 1
    end_line: int | None = None
    evidence: str = ""

    @property
    def evidence_note(self) -> str:
        return evidence_note(self.evidence, self.message)


@dataclass
class FileResult:
    path: str
    old: str
    new: str
    stages: list[tuple[str, str]] = field(default_factory=list)  # (rule id, text after that rule)
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # (rule id, word) of the facts from other files the rules read (see `reading`); word None: all of them.
    # Replaced, never added to: the empty default is the one shared frozenset, not a 216-byte set per
    # file (three runs of `check` on 100,000 files hold 300,000 results, most of them settled).
    reads: frozenset[tuple[str, str | None]] | set[tuple[str, str | None]] = frozenset()
    # (original start, end, new start, end) of the regions that may differ, sorted and disjoint (see
    # settle.Trail.changes): the diff looks only there. None: not known (the diff compares the texts).
    changes: list[tuple[int, int, int, int]] | None = None

    @property
    def changed(self) -> bool:
        return self.new != self.old

    def changed_lines(self):
        """The line ranges of `changes`, for `diffs.file_diff` (None when not known)."""
        if self.changes is None:
            return None
        from fixer.core.diffs import changed_lines

        return changed_lines(self.old, self.new, self.changes)

    def fixes(self, rule: str | None = None) -> int:
        return sum(1 for f in self.findings if f.fixed and (rule is None or f.rule == rule))


_reads: set[tuple[str, str | None]] | None = None


@contextmanager
def reading() -> Iterator[set[tuple[str, str | None]]]:
    """Collect what the rules read of a lazy rule's facts while one file is fixed: the result cache
    keys the file's verdict on exactly those facts (see fixer.core.cache)."""
    global _reads
    outer, _reads = _reads, set()
    try:
        yield _reads
    finally:
        _reads = outer


class Gathered(Sequence):
    """A lazy rule's facts from other files: `gather(path, text)` runs on a kept file only when its
    facts are first read, so a run whose files hold no real target never pays for it. `where(word)`
    reads only the files whose text holds `word` (a module's name, say).

    Each read is noted (see `reading`): `where(word)` as that word, anything else as all the facts."""

    def __init__(self, gather: Callable[[str, str], Any], texts: list[tuple[str, str]], rule: str = ""):
        self._gather = gather
        self._texts = texts
        self._facts: dict[int, Any] = {}
        self.rule = rule

    def _noted(self, word: str | None) -> None:
        if _reads is not None:
            _reads.add((self.rule, word))

    def holding(self, word: str) -> list[tuple[str, Any]]:
        """(path, facts) of the files whose text holds `word`."""
        return [(path, self._fact(i)) for i, (path, text) in enumerate(self._texts) if word in text]

    def _fact(self, index: int) -> Any:
        if index not in self._facts:
            self._facts[index] = self._gather(*self._texts[index])
        return self._facts[index]

    def where(self, word: str) -> list[Any]:
        self._noted(word)
        return [self._fact(i) for i, (_, text) in enumerate(self._texts) if word in text]

    def __getitem__(self, index):
        self._noted(None)
        if isinstance(index, slice):
            return [self._fact(i) for i in range(len(self._texts))[index]]
        return self._fact(range(len(self._texts))[index])

    def __len__(self) -> int:
        self._noted(None)
        return len(self._texts)


LATER = "\0later"  # the word a read of a rule's `later` facts is noted under (see `reading`)


class RepoFacts(list):
    """An eager rule's facts from other files (one item a gathered file, in the listing's order), and
    `later`: each gathered file's `gather_later` facts when the run needed them (else None). Reading
    `later` is noted (see `reading`): the result cache keys such a verdict on every gathered file."""

    def __init__(self, facts: list, rule: str = "", later: list | None = None):
        super().__init__(facts)
        self.rule = rule
        self._later = later

    @property
    def later(self) -> list | None:
        if _reads is not None and self._later is not None:
            _reads.add((self.rule, LATER))
        return self._later

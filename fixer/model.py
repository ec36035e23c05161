"""Values the engine hands back: findings and per-file results."""
from __future__ import annotations

from dataclasses import dataclass, field


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
        """The evidence, when the message does not already say it ("" otherwise)."""
        return self.evidence if self.evidence and self.evidence not in self.message else ""


@dataclass
class FileResult:
    path: str
    old: str
    new: str
    stages: list[tuple[str, str]] = field(default_factory=list)  # (rule id, text after that rule)
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.new != self.old

    def fixes(self, rule: str | None = None) -> int:
        return sum(1 for f in self.findings if f.fixed and (rule is None or f.rule == rule))

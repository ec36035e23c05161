"""A run's fixes seen three ways, coarse to fine: rule commits (the stages the engine records per
rule), the files a rule changed, and the single fixes a rule made in one file (its fixed findings).
`Tree`s in between are built from the stages, or (inside one file) by fixing the file again with the
engine and the fixes after the cut held back, so every tree tried is one the engine would make:
parsed, settled, no name left undefined."""
from __future__ import annotations

from dataclasses import dataclass

from fixer.core.edits import LineIndex
from fixer.core.engine import fix_text
from fixer.core.model import Finding
from fixer.core.runner import FileOutcome, Run


@dataclass(frozen=True)
class Fix:
    """One fix the verifier may drop: where it is in the original file and what the rule said."""

    rule: str
    path: str
    line: int
    end_line: int
    message: str

    @classmethod
    def of(cls, finding: Finding) -> "Fix":
        return cls(finding.rule, finding.path, finding.line, finding.end_line or finding.line, finding.message)

    def where(self) -> str:
        span = str(self.line) if self.end_line == self.line else f"{self.line}-{self.end_line}"
        return f"{self.path}:{span}"

    def block(self, text: str, reason: str) -> tuple[int, int, str]:
        lines = LineIndex(text)
        last = min(self.end_line, max(lines.line_count, 1))
        return lines.line_start(min(self.line, last)), lines.line_end(last), reason


class Changes:
    """The changed files of a run: rule commits in order, their files, and their single fixes."""

    def __init__(self, run: Run, dropped: dict[Fix, str] | None = None):
        self.run = run
        self.dropped = dropped or {}  # fixes left out already: held back in every tree made here
        self.outcomes = {o.result.path: o for o in run.changed}
        order = [rule.id for rule in run.rules]
        touched = {rule for o in self.outcomes.values() for rule, _ in o.result.stages}
        self.rules = [rule for rule in order if rule in touched]

    @property
    def count(self) -> int:
        return sum(o.result.fixes() for o in self.outcomes.values())

    def files_of(self, rule: str) -> list[str]:
        return sorted(p for p, o in self.outcomes.items() if any(r == rule for r, _ in o.result.stages))

    def fixes_of(self, rule: str, path: str) -> list[Fix]:
        found = [f for f in self.outcomes[path].result.findings if f.fixed and f.rule == rule]
        return sorted({Fix.of(f) for f in found}, key=lambda fix: (fix.line, fix.end_line, fix.message))

    # -- trees ------------------------------------------------------------------------------
    def full(self) -> dict[str, bytes]:
        return {path: o.new_bytes() for path, o in self.outcomes.items()}

    def upto_rules(self, rules: int) -> dict[str, bytes]:
        """The tree after the first `rules` rule commits."""
        return self._tree(set(self.rules[:rules]))

    def upto_files(self, rule_index: int, files: int) -> dict[str, bytes]:
        """The rules before `rule_index`, and that rule on its first `files` files."""
        rule = self.rules[rule_index]
        tree = self._tree(set(self.rules[:rule_index]))
        for path in self.files_of(rule)[:files]:
            tree[path] = self._stage(path, set(self.rules[:rule_index + 1]))
        return tree

    def upto_fixes(self, rule_index: int, path: str, fixes: int) -> dict[str, bytes]:
        """As `upto_files` up to `path` (not included), and `path` with the rule's first `fixes` fixes."""
        rule = self.rules[rule_index]
        files = self.files_of(rule)
        tree = self.upto_files(rule_index, files.index(path))
        outcome = self.outcomes[path]
        held = self.fixes_of(rule, path)[fixes:] + [fix for fix in self.dropped if fix.path == path]
        rules = [r for r in self.run.rules if r.id in set(self.rules[:rule_index + 1])]
        old = outcome.result.old
        result = fix_text(path, old, rules, self.run.context, [fix.block(old, "held back") for fix in held])
        tree[path] = outcome.stage_bytes(result.new)
        return tree

    def _tree(self, rules: set[str]) -> dict[str, bytes]:
        return {path: self._stage(path, rules) for path in self.outcomes}

    def _stage(self, path: str, rules: set[str]) -> bytes:
        """The file after the given rules' stages (its last stage among them; the original if none)."""
        outcome = self.outcomes[path]
        text = outcome.result.old
        for rule, staged in outcome.result.stages:
            if rule in rules:
                text = staged
        return outcome.stage_bytes(text)


def without(run: Run, dropped: dict[Fix, str]) -> Run:
    """The run with these fixes dropped: each file holding one is fixed again with it held back, so
    it is reported (`needs review` with the reason) and the file's other fixes stay."""
    by_path: dict[str, list[Fix]] = {}
    for fix in dropped:
        by_path.setdefault(fix.path, []).append(fix)
    outcomes = []
    for outcome in run.outcomes:
        fixes = by_path.get(outcome.result.path)
        if not fixes:
            outcomes.append(outcome)
            continue
        old = outcome.result.old
        result = fix_text(outcome.result.path, old, run.rules, run.context,
                          [fix.block(old, dropped[fix]) for fix in fixes])
        outcomes.append(FileOutcome(result, outcome.decoded))
    return Run(run.rules, outcomes, run.context)

"""Turn a run's per-rule stages into the commits fixer makes (one per rule, or one squashed)."""
from __future__ import annotations

from fixer.gitops import PlannedCommit
from fixer.runner import Run


def plan_commits(run: Run, modes: dict[str, int], squash: bool = False, label: str | None = None) -> list[PlannedCommit]:
    changed = [o for o in run.outcomes if o.result.changed]
    if not changed:
        return []
    if squash:
        files = {o.result.path: (o.new_bytes(), modes[o.result.path]) for o in changed}
        body = "\n".join(_rule_lines(run))
        fixes = sum(o.result.fixes() for o in changed)
        summary = f"fixer: {label or 'cleanup'} ({_count(fixes, 'fix')} in {_count(len(files), 'file')})"
        return [PlannedCommit(summary, body, files)]
    planned = []
    for rule in run.rules:
        files = {}
        counts = {}
        for outcome in changed:
            for stage_rule, text in outcome.result.stages:
                if stage_rule == rule.id:
                    files[outcome.result.path] = (outcome.stage_bytes(text), modes[outcome.result.path])
                    counts[outcome.result.path] = outcome.result.fixes(rule.id)
        if not files:
            continue
        total = sum(counts.values())
        summary = f"fixer: {rule.id} ({_count(total, 'fix')} in {_count(len(files), 'file')})"
        body = "\n".join(f"- {path}: {_count(n, 'fix')}" for path, n in sorted(counts.items()))
        planned.append(PlannedCommit(summary, body, files))
    return planned


def _rule_lines(run: Run) -> list[str]:
    lines = []
    for rule_id, row in run.per_rule().items():
        if row.get("files"):
            lines.append(f"- {rule_id}: {_count(row.get('fixes', 0), 'fix')} in {_count(row['files'], 'file')}")
    return lines


def _count(n: int, word: str) -> str:
    plural = word + ("es" if word.endswith("x") else "s")
    return f"{n} {word if n == 1 else plural}"

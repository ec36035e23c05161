"""Turn a run's per-rule stages into the commits fixer makes (one per rule, or one squashed)."""
from __future__ import annotations

from fixer.ui.wording import plural

from fixer.git.branches import PlannedCommit
from fixer.core.runner import Run


def plan_commits(run: Run, modes: dict[str, int], squash: bool = False, label: str | None = None) -> list[PlannedCommit]:
    changed = [o for o in run.outcomes if o.result.changed]
    if not changed:
        return []
    if squash:
        files = {o.result.path: (o.new_bytes(), modes[o.result.path]) for o in changed}
        body = "\n".join(_rule_lines(run))
        for rule in run.rules:
            body += "".join(f"\n{line}" for line in evidence_lines(changed, rule.id, labelled=True))
        fixes = sum(o.result.fixes() for o in changed)
        summary = f"fixer: {label or 'cleanup'} ({plural(fixes, 'fix')} in {plural(len(files), 'file')})"
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
        summary = f"fixer: {rule.id} ({plural(total, 'fix')} in {plural(len(files), 'file')})"
        body = "\n".join(f"- {path}: {plural(n, 'fix')}" for path, n in sorted(counts.items()))
        body += "".join(f"\n{line}" for line in evidence_lines(changed, rule.id))
        planned.append(PlannedCommit(summary, body, files))
    return planned


MAX_PLACES = 5


def evidence_lines(changed, rule_id: str, labelled: bool = False) -> list[str]:
    """The rule's fixes grouped by evidence (why each was judged a leftover), for the commit body that
    `fixer pr` reads back: `Evidence:` then `- <evidence>: N fixes at path:line, …`."""
    groups: dict[str, list[str]] = {}
    for outcome in changed:
        for finding in outcome.result.findings:
            if finding.rule == rule_id and finding.fixed and finding.evidence:
                groups.setdefault(finding.evidence, []).append(f"{finding.path}:{finding.line}")
    return evidence_block(groups, f"Evidence ({rule_id}):" if labelled else "Evidence:")


def evidence_block(groups: dict[str, list[str]], header: str = "Evidence:") -> list[str]:
    """evidence -> the places fixed for it, as the commit body and the PR body write them: the most
    common evidence first, at most MAX_PLACES places a line."""
    if not groups:
        return []
    lines = ["", header]
    for evidence, places in sorted(groups.items(), key=lambda item: (-len(item[1]), item[0])):
        shown = ", ".join(places[:MAX_PLACES]) + (", …" if len(places) > MAX_PLACES else "")
        lines.append(f"- {evidence}: {plural(len(places), 'fix')} at {shown}")
    return lines


def _rule_lines(run: Run) -> list[str]:
    lines = []
    for rule_id, row in run.per_rule().items():
        if row.get("files"):
            lines.append(f"- {rule_id}: {plural(row.get('fixes', 0), 'fix')} in {plural(row['files'], 'file')}")
    return lines


def plural(n: int, word: str) -> str:
    plural = word + ("es" if word.endswith("x") else "s")
    return f"{n} {word if n == 1 else plural}"

"""A checklist run as JSON for bots (schema 1, documented in the README): `checklist --format json`
and the PR body's replay of a checklist branch."""
from __future__ import annotations

import json

from fixer import __version__
from fixer.checklist.run import ChecklistRun


def to_json(result: ChecklistRun, diff: str, branch=None) -> str:
    """Plan and results for bots (schema 1, documented in the README)."""
    items = []
    for r in result.results:
        item = r.entry.item
        items.append({
            "number": item.number,
            "line": item.line,
            "text": item.text,
            "section": item.section,
            "kind": r.entry.kind,
            "rule": r.entry.rule,
            "options": r.entry.options,
            "files": r.entry.files,
            "status": r.status,
            "detail": r.detail,
            "fixes": r.fixes,
            "ticked": r.ticked,
            "covered_by": r.entry.covered_by,
            "hints": [h.as_dict() for h in r.hints],
            "findings": [s.as_dict() for s in r.sites],
            "extra": [s.as_dict() for s in r.extra],
            "looked_at": r.files,
        })
    statuses = [r.status for r in result.results]
    data = {
        "schema": 1,
        "fixer": __version__,
        "checklist": result.checklist,
        # keys as in `fixer check --format json`: needs_review, already_done, not_found
        "summary": {status.replace(" ", "_"): statuses.count(status) for status in dict.fromkeys(statuses)},
        "files_changed": result.changed_files,
        "items": items,
        "errors": result.errors,
        "diff": diff,
    }
    if branch is not None:
        data["branch"] = {"name": branch.branch, "status": branch.status, "base": branch.base,
                          "commits": branch.commits}
    return json.dumps(data, indent=2) + "\n"

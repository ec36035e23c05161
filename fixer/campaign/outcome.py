"""What one repository's turn in a campaign ended with: the record the state file keeps per repository."""
from __future__ import annotations

from dataclasses import dataclass

# What happened this run.
CLEAN, OPENED, UPDATED, UNCHANGED, FAILED = "clean", "opened", "updated", "unchanged", "failed"
# The PR's state on the forge.
PR_STATES = ("open", "draft", "merged", "closed")


@dataclass
class Outcome:
    name: str
    url: str
    action: str  # CLEAN, OPENED, UPDATED, UNCHANGED or FAILED
    fixes: int = 0
    files: int = 0
    branch: str | None = None
    head: str | None = None  # the cleanup branch's tip as pushed
    pr_number: int | None = None
    pr_url: str | None = None
    pr_state: str | None = None
    checks: str | None = None
    error: str | None = None


@dataclass
class Record(Outcome):
    """An outcome as stored: which run wrote it, and when."""
    run_id: int | None = None
    updated: str | None = None

    @property
    def kind(self) -> str:
        """The row's place in the summary: failed, merged, closed, draft, open, clean or pending."""
        if self.action == FAILED:
            return "failed"
        if self.pr_state in PR_STATES:
            return self.pr_state
        return "clean" if self.action == CLEAN else "pending"

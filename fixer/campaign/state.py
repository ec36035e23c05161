"""The campaign's state: one SQLite file beside the campaign (one per shard), every change in its own
transaction, so a run killed at any moment (even by kill -9) leaves a consistent file behind.

A run that did not finish is resumed by the next one: repositories it already finished are skipped,
the rest (including the one it was in the middle of) are done again. Doing one again is safe: the
branch is rebuilt to the same commits and the pull request is found on the forge, never opened twice.
"""
from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import fields
from datetime import datetime, timezone
from pathlib import Path

from fixer.campaign.outcome import CLEAN, FAILED, Outcome, Record
from fixer.core.rule import ConfigError

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY, started TEXT NOT NULL, finished TEXT);
CREATE TABLE IF NOT EXISTS repos (
    name TEXT PRIMARY KEY, url TEXT NOT NULL, action TEXT NOT NULL,
    fixes INTEGER NOT NULL DEFAULT 0, files INTEGER NOT NULL DEFAULT 0,
    branch TEXT, head TEXT, pr_number INTEGER, pr_url TEXT, pr_state TEXT, checks TEXT, error TEXT,
    run_id INTEGER, updated TEXT
);
"""
RUNNING = "running"
FINAL = (CLEAN, "opened", "updated", "unchanged", FAILED)
COLUMNS = [f.name for f in fields(Record)]


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class CampaignState:
    def __init__(self, path: Path):
        self.path = path
        try:
            self.db = sqlite3.connect(path, timeout=30, isolation_level=None)
            self.db.executescript(SCHEMA)  # idempotent; executescript manages its own transaction
        except sqlite3.DatabaseError as exc:
            raise ConfigError(f"{path}: not a campaign state file ({exc})") from None

    def close(self) -> None:
        self.db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def transaction(self):
        """BEGIN IMMEDIATE ... COMMIT (ROLLBACK on error): a write is all there or not at all."""
        return _Transaction(self.db)

    # -- meta --------------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as db:
            db.execute("INSERT INTO meta VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                       (key, value))

    def claim(self, campaign: str, shard: str) -> None:
        """Tie the file to one campaign and shard: another's state is never mixed in by mistake."""
        for key, value in (("campaign", campaign), ("shard", shard)):
            held = self.meta(key)
            if held is None:
                self.set_meta(key, value)
            elif held != value:
                raise ConfigError(f"{self.path}: holds the state of {key} {held!r}, not {value!r} "
                                  "(pass another --state file)")

    # -- runs --------------------------------------------------------------------------------
    def begin_run(self) -> tuple[int, bool]:
        """(run id, resumed): the unfinished last run if there is one, else a new run."""
        with self.transaction() as db:
            row = db.execute("SELECT id, finished FROM runs ORDER BY id DESC LIMIT 1").fetchone()
            if row and row[1] is None:
                return row[0], True
            return db.execute("INSERT INTO runs (started) VALUES (?)", (now(),)).lastrowid, False

    def finish_run(self, run_id: int) -> None:
        with self.transaction() as db:
            db.execute("UPDATE runs SET finished = ? WHERE id = ?", (now(), run_id))

    def finished_in(self, run_id: int) -> set[str]:
        marks = ",".join("?" * len(FINAL))
        rows = self.db.execute(f"SELECT name FROM repos WHERE run_id = ? AND action IN ({marks})", (run_id, *FINAL))
        return {name for (name,) in rows}

    # -- repositories ------------------------------------------------------------------------
    def start(self, name: str, url: str, run_id: int) -> None:
        with self.transaction() as db:
            db.execute("INSERT INTO repos (name, url, action, run_id, updated) VALUES (?, ?, ?, ?, ?) "
                       "ON CONFLICT(name) DO UPDATE SET url = excluded.url, action = excluded.action, "
                       "run_id = excluded.run_id, updated = excluded.updated", (name, url, RUNNING, run_id, now()))

    def record(self, outcome: Outcome, run_id: int) -> None:
        """Store what the run found; a PR already known stays known when this turn learnt nothing new
        about it (a failure, or nothing left to fix because the PR was merged)."""
        with self.transaction() as db:
            db.execute(
                "UPDATE repos SET url = ?, action = ?, fixes = ?, files = ?, branch = COALESCE(?, branch), "
                "head = COALESCE(?, head), pr_number = COALESCE(?, pr_number), pr_url = COALESCE(?, pr_url), "
                "pr_state = COALESCE(?, pr_state), checks = COALESCE(?, checks), error = ?, run_id = ?, "
                "updated = ? WHERE name = ?",
                (outcome.url, outcome.action, outcome.fixes, outcome.files, outcome.branch, outcome.head,
                 outcome.pr_number, outcome.pr_url, outcome.pr_state, outcome.checks, outcome.error, run_id, now(),
                 outcome.name))

    def set_pr(self, name: str, state: str | None, checks: str | None) -> None:
        with self.transaction() as db:
            db.execute("UPDATE repos SET pr_state = ?, checks = ?, updated = ? WHERE name = ?",
                       (state, checks, now(), name))

    def records(self) -> list[Record]:
        rows = self.db.execute(f"SELECT {', '.join(COLUMNS)} FROM repos ORDER BY name")
        return [Record(**dict(zip(COLUMNS, row))) for row in rows]

    def record_of(self, name: str) -> Record | None:
        row = self.db.execute(f"SELECT {', '.join(COLUMNS)} FROM repos WHERE name = ?", (name,)).fetchone()
        return Record(**dict(zip(COLUMNS, row))) if row else None


class _Transaction:
    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, kind, exc, tb) -> None:
        self.db.execute("ROLLBACK" if kind else "COMMIT")


def read_records(paths: list[Path], campaign: str) -> list[Record]:
    """Every repository's record from several shards' state files (`status --merge`); a repository in
    two files (a shard count changed between runs) keeps its most recent record."""
    newest: dict[str, Record] = {}
    for path in paths:
        if not path.is_file():
            raise ConfigError(f"{path}: no such state file")
        with closing(CampaignState(path)) as state:
            owner = state.meta("campaign")
            if owner not in (None, campaign):
                raise ConfigError(f"{path}: holds the state of campaign {owner!r}, not {campaign!r}")
            for record in state.records():
                held = newest.get(record.name)
                if held is None or (record.updated or "") > (held.updated or ""):
                    newest[record.name] = record
    return [newest[name] for name in sorted(newest)]

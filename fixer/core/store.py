"""The result cache's store: one SQLite file of key -> value rows, with when each was last used.

Writes are transactions (atomic); concurrent runs share the file (WAL, a busy timeout: a run that
cannot write in time leaves the file as it was); its size is bounded (the least recently used rows
go first); a file that is corrupt or of another schema is thrown away and rebuilt, and every value
carries a digest checked on read, so a damaged row is a miss, never trusted. Any failure of the
database makes the run go on without a cache: the cache only ever saves work.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
import time
import zlib
from pathlib import Path

TYPE_CHECKING = False  # typing's own constant, without importing typing (the fast lane of `check` reads the store)
if TYPE_CHECKING:
    from typing import Any, Iterable

SCHEMA = 1
FILE_NAME = "results.sqlite3"
DEFAULT_MAX_BYTES = 256 * 1024 * 1024  # FIXER_CACHE_MAX_BYTES overrides
MAX_BYTES_ENV = "FIXER_CACHE_MAX_BYTES"
BUSY_TIMEOUT_MS = 2000  # a run waits this long for another's write, then goes on without writing
TOUCH_AFTER_NS = 3600 * 10**9  # a hit's recency is written back at most once an hour (no writes on a warm re-run)
BATCH = 500  # keys a query
DIGEST = 16  # bytes of BLAKE2b


def digest(*parts: bytes) -> bytes:
    """A digest of the parts, each with its length (so no two lists of parts share one)."""
    if len(parts) == 1:
        return hashlib.blake2b(parts[0], digest_size=DIGEST).digest()
    hasher = hashlib.blake2b(digest_size=DIGEST)
    for part in parts:
        hasher.update(len(part).to_bytes(8, "little"))
        hasher.update(part)
    return hasher.digest()


def clean(folder: Path) -> bool:
    """Remove the cache in `folder`; False when there was none."""
    found = False
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            (folder / (FILE_NAME + suffix)).unlink()
            found = True
        except FileNotFoundError:
            pass
    try:
        folder.rmdir()
    except OSError:
        pass
    return found


class Store:
    """The SQLite file: key -> value (a pickled entry), with when it was last used.

    Every failure of the database (corrupt, locked too long, disk full, not writable) makes the run go
    on without a cache, never fail: the cache only ever saves work."""

    def __init__(self, folder: Path, build: str, max_bytes: int | None = None):
        self.folder = Path(folder)
        self.path = self.folder / FILE_NAME
        self.build = build
        self.max_bytes = max_bytes if max_bytes is not None else _max_bytes()
        self.db: sqlite3.Connection | None = None
        self.now = time.time_ns()
        try:
            self.db = self._open()
        except (sqlite3.Error, OSError):
            self._rebuild()

    # -- opening: a file that is not ours, or not of this build, is rebuilt -------------------
    def _open(self) -> sqlite3.Connection:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        try:
            db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                db.execute("PRAGMA auto_vacuum=INCREMENTAL")  # before the first table: takes effect then
                db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            with db:
                db.execute("BEGIN IMMEDIATE")
                db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
                db.execute("CREATE TABLE IF NOT EXISTS entries "
                           "(key BLOB PRIMARY KEY, used INTEGER NOT NULL, value BLOB NOT NULL) WITHOUT ROWID")
                meta = dict(db.execute("SELECT name, value FROM meta"))
                if meta.get("schema") not in (None, str(SCHEMA)):
                    raise sqlite3.DatabaseError(f"cache schema {meta.get('schema')}, not {SCHEMA}")
                if meta.get("build") != self.build:
                    db.execute("DELETE FROM entries")  # another fixer's entries: never read, so dropped
                    db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                                   [("schema", str(SCHEMA)), ("build", self.build)])
        except BaseException:
            db.close()
            raise
        return db

    def _rebuild(self) -> None:
        """Throw the file away and start an empty one (or run without a cache if that fails too)."""
        if self.db is not None:
            self.db.close()
            self.db = None
        try:
            clean(self.folder)
            self.db = self._open()
        except (sqlite3.Error, OSError):  # not writable, not a folder...: this run goes without a cache
            self.db = None

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

    # -- reading and writing ---------------------------------------------------------------
    def get_many(self, keys: Iterable[bytes]) -> dict[bytes, Any]:
        """key -> entry for the keys found whose value is intact (others are misses)."""
        found: dict[bytes, Any] = {}
        if self.db is None:
            return found
        keys = list(keys)
        stale = []
        try:
            for start in range(0, len(keys), BATCH):
                batch = keys[start:start + BATCH]
                marks = ",".join("?" * len(batch))
                for key, used, value in self.db.execute(
                        f"SELECT key, used, value FROM entries WHERE key IN ({marks})", batch):
                    entry = _unpack(value)
                    if entry is not None:
                        found[key] = entry
                        if self.now - used > TOUCH_AFTER_NS:
                            stale.append(key)
        except sqlite3.DatabaseError:
            self._rebuild()
            return {}
        self._touch(stale)
        return found

    def _touch(self, keys: list[bytes]) -> None:
        if keys:
            self._write(lambda db: db.executemany("UPDATE entries SET used=? WHERE key=?", [(self.now, k) for k in keys]))

    def put_many(self, items: dict[bytes, Any]) -> None:
        if not items:
            return
        rows = ((key, self.now, _pack(entry)) for key, entry in items.items())  # packed one at a time
        self._write(lambda db: db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?)", rows))
        self._bound()

    def _write(self, action) -> None:
        if self.db is None:
            return
        try:
            with self.db:
                self.db.execute("BEGIN IMMEDIATE")
                action(self.db)
        except sqlite3.OperationalError:
            pass  # busy past the timeout, read-only, disk full: this run's entries are not kept
        except sqlite3.DatabaseError:
            self._rebuild()

    def size(self) -> int:
        if self.db is None:
            return 0
        count, free, page = (self.db.execute(f"PRAGMA {name}").fetchone()[0]
                             for name in ("page_count", "freelist_count", "page_size"))
        return (count - free) * page

    def _bound(self) -> None:
        """Over the size limit: drop the least recently used entries until 3/4 of it is left."""
        try:
            used = self.size()
            if used <= self.max_bytes:
                return
            # Pages hold rows with some slack: the share of bytes to drop is the share of pages to free.
            raw = self.db.execute("SELECT sum(length(key) + length(value)) FROM entries").fetchone()[0] or 0
            excess, doomed = (used - self.max_bytes * 3 // 4) * raw // used, []
            for key, length in self.db.execute("SELECT key, length(key) + length(value) FROM entries ORDER BY used"):
                if excess <= 0:
                    break
                doomed.append((key,))
                excess -= length
            self._write(lambda db: db.executemany("DELETE FROM entries WHERE key=?", doomed))
            # Free pages go back to the file system (executescript runs the pragma to its end: execute
            # would free one page)...
            self.db.executescript("PRAGMA incremental_vacuum;")
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # ...once the log is folded into the file
        except sqlite3.Error:
            pass


def read_one(folder: Path, key: bytes) -> Any:
    """The entry under `key` in the store of `folder`, read without opening the store for writing
    (the fast lane of `check`: its key holds fixer's build, so the store's own build check is not
    needed), or None when there is none, or the file or the value is damaged."""
    path = Path(folder) / FILE_NAME
    try:
        db = sqlite3.connect(path.as_uri() + "?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            row = db.execute("SELECT used, value FROM entries WHERE key=?", (key,)).fetchone()
        finally:
            db.close()
    except sqlite3.Error:
        return None
    if row is None:
        return None
    now = time.time_ns()
    if now - row[0] > TOUCH_AFTER_NS:  # kept recent for the size bound, as `get_many` does
        try:
            db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
            try:
                with db:
                    db.execute("UPDATE entries SET used=? WHERE key=?", (now, key))
            finally:
                db.close()
        except sqlite3.Error:
            pass
    return _unpack(row[1])


def write_one(folder: Path, key: bytes, entry: Any) -> None:
    """Write one small entry into an existing store, without its build check (the fast lane's key
    holds fixer's build); a store that is missing, damaged or busy is left as it is (the next normal
    run bounds the size)."""
    path = Path(folder) / FILE_NAME
    if not path.is_file():
        return
    try:
        db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        try:
            db.execute("PRAGMA synchronous=NORMAL")  # as the store's own writes: WAL, no sync each commit
            with db:
                db.execute("BEGIN IMMEDIATE")
                db.execute("INSERT OR REPLACE INTO entries VALUES (?, ?, ?)", (key, time.time_ns(), _pack(entry)))
        finally:
            db.close()
    except sqlite3.Error:
        pass


def _max_bytes() -> int:
    value = os.environ.get(MAX_BYTES_ENV, "").strip()
    return int(value) if value.isdigit() else DEFAULT_MAX_BYTES


def pack(value: Any) -> bytes:
    """Compressed pickled bytes (an entry's facts: unpacked only when a run needs them)."""
    return zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), 1)


def unpack(packed: bytes) -> Any:
    try:
        return pickle.loads(zlib.decompress(packed))
    except Exception:  # checked by the row's digest already: only a bug would land here
        return None


def _pack(entry: Any) -> bytes:
    body = pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)
    return digest(body) + body


def _unpack(value: bytes) -> Any:
    """The entry, or None when the value is damaged (its digest does not match) or unreadable."""
    if not isinstance(value, bytes) or len(value) < DIGEST or digest(value[DIGEST:]) != value[:DIGEST]:
        return None
    try:
        entry = pickle.loads(value[DIGEST:])
    except Exception:  # a value of another layout: a miss, rewritten by this run
        return None
    return entry if isinstance(entry, dict) else None

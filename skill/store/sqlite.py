"""The embedded store: one SQLite file, one row per household, and a row per ritual state.

`households` holds what most requests change (the hot fields and the wording memory, JSON) with the version a
write is conditional on; `household_parts` holds each ritual's state (skill/household.py's layout), written
only when it changed, in the same transaction as the household's row, so a request of a two-year-old couple
writes as little as a new couple's. A household of the first layout (everything in `document`) still loads.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
import time
from typing import Any

from skill.store.base import RETENTION_SECONDS, Snapshot, StoreUnavailable, VersionConflict

_SCHEMA = """
CREATE TABLE IF NOT EXISTS households (
    household_key TEXT PRIMARY KEY,
    document TEXT NOT NULL,
    version INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
)
"""
_PARTS_SCHEMA = """
CREATE TABLE IF NOT EXISTS household_parts (
    household_key TEXT NOT NULL,
    part TEXT NOT NULL,
    body NOT NULL,
    PRIMARY KEY (household_key, part)
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS household_parts_go_with_their_household AFTER DELETE ON households
BEGIN
    DELETE FROM household_parts WHERE household_key = old.household_key;
END;
"""
_HAS_TABLE = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'household_parts'"
LAYOUT = 2  # skill/household.py's: a document of this layout keeps its ritual states in household_parts
# The household's row first, then its ritual states' rows: one statement, so one consistent snapshot.
_LOAD = (
    "SELECT document, version, NULL, NULL FROM households WHERE household_key = ?1 "
    "UNION ALL SELECT NULL, NULL, part, body FROM household_parts WHERE household_key = ?1"
)
_COMPRESSED = "z:"  # skill/household.py's mark of a compressed state in JSON (base64 after it): stored as a blob


# json.dumps(value, separators=(",", ":"), sort_keys=True), with the encoder built once rather than on every call.
_ENCODE = json.JSONEncoder(separators=(",", ":"), sort_keys=True).encode

# How long a write waits for another's lock before the store counts as unavailable (Alexa waits 8 s in all).
BUSY_TIMEOUT_SECONDS = 2.0


class SQLiteStore:
    """A HouseholdStore in a local SQLite file; safe for the threads of one web service."""

    def __init__(self, path: str | os.PathLike[str], timeout_seconds: float | None = None) -> None:
        self._path = os.fspath(path)
        self._timeout = BUSY_TIMEOUT_SECONDS if timeout_seconds is None else timeout_seconds
        self._local = threading.local()  # what this thread last read of a household (see _part_writes)
        # One connection for all the service's threads, one statement or transaction at a time: a connection's page
        # cache is dropped whenever another connection has written since its last read, so one connection per thread
        # (each writing on every request) re-read the tables' pages from the file for every request.
        self._shared: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    @property
    def database_path(self) -> str | None:
        """The database file (None for an in-memory database); failed deletions are journalled beside it."""
        return None if self._path == ":memory:" else self._path

    def _connection(self) -> sqlite3.Connection:
        """The store's connection, opened (and the schema made) by the first caller; callers hold `_lock` while they
        use it (a test or a tool on one thread need not)."""
        connection = self._shared
        if connection is None:
            try:
                if self._path != ":memory:":
                    # A couple's names are theirs: a new folder and file are readable by their owner only
                    # (SQLite gives the -wal and -shm files the database file's permissions).
                    os.makedirs(os.path.dirname(os.path.abspath(self._path)), mode=0o700, exist_ok=True)
                    with contextlib.suppress(FileExistsError):
                        os.close(os.open(self._path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
                connection = sqlite3.connect(
                    self._path, timeout=self._timeout, isolation_level=None, check_same_thread=False
                )
                connection.execute("PRAGMA journal_mode=WAL")
                # CREATE TABLE IF NOT EXISTS takes the write lock even when the table is there (about 1 ms of every
                # cold start): look first.
                if connection.execute(_HAS_TABLE).fetchone() is None:
                    connection.execute(_SCHEMA)
                    connection.executescript(_PARTS_SCHEMA)
                # Housekeeping, not a ritual's "now": households untouched past retention go.
                connection.execute("DELETE FROM households WHERE expires_at < ?", (int(time.time()),))
                # In WAL mode NORMAL never corrupts the file and survives a crash of the service; only a power cut
                # may lose the last few commits. FULL would fsync every write (several ms each, most of a request).
                connection.execute("PRAGMA synchronous=NORMAL")
                # Deleted text is overwritten with zeros, not left in free pages, whatever SQLite was built with.
                connection.execute("PRAGMA secure_delete=ON")
            except (sqlite3.Error, OSError) as error:
                raise StoreUnavailable(f"cannot open the embedded store: {error}") from error
            self._shared = connection
        return connection

    def load(self, household_key: str) -> Snapshot:
        """One SELECT (one consistent snapshot): the household's row and its ritual states' rows."""
        try:
            with self._lock:
                connection = self._connection()
                try:
                    rows = connection.execute(_LOAD, (household_key,)).fetchall()
                except sqlite3.OperationalError as error:
                    if "no such table" not in str(error):
                        raise
                    # A backup from before household_parts was restored under a running service: add what it lacks.
                    connection.execute(_SCHEMA)
                    connection.executescript(_PARTS_SCHEMA)
                    rows = connection.execute(_LOAD, (household_key,)).fetchall()
        except sqlite3.Error as error:
            raise StoreUnavailable(f"cannot read the embedded store: {error}") from error
        household = next((row for row in rows if row[0] is not None), None)
        if household is None:
            return Snapshot({})
        document = json.loads(household[0])
        if isinstance(document, dict) and document.get("layout") == LAYOUT:
            parts = {str(row[2]): row[3] for row in rows if row[0] is None}
            document["rituals"] = dict(parts)
            # What the next save of this household, at this version, compares with.
            self._local.parts_read = (household_key, int(household[1]), parts)
        return Snapshot(document=document, version=int(household[1]))

    def save(self, household_key: str, document: dict[str, Any], expected_version: int, now: int) -> int:
        """The household's row, conditional on its version, and the ritual states that changed, in one transaction.

        Most requests change no ritual state: their write is the one conditional statement, which SQLite makes a
        transaction of its own, rather than BEGIN, the statement and COMMIT (three round trips into SQLite)."""
        new_version = expected_version + 1
        rituals = document.get("rituals")
        separate = document.get("layout") == LAYOUT and isinstance(rituals, dict)
        hot = {k: v for k, v in document.items() if k != "rituals"} if separate else document
        body = _ENCODE(hot)
        expires_at = now + RETENTION_SECONDS
        parts: dict[str, str | bytes] = {}
        writes: _PartWrites | None = None
        if separate:
            assert isinstance(rituals, dict)
            parts = {str(k): _stored_body(v) for k, v in rituals.items()}
            writes = self._part_writes(household_key, expected_version, parts)
        try:
            with self._lock:
                connection = self._connection()
                if writes is not None and writes.any():
                    connection.execute("BEGIN IMMEDIATE")
                try:
                    if expected_version == 0:
                        cursor = connection.execute(
                            "INSERT OR IGNORE INTO households (household_key, document, version, expires_at) "
                            "VALUES (?, ?, ?, ?)",
                            (household_key, body, new_version, expires_at),
                        )
                    else:
                        cursor = connection.execute(
                            "UPDATE households SET document = ?, version = ?, expires_at = ? "
                            "WHERE household_key = ? AND version = ?",
                            (body, new_version, expires_at, household_key, expected_version),
                        )
                    if cursor.rowcount != 1:
                        if connection.in_transaction:
                            connection.execute("ROLLBACK")
                        raise VersionConflict(household_key)
                    if writes is not None and writes.any():
                        writes.run(connection)
                        connection.execute("COMMIT")
                    if separate:
                        self._local.parts_read = (household_key, new_version, parts)
                except sqlite3.Error:
                    if connection.in_transaction:
                        connection.execute("ROLLBACK")
                    raise
        except sqlite3.Error as error:
            raise StoreUnavailable(f"cannot write the embedded store: {error}") from error
        return new_version

    def _part_writes(self, household_key: str, version: int, parts: dict[str, str | bytes]) -> _PartWrites:
        """The ritual states that differ from what this thread read of the household at `version` (the one the
        write is conditional on); all of them, after clearing the old ones, if it read none."""
        read: tuple[str, int, dict[str, Any]] | None = getattr(self._local, "parts_read", None)
        if read is None or read[:2] != (household_key, version):
            return _PartWrites(household_key, clear=True, changed=list(parts.items()), gone=[])
        before = read[2]
        changed = [(name, body) for name, body in parts.items() if before.get(name) != body]
        return _PartWrites(
            household_key, clear=False, changed=changed, gone=[name for name in before if name not in parts]
        )

    def delete(self, household_key: str) -> None:
        try:
            with self._lock:
                connection = self._connection()
                connection.execute("DELETE FROM households WHERE household_key = ?", (household_key,))
        except sqlite3.Error as error:
            raise StoreUnavailable(f"cannot delete from the embedded store: {error}") from error
        self._wipe_the_journal(connection)

    def _wipe_the_journal(self, connection: sqlite3.Connection) -> None:
        """After a deletion, the -wal file still holds the household as it was written: a truncating checkpoint moves
        the (zeroed) pages into the database and empties the -wal. It waits for readers as long as a write would;
        if one still holds it, the next deletion or SQLite's own checkpoints overwrite those frames."""
        with self._lock, contextlib.suppress(sqlite3.Error):  # the deletion is committed; only the wiping waits
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    def check_writable(self) -> None:
        """Take the write lock and write a row, then roll back: /health's proof that a write can land now."""
        try:
            with self._lock:
                connection = self._connection()
                connection.execute("BEGIN IMMEDIATE")
                try:
                    connection.execute("INSERT OR REPLACE INTO households VALUES ('health-check', '{}', 1, 0)")
                finally:
                    connection.execute("ROLLBACK")
        except sqlite3.Error as error:
            raise StoreUnavailable(f"cannot write the embedded store: {error}") from error

    def purge_expired(self, now: int) -> int:
        """Forget households untouched past the retention period; returns how many."""
        try:
            with self._lock:
                connection = self._connection()
                cursor = connection.execute("DELETE FROM households WHERE expires_at < ?", (now,))
        except sqlite3.Error as error:
            raise StoreUnavailable(f"cannot purge the embedded store: {error}") from error
        if cursor.rowcount:
            self._wipe_the_journal(connection)
        return cursor.rowcount


class _PartWrites:
    """What a save writes to household_parts: clear the household's rows first (when it read none), then each
    changed state, and remove the states that are gone."""

    __slots__ = ("household_key", "clear", "changed", "gone")

    def __init__(
        self, household_key: str, *, clear: bool, changed: list[tuple[str, str | bytes]], gone: list[str]
    ) -> None:
        self.household_key, self.clear, self.changed, self.gone = household_key, clear, changed, gone

    def any(self) -> bool:
        return self.clear or bool(self.changed) or bool(self.gone)

    def run(self, connection: sqlite3.Connection) -> None:
        key = self.household_key
        if self.clear:
            connection.execute("DELETE FROM household_parts WHERE household_key = ?", (key,))
        if self.changed:
            connection.executemany("INSERT OR REPLACE INTO household_parts (household_key, part, body) VALUES (?, ?, ?)",
                                   [(key, name, body) for name, body in self.changed])  # fmt: skip
        if self.gone:
            connection.executemany(
                "DELETE FROM household_parts WHERE household_key = ? AND part = ?", [(key, name) for name in self.gone]
            )


def _stored_body(body: Any) -> str | bytes:
    """A ritual state as the table keeps it: JSON text, or compressed bytes as a blob (no base64)."""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        if body.startswith(_COMPRESSED):
            import base64
            import binascii

            try:
                return base64.b64decode(body[len(_COMPRESSED) :], validate=True)
            except binascii.Error:
                return body  # not ours: kept as it came, and read as a damaged state
        return body
    return json.dumps(body, separators=(",", ":"), sort_keys=True)  # a plain state, as a tool may write one

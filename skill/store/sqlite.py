"""The embedded store: one SQLite file, one row per household."""

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
_HAS_TABLE = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'households'"


class SQLiteStore:
    """A HouseholdStore in a local SQLite file; safe for the threads of one web service."""

    def __init__(self, path: str | os.PathLike[str], timeout_seconds: float = 2.0) -> None:
        self._path = os.fspath(path)
        self._timeout = timeout_seconds
        self._local = threading.local()
        self._schema_lock = threading.Lock()
        self._schema_ready = False

    @property
    def database_path(self) -> str | None:
        """The database file (None for an in-memory database); failed deletions are journalled beside it."""
        return None if self._path == ":memory:" else self._path

    def _connection(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            try:
                if self._path != ":memory:":
                    # A couple's names are theirs: a new folder and file are readable by their owner only
                    # (SQLite gives the -wal and -shm files the database file's permissions).
                    os.makedirs(os.path.dirname(os.path.abspath(self._path)), mode=0o700, exist_ok=True)
                    with contextlib.suppress(FileExistsError):
                        os.close(os.open(self._path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
                connection = sqlite3.connect(self._path, timeout=self._timeout, isolation_level=None)
                # Switching to WAL needs the file to itself: do it (and the schema) once per store, not per thread.
                with self._schema_lock:
                    if not self._schema_ready:
                        connection.execute("PRAGMA journal_mode=WAL")
                        # CREATE TABLE IF NOT EXISTS takes the write lock even when the table is there (about 1 ms
                        # of every cold start): look first.
                        if connection.execute(_HAS_TABLE).fetchone() is None:
                            connection.execute(_SCHEMA)
                        # Housekeeping, not a ritual's "now": households untouched past retention go.
                        connection.execute("DELETE FROM households WHERE expires_at < ?", (int(time.time()),))
                        self._schema_ready = True
                # In WAL mode NORMAL never corrupts the file and survives a crash of the service; only a power cut
                # may lose the last few commits. FULL would fsync every write (several ms each, most of a request).
                connection.execute("PRAGMA synchronous=NORMAL")
            except (sqlite3.Error, OSError) as error:
                raise StoreUnavailable(f"cannot open the embedded store: {error}") from error
            self._local.connection = connection
        return connection

    def load(self, household_key: str) -> Snapshot:
        try:
            row = self._connection().execute(
                "SELECT document, version FROM households WHERE household_key = ?", (household_key,)
            ).fetchone()
        except sqlite3.Error as error:
            raise StoreUnavailable(f"cannot read the embedded store: {error}") from error
        if row is None:
            return Snapshot({})
        return Snapshot(document=json.loads(row[0]), version=int(row[1]))

    def save(self, household_key: str, document: dict[str, Any], expected_version: int, now: int) -> int:
        new_version = expected_version + 1
        body = json.dumps(document, separators=(",", ":"), sort_keys=True)
        expires_at = now + RETENTION_SECONDS
        try:
            connection = self._connection()
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
        except sqlite3.Error as error:
            raise StoreUnavailable(f"cannot write the embedded store: {error}") from error
        if cursor.rowcount != 1:
            raise VersionConflict(household_key)
        return new_version

    def delete(self, household_key: str) -> None:
        try:
            self._connection().execute("DELETE FROM households WHERE household_key = ?", (household_key,))
        except sqlite3.Error as error:
            raise StoreUnavailable(f"cannot delete from the embedded store: {error}") from error

    def purge_expired(self, now: int) -> int:
        """Forget households untouched past the retention period; returns how many."""
        try:
            cursor = self._connection().execute("DELETE FROM households WHERE expires_at < ?", (now,))
        except sqlite3.Error as error:
            raise StoreUnavailable(f"cannot purge the embedded store: {error}") from error
        return cursor.rowcount

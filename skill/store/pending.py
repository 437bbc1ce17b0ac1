"""Deletions that could not happen when asked: kept in a small journal and retried until the store takes them.

A couple who said "forget us", or disabled the skill, while the store was down must still be forgotten.
The journal holds only household keys (one-way hashes, never an Alexa id), one per line, in a file
beside the embedded database (self-hosted) or in the Lambda's /tmp (DynamoDB), and in memory, so
any later request of this process (or any process sharing the file) finishes the job.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

SUFFIX = ".pending-deletions"


class PendingDeletions:
    """A durable set of household keys still to delete (memory, and a file when there is one)."""

    def __init__(self, path: str | None, *, outlives_the_process: bool = True) -> None:
        self.path = path
        # A journal beside the database outlives a restart; one in a Lambda's /tmp dies with its instance.
        self.outlives_the_process = outlives_the_process and path is not None
        self._memory: set[str] = set()
        self._lock = threading.Lock()

    @classmethod
    def for_store(cls, store: Any) -> PendingDeletions:
        """The journal for a store: beside its SQLite file, or in the temp folder for its DynamoDB table."""
        database = getattr(store, "database_path", None)
        if isinstance(database, str):
            return cls(database + SUFFIX)
        table = getattr(store, "table_name", None)
        if isinstance(table, str) and table:
            import tempfile  # only for a DynamoDB table: the embedded store's launch path does without it (~2 ms)

            safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in table)
            return cls(os.path.join(tempfile.gettempdir(), f"our-rituals-{safe}{SUFFIX}"), outlives_the_process=False)
        return cls(None)

    def add(self, household_key: str) -> bool:
        """Remember a deletion to retry; in memory always, in the journal file when it can be written.

        True when the note outlives this process (written to a journal beside the database); False when it is in
        memory only (a full disk, say) or in a journal that dies with the instance, so nobody is promised it."""
        with self._lock:
            self._memory.add(household_key)
        if self.path is None:
            return False
        try:
            with self._locked_file() as file:
                keys = _read(file)
                if household_key not in keys:
                    file.seek(0, os.SEEK_END)
                    file.write(household_key + "\n")
                    file.flush()
                    os.fsync(file.fileno())  # on disk before the couple hears it will be done
        except OSError:
            from skill.logs import get_logger

            get_logger().error("pending deletion kept in memory only: its journal cannot be written (disk full?)")
            return False
        return self.outlives_the_process

    def waiting(self) -> list[str]:
        """The keys still to delete (cheap when there are none: one failed open)."""
        with self._lock:
            keys = set(self._memory)
        if self.path is not None:
            try:
                with open(self.path, encoding="ascii") as file:
                    keys.update(_read(file))
            except (FileNotFoundError, ValueError):
                pass
            except OSError:
                pass
        return sorted(keys)

    def discard(self, household_key: str) -> None:
        """A deletion happened: drop it from memory and from the journal (the file goes when empty)."""
        with self._lock:
            self._memory.discard(household_key)
        if self.path is None or not os.path.exists(self.path):
            return
        try:
            with self._locked_file() as file:
                keys = [key for key in _read(file) if key != household_key]
                file.seek(0)
                file.truncate()
                file.write("".join(key + "\n" for key in keys))
                if not keys:
                    os.unlink(self.path)
        except OSError:
            pass

    @contextmanager
    def _locked_file(self) -> Iterator[Any]:
        """The journal, opened for update (created owner-only) and locked against other processes."""
        assert self.path is not None
        try:
            import fcntl  # only when a deletion failed: no request of a healthy store needs it
        except ImportError:  # Windows: no flock; one server process there, guarded by the in-process lock
            fcntl = None  # type: ignore[assignment]
        descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        with os.fdopen(descriptor, "r+", encoding="ascii") as file, self._lock:
            if fcntl is not None:
                fcntl.flock(file.fileno(), fcntl.LOCK_EX)
            try:
                yield file
            finally:
                if fcntl is not None:
                    fcntl.flock(file.fileno(), fcntl.LOCK_UN)


def _read(file: Any) -> list[str]:
    file.seek(0)
    return [line.strip() for line in file.read().splitlines() if line.strip()]

"""Backing up and restoring the household file (the embedded SQLite store), safe while the server runs.

Both go through SQLite's online backup API, so a backup taken mid-write is a consistent snapshot and a
restore replaces the live file's pages under SQLite's own lock: the running server sees the restored
households on its next request. A file is restored only after it passes `PRAGMA integrity_check` and
holds our schema.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO

# The columns of skill/store/sqlite.py's `households` table: a file without them is not ours.
HOUSEHOLD_COLUMNS = ("household_key", "document", "version", "expires_at")
STDIO = "-"


class BackupError(Exception):
    """The backup or restore was not done; the message says why, for the operator."""


@dataclass(frozen=True)
class Done:
    """What a backup or restore did, as one sentence for the operator."""

    summary: str


def _households_in(connection: sqlite3.Connection) -> int:
    return int(connection.execute("SELECT COUNT(*) FROM households").fetchone()[0])


def _open_existing(path: Path) -> sqlite3.Connection:
    """Open a database file that must already exist (sqlite3.connect would create an empty one)."""
    if not path.is_file():
        raise BackupError(f"there is no household file at {path}")
    return sqlite3.connect(f"file:{path}?mode=rw", uri=True, isolation_level=None, timeout=5.0)


def check_household_file(path: Path) -> int:
    """Refuse a file that is not a sound Our Rituals database; return how many households it holds."""
    try:
        connection = _open_existing(path)
        try:
            verdict = [row[0] for row in connection.execute("PRAGMA integrity_check")]
            if verdict != ["ok"]:
                raise BackupError(f"{path} is damaged (PRAGMA integrity_check: {'; '.join(map(str, verdict[:3]))})")
            columns = tuple(row[1] for row in connection.execute("PRAGMA table_info(households)"))
            if columns != HOUSEHOLD_COLUMNS:
                raise BackupError(f"{path} is an SQLite file but not an Our Rituals household file (no households table of ours)")
            return _households_in(connection)
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a readable SQLite database ({error})") from None


def backup(live: Path, target: str) -> Done:
    """Copy the live household file to `target` (a file, a folder for a dated file, or "-" for stdout)."""
    if target == STDIO:
        with tempfile.TemporaryDirectory(prefix="our-rituals-") as folder:
            copied = Path(folder) / "backup.db"
            count = _backup_to(live, copied)
            with copied.open("rb") as source:
                shutil.copyfileobj(source, sys.stdout.buffer)
            sys.stdout.buffer.flush()
        return Done(f"Backed up {count} household(s) from {live} to standard output (integrity check: ok).")
    destination = Path(target)
    if destination.is_dir():
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
        destination = destination / f"our-rituals-{stamp}.db"
    partial = destination.with_name(destination.name + ".partial")
    try:
        count = _backup_to(live, partial)
        os.replace(partial, destination)
    except OSError as error:
        raise BackupError(f"cannot write {destination} ({error.strerror or error})") from None
    finally:
        partial.unlink(missing_ok=True)
    size = destination.stat().st_size
    return Done(f"Backed up {count} household(s) from {live} to {destination} ({size:,} bytes, integrity check: ok).")


def _backup_to(live: Path, destination: Path) -> int:
    """Snapshot `live` into a new, self-contained file at `destination` (owner-only), checked; returns households."""
    if destination.exists():
        destination.unlink()
    os.close(os.open(destination, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))  # a couple's names: owner-only
    try:
        source = _open_existing(live)
        try:
            copy = sqlite3.connect(destination, isolation_level=None)
            try:
                source.backup(copy)
                copy.execute("PRAGMA journal_mode=DELETE")  # one file, no -wal beside it
            finally:
                copy.close()
        finally:
            source.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"cannot read the household file {live} ({error})") from None
    return check_household_file(destination)


def restore(live: Path, source: str, stdin: BinaryIO | None = None) -> Done:
    """Replace the live household file's contents with a checked backup (a file, or "-" for stdin)."""
    with tempfile.TemporaryDirectory(prefix="our-rituals-") as folder:
        # Checked on a private copy, so the file cannot change between the check and the restore.
        candidate = Path(folder) / "restore.db"
        try:
            if source == STDIO:
                with candidate.open("wb") as out:
                    shutil.copyfileobj(stdin or sys.stdin.buffer, out)
                named = "standard input"
            else:
                shutil.copyfile(source, candidate)
                named = source
        except OSError as error:
            raise BackupError(f"cannot read {source} ({error.strerror or error})") from None
        try:
            check_household_file(candidate)
        except BackupError as error:
            raise BackupError(str(error).replace(str(candidate), named)) from None
        try:
            live.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.close(os.open(live, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            pass
        except OSError as error:
            raise BackupError(f"cannot write the household file {live} ({error.strerror or error})") from None
        try:
            target = sqlite3.connect(live, isolation_level=None, timeout=5.0)
            try:
                try:
                    before = _households_in(target) if _has_households(target) else 0
                except sqlite3.DatabaseError as error:
                    raise BackupError(
                        f"the household file {live} is itself unreadable ({error}), so it was not changed: stop the server, "
                        "move that file aside, and run the restore again"
                    ) from None
                backup_source = sqlite3.connect(candidate, isolation_level=None)
                try:
                    backup_source.backup(target)
                finally:
                    backup_source.close()
                target.execute("PRAGMA journal_mode=WAL")
                after = _households_in(target)
            finally:
                target.close()
        except sqlite3.DatabaseError as error:
            raise BackupError(f"cannot write the household file {live} ({error}); it was not changed") from None
    return Done(
        f"Restored {after} household(s) from {named} into {live}, replacing the {before} household(s) it held. "
        "Anything stored after that backup was taken is gone."
    )


def _has_households(connection: sqlite3.Connection) -> bool:
    return connection.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='households'").fetchone() is not None

"""Backing up and restoring the household file (the embedded SQLite store), safe while the server runs.

Both go through SQLite's online backup API, so a backup taken mid-write is a consistent snapshot and a
restore replaces the live file's pages under SQLite's own lock: the running server sees the restored
households on its next request. A backup never writes onto the live file or any other open database.

A restore reads only a regular file (or standard input) of at most MAX_RESTORE_BYTES, and trusts nothing in
it but its rows: they are checked one by one (a key, a JSON object, a version) and copied into a fresh file
with the skill's own schema, which then replaces the live one. No trigger, view or index of the backup's
comes across.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import stat
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO

# The columns of skill/store/sqlite.py's `households` table: a file without them is not ours.
HOUSEHOLD_COLUMNS = ("household_key", "document", "version", "expires_at")
STDIO = "-"
# Thousands of households fit in a few megabytes; a "backup" larger than this is not one of ours.
MAX_RESTORE_BYTES = 256 * 1024 * 1024
MAX_KEY_CHARS = 200
# What SQLite keeps beside an open database: a target with one of these is in use by something.
SIDE_FILES = ("-wal", "-shm", "-journal")
_DATED = re.compile(r"our-rituals-\d{8}-\d{6}\.db")


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
                raise BackupError(
                    f"{path} is an SQLite file but not an Our Rituals household file (no households table of ours)"
                )
            return _households_in(connection)
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a readable SQLite database ({error})") from None


def backup(live: Path, target: str, keep: int | None = None) -> Done:
    """Copy the live household file to `target` (a file, a folder for a dated file, or "-" for stdout).

    With a folder and `keep`, the `keep` newest dated backups there are kept and older ones deleted, but only
    after this backup was written and checked: a failed backup deletes nothing.
    """
    if not live.is_file():
        raise BackupError(f"there is no household file at {live}")
    if target == STDIO:
        # Beside the household file, not in /tmp: the container's root (and /tmp) may be read-only or small.
        with tempfile.TemporaryDirectory(prefix=".our-rituals-backup-", dir=live.parent) as scratch:
            copied = Path(scratch) / "backup.db"
            count = _backup_to(live, copied)
            with copied.open("rb") as source:
                shutil.copyfileobj(source, sys.stdout.buffer)
            sys.stdout.buffer.flush()
        return Done(f"Backed up {count} household(s) from {live} to standard output (integrity check: ok).")
    destination = Path(target)
    folder = destination if destination.is_dir() else None
    if folder is not None:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")  # UTC: the names sort in the order taken
        destination = folder / f"our-rituals-{stamp}.db"
    elif keep is not None:
        raise BackupError(f"--keep needs a folder of dated backups, and {destination} is not one")
    _refuse_an_open_database(live, destination)
    partial = destination.with_name(destination.name + ".partial")
    try:
        count = _backup_to(live, partial)
        os.replace(partial, destination)
    except OSError as error:
        raise BackupError(f"cannot write {destination} ({error.strerror or error})") from None
    finally:
        partial.unlink(missing_ok=True)
    size = destination.stat().st_size
    pruned = _keep_newest(folder, keep) if folder is not None and keep is not None else 0
    note = f" {pruned} older backup(s) deleted, the {keep} newest kept." if pruned else ""
    return Done(
        f"Backed up {count} household(s) from {live} to {destination} ({size:,} bytes, integrity check: ok).{note}"
    )


def _keep_newest(folder: Path, keep: int) -> int:
    """Delete all but the `keep` newest dated backups in folder (by the UTC stamp in their names); returns how many."""
    dated = sorted(each for each in folder.iterdir() if _DATED.fullmatch(each.name) and each.is_file())
    old = dated[: max(0, len(dated) - max(1, keep))]
    for each in old:
        each.unlink(missing_ok=True)
    return len(old)


def _refuse_an_open_database(live: Path, destination: Path) -> None:
    """A backup written over the live file (or its -wal) would replace it under the running server, whose next
    checkpoint then loses every household written since; any other open database would be broken the same way."""
    for each in (live, *(live.with_name(live.name + side) for side in SIDE_FILES)):
        try:
            if destination.exists() and os.path.samefile(destination, each):
                raise BackupError(f"{destination} is the live household file (or part of it); back up to another file")
        except FileNotFoundError:
            continue
    in_use = [side for side in SIDE_FILES if destination.with_name(destination.name + side).exists()]
    if destination.exists() and in_use:
        raise BackupError(
            f"{destination} is an open database (its {in_use[0]} file is beside it); back up to another file"
        )


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
    """Replace the live household file's contents with the checked rows of a backup (a file, or "-" for stdin)."""
    try:
        live.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as error:
        raise BackupError(f"cannot write the household file {live} ({error.strerror or error})") from None
    with tempfile.TemporaryDirectory(prefix=".our-rituals-restore-", dir=live.parent) as folder:
        # Read into a private copy, so the file cannot change between the check and the restore.
        candidate = Path(folder) / "restore.db"
        named = "standard input" if source == STDIO else source
        try:
            if source == STDIO:
                _copy_bounded(stdin or sys.stdin.buffer, candidate, named)
            else:
                with open(source, "rb") as given:
                    if not stat.S_ISREG(os.fstat(given.fileno()).st_mode):
                        raise BackupError(f"{source} is not a regular file")
                    _copy_bounded(given, candidate, named)
        except OSError as error:
            raise BackupError(f"cannot read {source} ({error.strerror or error})") from None
        try:
            check_household_file(candidate)
            rows, parts = _checked_rows(candidate)
        except BackupError as error:
            raise BackupError(str(error).replace(str(candidate), named)) from None
        fresh = Path(folder) / "fresh.db"
        _write_fresh(fresh, rows, parts)
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
                backup_source = sqlite3.connect(fresh, isolation_level=None)
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


def _copy_bounded(given: BinaryIO, candidate: Path, named: str) -> None:
    """Copy at most MAX_RESTORE_BYTES; a longer source (say /dev/zero piped in) is refused, not read forever."""
    copied = 0
    with candidate.open("wb") as out:
        while chunk := given.read(1024 * 1024):
            copied += len(chunk)
            if copied > MAX_RESTORE_BYTES:
                raise BackupError(
                    f"{named} is larger than any household file ({MAX_RESTORE_BYTES // (1024 * 1024)} MiB at most)"
                )
            out.write(chunk)


Row = tuple[str, str, int, int]
Part = tuple[str, str, str | bytes]  # household key, ritual, its state (skill/store/sqlite.py's household_parts)


def _checked_rows(candidate: Path) -> tuple[list[Row], list[Part]]:
    """Every household of the backup and its ritual states, each checked as the skill will read it; the first bad one
    refuses the lot."""
    connection = sqlite3.connect(f"file:{candidate}?mode=ro", uri=True, isolation_level=None)
    try:
        connection.execute("PRAGMA trusted_schema=OFF")
        kind = connection.execute("SELECT type FROM sqlite_master WHERE name = 'households'").fetchone()
        if kind is None or kind[0] != "table":
            raise BackupError(f"{candidate} is not an Our Rituals household file (households is not a table)")
        found = connection.execute("SELECT household_key, document, version, expires_at FROM households").fetchall()
        parts_kind = connection.execute("SELECT type FROM sqlite_master WHERE name = 'household_parts'").fetchone()
        if parts_kind is not None and parts_kind[0] != "table":
            raise BackupError(f"{candidate} is not an Our Rituals household file (household_parts is not a table)")
        found_parts = (
            []
            if parts_kind is None
            else connection.execute("SELECT household_key, part, body FROM household_parts").fetchall()
        )
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{candidate} is not a readable SQLite database ({error})") from None
    finally:
        connection.close()
    rows: list[Row] = []
    seen: set[str] = set()
    for number, (key, document, version, expires_at) in enumerate(found, start=1):
        if not isinstance(key, str) or not key or len(key) > MAX_KEY_CHARS or not key.isprintable():
            raise BackupError(f"{candidate} has a household (row {number}) without a proper key")
        if key in seen:
            raise BackupError(f"{candidate} holds one household twice (row {number})")
        seen.add(key)
        try:
            parsed = json.loads(document) if isinstance(document, str) else None
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict):
            raise BackupError(f"{candidate} has a household (row {number}) whose document is not a JSON object")
        if type(version) is not int or version < 1 or type(expires_at) is not int:
            raise BackupError(f"{candidate} has a household (row {number}) without a proper version or expiry")
        rows.append((key, document, version, expires_at))
    parts: list[Part] = []
    for number, (key, part, body) in enumerate(found_parts, start=1):
        if key not in seen:
            raise BackupError(f"{candidate} has a ritual's state (row {number}) that belongs to no household")
        if not isinstance(part, str) or not part or len(part) > MAX_KEY_CHARS or not part.isprintable():
            raise BackupError(f"{candidate} has a ritual's state (row {number}) without a proper name")
        if not isinstance(body, str | bytes):
            raise BackupError(f"{candidate} has a ritual's state (row {number}) that is neither text nor bytes")
        parts.append((key, part, body))
    return rows, parts


def _write_fresh(fresh: Path, rows: list[Row], parts: list[Part]) -> None:
    """A new file with the skill's own schema and nothing else, holding `rows` and their ritual states."""
    from skill.store.sqlite import _PARTS_SCHEMA, _SCHEMA

    os.close(os.open(fresh, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    connection = sqlite3.connect(fresh, isolation_level=None)
    try:
        connection.execute(_SCHEMA)
        connection.executescript(_PARTS_SCHEMA)
        connection.execute("BEGIN")
        connection.executemany(
            "INSERT INTO households (household_key, document, version, expires_at) VALUES (?, ?, ?, ?)", rows
        )
        connection.executemany("INSERT INTO household_parts (household_key, part, body) VALUES (?, ?, ?)", parts)
        connection.execute("COMMIT")
    finally:
        connection.close()


def _has_households(connection: sqlite3.Connection) -> bool:
    return (
        connection.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='households'").fetchone()
        is not None
    )

"""The store interface: whole-household documents with optimistic concurrency."""

from __future__ import annotations

from typing import Any, Protocol

from skill.record import Record

# A household untouched for this long is forgotten by the store (TTL / purge).
RETENTION_SECONDS = 400 * 24 * 3600


class StoreUnavailable(Exception):
    """The store could not be read or written (down, slow, locked, read-only)."""


class VersionConflict(Exception):
    """Someone else wrote the household since it was read: re-read and re-apply.

    `current` is the household as it now stands, when the store could say so with the refusal
    (DynamoDB does): the writer re-applies on it without another read.
    """

    def __init__(self, household_key: str, current: Snapshot | None = None) -> None:
        super().__init__("version conflict")  # never the key: exceptions end up in logs
        self.current = current


class Snapshot(Record):
    """A household document as read, with the version a conditional write must match.

    Version 0 means nothing is stored yet for this household: `Snapshot({})`.
    """

    document: dict[str, Any]
    version: int = 0


class HouseholdStore(Protocol):
    """One document per household, keyed by a pseudonymous household key (never a raw user id)."""

    def load(self, household_key: str) -> Snapshot:
        """Read the household; an empty snapshot (version 0) when none is stored."""
        ...

    def save(self, household_key: str, document: dict[str, Any], expected_version: int, now: int) -> int:
        """Write the household if its stored version is still `expected_version`.

        `now` is the request's epoch seconds, used for expiry. Returns the new version;
        raises VersionConflict when another writer got there first.
        """
        ...

    def delete(self, household_key: str) -> None:
        """Forget everything stored for the household."""
        ...

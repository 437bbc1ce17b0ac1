"""Read-change-write of a household with optimistic concurrency, degrading gracefully when the store fails."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

from skill.digest import sha256_hex
from skill.household import Household
from skill.logs import get_logger
from skill.record import Record
from skill.store.base import HouseholdStore, StoreUnavailable, VersionConflict
from skill.store.pending import PendingDeletions

T = TypeVar("T")

# Two Echos in one home rarely collide more than once; a busy household (several Echos, a retrying
# Alexa) can collide many times. A writer that keeps losing re-reads, re-runs the whole turn on the
# fresh household and tries again, backing off with jitter, until the write lands or the time budget
# is spent: Alexa waits 8 seconds for the answer (the Lambda's timeout is 7), so 4.5 after the first
# read go to retries, leaving room for one last slow call.
WRITE_BUDGET_SECONDS = 4.5
MAX_ATTEMPTS = 200  # a bound besides time, so a store that conflicts instantly cannot spin
FIRST_BACKOFF_SECONDS = 0.005
MAX_BACKOFF_SECONDS = 0.1
# After a pending deletion fails again (the store still down), requests leave it alone this long, so an
# outage does not cost every request an extra timed-out call.
PENDING_RETRY_PAUSE_SECONDS = 10.0


class Applied(Record, Generic[T]):
    """What a change returned, and whether what it changed is stored (True too when it changed nothing)."""

    result: T
    saved: bool

    def __iter__(self) -> Iterator[Any]:
        return iter((self.result, self.saved))  # `reply, saved = households.attempt(...)`


class DeletionWaiting(StoreUnavailable):
    """The store could not delete now; `noted` is True when the deletion is kept where it outlives this process."""

    def __init__(self, noted: bool) -> None:
        super().__init__("deletion waiting")
        self.noted = noted


class Households:
    """Applies a change to one household: at most one read and one conditional write per request, in the common case."""

    def __init__(self, store: HouseholdStore, pending: PendingDeletions | None = None) -> None:
        self.store = store
        self.pending = pending if pending is not None else PendingDeletions.for_store(store)
        self._pending_paused_until = 0.0

    def apply(self, household_key: str, now: int, change: Callable[[Household], T]) -> T:
        """Run `change` on the household and store the result if it changed anything (see `attempt`)."""
        return self.attempt(household_key, now, change).result

    def attempt(self, household_key: str, now: int, change: Callable[[Household], T]) -> Applied[T]:
        """Run `change` on the household, store the result if it changed anything, and say whether it landed.

        On a write conflict (two Echos in one home) the household is read again (or taken from the refusal,
        where the store sends it back) and `change` re-run on it, until the write lands or
        WRITE_BUDGET_SECONDS are spent, so nothing is lost. If the store is
        down, `change` still runs on what we have, so the ritual goes on; `saved` is then False, and the
        caller tells the couple, rather than let them believe it was kept.
        """
        log = get_logger()
        self._retry_pending_deletions()
        try:
            snapshot = self.store.load(household_key)
        except StoreUnavailable as error:
            log.warning("store unavailable on read; continuing unsaved", extra={"store_error": type(error).__name__})
            household = Household()
            result = change(household)
            return Applied(result, household.to_document() == Household().to_document())
        deadline = time.monotonic() + WRITE_BUDGET_SECONDS
        for attempt in range(1, MAX_ATTEMPTS + 1):
            # The household owns what the store parsed; what changed is found by comparing serialised forms.
            household = Household.from_document(snapshot.document)
            result = change(household)
            document = household.to_document()
            if not household.changed(document):
                return Applied(result, True)
            try:
                self.store.save(household_key, document, snapshot.version, now)
                return Applied(result, True)
            except StoreUnavailable as error:
                log.warning(
                    "store unavailable on write; continuing unsaved", extra={"store_error": type(error).__name__}
                )
                return Applied(result, False)
            except VersionConflict as conflict:
                pause = random.uniform(0, min(MAX_BACKOFF_SECONDS, FIRST_BACKOFF_SECONDS * 2**attempt))
                if attempt == MAX_ATTEMPTS or time.monotonic() + pause >= deadline:
                    log.warning(
                        "write conflicts until the time ran out; this change was not saved", extra={"attempts": attempt}
                    )
                    return Applied(result, False)
                log.info("write conflict; re-reading and re-applying")
                # Jitter, so two writers in lockstep do not keep colliding.
                time.sleep(pause)
                if conflict.current is not None:
                    snapshot = conflict.current  # the winner's household, sent back with the refusal
                    continue
            try:
                snapshot = self.store.load(household_key)
            except StoreUnavailable:
                log.warning("store unavailable on re-read; continuing unsaved")
                return Applied(result, False)
        raise AssertionError("unreachable")

    def forget(self, household_key: str) -> None:
        """Delete the household now; if the store cannot, remember to (durably, where we can) and raise
        DeletionWaiting, which says whether the note outlives this process (a journal on disk, the deletion queue)."""
        try:
            self.store.delete(household_key)
        except StoreUnavailable as error:
            noted = self.pending.add(household_key)
            from skill.store.deletion_queue import DeletionQueue  # only when a deletion failed

            queue = DeletionQueue.from_environment()
            if queue is not None:
                noted = queue.send(household_key) or noted
            raise DeletionWaiting(noted) from error
        self.pending.discard(household_key)

    def _retry_pending_deletions(self) -> None:
        """Deletions that failed earlier are tried again first, on any request, until they succeed."""
        if time.monotonic() < self._pending_paused_until:
            return
        for key in self.pending.waiting():
            try:
                self.store.delete(key)
            except StoreUnavailable:
                self._pending_paused_until = time.monotonic() + PENDING_RETRY_PAUSE_SECONDS
                return  # still down: a request a little later tries again
            self.pending.discard(key)
            get_logger().info("pending deletion done")


def household_key(user_id: str) -> str:
    """The store's key for a household: a one-way hash of the Alexa userId, so no raw id is ever stored."""
    return sha256_hex(f"our-rituals:household:{user_id}")


def speaker_key(person_id: str) -> str:
    """How a household remembers a recognised voice: a one-way hash of Alexa's personId, never the id itself."""
    return sha256_hex(f"our-rituals:person:{person_id}")[:32]

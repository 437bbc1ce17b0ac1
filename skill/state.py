"""Read-change-write of a household with optimistic concurrency, degrading gracefully when the store fails."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from skill.household import Household
from skill.logs import get_logger
from skill.store.base import HouseholdStore, StoreUnavailable, VersionConflict

T = TypeVar("T")

# Two Echos in one home rarely collide more than once. A writer that keeps losing backs off exponentially
# (with jitter, capped), so a busy one finishes first; all eight attempts together wait well under a second.
MAX_ATTEMPTS = 8
FIRST_BACKOFF_SECONDS = 0.01
MAX_BACKOFF_SECONDS = 0.2


class Households:
    """Applies a change to one household: at most one read and one conditional write per request."""

    def __init__(self, store: HouseholdStore) -> None:
        self.store = store

    def apply(self, household_key: str, now: int, change: Callable[[Household], T]) -> T:
        """Run `change` on the household and store the result if it changed anything.

        On a write conflict (two Echos in one home) the household is read again and `change`
        re-applied (up to MAX_ATTEMPTS in all), so nothing is lost. If the store is down, `change` still runs on what
        we have, so the ritual goes on; it just isn't remembered.
        """
        log = get_logger()
        try:
            snapshot = self.store.load(household_key)
        except StoreUnavailable as error:
            log.warning("store unavailable on read; continuing unsaved", extra={"store_error": type(error).__name__})
            return change(Household())
        for attempt in range(1, MAX_ATTEMPTS + 1):
            original = Household.from_document(snapshot.document).to_document()
            household = Household.from_document(snapshot.document)
            result = change(household)
            document = household.to_document()
            if document == original:
                return result
            try:
                self.store.save(household_key, document, snapshot.version, now)
                return result
            except StoreUnavailable as error:
                log.warning("store unavailable on write; continuing unsaved", extra={"store_error": type(error).__name__})
                return result
            except VersionConflict:
                if attempt == MAX_ATTEMPTS:
                    log.warning("write conflicts on every attempt; this change was not saved")
                    return result
                log.info("write conflict; re-reading and re-applying")
                # Jitter, so two writers in lockstep do not keep colliding.
                time.sleep(random.uniform(0, min(MAX_BACKOFF_SECONDS, FIRST_BACKOFF_SECONDS * 2**attempt)))
            try:
                snapshot = self.store.load(household_key)
            except StoreUnavailable:
                log.warning("store unavailable on re-read; continuing unsaved")
                return result
        raise AssertionError("unreachable")

    def forget(self, household_key: str) -> None:
        self.store.delete(household_key)


def household_key(user_id: str) -> str:
    """The store's key for a household: a one-way hash of the Alexa userId, so no raw id is ever stored."""
    from skill.digest import sha256_hex

    return sha256_hex(f"our-rituals:household:{user_id}")


def speaker_key(person_id: str) -> str:
    """How a household remembers a recognised voice: a one-way hash of Alexa's personId, never the id itself."""
    from skill.digest import sha256_hex

    return sha256_hex(f"our-rituals:person:{person_id}")[:32]

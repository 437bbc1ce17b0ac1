"""Household state: the embedded store, conditional writes, re-applying a change after a conflict, no needless writes."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from skill.household import Household
from skill.state import Households, household_key
from skill.store.base import RETENTION_SECONDS, StoreUnavailable, VersionConflict
from skill.store.sqlite import SQLiteStore

NOW = 1_800_000_000


def test_round_trip_and_versions(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    assert store.load("k").version == 0
    assert store.save("k", {"names": ["Maya", "Sam"]}, 0, NOW) == 1
    snapshot = store.load("k")
    assert snapshot.document == {"names": ["Maya", "Sam"]} and snapshot.version == 1
    with pytest.raises(VersionConflict):
        store.save("k", {"names": []}, 0, NOW)
    with pytest.raises(VersionConflict):
        store.save("k", {"names": []}, 5, NOW)
    store.delete("k")
    assert store.load("k").version == 0


def test_untouched_households_expire_after_the_retention_period(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    store.save("old", {}, 0, NOW)
    store.save("recent", {}, 0, NOW + 100 * 86400)
    assert store.purge_expired(NOW + RETENTION_SECONDS + 1) == 1
    assert store.load("old").version == 0 and store.load("recent").version == 1


def test_a_locked_database_is_reported_as_unavailable(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    SQLiteStore(path).save("k", {}, 0, NOW)
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreUnavailable):
            SQLiteStore(path, timeout_seconds=0.05).save("k", {"a": 1}, 1, NOW)
    finally:
        blocker.execute("ROLLBACK")
    assert SQLiteStore(path).load("k").document == {}, "nothing was lost or half-written"


def test_household_documents_tolerate_damage() -> None:
    household = Household.from_document(
        {"names": "not a list", "next_first": 7, "phrasing": [], "in_progress": {"x": 1}}
    )
    assert household.names == [] and household.next_first == 0 and household.in_progress is None


def test_a_change_is_reapplied_once_after_a_write_conflict(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    households = Households(store)
    key = household_key("amzn1.ask.account.A")
    store.save(key, Household(names=["Maya", "Sam"]).to_document(), 0, NOW)
    calls = 0

    def rename_while_another_echo_writes(household: Household) -> str:
        nonlocal calls
        calls += 1
        if calls == 1:  # the other Echo in the kitchen writes between our read and our write
            other = Household.from_document(store.load(key).document)
            other.voices_swapped = True
            store.save(key, other.to_document(), 1, NOW)
        household.next_first = 1
        return "done"

    assert households.apply(key, NOW, rename_while_another_echo_writes) == "done"
    final = Household.from_document(store.load(key).document)
    assert calls == 2
    assert final.voices_swapped is True and final.next_first == 1, "both changes survive"


class CountingStore(SQLiteStore):
    """The embedded store, counting its writes."""

    saves = 0

    def save(self, *args, **kwargs) -> int:  # noqa: ANN002, ANN003
        self.saves += 1
        return super().save(*args, **kwargs)


def test_nothing_is_written_when_nothing_changed(tmp_path: Path) -> None:
    store = CountingStore(tmp_path / "s.db")
    households = Households(store)
    households.apply("k", NOW, lambda h: None)
    assert store.saves == 0
    households.apply("k", NOW, lambda h: h.names.extend(["Maya", "Sam"]))
    households.apply("k", NOW, lambda h: h.names[0])  # reading changes nothing
    assert store.saves == 1


def test_two_echos_writing_at_once_lose_no_update(tmp_path: Path) -> None:
    households = Households(SQLiteStore(tmp_path / "s.db"))

    def bump(worker: int) -> None:
        for step in range(10):
            households.apply(
                "k", NOW, lambda h, step=step: h.rituals.setdefault("log", {}).__setitem__(f"{worker}-{step}", 1)
            )

    threads = [threading.Thread(target=bump, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    log = Household.from_document(SQLiteStore(tmp_path / "s.db").load("k").document).rituals["log"]
    assert len(log) == 20, "two Echos writing at once lose nothing"


def test_the_embedded_store_purges_expired_households_when_it_opens(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    SQLiteStore(path).save("long-gone", {}, 0, 1_000_000_000)  # expired in 2002
    SQLiteStore(path).save("recent", {}, 0, NOW)
    reopened = SQLiteStore(path)
    assert reopened.load("long-gone").version == 0 and reopened.load("recent").version == 1


def test_an_expired_ritual_in_progress_is_dropped() -> None:
    household = Household(in_progress={"ritual": "x", "expires_at": 100, "state": {}})
    household.drop_expired_progress(99)
    assert household.in_progress is not None
    household.drop_expired_progress(100)
    assert household.in_progress is None


def test_a_damaged_list_of_recognised_voices_keeps_only_what_makes_sense() -> None:
    document = {"speakers": {"a": 0, "b": 1, "c": True, "d": 2, "e": "1", **{f"v{i}": i % 2 for i in range(6)}}}
    speakers = Household.from_document(document).speakers
    assert speakers == {"v2": 0, "v3": 1, "v4": 0, "v5": 1}, "only partner numbers, and at most four voices"

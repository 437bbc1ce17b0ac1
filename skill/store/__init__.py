"""Where a household's state lives: one interface, an embedded and a cloud implementation."""

from __future__ import annotations

import os

from skill.store.base import HouseholdStore, Snapshot, StoreUnavailable, VersionConflict

__all__ = ["HouseholdStore", "Snapshot", "StoreUnavailable", "VersionConflict", "open_store"]


def default_sqlite_path() -> str:
    """The embedded database file: `OUR_RITUALS_DB`, else under the user's data folder.

    Plain os.path, as on the whole launch path: importing pathlib costs a cold start about a millisecond.
    """
    configured = os.environ.get("OUR_RITUALS_DB")
    if configured:
        return configured
    data_home = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(data_home, "our-rituals", "our-rituals.db")


def open_store() -> HouseholdStore:
    """The store the environment asks for: DynamoDB when `SKILL_TABLE` is set, else SQLite."""
    table = os.environ.get("SKILL_TABLE")
    if table:
        from skill.store.dynamodb import DynamoDBStore

        return DynamoDBStore(table)
    from skill.store.sqlite import SQLiteStore

    return SQLiteStore(default_sqlite_path())

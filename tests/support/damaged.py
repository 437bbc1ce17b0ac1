"""A ritual's stored state as an older version or a damaged disk might have left it, put in the embedded store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from skill.store.sqlite import SQLiteStore
from tests.support.conversation import Couple

# Stored texts that are no ritual state at all: JSON that is no object, and no JSON.
NOT_A_STATE = ('["not", "a", "state"]', "{not json")


def damage(couple: Couple, embedded_store: Path, ritual: str, stored: Any) -> None:
    """Keep `stored` (a dict, or the stored text itself) as the couple's state of `ritual`."""
    store = SQLiteStore(embedded_store)
    snapshot = store.load(couple.key)
    assert snapshot.version > 0, "the couple has met the skill"
    document = dict(snapshot.document)
    document["rituals"] = {**document.get("rituals", {}), ritual: stored}
    store.save(couple.key, document, snapshot.version, int(couple.now.timestamp()))

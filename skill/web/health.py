"""GET /health: the store can be read and written and its disk has room, or a 503 saying which is not so.

Docker's HEALTHCHECK and an operator's monitor ask it. Nothing is stored by asking: the write is a real
write transaction on the household file, rolled back; the room is the free space of the file's disk.
"""

from __future__ import annotations

import os
import shutil
from typing import Any

from skill.store.base import StoreUnavailable

# A household is a few KiB and the -wal grows by pages; below this the next writes may fail.
MIN_FREE_BYTES = 8 * 1024 * 1024
PROBE_KEY = "health-check"  # never a household key (those are 64 hex digits)


def store_problem(store: Any) -> str | None:
    """None when the store is healthy; otherwise what is wrong, in a few words for the operator."""
    try:
        store.load(PROBE_KEY)
    except StoreUnavailable:
        return "the store cannot be read"
    check_writable = getattr(store, "check_writable", None)
    if check_writable is not None:
        try:
            check_writable()
        except StoreUnavailable:
            return "the store cannot be written"
    database = getattr(store, "database_path", None)
    if isinstance(database, str):
        try:
            free = shutil.disk_usage(os.path.dirname(os.path.abspath(database))).free
        except OSError:
            return "the store's disk cannot be read"
        if free < MIN_FREE_BYTES:
            return "the store's disk is full"
    return None

"""Alexa's request `timestamp`, read one way everywhere: ISO 8601, or epoch seconds or milliseconds.

Amazon documents ISO 8601 ("2026-11-22T19:30:00Z"); some recorded requests carry epoch milliseconds
(1795375800000). Every reader (the request facts, the web endpoint's 150 s check, the SDK's
deserializer) goes through `alexa_time`, so both shapes mean the same instant.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

# Below this, an epoch number is seconds; above, milliseconds (1e11 s is the year 5138; 1e11 ms is 1973).
_MILLISECONDS_FROM = 10**11
# No instant a datetime can hold needs more digits (year 9999 is about 2.5e14 ms); longer is not a time.
_MAX_EPOCH_DIGITS = 16


def alexa_time(value: Any) -> datetime | None:
    """The instant `value` names, timezone-aware (UTC when it names none); None when it is not a time."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.strip()
        if text.isascii() and text.isdigit():  # "²" is a digit to str.isdigit, and no number to int()
            return _from_epoch(int(text)) if len(text) <= _MAX_EPOCH_DIGITS else None
        try:
            parsed = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
        except ValueError:
            return None
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=timezone.utc)
    if isinstance(value, (int, float)) and value == value and abs(value) != float("inf"):
        return _from_epoch(value)
    return None


def _from_epoch(number: float) -> datetime | None:
    try:
        seconds = number / 1000 if abs(number) >= _MILLISECONDS_FROM else number  # a huge int overflows the division
        return datetime.fromtimestamp(seconds, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None

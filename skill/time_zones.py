"""An IANA time zone by name, or None: the one place a stored or reported zone name is turned into a tzinfo.

zoneinfo is imported on first use, not at import, to keep it off the Lambda cold start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo


def zone_named(name: str | None) -> ZoneInfo | None:
    """The zone called `name`, or None when it is empty or names no zone.

    ZoneInfo reads the name as a path: besides ZoneInfoNotFoundError and ValueError, a name that is a
    directory ("America") raises IsADirectoryError, and one longer than a file name may be another OSError.
    """
    if not name:
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None

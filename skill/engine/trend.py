"""Check-in ratings over time: ISO weeks, the change since last time, and a four-week view.

Pure functions over the stored history ({"2026-W47": [7, 8], ...}: one rating per partner, in partner
order), so the words a couple hears about their weeks can be tested without a conversation.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any, TypeVar

from skill.record import Record

RATING_MIN = 1
RATING_MAX = 10

Ratings = tuple[int, int]
T = TypeVar("T")


def week_key(day: date) -> str:
    """The ISO week a day belongs to, as stored: "2026-W47"."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_monday(key: str) -> date | None:
    """The Monday of a stored week, or None when the key is not one."""
    year, _, week = key.partition("-W")
    try:
        return date.fromisocalendar(int(year), int(week), 1)
    except (ValueError, TypeError):
        return None


def weeks_apart(earlier: str, later: str) -> int:
    """Whole weeks from one stored week to a later one (0: the same week)."""
    first, second = week_monday(earlier), week_monday(later)
    if first is None or second is None:
        raise ValueError(f"not a week: {earlier!r} or {later!r}")
    return (second - first).days // 7


def valid_rating(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and RATING_MIN <= value <= RATING_MAX


def clean_history(raw: Any) -> dict[str, Ratings]:
    """The stored weeks that make sense (a real week, two ratings from 1 to 10), oldest first."""
    if not isinstance(raw, Mapping):
        return {}
    weeks: dict[str, Ratings] = {}
    for key, ratings in raw.items():
        if (
            isinstance(key, str)
            and week_monday(key) is not None
            and isinstance(ratings, (list, tuple))
            and len(ratings) == 2
            and all(valid_rating(r) for r in ratings)
        ):
            weeks[key] = (ratings[0], ratings[1])
    return dict(sorted(weeks.items(), key=lambda item: week_monday(item[0]) or date.min))


def keep_recent(weeks: Mapping[str, T], keep: int, today: date | None = None) -> dict[str, T]:
    """Only the latest `keep` weeks, and (given `today`) none older than `keep` weeks, so the household's item
    stays small however long they keep checking in, and an old week does not linger after a long pause."""
    oldest = today - timedelta(weeks=keep) if today is not None else date.min
    dated = [(week_monday(key), key, value) for key, value in weeks.items()]
    ordered = sorted((monday, key, value) for monday, key, value in dated if monday is not None and monday > oldest)
    return {key: value for _, key, value in ordered[-keep:]} if keep > 0 else {}


class Change(Record):
    """How each partner's rating moved since an earlier check-in `weeks` weeks before."""

    weeks: int
    deltas: tuple[int, int]


def change_since(weeks: Mapping[str, Ratings], key: str, *, within: int) -> Change | None:
    """The change from the latest check-in before `key`, if that one was at most `within` weeks earlier."""
    if key not in weeks:
        return None
    earlier = [k for k in weeks if 0 < weeks_apart(k, key) <= within]
    if not earlier:
        return None
    previous = max(earlier, key=lambda k: week_monday(k) or date.min)
    now, before = weeks[key], weeks[previous]
    return Change(weeks_apart(previous, key), (now[0] - before[0], now[1] - before[1]))


def around(values: list[int]) -> int:
    """The whole number a few ratings hover around (halves round up: 7.5 is "around eight")."""
    return int(sum(values) / len(values) + 0.5)


class MonthView(Record):
    """Four weeks in a row, in a word.

    `kind` is "together" (both steady around the same number), "each" (each steady around their own),
    "rising", "falling" or "mixed"; `around` is each partner's typical rating over those weeks.
    """

    kind: str
    around: Ratings


# A partner is "steady" when their ratings stayed within this many points; the couple is "rising" or
# "falling" when their average moved by at least this much from the first two weeks to the last two.
STEADY_SPREAD = 2
MOVE = 1.0


def month_view(weeks: Mapping[str, Ratings], ending: str, *, span: int = 4) -> MonthView | None:
    """The view over the `span` weeks ending with `ending`, once every one of them has a check-in."""
    end = week_monday(ending)
    if end is None:
        return None
    keys = {k: weeks_apart(k, ending) for k in weeks}
    series = sorted((keys[k], weeks[k]) for k in weeks if 0 <= keys[k] < span)
    if len(series) < span:
        return None
    ordered = [ratings for _, ratings in reversed(series)]  # oldest first
    per_partner = ([r[0] for r in ordered], [r[1] for r in ordered])
    typical = (around(per_partner[0]), around(per_partner[1]))
    half = span // 2
    early = sum(sum(r) for r in ordered[:half]) / (2 * half)
    late = sum(sum(r) for r in ordered[-half:]) / (2 * half)
    if late - early >= MOVE:
        return MonthView("rising", typical)
    if early - late >= MOVE:
        return MonthView("falling", typical)
    if all(max(s) - min(s) <= STEADY_SPREAD for s in per_partner):
        return MonthView("together" if typical[0] == typical[1] else "each", typical)
    return MonthView("mixed", typical)

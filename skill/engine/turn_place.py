"""The place of a turn-taking ritual in progress: a typed value, read from storage once and written back once.

A `Place` holds what every turn-taking ritual (skill/engine/turn_taking.py) keeps while it waits: who went first,
the next step, the pace, what it waits for, the timeline of a paced answer still playing (`Stretch`), whether the
one-shot phrase was said, and the step a ritual takes after its turns. It is stored in
household.in_progress["state"] through `turn.keep_progress`, as plain JSON in exactly this shape:

    {"first": 0|1, "cursor": n, "pace": "paced"|"open", "waiting"?: ..., "told"?: true, "step"?: ...,
     "stretch"?: {"at": epoch seconds, "from": first step played, "starts": [s, ...], "ends": [s, ...]},
     ...the ritual's own fields}

A ritual with fields of its own (tonight's question's question and depth, the check-in's week and numbers)
declares them as a subclass of `Place`, in its own module, with defaults, and overrides the two methods that
read and write them: `read_extras` (a classmethod: the subclass from the stored JSON and the shared fields
already read, or None when its own fields are damaged) and `stored_extras` (its own fields as JSON). Every
check of stored values happens in `read_place` and those overrides: anything damaged gives None, and the ritual
starts afresh. Everywhere else the place is trusted, and never changed in place: a method that moves it on
returns `place._replace(cursor=place.cursor + 1)`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeGuard, TypeVar

from skill.record import Record

PACED, OPEN = "paced", "open"
PACES = (PACED, OPEN)


class Stretch(Record):
    """A paced answer's timeline: when it was sent (epoch seconds), the first step it plays (stored as "from"),
    and the seconds from then to each of its turns' starts and ends."""

    at: float
    start: int
    starts: tuple[float, ...]
    ends: tuple[float, ...]


class Place(Record):
    """Where a turn-taking ritual is: `first` (0 or 1) went first this run, `cursor` is the next step, `pace` is
    PACED or OPEN, `waiting` what it waits for (None before it first waited), `stretch` the paced answer that may
    still be playing, `told` the one-shot phrase said this run, `step` a ritual's own step after its turns
    (thirty-six's "between", tonight's question's "offer"; None while the turns go on)."""

    first: int
    cursor: int = 0
    pace: str = PACED
    waiting: str | None = None
    stretch: Stretch | None = None
    told: bool = False
    step: str | None = None

    @classmethod
    def read_extras(cls, stored: Mapping[str, Any], shared: Place) -> Self | None:
        """This kind of place from `stored`, the shared fields already read in `shared`; None when its own are
        damaged. A subclass with fields of its own overrides it (this one takes none)."""
        return with_extras(shared, cls)

    def stored_extras(self) -> dict[str, Any]:
        """This kind of place's own fields as JSON, beside the shared ones. A subclass with fields overrides it."""
        return {}


P = TypeVar("P", bound=Place)


def with_extras(place: Place, kind: type[P], **extras: Any) -> P:
    """A place of `kind` with `place`'s shared fields and `extras` (the rest take their defaults)."""
    return kind(**{field: getattr(place, field) for field in Place._fields}, **extras)


def read_place(stored: object, kind: type[P]) -> P | None:
    """The place of `kind` kept in `stored` (household.in_progress["state"]), or None when anything is damaged."""
    if not isinstance(stored, dict):
        return None
    first, cursor, pace, waiting, step = (stored.get(key) for key in ("first", "cursor", "pace", "waiting", "step"))
    if first not in (0, 1) or not _count(cursor) or pace not in PACES:
        return None
    shared = Place(
        first=int(first),
        cursor=cursor,
        pace=str(pace),
        waiting=stored_text(waiting),
        stretch=_stretch(stored.get("stretch")),
        told=stored.get("told") is True,
        step=stored_text(step),
    )
    return kind.read_extras(stored, shared)


def stored_place(place: Place) -> dict[str, Any]:
    """The place as JSON, in the shape `read_place` reads (and every earlier version stored)."""
    stored: dict[str, Any] = {"first": place.first, "cursor": place.cursor, "pace": place.pace}
    if place.waiting is not None:
        stored["waiting"] = place.waiting
    if place.stretch is not None:
        stretch = place.stretch
        stored["stretch"] = {
            "at": stretch.at,
            "from": stretch.start,
            "starts": [*stretch.starts],
            "ends": [*stretch.ends],
        }
    if place.told:
        stored["told"] = True
    if place.step is not None:
        stored["step"] = place.step
    return {**stored, **place.stored_extras()}


def _count(value: object) -> TypeGuard[int]:
    """A whole number from zero up (a bool is not one)."""
    return type(value) is int and value >= 0


def stored_text(value: object) -> str | None:
    """A stored string, or None when it is missing or something else."""
    return value if isinstance(value, str) else None


def stored_count(value: object) -> int | None:
    """A stored whole number from zero up, or None when it is missing or something else (a bool is not one)."""
    return value if _count(value) else None


def _seconds(value: object) -> bool:
    return type(value) in (int, float)


def _stretch(stored: object) -> Stretch | None:
    """A paced answer's timeline as stored; None when there is none, or it is damaged (then nothing was playing)."""
    if not isinstance(stored, dict) or not _seconds(stored.get("at")) or not _count(stored.get("from")):
        return None
    starts, ends = stored.get("starts"), stored.get("ends")
    if not isinstance(ends, list) or not all(_seconds(end) for end in ends):
        return None
    starts = starts if isinstance(starts, list) and all(_seconds(s) for s in starts) else []
    return Stretch(stored["at"], stored["from"], tuple(starts), tuple(ends))

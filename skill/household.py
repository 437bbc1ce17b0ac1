"""What the skill remembers about one couple, and how it is stored as a plain document."""

from __future__ import annotations

import copy
from typing import Any, TypeGuard

PARTNERS = (0, 1)
# The longest first name kept (and spoken); the host refuses longer ones when they are said.
MAX_NAME_LENGTH = 30
# Recognised voices remembered per household (a partner may enrol again, on another account's Echo...).
MAX_SPEAKERS = 4


class Household:
    """A couple's state: names, voice choice, fairness, phrasing memory and per-ritual state.

    Per-ritual state lives under `rituals[<ritual name>]`, owned by that ritual's module,
    so a new ritual never changes this class. `in_progress` is the one ritual the couple is
    in the middle of: {"ritual": name, "expires_at": epoch seconds, "state": {...}}.

    A plain class, changed in place by a request's turn: a dataclass would cost every cold start
    most of a millisecond to generate. No repr: it would print the couple's names into a log.
    """

    __slots__ = ("names", "voices_swapped", "next_first", "phrasing", "rituals", "in_progress", "time_zone",
                 "time_zone_checked", "speakers")  # fmt: skip

    def __init__(
        self,
        names: list[str] | None = None,
        voices_swapped: bool = False,
        next_first: int = 0,
        phrasing: dict[str, int] | None = None,
        rituals: dict[str, dict[str, Any]] | None = None,
        in_progress: dict[str, Any] | None = None,
        time_zone: str | None = None,
        time_zone_checked: int = 0,
        speakers: dict[str, int] | None = None,
    ) -> None:
        self.names: list[str] = [] if names is None else names
        self.voices_swapped = voices_swapped
        self.next_first = next_first
        self.phrasing: dict[str, int] = {} if phrasing is None else phrasing
        self.rituals: dict[str, dict[str, Any]] = {} if rituals is None else rituals
        self.in_progress = in_progress
        # The Echo's IANA time zone (Alexa Settings API) and when we last asked; None means UTC.
        self.time_zone = time_zone
        self.time_zone_checked = time_zone_checked
        # Which partner a recognised voice belongs to: a one-way hash of Alexa's personId -> partner index,
        # learnt when a recognised partner says "I'm Maya". Never the personId itself.
        self.speakers: dict[str, int] = {} if speakers is None else speakers

    @property
    def has_names(self) -> bool:
        return len(self.names) == 2

    def drop_expired_progress(self, now: float) -> None:
        """Forget a ritual left unfinished once its expiry has passed: its place is no longer worth keeping.

        Also words a couple asked to keep for a while (a Sunday share's appreciations): a ritual keeps them in
        a `kept` list, each with its own `expires_at`, and they are deleted here once it has passed.
        """
        if self.in_progress and self.in_progress["expires_at"] <= now:
            self.in_progress = None
        for state in self.rituals.values():
            kept = state.get("kept") if isinstance(state, dict) else None
            if isinstance(kept, list):
                state["kept"] = [
                    entry
                    for entry in kept
                    if not (isinstance(entry, dict) and isinstance(entry.get("expires_at"), (int, float)) and entry["expires_at"] <= now)
                ]

    def partner_speaking(self, speaker: str | None) -> int | None:
        """The partner whose recognised voice this is, if they told us."""
        return self.speakers.get(speaker) if speaker else None

    def recognise(self, speaker: str, partner: int) -> None:
        """Remember that this voice is `partner` (the latest word wins; the oldest voices are forgotten first)."""
        self.speakers.pop(speaker, None)
        self.speakers[speaker] = partner
        while len(self.speakers) > MAX_SPEAKERS:
            del self.speakers[next(iter(self.speakers))]

    def ritual_state(self, ritual: str) -> dict[str, Any]:
        """What a ritual keeps of its own between visits (under `rituals`), made empty the first time."""
        state = self.rituals.get(ritual)
        if not isinstance(state, dict):
            state = self.rituals[ritual] = {}
        return state

    def take_first_turn(self) -> int:
        """Who goes first in this ritual; the other partner goes first next time."""
        first = self.next_first
        self.next_first = 1 - first
        return first

    def to_document(self) -> dict[str, Any]:
        return {
            "names": list(self.names),
            "voices_swapped": self.voices_swapped,
            "next_first": self.next_first,
            "phrasing": dict(self.phrasing),
            "rituals": copy.deepcopy(self.rituals),
            "in_progress": copy.deepcopy(self.in_progress),
            "time_zone": self.time_zone,
            "time_zone_checked": self.time_zone_checked,
            "speakers": dict(self.speakers),
        }

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> Household:
        """Rebuild from a stored document, tolerating missing or malformed fields."""
        names = document.get("names")
        next_first = document.get("next_first")
        phrasing = document.get("phrasing")
        rituals = document.get("rituals")
        in_progress = document.get("in_progress")
        speakers = document.get("speakers")
        return cls(
            names=list(names) if _plausible_names(names) else [],
            voices_swapped=bool(document.get("voices_swapped", False)),
            next_first=next_first if next_first in PARTNERS else 0,
            phrasing={str(k): int(v) for k, v in phrasing.items() if isinstance(v, int)}
            if isinstance(phrasing, dict)
            else {},
            rituals=copy.deepcopy(rituals) if isinstance(rituals, dict) else {},
            in_progress=copy.deepcopy(in_progress) if _valid_progress(in_progress) else None,
            time_zone=document["time_zone"] if isinstance(document.get("time_zone"), str) else None,
            time_zone_checked=document["time_zone_checked"] if isinstance(document.get("time_zone_checked"), int) else 0,
            speakers=_valid_speakers(speakers),
        )


def _plausible_names(value: Any) -> TypeGuard[list[str]]:
    """Two short texts; anything else (an old or damaged record) is dropped, so the couple is simply asked again."""
    return (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(name, str) and 0 < len(name.strip()) <= MAX_NAME_LENGTH for name in value)
    )


def _valid_speakers(value: Any) -> dict[str, int]:
    if not isinstance(value, dict):
        return {}
    valid = {k: v for k, v in value.items() if isinstance(k, str) and type(v) is int and v in PARTNERS}
    return dict(list(valid.items())[-MAX_SPEAKERS:])


def _valid_progress(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("ritual"), str)
        and isinstance(value.get("expires_at"), int)
        and isinstance(value.get("state"), dict)
    )

"""What a ritual sees when it answers one request: the couple, their content, the slots, the time."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from skill.content import Content, Section
from skill.household import Household
from skill.record import Record
from skill.time_zones import zone_named

if TYPE_CHECKING:
    from skill.engine.alerts import Alerts  # the port a ritual sets timers through; its code is imported when used


TIME_ZONE_RECHECK_SECONDS = 7 * 24 * 3600


def _zone(name: str | None) -> Any:
    """A tzinfo for an IANA name; UTC when there is none or it names no zone."""
    return zone_named(name) or timezone.utc


def _spoken(text: str) -> str:
    """Words as said, for comparing: lower case, plain apostrophes, single spaces."""
    return " ".join(text.lower().replace("’", "'").split())


_NONE: Mapping[str, Any] = MappingProxyType({})


def active_ritual(household: Household, now: datetime) -> str | None:
    """The ritual a couple is in the middle of at `now`, if its kept place has not expired."""
    progress = household.in_progress
    if progress and progress["expires_at"] > now.timestamp():
        return str(progress["ritual"])
    return None


class Turn(Record):
    """One request as the engine sees it. `section` is the content file of whoever is answering.

    Immutable: a turn for another section or intent is a copy (`turn._replace(...)`); what changes is the household.
    """

    household: Household
    content: Content
    section: Section
    now: datetime
    rng: random.Random
    slots: Mapping[str, str | None] = _NONE
    session: Mapping[str, Any] = _NONE
    # Timers and reminders for this request, when the surface offers them (None: offline, or no API access).
    alerts: Alerts | None = None
    # Asks the Echo for its time zone (None: offline, or Alexa would not say).
    look_up_time_zone: Callable[[], str | None] | None = None
    # The intent of this request, for a ritual that several intents start (None: not an intent request).
    intent: str | None = None
    # A one-way stand-in for the voice Alexa recognised (None: not recognised); see Household.speakers.
    speaker: str | None = None
    # "Repeat": every line in the wording heard last time, word for word.
    repeating: bool = False

    @property
    def local_now(self) -> datetime:
        """Now on the couple's own clock: the Echo's time zone, asked at most weekly and remembered; else UTC."""
        household = self.household
        if self.look_up_time_zone and self.now.timestamp() - household.time_zone_checked > TIME_ZONE_RECHECK_SECONDS:
            household.time_zone = self.look_up_time_zone() or household.time_zone
            household.time_zone_checked = int(self.now.timestamp())
        return self.now.astimezone(_zone(household.time_zone))

    @property
    def known_local_now(self) -> datetime:
        """Now on the couple's clock as far as we already know it (no question to the Echo): for a menu's hint."""
        return self.now.astimezone(_zone(self.household.time_zone))

    def line(self, key: str, **values: Any) -> str:
        """A wording of one of this section's lines, varied from last time, names filled in."""
        lines = self.section.lines
        choose = lines.again if self.repeating else lines.pick
        return choose(key, self.household.phrasing, self.rng, **self._names(), **values)

    def narrator_line(self, key: str, **values: Any) -> str:
        """A wording of one of the narrator's shared lines."""
        lines = self.content.section("narrator").lines
        choose = lines.again if self.repeating else lines.pick
        return choose(key, self.household.phrasing, self.rng, **self._names(), **values)

    def for_section(self, name: str) -> Turn:
        """The same turn, answering from another content file."""
        return self._replace(section=self.content.section(name))

    # -- a ritual in progress (saved with an expiry, so "continue" works in a later session) --
    def active_ritual(self) -> str | None:
        """The ritual the couple is in the middle of, if it has not expired."""
        return active_ritual(self.household, self.now)

    def progress(self) -> dict[str, Any] | None:
        """This section's ritual state, when that ritual is the one in progress."""
        if self.active_ritual() == self.section_name:
            return self.household.in_progress["state"]  # type: ignore[index]
        return None

    def keep_progress(self, state: dict[str, Any], *, hours: float = 4) -> None:
        """Save where this section's ritual is, for `hours` from now."""
        self.household.in_progress = {
            "ritual": self.section_name,
            "expires_at": int(self.now.timestamp() + hours * 3600),
            "state": state,
        }

    def end_progress(self) -> None:
        self.household.in_progress = None

    def place_to_put_back(self) -> Mapping[str, Any] | None:
        """For a short question of this section's asked in the middle of another ritual: that ritual's kept place, as
        stored, or the one this section already holds aside (under "was" in its own state); None when there is none."""
        active = self.active_ritual()
        if active == self.section_name:
            held = (self.progress() or {}).get("was")
            return held if isinstance(held, dict) else None
        return self.household.in_progress if active is not None else None

    def put_back(self, place: object) -> str | None:
        """The place `place_to_put_back` gave, in progress again if it has not expired: the name of its ritual."""
        if not isinstance(place, dict) or not isinstance(place.get("ritual"), str):
            return None
        expires = place.get("expires_at")
        if not isinstance(expires, int) or expires <= self.now.timestamp():
            return None
        self.household.in_progress = dict(place)
        return place["ritual"]

    @property
    def section_name(self) -> str:
        return self.section.lines.namespace

    def name(self, partner: int) -> str:
        """A partner's first name, or the content's warm stand-in before the couple has introduced themselves."""
        if self.household.has_names:
            return self.household.names[partner]
        return str(self.content.section("narrator").settings["stand_in_names"][partner])

    def _names(self) -> dict[str, str]:
        return {"first": self.name(0), "second": self.name(1)}

    def slot_value_id(self, name: str, type_name: str, section: str | None = None) -> str | None:
        """A custom slot's value id: as Alexa resolved it, or its value or one of its synonyms as heard (the words
        may come through unresolved). The slot type's values are those of `section`'s content (default: this turn's)."""
        raw = self.slots.get(name)
        if not raw:
            return None
        heard = _spoken(raw)
        data = (self.content.section(section) if section else self.section).data
        for value in data.get("slot_types", {}).get(type_name, []):
            if heard in (_spoken(str(word)) for word in (value["id"], value["value"], *value.get("synonyms", []))):
                return str(value["id"])
        return None

    def number_slot(self, name: str) -> int | None:
        """A whole number from a slot, or None when it is empty, misheard ("?") or not a number."""
        raw = self.slots.get(name)
        if raw is None:
            return None
        try:
            value = float(raw.strip())
        except ValueError:
            # Alexa's NLU may pass on the words it heard ("eight", "an eight") rather than digits.
            from skill.engine.numbers import spoken_number

            return spoken_number(raw, self.content.section("numbers").settings)
        if value != value or value in (float("inf"), float("-inf")):
            return None
        return int(value)

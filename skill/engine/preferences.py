"""What a couple told us they would rather not have: cards in the Alexa app, a sound bed.

Kept under household.rituals["preferences"], a few booleans, nothing said freely:
    {"cards": false, "music": false, "routines": {...} (skill/engine/routine_offer.py)}
Absent means the default: cards and the sound bed on.
"""

from __future__ import annotations

from typing import Any

from skill.household import Household

SECTION = "preferences"
CARDS, MUSIC, ROUTINES = "cards", "music", "routines"


def _state(household: Household) -> dict[str, Any]:
    return household.ritual_state(SECTION)


def _read(household: Household) -> dict[str, Any]:
    """The stored preferences without making an empty entry (a read must not change the household)."""
    state = household.peek_ritual(SECTION)  # looked at, not opened: nothing to write back
    return state if isinstance(state, dict) else {}


def routines(household: Household) -> dict[str, Any]:
    """The routine offers' notes, kept here beside the preferences (skill/engine/routine_offer.py), opened to change;
    damaged ones start afresh."""
    state = _state(household)
    kept = state.get(ROUTINES)
    if not isinstance(kept, dict):
        kept = state[ROUTINES] = {}
    return kept


def cards_on(household: Household) -> bool:
    return _read(household).get(CARDS) is not False


def music_on(household: Household) -> bool:
    return _read(household).get(MUSIC) is not False


def set_cards(household: Household, on: bool) -> None:
    _set(household, CARDS, on)


def set_music(household: Household, on: bool) -> None:
    _set(household, MUSIC, on)


def _set(household: Household, key: str, on: bool) -> None:
    state = _state(household)
    if on:
        state.pop(key, None)  # the default again: nothing to keep
    else:
        state[key] = False

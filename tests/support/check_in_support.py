"""Driving a weekly check-in to its numbers, for tests about the numbers rather than the conversation."""

from __future__ import annotations

from tests.support.conversation import Couple, Said

TALK_MINUTES = 15  # how long a couple talks things over before "we're ready"


def to_the_numbers(couple: Couple, **slots: str | None) -> Said:
    """A full check-in up to its first number: both share and say back what they heard, hands-free, then the
    couple talk it over (the microphone closed) and come back with "Alexa, tell our rituals we're ready"."""
    couple.intent("CheckInIntent", one_shot=True, **slots)
    return couple.later(minutes=TALK_MINUTES).intent("AMAZON.NextIntent", one_shot=True)

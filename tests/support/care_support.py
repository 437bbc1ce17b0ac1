"""Saying a sentence to the skill as Alexa would pass it on: heard through the locale's interaction model
(the terminal dialog's matcher, which picks the most literal sample as Alexa does), then sent as that intent."""

from __future__ import annotations

import re
from functools import cache

from skill.cli.nlu import Understanding, addressed
from skill.content import load_content
from skill.interaction_model import build_model
from tests.support.conversation import Couple, Said


@cache
def understanding(locale: str) -> Understanding:
    return Understanding(build_model(locale), load_content(locale).section("dialog").settings["builtin_phrases"])


def hear(locale: str, sentence: str) -> tuple[str, dict[str, str]]:
    """(intent, {slot: value}) for a sentence said inside a session."""
    phrases = load_content(locale).section("dialog").settings
    _, rest = addressed(sentence, understanding(locale).invocation, phrases)
    understood = understanding(locale).understand(rest or sentence)
    return understood.intent, {
        name: str(slot.get("value")) for name, slot in understood.slots.items() if slot.get("value")
    }


def say(couple: Couple, sentence: str) -> Said:
    """The sentence, inside the open session (or as a one-shot when none is open)."""
    intent, slots = hear(couple.locale, sentence)
    return couple.intent(intent, one_shot=not couple.session_open, **slots)


def telephone_numbers(ssml: str) -> list[str]:
    return re.findall(r'<say-as interpret-as="telephone">([^<]+)</say-as>', ssml)

"""Name-free requests: Alexa asks, before choosing a skill, whether we can fulfil an intent with its slots.

"Alexa, give us tonight's question" said without our name reaches us only if we answer YES or MAYBE to a
`CanFulfillIntentRequest`. The answer must be honest, silent and change nothing ("Implement
CanFulfillIntentRequest for Name-free Interactions"): this handler reads neither the store nor the Alexa APIs,
only the interaction model and the content, so it cannot change state and answers in well under a millisecond
once the locale's content is loaded.

- YES: a ritual that starts by itself, out of any session, and every slot said is one we understand and honour.
- MAYBE: the ritual would run, but a slot said is one we would adjust (a hug of 90 seconds becomes 60) or
  cannot read (a depth we do not know: we would use the usual one).
- NO: whatever needs a session we have not got ("next", "I'm done", a rating, yes or no), what should only be
  asked of us by name (forgetting a household, emptying the jar, telling us about themselves), the care answers
  (someone who does not feel safe is better served by Alexa's own answer than by a skill it happened to pick),
  and any intent or slot our model does not have.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.content import SUPPORTED_LOCALES, ContentError, load_content

# Declared in the manifest from here (skill/deploy/ask_package.py): without it Alexa never asks.
MANIFEST_INTERFACES = ("CAN_FULFILL_INTENT_REQUEST",)

# Intents a couple may say to Alexa without our name, each of which starts its ritual from nothing.
NAME_FREE_INTENTS = frozenset(
    {
        "AppreciationIntent",
        "BreatheIntent",
        "CheckInIntent",
        "CheckInHistoryIntent",
        "GentleStartIntent",
        "HugIntent",
        "JarQuestionIntent",
        "MagicMinutesIntent",
        "MorningCoffeeIntent",
        "RoseThornBudIntent",
        "SentenceStemsIntent",
        "StressMapIntent",
        "ThirtySixQuestionsIntent",
        "ThreeDatesIntent",
        "TonightsQuestionIntent",
    }
)

YES, NO, MAYBE = "YES", "NO", "MAYBE"


@cache
def _model(locale: str) -> tuple[dict[str, dict[str, str]], dict[str, frozenset[str]]]:
    """The locale's intents (name -> {slot: type}) and custom slot types (name -> every word for a value)."""
    from skill.interaction_model import build_model

    language = build_model(locale)["interactionModel"]["languageModel"]
    intents = {i["name"]: {s["name"]: s["type"] for s in i.get("slots", [])} for i in language["intents"]}
    types = {
        t["name"]: frozenset(
            _plain(word)
            for value in t["values"]
            for word in (value.get("id", ""), value["name"]["value"], *value["name"].get("synonyms", []))
            if word
        )
        for t in language["types"]
    }
    return intents, types


def _plain(text: str) -> str:
    return " ".join(text.casefold().replace("’", "'").split())


def _section_of(intent: str) -> str | None:
    from skill.engine.ritual import registry

    ritual = registry().get(intent)
    return ritual.name if ritual is not None else None


def _number_answer(locale: str, section: str | None, slot: str, raw: str) -> tuple[str, str]:
    """(canUnderstand, canFulfill) for a number: understood when it is one, honoured when within the ritual's range."""
    from skill.engine.numbers import spoken_number

    content = load_content(locale)
    try:
        number: int | None = int(float(raw.strip()))
    except ValueError:
        number = spoken_number(raw, content.section("numbers").settings)
    except OverflowError:
        number = None
    if number is None:
        return NO, NO
    settings = content.section(section).settings if section else {}
    low, high = settings.get(f"min_{slot}"), settings.get(f"max_{slot}")
    if (isinstance(low, int) and number < low) or (isinstance(high, int) and number > high):
        return YES, NO  # we would do it, adjusted: not what was asked
    if section == "thirty_six" and slot == "set":
        sets = {int(q["set"]) for q in content.section("thirty_six").data.get("questions", [])}
        return (YES, YES) if number in sets else (YES, NO)
    return YES, YES


def _slot_answer(locale: str, intent: str, slot: str, slot_type: str | None, value: Any) -> tuple[str, str]:
    if slot_type is None:
        return NO, NO  # not a slot of this intent in our model
    raw = _heard(value)
    if raw is None:
        return YES, YES  # said nothing for it: the ritual's own default, fully ours
    if slot_type == "AMAZON.NUMBER":
        return _number_answer(locale, _section_of(intent), slot, raw)
    if slot_type.startswith("AMAZON."):
        return MAYBE, NO  # a day, a time or a name: we act on it only inside the ritual's own question
    words = _model(locale)[1].get(slot_type, frozenset())
    return (YES, YES) if _plain(raw) in words or _resolved(value) else (NO, NO)


def _heard(slot: Any) -> str | None:
    value = getattr(slot, "value", None)
    return str(value) if value not in (None, "") else None


def _resolved(slot: Any) -> bool:
    resolutions = getattr(slot, "resolutions", None)
    for authority in getattr(resolutions, "resolutions_per_authority", None) or []:
        code = getattr(getattr(getattr(authority, "status", None), "code", None), "value", None)
        if code == "ER_SUCCESS_MATCH" and authority.values:
            return True
    return False


def answer(locale: str | None, intent: str | None, slots: dict[str, Any]) -> tuple[str, dict[str, tuple[str, str]]]:
    """Our answer for `intent` with `slots` (name -> SDK slot): the intent's YES/NO/MAYBE and each slot's pair."""
    if locale not in SUPPORTED_LOCALES or not intent:
        return NO, dict.fromkeys(slots, (NO, NO))
    try:
        model_slots = _model(locale)[0].get(intent)
    except ContentError:
        model_slots = None
    if model_slots is None:
        return NO, dict.fromkeys(slots, (NO, NO))
    said = {name: _slot_answer(locale, intent, name, model_slots.get(name), slot) for name, slot in slots.items()}
    if intent not in NAME_FREE_INTENTS or any(slot not in model_slots for slot in slots):
        return NO, said
    if all(pair == (YES, YES) for pair in said.values()):
        return YES, said
    return MAYBE, said


class CanFulfillHandler(AbstractRequestHandler):
    """Answers a CanFulfillIntentRequest with canFulfillIntent only: no speech, no card, no session, no state."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return getattr(handler_input.request_envelope.request, "object_type", None) == "CanFulfillIntentRequest"

    def handle(self, handler_input: HandlerInput) -> Response:
        from ask_sdk_model.canfulfill import (
            CanFulfillIntent,
            CanFulfillIntentValues,
            CanFulfillSlot,
            CanFulfillSlotValues,
            CanUnderstandSlotValues,
        )

        request = handler_input.request_envelope.request
        intent = getattr(request, "intent", None)
        slots = dict(getattr(intent, "slots", None) or {})
        verdict, per_slot = answer(getattr(request, "locale", None), getattr(intent, "name", None), slots)
        can_fulfill = CanFulfillIntent(
            can_fulfill=CanFulfillIntentValues(verdict),
            slots={
                name: CanFulfillSlot(
                    can_understand=CanUnderstandSlotValues(understand), can_fulfill=CanFulfillSlotValues(fulfil)
                )
                for name, (understand, fulfil) in per_slot.items()
            },
        )
        return handler_input.response_builder.set_can_fulfill_intent(can_fulfill).response

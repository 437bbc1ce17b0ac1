"""A small stand-in for Alexa's language understanding, for the terminal dialog: typed text to intent and slots.

It matches against the interaction model's own sample utterances (and Alexa's built-in phrases),
so what works here is what the model declares.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "a": 1,
    "an": 1,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_SLOT = re.compile(r"\{(\w+)\}")


def normalise(text: str) -> str:
    """Lower case, no punctuation but apostrophes and hyphens inside words, single spaces."""
    text = text.lower().replace("’", "'")
    text = re.sub(r"[^\w\s'-]", " ", text)
    return " ".join(text.split())


def spoken_number(text: str) -> str:
    """Alexa's AMAZON.NUMBER: digits for "thirty five" or "45", "?" when it is not a number."""
    words = text.replace("-", " ").split()
    if len(words) == 1 and re.fullmatch(r"-?\d+", words[0]):
        return str(int(words[0]))
    total, current, seen = 0, 0, False
    for word in words:
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word == "and" and seen:
            continue
        else:
            return "?"
        seen = True
    return str(total + current) if seen else "?"


def addressed(utterance: str, invocation: str, phrases: Mapping[str, Sequence[str]]) -> tuple[bool, str | None]:
    """How a typed utterance speaks to the skill: (does it name the skill?, the request left to understand).

    "ask our rituals for a hug" gives (True, "a hug"); "open our rituals" gives (True, None), a bare launch;
    "a hug" inside an open session gives (False, "a hug"). `phrases` holds the dialog content's
    `wake_words`, `one_shot_phrases` and `launch_phrases`.
    """
    text = normalise(utterance)
    for wake in phrases["wake_words"]:
        if text.startswith(wake + " "):
            text = text[len(wake) + 1 :]
    for form in phrases["one_shot_phrases"]:
        literal = re.escape(form.format(invocation=invocation, utterance="UTTERANCE"))
        match = re.fullmatch(literal.replace("UTTERANCE", "(?P<rest>.+)").replace(r"\ ", " "), text)
        if match:
            return True, match.group("rest")
    for form in phrases["launch_phrases"]:
        if text == form.format(invocation=invocation):
            return True, None
    return False, text


@dataclass(frozen=True)
class Understood:
    intent: str
    slots: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class _Pattern:
    intent: str
    regex: re.Pattern[str]
    literal_length: int
    open_slots: int  # slots that take almost any words (a first name, free text)


class Understanding:
    """Matches typed utterances to the intents of one interaction model."""

    def __init__(self, model: Mapping[str, Any], builtin_phrases: Mapping[str, Sequence[str]]) -> None:
        language_model = model["interactionModel"]["languageModel"]
        self.invocation: str = language_model["invocationName"]
        self._slot_types: dict[str, dict[str, str]] = {}
        for slot_type in language_model.get("types", []):
            synonyms: dict[str, str] = {}
            for value in slot_type["values"]:
                value_id = value.get("id") or value["name"]["value"]
                for word in [value["name"]["value"], *value["name"].get("synonyms", [])]:
                    synonyms[normalise(word)] = value_id
            self._slot_types[slot_type["name"]] = synonyms
        self._slot_of: dict[str, dict[str, str]] = {}
        patterns: list[_Pattern] = []
        for intent in language_model["intents"]:
            slots = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
            self._slot_of[intent["name"]] = slots
            samples = [*intent.get("samples", []), *builtin_phrases.get(intent["name"], [])]
            patterns.extend(self._compile(intent["name"], sample, slots) for sample in samples)
        # The most specific sample wins, as with Alexa's own model: the most literal words, then the fewest
        # slots that take almost anything ("seven" is a rating before it is a first name).
        self._patterns = sorted(patterns, key=lambda p: (-p.literal_length, p.open_slots))

    def _compile(self, intent: str, sample: str, slots: Mapping[str, str]) -> _Pattern:
        parts, literal, position, open_slots = [], 0, 0, 0
        for match in _SLOT.finditer(sample):
            slot_type = slots.get(match.group(1), "")
            open_slots += slot_type != "AMAZON.NUMBER" and slot_type not in self._slot_types
            text = normalise(sample[position : match.start()])
            literal += len(text)
            parts.append(re.escape(sample[position : match.start()].lower()))
            parts.append(f"(?P<{match.group(1)}>{self._slot_regex(slot_type)})")
            position = match.end()
        parts.append(re.escape(sample[position:].lower()))
        literal += len(normalise(sample[position:]))
        # A space in a sample matches a typed hyphen too: "check-in" is the sample's "check in".
        source = "".join(parts).replace(r"\ ", r"(?:\s+|\s*-\s*)")
        return _Pattern(intent, re.compile(rf"^\s*{source}\s*$"), literal, open_slots)

    def _slot_regex(self, slot_type: str) -> str:
        if slot_type in self._slot_types:
            words = sorted(self._slot_types[slot_type], key=len, reverse=True)
            return "|".join(re.escape(w) for w in words)
        if slot_type == "AMAZON.FirstName":
            return r"[^\W\d_][\w'-]*"
        return r".+?"

    def understand(self, utterance: str) -> Understood:
        """The intent and slots of a typed utterance; AMAZON.FallbackIntent when nothing matches."""
        text = normalise(utterance)
        misheard: Understood | None = None
        for pattern in self._patterns:
            match = pattern.regex.match(text)
            if match:
                slots = {name: self._slot(pattern.intent, name, value) for name, value in match.groupdict().items()}
                for name in self._slot_of.get(pattern.intent, {}):
                    slots.setdefault(name, {"name": name, "confirmationStatus": "NONE"})
                understood = Understood(pattern.intent, slots)
                if all(slot.get("value") != "?" for slot in slots.values()):
                    return understood
                # A number slot that heard no number ("?", as Alexa sends it) wins only when nothing else fits,
                # and never for a sample that is a bare slot: "{rating}" alone would swallow every sentence.
                if pattern.literal_length:
                    misheard = misheard or understood
        return misheard or Understood("AMAZON.FallbackIntent")

    def _slot(self, intent: str, name: str, value: str) -> dict[str, Any]:
        slot_type = self._slot_of[intent].get(name, "")
        slot: dict[str, Any] = {"name": name, "confirmationStatus": "NONE"}
        if slot_type == "AMAZON.NUMBER":
            slot["value"] = spoken_number(value)
        elif slot_type in self._slot_types:
            slot["value"] = value
            slot["resolutions"] = {
                "resolutionsPerAuthority": [
                    {
                        "authority": f"amzn1.er-authority.echo-sdk.local.{slot_type}",
                        "status": {"code": "ER_SUCCESS_MATCH"},
                        "values": [{"value": {"name": value, "id": self._slot_types[slot_type][normalise(value)]}}],
                    }
                ]
            }
        else:
            slot["value"] = value
        return slot

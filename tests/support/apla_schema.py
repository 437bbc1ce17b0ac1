"""APL for audio documents, held to Amazon's APLA reference as a JSON Schema of our own.

Amazon publishes no validator and no JSON Schema for APLA: apl-suggester (the APL validator, tests/support/apl_suggester.py)
accepts only `"type": "APL"` and APL's versions, ask-sdk-model types an APLA directive's `document` as any object,
and ask-smapi-model has no APLA definitions at all. So this schema is written from Amazon's pages, one per part:

- Document: https://developer.amazon.com/docs/alexa/alexa-presentation-language/apla-document.html
  (type "APLA", version "0.91", mainTemplate {parameters, item(s)}, description, compositions, resources)
- Base component properties: https://developer.amazon.com/docs/alexa/alexa-presentation-language/apla-component.html
  (bind, description, duration auto | trimToParent, id, type, when; and `filter`, on the Filters page)
- Multiple-child components: https://developer.amazon.com/docs/alexa/alexa-presentation-language/apla-multichild-component.html
  (data, item / items: no firstItem or lastItem, unlike APL's visual multi-child components)
- Mixer, Sequencer, Selector (strategy), Speech (content, contentType PlainText | SSML), Audio (source), Silence
  (duration in milliseconds, required): https://developer.amazon.com/docs/alexa/alexa-presentation-language/apla-speech.html
  and the neighbouring apla-mixer, apla-sequencer, apla-selector, apla-audio and apla-silence pages
- Filters: https://developer.amazon.com/docs/alexa/alexa-presentation-language/apla-filters.html
  (description, type, when; FadeIn / FadeOut duration, Repeat repeatCount, Trim start / end, Volume amount)

Any property may hold a data-binding expression ("${...}"), so typed properties also accept such a string.
"""

from __future__ import annotations

from typing import Any

from jsonschema import Draft7Validator

BOUND = {"type": "string", "pattern": r"\$\{.+\}"}  # a data-binding expression, evaluated by Alexa
BOOLEAN = {"anyOf": [{"type": "boolean"}, BOUND]}
NUMBER = {"anyOf": [{"type": "number"}, BOUND]}
ITEMS = {
    "anyOf": [{"$ref": "#/definitions/component"}, {"type": "array", "items": {"$ref": "#/definitions/component"}}]
}

BASE = {
    "type": {"type": "string"},
    "bind": {
        "type": "array",
        "items": {
            "type": "object",
            "required": ["name", "value"],
            "properties": {
                "name": {"type": "string"},
                "value": {},
                "type": {"enum": ["any", "boolean", "string", "number"]},
            },
            "additionalProperties": False,
        },
    },
    "description": {"type": "string"},
    "duration": {"enum": ["auto", "trimToParent"]},
    "id": {"type": "string"},
    "when": BOOLEAN,
    "filter": {"type": "array", "items": {"$ref": "#/definitions/filter"}},
}
STRATEGY = {"anyOf": [{"enum": ["normal", "randomItem", "randomData", "randomItemRandomData"]}, BOUND]}
CONTENT_TYPE = {"enum": ["PlainText", "SSML"]}
# A Volume filter's amount: a number (1.0 is the clip's own volume) or a percentage string such as "20%".
AMOUNT = {"anyOf": [{"type": "number", "minimum": 0}, {"type": "string", "pattern": r"^\d+(\.\d+)?%$"}, BOUND]}
MULTI = {**BASE, "data": {"anyOf": [{"type": "array"}, BOUND]}, "item": ITEMS, "items": ITEMS}


def _component(kind: str, properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {**properties, "type": {"const": kind}},
        "required": ["type", *required],
        "additionalProperties": False,
    }


def _filter(kind: str, properties: dict[str, Any], required: tuple[str, ...]) -> dict[str, Any]:
    common = {"description": {"type": "string"}, "when": BOOLEAN}
    return {
        "type": "object",
        "properties": {**common, **properties, "type": {"const": kind}},
        "required": ["type", *required],
        "additionalProperties": False,
    }


SCHEMA: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "required": ["type", "version", "mainTemplate"],
    "properties": {
        "type": {"const": "APLA"},
        "version": {"const": "0.91"},
        "description": {"type": "string"},
        "mainTemplate": {"$ref": "#/definitions/composition"},
        "compositions": {"type": "object", "additionalProperties": {"$ref": "#/definitions/composition"}},
        "resources": {"type": "array", "items": {"type": "object"}},
    },
    "additionalProperties": False,
    "definitions": {
        "composition": {
            "type": "object",
            "properties": {
                "parameters": {"type": "array", "items": {"type": "string"}},
                "item": ITEMS,
                "items": ITEMS,
                "description": {"type": "string"},
            },
            "anyOf": [{"required": ["item"]}, {"required": ["items"]}],
            "additionalProperties": False,
        },
        "component": {
            "oneOf": [
                _component("Mixer", MULTI),
                _component("Sequencer", MULTI),
                _component("Selector", {**MULTI, "strategy": STRATEGY}),
                _component("Speech", {**BASE, "content": {"type": "string"}, "contentType": CONTENT_TYPE}),
                _component("Audio", {**BASE, "source": {"type": "string"}}, ("source",)),
                # Silence's own `duration` (milliseconds, required) replaces the base one.
                _component("Silence", {**BASE, "duration": NUMBER}, ("duration",)),
            ]
        },
        "filter": {
            "oneOf": [
                _filter("FadeIn", {"duration": NUMBER}, ("duration",)),
                _filter("FadeOut", {"duration": NUMBER}, ("duration",)),
                _filter("Repeat", {"repeatCount": NUMBER}, ("repeatCount",)),
                _filter("Trim", {"start": NUMBER, "end": NUMBER}, ()),
                _filter("Volume", {"amount": AMOUNT}, ("amount",)),
            ]
        },
    },
}


def problems(document: dict[str, Any]) -> list[str]:
    """Where `document` leaves Amazon's APLA reference, one line each; [] means it keeps to it."""
    found = Draft7Validator(SCHEMA).iter_errors(document)
    return sorted(
        f"{'/'.join(str(p) for p in error.absolute_path) or '(document)'}: {error.message}" for error in found
    )

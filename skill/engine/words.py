"""The words of names and of the interaction model's samples, read one way by the names check and the first-names list."""

from __future__ import annotations

import re
from functools import cache

_SLOT = re.compile(r"\{\w+\}")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


@cache
def sample_words(locale: str) -> frozenset[str]:
    """Every word of the locale's interaction model: its samples (slots left out) and its slot values.

    Derived from the model the content generates, so a word added to any sample is never taken for a name.
    Built on the first name checked, not at import: only naming needs it.
    """
    from skill.interaction_model import build_model

    language_model = build_model(locale)["interactionModel"]["languageModel"]
    texts: list[str] = []
    for intent in language_model["intents"]:
        texts.extend(_SLOT.sub(" ", sample) for sample in intent.get("samples", []))
    for slot_type in language_model.get("types", []):
        for value in slot_type["values"]:
            texts.extend([value["name"]["value"], *value["name"].get("synonyms", [])])
    return frozenset(word for text in texts for word in words(text))


def words(text: str) -> list[str]:
    return _WORD.findall(text.casefold().replace("’", "'"))

"""The Polly voices Alexa accepts in `<voice>`, by locale (documented for Alexa; newer neural voices are not)."""

from __future__ import annotations

_US_VOICES = frozenset({"Ivy", "Joanna", "Joey", "Justin", "Kendra", "Kimberly", "Matthew", "Salli"})

ALEXA_VOICES: dict[str, frozenset[str]] = {
    "en-US": _US_VOICES,
    "en-CA": _US_VOICES,
    "en-GB": frozenset({"Amy", "Brian", "Emma"}),
    "en-AU": frozenset({"Nicole", "Russell"}),
    "en-IN": frozenset({"Aditi", "Raveena"}),
}


def voices_for_locale(locale: str) -> frozenset[str]:
    return ALEXA_VOICES.get(locale, frozenset())

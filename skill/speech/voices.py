"""The Polly voices Alexa accepts in `<voice>` for our skill's language, English, in every English locale.

Amazon's SSML reference lists the Polly voices Alexa speaks with, by language: English (US) Ivy, Joanna, Joey,
Justin, Kendra, Kimberly, Matthew, Salli; English (British) Amy, Brian, Emma; English (Australian) Nicole,
Russell; English (Indian) Aditi, Raveena. Its companion page ("Best Practices for Using Amazon Polly Voices",
https://developer.amazon.com/en-US/docs/alexa/custom-skills/guidelines-ux-amazon-polly-skills.html) says any of
the supported voices may be used in a response, minding how voices of different locales sound together, and
lists en-US, en-GB, en-IN, en-AU and en-CA among the locales that support them. So each of our locales accepts
all fifteen English voices; newer Polly voices (Ruth, Olivia, Arthur, Kajal...) are not documented for Alexa.
Which a couple hears, and in which order they are offered, is content (skill/content/<locale>/voices.json).
"""

from __future__ import annotations

ENGLISH_VOICES = frozenset(
    {
        "Ivy", "Joanna", "Joey", "Justin", "Kendra", "Kimberly", "Matthew", "Salli",  # English (US)
        "Amy", "Brian", "Emma",  # English (British)
        "Nicole", "Russell",  # English (Australian)
        "Aditi", "Raveena",  # English (Indian)
    }
)  # fmt: skip

ALEXA_VOICES: dict[str, frozenset[str]] = dict.fromkeys(("en-US", "en-CA", "en-GB", "en-AU", "en-IN"), ENGLISH_VOICES)


def voices_for_locale(locale: str) -> frozenset[str]:
    return ALEXA_VOICES.get(locale, frozenset())

"""Alexa's limits on a response, in one place: counted by the composer before speaking, checked by the tests on every reply.

The composer counts what it put in a response (`check_counts`); the tests read each response back as XML
(`check_ssml`, `check_response`), so a composer that miscounted or wrote malformed SSML is caught there.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from skill.speech.voices import voices_for_locale

MAX_BREAK_SECONDS = 10.0
MAX_SPEECH_AUDIO_SECONDS = 240.0
MAX_REPROMPT_AUDIO_SECONDS = 90.0
MAX_SSML_CHARACTERS = 8000
MAX_AUDIO_TAGS = 5
# The whole response envelope, as sent (JSON, UTF-8): "The total size of your response can't exceed 120
# kilobytes" (Amazon's request and response JSON reference; older versions said 24). Counted as 120,000
# bytes, the stricter reading. APL documents are what could reach it.
MAX_RESPONSE_BYTES = 120_000

_ALLOWED_TAGS = frozenset(
    {
        "speak",
        "break",
        "voice",
        "audio",
        "p",
        "s",
        "prosody",
        "emphasis",
        "say-as",
        "sub",
        "phoneme",
        "lang",
        "w",
        "amazon:effect",
        "amazon:emotion",
        "amazon:domain",
    }
)
_BREAK_TIME = r"^(\d+(?:\.\d+)?)(ms|s)$"  # compiled when first used: only the tests read SSML back
_CONVERSATIONAL_VOICES = frozenset({"Joanna", "Matthew"})


class SpeechLimitError(ValueError):
    """A reply would break one of Alexa's SSML limits."""


def _break_seconds(value: str) -> float | None:
    match = re.match(_BREAK_TIME, value.strip())
    if not match:
        return None
    amount = float(match.group(1))
    return amount / 1000 if match.group(2) == "ms" else amount


def check_counts(*, characters: int, audio_clips: int, audio_seconds: float, max_audio_seconds: float) -> list[str]:
    """The limits a response's size and sound can break: its SSML's length, its clips, its seconds of breaks and audio."""
    problems: list[str] = []
    if characters > MAX_SSML_CHARACTERS:
        problems.append(f"SSML is {characters} characters, over {MAX_SSML_CHARACTERS}")
    if audio_clips > MAX_AUDIO_TAGS:
        problems.append(f"{audio_clips} audio clips, over {MAX_AUDIO_TAGS}")
    if audio_seconds > max_audio_seconds + 1e-6:
        problems.append(f"{audio_seconds:.2f}s of breaks and audio, over {max_audio_seconds:g}s")
    return problems


def check_ssml(
    ssml: str,
    *,
    locale: str,
    max_audio_seconds: float = MAX_SPEECH_AUDIO_SECONDS,
    clip_seconds: Mapping[str, float],
) -> list[str]:
    """Every way `ssml` breaks Alexa's rules; an empty list when it is fine.

    Read with expat itself, element by element (xml.etree's path language is not needed here).
    """
    from xml.parsers.expat import ExpatError, ParserCreate  # the tests' check: no request of the skill needs it

    allowed_voices = voices_for_locale(locale)
    found: list[str] = []  # problems with elements: only reported when the whole SSML is well-formed
    voices: list[str | None] = []  # the voice in force at each open element
    audio_seconds = 0.0
    audio_tags = 0

    def start(tag: str, attributes: dict[str, str]) -> None:
        nonlocal audio_seconds, audio_tags
        voice = voices[-1] if voices else None
        if not voices and tag != "speak":
            found.append("SSML must be wrapped in <speak>")
        if tag not in _ALLOWED_TAGS:
            found.append(f"<{tag}> is not an Alexa SSML tag")
        if tag == "speak" and voices:
            found.append("<speak> may only wrap the whole response")
        if tag == "break":
            seconds = _break_seconds(attributes.get("time", "0ms"))
            if seconds is None:
                found.append(f"break time {attributes.get('time')!r} is not valid")
            elif seconds > MAX_BREAK_SECONDS:
                found.append(f"break of {seconds:g}s is over {MAX_BREAK_SECONDS:g}s")
            else:
                audio_seconds += seconds
        elif tag == "audio":
            audio_tags += 1
            src = attributes.get("src", "")
            if src not in clip_seconds:
                found.append(f"audio {src!r} is not a clip of known length")
            else:
                audio_seconds += clip_seconds[src]
        elif tag == "voice":
            name = attributes.get("name", "")
            if voice is not None:
                found.append("<voice> may not be nested")
            if name not in allowed_voices:
                found.append(f"voice {name!r} is not available in {locale}")
            voice = name
        elif voice is not None and tag == "amazon:emotion":
            found.append("<amazon:emotion> is not allowed inside <voice>")
        elif voice is not None and tag == "say-as" and attributes.get("interpret-as") == "interjection":
            found.append("speechcons are not allowed inside <voice>")
        elif tag == "amazon:domain" and voice not in _CONVERSATIONAL_VOICES:
            found.append("the conversational domain needs Joanna or Matthew")
        voices.append(voice)

    def end(_tag: str) -> None:
        voices.pop()

    # No namespace processing: "amazon:emotion" is simply a tag name here.
    parser = ParserCreate()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(ssml, True)
    except ExpatError as error:
        too_long = check_counts(
            characters=len(ssml), audio_clips=0, audio_seconds=0.0, max_audio_seconds=max_audio_seconds
        )
        return [*too_long, f"SSML is not well-formed: {error}"]
    counted = check_counts(
        characters=len(ssml), audio_clips=audio_tags, audio_seconds=audio_seconds, max_audio_seconds=max_audio_seconds
    )
    return [*found, *counted]


def check_response(envelope: Mapping[str, Any], *, locale: str, clip_seconds: Mapping[str, float]) -> list[str]:
    """Every way a serialized response envelope breaks the contract's limits."""
    response = envelope.get("response")
    if not isinstance(response, Mapping):
        return ["the envelope has no response object"]
    problems: list[str] = []
    size = len(json.dumps(envelope, separators=(",", ":")).encode("utf-8"))
    if size > MAX_RESPONSE_BYTES:
        problems.append(f"the response is {size} bytes, over {MAX_RESPONSE_BYTES}")
    speech = response.get("outputSpeech")
    reprompt = (response.get("reprompt") or {}).get("outputSpeech")
    for label, output, limit in (
        ("outputSpeech", speech, MAX_SPEECH_AUDIO_SECONDS),
        ("reprompt", reprompt, MAX_REPROMPT_AUDIO_SECONDS),
    ):
        if output is None:
            continue
        if output.get("type") != "SSML" or not isinstance(output.get("ssml"), str):
            problems.append(f"{label} must be SSML")
            continue
        problems.extend(
            f"{label}: {p}"
            for p in check_ssml(output["ssml"], locale=locale, max_audio_seconds=limit, clip_seconds=clip_seconds)
        )
    if response.get("shouldEndSession") is False:
        if reprompt is None:
            problems.append("the session stays open but there is no reprompt")
        elif speech is not None and reprompt.get("ssml") == speech.get("ssml"):
            problems.append("the reprompt repeats the speech word for word")
    return problems

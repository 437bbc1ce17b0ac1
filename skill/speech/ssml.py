"""The one place SSML is written: two voices, escaped text, breaks within Alexa's limits."""

from __future__ import annotations

from collections.abc import Iterable

from skill.content import Sounds
from skill.engine.script import Pause, Say, Segment, Sound
from skill.speech.limits import (
    MAX_BREAK_SECONDS,
    MAX_REPROMPT_AUDIO_SECONDS,
    MAX_SPEECH_AUDIO_SECONDS,
    SpeechLimitError,
    check_counts,
)


def escape(text: str) -> str:
    """Text made safe inside SSML: &, < and > escaped (xml.sax.saxutils' escape would import urllib on a cold start)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _breaks(seconds: float) -> list[str]:
    """A silence as breaks of at most 10 s each, in whole milliseconds."""
    remaining = round(seconds * 1000)
    tags = []
    while remaining > 0:
        chunk = min(remaining, int(MAX_BREAK_SECONDS * 1000))
        tags.append(f'<break time="{chunk}ms"/>')
        remaining -= chunk
    return tags


def _segment_ssml(segment: Segment, voices: tuple[str, str], sounds: Sounds) -> list[str]:
    match segment:
        case Say(text=text, partner=None, telephone=True):
            return [f'<say-as interpret-as="telephone">{escape(text)}</say-as>']
        case Say(text=text, partner=None):
            return [escape(text)]
        case Say(text=text, partner=int(partner)):
            return [f'<voice name="{voices[partner]}">{escape(text)}</voice>']
        case Pause(seconds=seconds):
            return _breaks(seconds)
        case Sound(clip=clip):
            return [f'<audio src="{escape(sounds.src(clip))}"/>']
    raise TypeError(f"not a segment: {segment!r}")


def compose(
    segments: Iterable[Segment],
    voices: tuple[str, str],
    sounds: Sounds,
    *,
    reprompt: bool = False,
) -> str:
    """SSML for a script; raises SpeechLimitError rather than hand Alexa something it would refuse.

    Well-formed by construction (every text escaped, voices and clips from checked content), so the limits are
    counted from the segments, not parsed back: an XML parser would cost every cold start half a millisecond.
    """
    parts: list[str] = []
    audio_clips, audio_ms = 0, 0
    for segment in segments:
        parts.extend(_segment_ssml(segment, voices, sounds))
        if isinstance(segment, Pause):
            audio_ms += max(0, round(segment.seconds * 1000))  # as _breaks writes it
        elif isinstance(segment, Sound):
            audio_clips += 1
            audio_ms += round(sounds.seconds(segment.clip) * 1000)
    ssml = "<speak>" + " ".join(parts) + "</speak>"
    problems = check_counts(
        characters=len(ssml),
        audio_clips=audio_clips,
        audio_seconds=audio_ms / 1000,
        max_audio_seconds=MAX_REPROMPT_AUDIO_SECONDS if reprompt else MAX_SPEECH_AUDIO_SECONDS,
    )
    if problems:
        raise SpeechLimitError("; ".join(problems))
    return ssml

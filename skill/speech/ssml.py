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
    check_ssml,
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
    locale: str,
    reprompt: bool = False,
) -> str:
    """SSML for a script; raises SpeechLimitError rather than hand Alexa something it would refuse."""
    parts: list[str] = []
    for segment in segments:
        parts.extend(_segment_ssml(segment, voices, sounds))
    ssml = "<speak>" + " ".join(parts) + "</speak>"
    problems = check_ssml(
        ssml,
        locale=locale,
        max_audio_seconds=MAX_REPROMPT_AUDIO_SECONDS if reprompt else MAX_SPEECH_AUDIO_SECONDS,
        clip_seconds={src: seconds for src, seconds in sounds.clips.values()},
    )
    if problems:
        raise SpeechLimitError("; ".join(problems))
    return ssml

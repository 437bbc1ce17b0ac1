"""When each part of a reply is heard, in milliseconds from the start of the speech.

Built from the very segments the SSML composer renders: silences and clips are exact (the same
seconds the breaks and clips are made of); only how long Alexa takes to say a line is estimated,
from its words at the locale's speaking rate. Screens that move in time with the speech (the hug's
countdown, the breathing circle, the prompts of a paced ritual) are timed from this, so a change to
a ritual's pauses moves the screen with the voice.
"""

from __future__ import annotations

from collections.abc import Iterable

from skill.content import Sounds
from skill.engine.script import Pause, Say, Segment, Sound
from skill.record import Record


class Beat(Record):
    """One segment of the reply and when it is heard: [start_ms, end_ms)."""

    segment: Segment
    start_ms: int
    end_ms: int


def spoken_ms(text: str, words_per_minute: float, sentence_pause_ms: int) -> int:
    """About how long Alexa takes to say `text`: its words at the speaking rate, plus a pause per sentence."""
    words = len(text.split())
    sentences = max(1, sum(text.count(mark) for mark in ".!?"))
    return round(words * 60000 / words_per_minute) + sentences * sentence_pause_ms


def timeline(
    segments: Iterable[Segment], sounds: Sounds, words_per_minute: float, sentence_pause_ms: int
) -> list[Beat]:
    beats: list[Beat] = []
    now = 0
    for segment in segments:
        if isinstance(segment, Pause):
            length = round(segment.seconds * 1000)
        elif isinstance(segment, Sound):
            length = round(sounds.seconds(segment.clip) * 1000)
        elif isinstance(segment, Say):
            length = spoken_ms(segment.text, words_per_minute, sentence_pause_ms)
        else:
            raise TypeError(f"not a segment: {segment!r}")
        beats.append(Beat(segment, now, now + length))
        now += length
    return beats

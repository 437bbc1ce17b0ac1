"""Timed holds: silences and clips that add up to exactly the time a ritual promises."""

from __future__ import annotations

from skill.content import Sounds
from skill.engine.script import Pause, Segment, Sound


def timed_hold(seconds: float, sounds: Sounds, end_clip: str | None = None) -> list[Segment]:
    """A hold of `seconds` in all, ending with `end_clip` if given; the clip's length counts toward the time."""
    clip_seconds = sounds.seconds(end_clip) if end_clip else 0.0
    silence = max(0.0, seconds - clip_seconds)
    hold: list[Segment] = [Pause(silence)] if silence > 0 else []
    if end_clip:
        hold.append(Sound(end_clip))
    return hold


def clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))

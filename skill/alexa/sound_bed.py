"""A soft sound bed under breathing, the hug and the turns a couple holds in silence: the reply's own SSML mixed
over a quiet loop of one sound library clip, with APL for audio (`Alexa.Presentation.APLA.RenderDocument`,
which every Alexa device plays). Elsewhere, and for a couple who said "no music", the silence stays silence.

Only replies that hold at least `min_hold_seconds` of silence, in the rituals the content lists, get a bed; a
care or safety answer never does. The speech is exactly what outputSpeech would have carried, so every limit
on it still holds (skill/speech/limits.py); the bed lasts about as long as the speech, never longer.
"""

from __future__ import annotations

import math
import os
from functools import cache
from typing import Any

from skill.content import CONTENT_FOLDER, Content, read_json
from skill.engine import preferences
from skill.engine.script import Pause, Reply, Say, Sound
from skill.household import Household

DIRECTIVE = "Alexa.Presentation.APLA.RenderDocument"
TOKEN = "sound-bed"
NEVER = frozenset({"care", "counselling"})


@cache
def document() -> dict[str, Any]:
    return read_json(os.path.join(CONTENT_FOLDER, "apla", "sound_bed.json"))  # a plain path: no pathlib on a launch


def seconds_of(reply: Reply, content: Content) -> tuple[float, float]:
    """(silence held, the whole reply's length as far as it can be told: silence, clips and words)."""
    held = sum(segment.seconds for segment in reply.speech if isinstance(segment, Pause))
    clips = sum(content.sounds.seconds(segment.clip) for segment in reply.speech if isinstance(segment, Sound))
    words = sum(len(segment.text.split()) for segment in reply.speech if isinstance(segment, Say))
    settings = content.section(preferences.SECTION).settings["sound_bed"]
    return held, held + clips + words / float(settings["words_per_second"])


def bed_for(reply: Reply, household: Household, ritual: str | None, content: Content, ssml: str) -> Any | None:
    """The APLA directive that says `ssml` over the bed, or None where the reply keeps its silence. `ritual`: the
    ritual the reply speaks for (skill/alexa/conversation.py finds it)."""
    if reply.gives_a_helpline or not preferences.music_on(household) or reply.ask_permission is not None:
        return None
    if reply.offer_routine is not None:
        return None
    settings = content.section(preferences.SECTION).settings["sound_bed"]
    if ritual is None or ritual in NEVER or ritual not in settings["rituals"]:
        return None
    held, total = seconds_of(reply, content)
    if held < float(settings["min_hold_seconds"]):
        return None
    clip = str(settings["clip"])
    # The bed ends with the speech or a little before it: a Mixer lasts as long as its longest child.
    count = max(1, math.floor(total / content.sounds.seconds(clip)))
    from ask_sdk_model.interfaces.alexa.presentation.apla import RenderDocumentDirective

    return RenderDocumentDirective(
        token=TOKEN,
        document=document(),
        datasources={"bed": {"ssml": ssml, "clips": [content.sounds.src(clip)] * count, "volume": settings["volume"]}},
    )

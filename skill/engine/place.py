"""Keeping a ritual's place: whatever arrives while a ritual waits, the answer says where the couple are.

Only leaving on purpose (stop, cancel, another ritual, forget us) moves them away from it; anything else
(an intent the ritual has no use for, a name, a swap of voices) is answered, and then the ritual's own
words say whose turn it is and what to say next. Which request goes where is skill.engine.router's to say. Also: a ritual asked for before introductions asks for
the names first, and starts as soon as both are known.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from skill.engine import narrator
from skill.engine.ritual import Ritual, SteppedRitual, in_progress, registry
from skill.engine.script import Reply, Say, Segment
from skill.engine.session_keys import ASKED_RESUME, EXPECTING, PENDING_RITUAL
from skill.engine.turn import Turn
from skill.intents import HEARD_SOMETHING

# What a ritual hears when Alexa caught something that is not for it: each stepped ritual answers it by
# saying where they are (still your turn, the number we wait for...), without moving on.
_PROBE_NAMES = ("\x00first\x00", "\x00second\x00")


def keep_place(turn: Turn, lead: tuple[Segment, ...] = ()) -> Reply | None:
    """`lead`, then where the ritual in progress stands; None when no ritual is in progress."""
    found = in_progress(turn)
    if found is None:
        return None
    ritual, ritual_turn = found
    if isinstance(ritual, SteppedRitual) and HEARD_SOMETHING in ritual.follow_ups:
        reply = ritual.proceed(ritual_turn, HEARD_SOMETHING)
    else:
        title = ritual_turn.section.settings.get("title", ritual.name)
        reply = Reply(
            speech=(narrator.narrate(turn.narrator_line("offer_resume", ritual=title)),),
            reprompt=(narrator.narrate(turn.narrator_line("offer_resume_again", ritual=title)),),
            session={EXPECTING: ASKED_RESUME},
        )
    return reply._replace(speech=(*lead, *reply.speech))


def resume_offer(turn: Turn) -> Reply | None:
    """ "Would you like to continue?" for the ritual kept for later; None when none is kept."""
    active = turn.active_ritual()
    if not active:
        return None
    title = turn.for_section(active).section.settings.get("title", active)
    return Reply(
        speech=(narrator.narrate(turn.narrator_line("offer_resume", ritual=title)),),
        reprompt=(narrator.narrate(turn.narrator_line("offer_resume_again", ritual=title)),),
        session={EXPECTING: ASKED_RESUME},
    )


def swap_voices(turn: Turn) -> Reply:
    """ "Swap our voices": mid-ritual, the new voices are heard and the ritual goes on where it was."""
    if not turn.active_ritual():
        return narrator.swap_voices(turn)
    narrator.swap_partner_voices(turn)
    lead = (narrator.narrate(turn.narrator_line("voices_swapped")), *narrator.voice_intros(turn))
    return keep_place(turn, lead) or narrator.swap_voices(turn)


# -- a ritual asked for before introductions ---------------------------------------------------------------
def start_ritual(turn: Turn, ritual: Ritual) -> Reply:
    """Start `ritual`; before introductions, one that would speak their names asks for the names first."""
    if turn.household.has_names or not _speaks_names(turn, ritual):
        return ritual.start(turn)
    asked = {"intent": turn.intent, "slots": {k: v for k, v in turn.slots.items() if isinstance(v, str)}}
    reply = narrator.ask_for_names(turn)
    return reply._replace(
        speech=(narrator.narrate(turn.for_section("names").line("names_first")),),
        session={**reply.session, PENDING_RITUAL: asked},
    )


def _speaks_names(turn: Turn, ritual: Ritual) -> bool:
    """Whether the ritual's first reply would say a name: tried on a copy of the household, with stand-in names,
    no Alexa APIs and its own randomness, so nothing is stored, set or used up."""
    probe = turn.household.copy()
    probe.names = list(_PROBE_NAMES)
    probe_turn = turn._replace(household=probe, rng=random.Random(0), alerts=None, look_up_time_zone=None)
    reply = ritual.start(probe_turn)
    said = [segment.text for segment in (*reply.speech, *reply.reprompt) if isinstance(segment, Say)]
    return any(name in text for text in said for name in _PROBE_NAMES)


def pending_ritual(turn: Turn) -> tuple[str, dict[str, str]] | None:
    """The ritual asked for before introductions (from this session), if it is still one we have."""
    asked = turn.session.get(PENDING_RITUAL)
    if not isinstance(asked, Mapping) or asked.get("intent") not in registry():
        return None
    slots = asked.get("slots")
    clean = {str(k): v for k, v in slots.items() if isinstance(v, str)} if isinstance(slots, Mapping) else {}
    return str(asked["intent"]), clean


def start_pending(turn: Turn, pending: tuple[str, dict[str, Any]]) -> Reply:
    """The ritual they asked for before introductions, now that both names are known."""
    intent, slots = pending
    ritual = registry()[intent]
    return ritual.start(turn.for_section(ritual.name)._replace(intent=intent, slots=slots))

"""Each partner's voice: given at introductions, chosen by ear ("Maya, choose my voice"), swapped, always two.

A couple walks through every voice the locale offers (skill/content/<locale>/voices.json), any gender, one
at a time: the voice is tried in a short line to that partner, then "keep it? yes, no, or next". The voice
being tried lives only in the pending-question record (`session_keys.VOICE_TRYING`) until a yes; only the
chosen name per partner is stored (`Household.voices`). A stored voice Alexa no longer accepts falls back to
the locale's default (`Household.partner_voices`), and the two partners never share one voice.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from skill.content import Content
from skill.engine import narrator, place
from skill.engine.script import Reply, Segment, to_partner
from skill.engine.session_keys import ASKED_VOICE, EXPECTING, VOICE_FOR, VOICE_TRYING
from skill.engine.turn import Turn
from skill.household import PARTNERS, Household

SECTION = "voice_choice"


def partner_voices(household: Household, content: Content, session: Mapping[str, Any] | None = None) -> tuple[str, str]:
    """The two voices a reply is spoken in: each partner's own, or, while one is being tried, that one for them."""
    voices = household.partner_voices(content.voices, content.voice_choices)
    trying = _trying(content, session or {}, voices)
    if trying is None:
        return voices
    partner, voice = trying
    return (voice, voices[1]) if partner == 0 else (voices[0], voice)


def choose(turn: Turn) -> Reply:
    """ "Maya, choose my voice", "a different voice for Sam": the next voice, tried for that partner.

    The partner is the one named, else the voice Alexa recognised, else the one whose voice is being tried;
    with none of those, the couple hears how to say whose."""
    if not turn.household.has_names:
        return narrator.ask_for_names(turn)
    voice_turn = turn.for_section(SECTION)
    partner = _partner_named(turn, turn.slots.get("partner"))
    trying = _trying(turn.content, turn.session, _voices(turn))
    if partner is None:
        partner = turn.household.partner_speaking(turn.speaker)
    if partner is None and trying is not None:
        partner = trying[0]
    if partner is None:  # mid-ritual, the ritual then says where they are
        whose = narrator.narrate(voice_turn.line("whose"))
        return place.keep_place(turn, (whose,)) or Reply(
            speech=(whose,), reprompt=(narrator.narrate(voice_turn.line("whose_again")),)
        )
    after = trying[1] if trying is not None and trying[0] == partner else None
    return _try(voice_turn, partner, _next_voice(turn, partner, after))


def answered(turn: Turn, answer: str) -> Reply:
    """A yes (keep it), a no (keep the old one) or a "next" (another) to "keep this voice for Maya?"."""
    trying = _trying(turn.content, turn.session, _voices(turn))
    if trying is None:  # an unreadable record: nothing is changed, and the menu is offered
        return place.keep_place(turn) or narrator.which_one(turn)
    partner, voice = trying
    voice_turn = turn.for_section(SECTION)
    if answer == "next":
        return _try(voice_turn, partner, _next_voice(turn, partner, voice))
    if answer == "yes":
        voices = list(_voices(turn))
        voices[partner] = voice
        turn.household.voices = voices
        turn.household.voices_swapped = False
    line = voice_turn.line("kept" if answer == "yes" else "unchanged", name=turn.name(partner))
    lead = (narrator.narrate(line),)
    return place.keep_place(turn, lead) or _with_offer(turn, lead)


def ask_again(turn: Turn) -> Reply | None:
    """The voice being tried, tried again (after help, "repeat" or a stray word); None when the record is unreadable."""
    trying = _trying(turn.content, turn.session, _voices(turn))
    return _try(turn.for_section(SECTION), *trying) if trying is not None else None


# -- the walk --------------------------------------------------------------------------------------------------
def _voices(turn: Turn) -> tuple[str, str]:
    return turn.household.partner_voices(turn.content.voices, turn.content.voice_choices)


def _next_voice(turn: Turn, partner: int, after: str | None) -> str:
    """The voice after `after` (else after the partner's own) in the locale's order, round and round, skipping
    both partners' voices: every voice comes up once before any comes up again."""
    voices = _voices(turn)
    choices = turn.content.voice_choices
    start = after if after in choices else voices[partner]
    index = choices.index(start) if start in choices else -1
    ring = [choices[(index + step) % len(choices)] for step in range(1, len(choices) + 1)]
    return next((v for v in ring if v not in voices), voices[partner])


def _try(turn: Turn, partner: int, voice: str) -> Reply:
    name = turn.name(partner)
    return Reply(
        speech=(to_partner(partner, turn.line("try", name=name)), narrator.narrate(turn.line("keep", name=name))),
        reprompt=(narrator.narrate(turn.line("keep_again", name=name)),),
        session={EXPECTING: ASKED_VOICE, VOICE_FOR: partner, VOICE_TRYING: voice},
    )


def _trying(content: Content, session: Mapping[str, Any], voices: tuple[str, str]) -> tuple[int, str] | None:
    """(partner, voice) being tried in this session, if the record is one we can use: a voice this locale offers
    that the other partner does not have."""
    if session.get(EXPECTING) != ASKED_VOICE:
        return None
    partner, voice = session.get(VOICE_FOR), session.get(VOICE_TRYING)
    if partner not in PARTNERS or not isinstance(voice, str) or voice not in content.voice_choices:
        return None
    return (partner, voice) if voice != voices[1 - partner] else None


def _partner_named(turn: Turn, raw: object) -> int | None:
    """The partner a slot names ("a different voice for Sam"), if it is one of their names."""
    said = narrator.clean_name(raw)
    if said is None:
        return None
    matches = [p for p in PARTNERS if turn.household.names[p].casefold() == said.casefold()]
    return matches[0] if len(matches) == 1 else None


def _with_offer(turn: Turn, lead: tuple[Segment, ...]) -> Reply:
    examples = narrator.menu(turn)
    return Reply(
        speech=(*lead, narrator.narrate(turn.narrator_line("offer_again", examples=examples))),
        reprompt=(narrator.narrate(turn.narrator_line("offer", examples=examples)),),
    )

"""The pending-question record: the narrator's own question that waits for its answer, kept as data in the session.

Five questions are the narrator's: the names at introductions, "would you like to continue?", "shall I call you
Ana and Leo?", "shall I forget everything?" and "keep this voice for Maya? yes, no, or next" (skill.engine.voices);
a ritual may ask one the same way outside its kept place
(the reminder's "which day and time?", `session_keys.asking`). Each reply that asks one puts its record in the session
(`skill.engine.session_keys`): the kind under `expecting`, with the data the question needs. Whatever
arrives before the answer (help, "repeat", a stray word, a number), the record travels on and the question
is asked again, so a later yes or no still answers *this* question. The rituals' own questions (the jar's
"shall I keep it?", the check-in's care offer, the thirty-six questions' "another?") live in the ritual's
kept place and its own session keys, and the ritual asks them again from there (skill.engine.place).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from skill.engine import forget, names, narrator, place, voices
from skill.engine.script import Reply
from skill.engine.session_keys import (
    ASK_LINE,
    ASK_SECTION,
    ASKED_FORGET,
    ASKED_LINE,
    ASKED_NAME,
    ASKED_NAMES,
    ASKED_PAUSE,
    ASKED_RENAME,
    ASKED_RESUME,
    ASKED_VOICE,
    EXPECTING,
    RECORD_KEYS,
)
from skill.engine.turn import Turn

KINDS = frozenset(
    {ASKED_NAMES, ASKED_RESUME, ASKED_RENAME, ASKED_FORGET, ASKED_LINE, ASKED_PAUSE, ASKED_NAME, ASKED_VOICE}
)
# Questions that hold the conversation until they are answered, or the couple asks for something else on
# purpose: a "next" or a number in between is not an answer to "shall I forget you?".
HOLDING = frozenset({ASKED_NAMES, ASKED_RENAME, ASKED_FORGET, ASKED_LINE, ASKED_NAME, ASKED_VOICE})


def kind(session: Mapping[str, Any] | None) -> str | None:
    """Which of the narrator's questions waits for an answer in this session, if any."""
    asked = session.get(EXPECTING) if session else None
    return asked if isinstance(asked, str) and asked in KINDS else None


def record(session: Mapping[str, Any]) -> dict[str, Any]:
    """The pending-question record as it stands in the session (empty when no question waits)."""
    if kind(session) is None:
        return {}
    return {key: session[key] for key in RECORD_KEYS if key in session}


def ask_again(turn: Turn) -> Reply | None:
    """The pending question once more, with its record; None when none waits (or its record is unreadable)."""
    asked = kind(turn.session)
    if asked == ASKED_FORGET:
        return forget.ask_again(turn.for_section(forget.SECTION))
    if asked == ASKED_RENAME:
        return names.rename_again(turn.for_section(names.SECTION))
    if asked == ASKED_RESUME:
        return place.resume_offer(turn)
    if asked == ASKED_NAMES:
        again = narrator.fallback(turn)  # "I didn't catch your names", and the record as it was
        return again._replace(session=record(turn.session))
    if asked == ASKED_LINE:
        return _line_again(turn)
    if asked == ASKED_VOICE:
        return voices.ask_again(turn)
    if asked == ASKED_PAUSE:
        from skill.engine import care

        return care.pause_offer_again(turn)
    if asked == ASKED_NAME:
        from skill.engine import first_names

        return first_names.ask_again(turn)
    return None


def _line_again(turn: Turn) -> Reply | None:
    """A ritual's question by its line, from the record; None when the record names no line we have."""
    section, key = turn.session.get(ASK_SECTION), turn.session.get(ASK_LINE)
    if not isinstance(section, str) or not isinstance(key, str) or section not in turn.content.sections:
        return None
    lines = turn.content.section(section).lines
    if key not in lines:
        return None
    said = turn.for_section(section).line(key)
    other = next((w for w in lines.variants(key) if w != said), said)
    return Reply(speech=(narrator.narrate(said),), reprompt=(narrator.narrate(other),), session=record(turn.session))


def after(lead: Reply, turn: Turn) -> Reply:
    """`lead` (help, say), then the pending question again; `lead` as it is when no question waits."""
    if kind(turn.session) == ASKED_NAMES:  # after help, the names are asked for, not "I didn't catch them"
        return Reply(
            speech=(*lead.speech, narrator.narrate(turn.narrator_line("ask_names_again"))),
            reprompt=(narrator.narrate(turn.narrator_line("names_not_caught")),),
            session=record(turn.session),
        )
    again = ask_again(turn)
    if again is None:
        return lead
    return Reply(speech=(*lead.speech, *again.speech), reprompt=again.reprompt, session=again.session)

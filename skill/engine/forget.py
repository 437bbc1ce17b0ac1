"""Forgetting a couple on request: say what would be erased, ask for a yes, then say it is done (or kept)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from skill.engine.narrator import menu
from skill.engine.script import Reply, narrate
from skill.engine.session_keys import ASKED_FORGET, EXPECTING
from skill.engine.turn import Turn
from skill.intents import FORGET_ME

SECTION = "forget"
# The session remembers the question, so only a yes to *this* question erases anything.
EXPECTING_FORGET = ASKED_FORGET


def ask(turn: Turn) -> Reply:
    """Explain exactly what "forget us" erases, and that it cannot be undone; wait for a yes or no.

    "Forget me", said by one partner, hears that what is kept is the couple's, so it is both of them or neither."""
    return Reply(
        speech=(narrate(turn.line("ask_me" if turn.intent == FORGET_ME else "ask")),),
        reprompt=(narrate(turn.line("ask_again")),),
        session={EXPECTING: EXPECTING_FORGET},
    )


def ask_again(turn: Turn) -> Reply:
    """The question once more, shorter, when something else came in between (help, "repeat", a stray word)."""
    said = turn.line("ask_again")
    other = next((w for w in turn.section.lines.variants("ask_again") if w != said), said)
    return Reply(speech=(narrate(said),), reprompt=(narrate(other),), session={EXPECTING: EXPECTING_FORGET})


def is_pending(session: Mapping[str, Any] | None) -> bool:
    """Whether the couple was just asked "shall I forget you?" in this session."""
    return session is not None and session.get(EXPECTING) == EXPECTING_FORGET


def forgotten(turn: Turn) -> Reply:
    """Said after everything was erased: warm, and the end of the session."""
    return Reply(speech=(narrate(turn.line("forgotten")),), end_session=True)


def not_forgotten(turn: Turn) -> Reply:
    """Said when the store could not erase anything but the deletion is noted where it will be finished: honest,
    nothing technical, and nothing claimed."""
    return Reply(speech=(narrate(turn.line("not_forgotten")),), end_session=True)


def not_noted(turn: Turn) -> Reply:
    """Said when nothing could be erased and not even noted for later (a full disk): no promise, ask again."""
    return Reply(speech=(narrate(turn.line("not_noted")),), end_session=True)


def kept(turn: Turn) -> Reply:
    """A no: nothing is erased, and the couple hears what they can do instead."""
    return Reply(
        speech=(narrate(turn.line("kept", examples=menu(turn))),),
        reprompt=(narrate(turn.line("kept_again", examples=menu(turn))),),
    )

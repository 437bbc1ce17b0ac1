"""Three needs, three answers: distress, and a safety disclosure (help with the skill is the narrator's help).

Distress ("I'm not okay", "I can't do this") gets a short, warm answer, the locale's crisis line and an offer
to pause; a safety disclosure ("my partner hurts me", "I'm not safe here") gets a short, discreet answer that
never repeats what was said, the locale's domestic-abuse line and emergency number, and the session ends.
Neither moves, ends or stores anything: the ritual in progress keeps its place, every line has one wording
(so the phrasing memory keeps no trace), and the request is logged like any other (skill.alexa.handlers).
docs/CARE.md says which published guidance the answers follow; each locale's care.json holds its numbers
and where they were checked.

Real Alexa may hear a disclosure inside a name carrier ("my partner is {second}" with "violent"): the words
in the slots are read first (`need_in_slots`), so such a sentence is answered with care, never stored as a name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from skill.engine import narrator
from skill.engine.script import Reply, Say, Segment, phone_number
from skill.engine.session_keys import ASKED_BEFORE_CARE, ASKED_NAMES, ASKED_PAUSE, EXPECTING, RECORD_KEYS
from skill.engine.turn import Turn
from skill.intents import DISTRESS, SAFETY

SECTION = "care"
INTENTS = frozenset({SAFETY, DISTRESS})
EXPECTING_PAUSE = ASKED_PAUSE  # we offered to pause: a yes or no answers us
_NUMBER = "\x00{}\x00"


def answer(turn: Turn, need: str) -> Reply:
    """The answer to `need` (SAFETY or DISTRESS), whatever the couple were doing."""
    care = turn.for_section(SECTION)
    return safety(care) if need == SAFETY else distress(care)


def safety(turn: Turn) -> Reply:
    """Discreet, short, and then quiet: no question back, nothing kept, the place untouched."""
    settings = turn.section.settings
    speech: list[Segment] = [narrator.narrate(turn.line("safety_heard"))]
    emergency = str(settings.get("emergency_number") or "")
    if emergency:
        speech.extend(
            _spoken(turn.line("safety_emergency", emergency=_NUMBER.format("emergency")), {"emergency": emergency})
        )
    else:
        speech.append(narrator.narrate(turn.line("safety_emergency_unknown")))
    speech.extend(_line_with_number(turn, "safety_line", "abuse"))
    speech.append(narrator.narrate(turn.line("safety_closing")))
    return Reply(speech=tuple(speech), end_session=True)


def distress(turn: Turn) -> Reply:
    """A warm word, the crisis line, and an offer to pause what they were doing (its place is kept either way)."""
    speech: list[Segment] = [narrator.narrate(turn.line("distress_heard"))]
    speech.extend(_line_with_number(turn, "distress_line", "crisis"))
    offer = _pause_offer(turn)
    return Reply(
        speech=(*speech, narrator.narrate(offer)),
        reprompt=(narrator.narrate(turn.line("pause_offer_again")),),
        session=_pause_session(turn),
    )


def _pause_session(turn: Turn) -> dict[str, object]:
    """The offer to pause as the question that waits, carrying the narrator's question it interrupted, if one did
    ("keep this voice for Maya?"), so a no can ask it again."""
    session = turn.session
    if session.get(EXPECTING) == ASKED_PAUSE:  # asked again: what it carried, it still carries
        waiting = session.get(ASKED_BEFORE_CARE)
    else:
        waiting = {key: session[key] for key in RECORD_KEYS if key in session} if EXPECTING in session else None
    return {EXPECTING: EXPECTING_PAUSE, **({ASKED_BEFORE_CARE: waiting} if waiting else {})}


def is_pause_offered(session: object) -> bool:
    return isinstance(session, dict) and session.get(narrator.EXPECTING) == EXPECTING_PAUSE


def pause_answered(turn: Turn, yes: bool, ask_again: Callable[[Turn], Reply | None]) -> Reply:
    """Yes: the session ends, the ritual's place kept for later. No: the narrator's question the distress
    interrupted is asked again (by `ask_again`, the pending-question record's), else the ritual goes on from where
    it was."""
    from skill.engine import place  # place builds on the narrator, as this module does

    if yes:
        return narrator.goodbye(turn)
    care = turn.for_section(SECTION)
    waiting = turn.session.get(ASKED_BEFORE_CARE)
    interrupted = (
        ask_again(turn._replace(session=waiting))
        if isinstance(waiting, dict) and waiting.get(EXPECTING) not in (None, ASKED_NAMES, ASKED_PAUSE)
        else None
    )
    if interrupted is not None:
        return interrupted._replace(speech=(narrator.narrate(care.line("going_on")), *interrupted.speech))
    kept = place.keep_place(turn, (narrator.narrate(care.line("going_on")),))
    if kept is not None:
        return kept
    if not turn.household.has_names:  # still at the first meeting: back to the names
        asked = narrator.ask_for_names(turn)
        return asked._replace(
            speech=(
                narrator.narrate(care.line("going_on_free")),
                narrator.narrate(turn.narrator_line("ask_names_again")),
            )
        )
    examples = narrator.menu(turn)
    return Reply(
        speech=(
            narrator.narrate(care.line("going_on_free")),
            narrator.narrate(turn.narrator_line("offer_again", examples=examples)),
        ),
        reprompt=(narrator.narrate(turn.narrator_line("offer", examples=examples)),),
    )


def pause_offer_again(turn: Turn) -> Reply:
    """A stray word while the offer waits: the offer again, once more in other words."""
    care = turn.for_section(SECTION)
    return Reply(
        speech=(narrator.narrate(care.line("pause_offer_again")),),
        reprompt=(narrator.narrate(_pause_offer(care)),),
        session=_pause_session(turn),
    )


def need_in_slots(turn: Turn, values: Iterable[object]) -> str | None:
    """SAFETY or DISTRESS when words Alexa put in a slot (a name carrier's, say) are a disclosure; else None."""
    said = " ".join(_plain(v) for v in values if isinstance(v, str))
    if not said:
        return None
    settings = turn.content.section(SECTION).settings
    for need, key in ((SAFETY, "safety_words"), (DISTRESS, "distress_words")):
        if any(re.search(rf"(?<!\w){re.escape(_plain(w))}(?!\w)", said) for w in settings[key]):
            return need
    return None


def _plain(text: str) -> str:
    return " ".join(text.casefold().replace("’", "'").split())


def _pause_offer(turn: Turn) -> str:
    active = turn.active_ritual()
    if active:
        title = turn.content.section(active).settings.get("title", active)
        return turn.line("pause_offer_ritual", ritual=title)
    return turn.line("pause_offer")


def _line_with_number(turn: Turn, key: str, which: str) -> list[Segment]:
    """A line naming the locale's `which` service ("crisis" or "abuse") and its number; a generic pointer without one."""
    settings = turn.section.settings
    name, phone = str(settings.get(f"{which}_name") or ""), str(settings.get(f"{which}_phone") or "")
    if not (name and phone):
        return [narrator.narrate(turn.line(f"{key}_unknown"))]
    return _spoken(turn.line(key, helpline=name, phone=_NUMBER.format("phone")), {"phone": phone})


def _spoken(text: str, numbers: dict[str, str]) -> list[Segment]:
    """A line whose numbers (marked by `_NUMBER`) become telephone segments, the words around them narrator lines."""
    segments: list[Segment] = []
    for index, part in enumerate(re.split(r"\x00(\w+)\x00", text)):
        if index % 2:
            segments.append(phone_number(numbers[part]))
        elif part.strip():
            segments.append(Say(part.strip()))
    return segments

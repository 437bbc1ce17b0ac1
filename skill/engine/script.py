"""What a reply is made of: lines for the narrator or a partner, silences and sound clips, and what a screen shows."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from skill.record import Record

# What a screen may make of a line (`Say.mark`): said by the line's place in the reply, never by its words,
# so a content editor may reword anything without changing what an Echo Show displays.
PROMPT = "prompt"  # the line that opens a partner's turn
BREATHE_IN, BREATHE_OUT = "in", "out"  # a breathing cue, held by the pause after it


class Say(Record):
    """A line of speech. `partner` is 0 or 1 for a line addressed to that partner (their voice), None for the narrator.

    `mark` says what the line is to a screen (PROMPT, BREATHE_IN, BREATHE_OUT); the composer ignores it.
    """

    text: str
    partner: int | None = None
    mark: str | None = None
    # A phone number, spoken digit by digit the way Alexa reads numbers to dial (SSML say-as telephone).
    telephone: bool = False


class Pause(Record):
    """A silence of `seconds`; the composer splits it into breaks Alexa accepts."""

    seconds: float


class Sound(Record):
    """A clip from the sound catalogue, by its catalogue name."""

    clip: str


Segment = Say | Pause | Sound

_NO_DATA: Mapping[str, Any] = MappingProxyType({})


class View(Record):
    """What a screen shows with a reply: a view by name (skill/screen/views.py renders it) and its data.

    Set by the ritual that speaks, from its own state, so the screen never reads a ritual's storage or its
    words. A device without a screen never sees it; a reply without one leaves the screen as it is, or shows
    the menu when nothing is in progress.
    """

    name: str
    data: Mapping[str, Any] = _NO_DATA


class Card(Record):
    """Something to revisit in the Alexa app (a home card): tonight's question, the check-in's numbers.

    Only a ritual that means to leave one sets it; a care or safety answer never does (skill/alexa/cards.py
    drops one on those all the same), and a couple who said "no cards" never gets one.
    """

    title: str
    text: str


class Reply(Record):
    """One response: what to say, what to say if nobody answers, and whether the session ends.

    `session` carries conversational memory for the next turn of this session only
    (never durable state, which lives in the Household). Checked when made, and when changed with
    `reply._replace(...)`.
    """

    speech: tuple[Segment, ...]
    reprompt: tuple[Segment, ...]
    end_session: bool
    session: dict[str, Any]
    # A permission scope to ask the couple for by voice after `speech`; Alexa asks the question itself
    # and answers later with the outcome (see Ritual `on_permission`), so such a reply has no reprompt.
    ask_permission: str | None
    card: Card | None
    # A ritual whose Alexa routine to offer after `speech` (skill/engine/routine_offer.py); Alexa asks itself.
    offer_routine: str | None
    # What a screen shows with it (None: the screen decides from what is in progress; see View).
    view: View | None

    def __init__(
        self,
        speech: tuple[Segment, ...],
        reprompt: tuple[Segment, ...] = (),
        end_session: bool = False,
        session: dict[str, Any] | None = None,
        ask_permission: str | None = None,
        card: Card | None = None,
        offer_routine: str | None = None,
        view: View | None = None,
    ) -> None:
        if ask_permission is not None:
            if reprompt:
                raise ValueError("a reply that asks for a permission hands the microphone to Alexa: no reprompt")
        elif not end_session and not reprompt:
            raise ValueError("a reply that keeps the session open needs a reprompt")
        super().__init__(
            speech, reprompt, end_session, {} if session is None else session, ask_permission, card, offer_routine, view
        )

    @property
    def gives_a_helpline(self) -> bool:
        """A care answer: it reads a number to call. Such a reply never leaves a card or plays over music."""
        return any(isinstance(segment, Say) and segment.telephone for segment in (*self.speech, *self.reprompt))


def narrate(text: str) -> Say:
    return Say(text, None)


def to_partner(partner: int, text: str, mark: str | None = None) -> Say:
    return Say(text, partner, mark)


def phone_number(number: str) -> Say:
    """A number to call, read by the narrator as a telephone number."""
    return Say(number, None, telephone=True)

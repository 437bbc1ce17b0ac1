"""What a reply is made of: lines for the host or a partner, silences and sound clips."""

from __future__ import annotations

from typing import Any, NamedTuple

# The segments are NamedTuples: frozen dataclasses would cost every cold start about 0.4 ms each to generate.


class Say(NamedTuple):
    """A line of speech. `partner` is 0 or 1 for a line addressed to that partner (their voice), None for the host."""

    text: str
    partner: int | None = None


class Pause(NamedTuple):
    """A silence of `seconds`; the composer splits it into breaks Alexa accepts."""

    seconds: float


class Sound(NamedTuple):
    """A clip from the sound catalogue, by its catalogue name."""

    clip: str


Segment = Say | Pause | Sound


class _ReplyFields(NamedTuple):
    speech: tuple[Segment, ...]
    reprompt: tuple[Segment, ...]
    end_session: bool
    session: dict[str, Any]
    # A permission scope to ask the couple for by voice after `speech`; Alexa asks the question itself
    # and answers later with the outcome (see Ritual `on_permission`), so such a reply has no reprompt.
    ask_permission: str | None


class Reply(_ReplyFields):
    """One response: what to say, what to say if nobody answers, and whether the session ends.

    `session` carries conversational memory for the next turn of this session only
    (never durable state, which lives in the Household). A NamedTuple, checked when made, rather than
    a frozen dataclass, which would cost every cold start about 0.4 ms to generate; change one with
    `reply._replace(...)`.
    """

    __slots__ = ()

    def __new__(
        cls,
        speech: tuple[Segment, ...],
        reprompt: tuple[Segment, ...] = (),
        end_session: bool = False,
        session: dict[str, Any] | None = None,
        ask_permission: str | None = None,
    ) -> Reply:
        if ask_permission is not None:
            if reprompt:
                raise ValueError("a reply that asks for a permission hands the microphone to Alexa: no reprompt")
        elif not end_session and not reprompt:
            raise ValueError("a reply that keeps the session open needs a reprompt")
        return super().__new__(cls, speech, reprompt, end_session, {} if session is None else session, ask_permission)


def host(text: str) -> Say:
    return Say(text, None)


def to_partner(partner: int, text: str) -> Say:
    return Say(text, partner)

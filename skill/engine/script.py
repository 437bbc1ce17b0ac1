"""What a reply is made of: lines for the host or a partner, silences and sound clips."""

from __future__ import annotations

from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class Reply:
    """One response: what to say, what to say if nobody answers, and whether the session ends.

    `session` carries conversational memory for the next turn of this session only
    (never durable state, which lives in the Household).
    """

    speech: tuple[Segment, ...]
    reprompt: tuple[Segment, ...] = ()
    end_session: bool = False
    session: dict[str, Any] = field(default_factory=dict)
    # A permission scope to ask the couple for by voice after `speech`; Alexa asks the question itself
    # and answers later with the outcome (see Ritual `on_permission`), so such a reply has no reprompt.
    ask_permission: str | None = None

    def __post_init__(self) -> None:
        if self.ask_permission is not None:
            if self.reprompt:
                raise ValueError("a reply that asks for a permission hands the microphone to Alexa: no reprompt")
            return
        if not self.end_session and not self.reprompt:
            raise ValueError("a reply that keeps the session open needs a reprompt")


def host(text: str) -> Say:
    return Say(text, None)


def to_partner(partner: int, text: str) -> Say:
    return Say(text, partner)

"""Is it a first name? At the first meeting a maintained list decides, or the couple does ("Did I hear Deep?").

Real Alexa fills a name slot with whatever it heard: "confused", "late", "thinking". A value is taken straight
away only when every word of it is on the first-names list (`first_names.json`, derived from the PyPI packages
`names` and `indian-names`, see its settings for sources and licences, plus the locale's `also_first_names`) and
none is a word of the interaction model's own samples. Any other plausible value (Deep, Happy, Free, an English
word) is said back and kept only after a yes; a value that cannot be a name ("thank you", "seven") is refused, and the couple hears which
name was not understood. Names given later, to rename, already wait for a yes (skill.engine.names).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from skill.content import load_content
from skill.engine import narrator
from skill.engine.script import Reply, Segment
from skill.engine.session_keys import ASKED_NAME, HEARD_NAMES, PENDING_NAME, PENDING_PARTNER, PENDING_RITUAL
from skill.engine.turn import Turn
from skill.engine.words import sample_words
from skill.engine.words import words as _words

SECTION = "names"
EXPECTING_CONFIRM = ASKED_NAME  # we said a name back ("Did I hear Deep?"): a yes or no answers us
HEARD = HEARD_NAMES  # the two names as heard so far, and which of them are sure
_CARRIED = (PENDING_NAME, PENDING_PARTNER, PENDING_RITUAL)

Proceed = Callable[[Turn, "str | None", "str | None"], Reply]


def judge(turn: Turn, raw: object) -> tuple[str, bool] | None:
    """(the name as it would be stored, whether the list vouches for it), or None when it cannot be a name."""
    name = narrator.clean_name(raw)
    if name is None:
        return None
    settings = turn.content.section(SECTION).settings
    words = _words(name)
    refused = {str(w).casefold() for w in [*settings["not_names"], *settings.get("not_names_local", [])]}
    if not words or len(words) > int(settings["max_words"]) or any(word in refused for word in words):
        return None
    also = {str(w).casefold() for w in settings.get("also_first_names", [])}
    listed = _listed(turn.content.locale) | also
    from_samples = sample_words(turn.content.locale) - also
    sure = all(word in listed and word not in from_samples for word in words)
    return name, sure


def introduce(turn: Turn, first: object, second: object, proceed: Proceed) -> Reply:
    """Names heard at the first meeting: listed ones go on (`proceed`), another word is said back first."""
    judged = [judge(turn, first), judge(turn, second)]
    heard = {"names": [j[0] if j else None for j in judged], "sure": [bool(j and j[1]) for j in judged]}
    missed = [_given(raw) and j is None for raw, j in zip((first, second), judged)]
    return _next(turn, heard, missed, proceed)


def is_confirm_pending(session: object) -> bool:
    return isinstance(session, Mapping) and session.get(narrator.EXPECTING) == EXPECTING_CONFIRM


def confirm_answered(turn: Turn, yes: bool, proceed: Proceed) -> Reply:
    """A yes keeps the name said back; a no drops it and asks for that name again."""
    heard = _heard(turn.session)
    if heard is None:
        return narrator.fallback(turn)
    asked = heard["sure"].index(False) if False in heard["sure"] else None
    missed = [False, False]
    if asked is not None:
        if yes:
            heard["sure"][asked] = True
        else:
            heard["names"][asked], heard["sure"][asked] = None, True
            missed[asked] = True
    return _next(turn, heard, missed, proceed, sorry=not yes)


def ask_again(turn: Turn) -> Reply | None:
    """A stray word while "Did I hear Deep?" waits: the question again."""
    heard = _heard(turn.session)
    if heard is None or False not in heard["sure"]:
        return None
    return _confirm(turn, heard, heard["sure"].index(False), again=True)


# -- the steps ------------------------------------------------------------------------------------------------
def _next(turn: Turn, heard: dict[str, Any], missed: list[bool], proceed: Proceed, *, sorry: bool = False) -> Reply:
    section = turn.for_section(SECTION)
    for index, (name, sure) in enumerate(zip(heard["names"], heard["sure"])):
        if name is not None and not sure:
            return _confirm(turn, heard, index)
    carried = {k: turn.session[k] for k in _CARRIED if k in turn.session}
    reply = proceed(turn._replace(session=carried), heard["names"][0], heard["names"][1])
    lead: list[Segment] = []
    if sorry:
        lead.append(narrator.narrate(section.line("name_not_kept")))
    elif any(missed) and reply.session.get(narrator.EXPECTING) == narrator.EXPECTING_NAMES:
        # One name is known and the other was not a name: say which was missed (with none known, the narrator's
        # "I didn't catch your names" says it already).
        known = any(heard["names"]) or any(key in carried for key in (narrator.PENDING_NAME, narrator.PENDING_PARTNER))
        if known:
            key = "name_not_caught_partner" if missed[1] and not missed[0] else "name_not_caught_own"
            lead.append(narrator.narrate(section.line(key)))
    return reply._replace(speech=(*lead, *reply.speech)) if lead else reply


def _confirm(turn: Turn, heard: dict[str, Any], index: int, *, again: bool = False) -> Reply:
    section = turn.for_section(SECTION)
    name = heard["names"][index]
    carried = {k: turn.session[k] for k in _CARRIED if k in turn.session}
    return Reply(
        speech=(narrator.narrate(section.line("confirm_name_again" if again else "confirm_name", name=name)),),
        reprompt=(narrator.narrate(section.line("confirm_name_again", name=name)),),
        session={**carried, narrator.EXPECTING: EXPECTING_CONFIRM, HEARD: heard},
    )


def _heard(session: object) -> dict[str, Any] | None:
    """The names held while a confirmation waits, checked again: session attributes come back as we sent them,
    but a request could carry anything there."""
    raw = session.get(HEARD) if isinstance(session, Mapping) else None
    if not isinstance(raw, Mapping):
        return None
    names, sure = raw.get("names"), raw.get("sure")
    if not (isinstance(names, list) and isinstance(sure, list) and len(names) == len(sure) == 2):
        return None
    clean = [narrator.clean_name(n) if n is not None else None for n in names]
    if any(n is not None and c is None for n, c in zip(names, clean)):
        return None
    return {"names": clean, "sure": [bool(s) for s in sure]}


def _given(raw: object) -> bool:
    return isinstance(raw, str) and bool(raw.strip())


@cache
def _listed(locale: str) -> frozenset[str]:
    """The first-names list, read once per process, the first time a name is checked."""
    return frozenset(str(w).casefold() for w in load_content(locale).section("first_names").data.get("names", []))

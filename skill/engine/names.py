"""Who the couple are: names change only when they clearly mean it, and "I'm Maya" is never a rename.

Real Alexa fills an AMAZON.FirstName slot with whatever it heard ("thank you", "an eight", "tired"), so a
value is kept only when it is a plausible first name: letters, a few words at most, none of them a word
the locale's `names` content rules out or a word of the interaction model's own samples. Introductions
take names as they come; once both are stored, only an explicit phrase ("our names are...", "call us...")
asks to replace them, and the new names are said back and kept only after a yes.
"""

from __future__ import annotations

from typing import Any

from skill.engine import first_names, narrator, place
from skill.engine.script import Reply, Segment
from skill.engine.session_keys import ASKED_RENAME, EXPECTING, PENDING_RITUAL, RENAME_TO
from skill.engine.turn import Turn
from skill.engine.turn_taking import someone_talking
from skill.engine.words import sample_words
from skill.engine.words import words as _words

SECTION = "names"
EXPECTING_RENAME = ASKED_RENAME  # we said new names back and asked "shall I?": a yes or no answers us


def plausible_name(turn: Turn, raw: object) -> str | None:
    """`raw` as a first name fit to store and speak, or None when it is not plausibly one."""
    name = narrator.clean_name(raw)
    if name is None:
        return None
    settings = turn.content.section(SECTION).settings
    words = _words(name)
    if not words or len(words) > int(settings["max_words"]):
        return None
    refused = {str(w).casefold() for w in [*settings["not_names"], *settings.get("not_names_local", [])]}
    allowed = {str(w).casefold() for w in settings.get("also_first_names", [])}
    from_samples = sample_words(turn.content.locale) - allowed
    if any(word in refused or word in from_samples for word in words):
        return None
    return name


# -- what the handlers call ---------------------------------------------------------------------------------
def set_names(turn: Turn, first: str | None, second: str | None) -> Reply | None:
    """SetNamesIntent: introductions, or (names stored) a clear request to change them, which waits for a yes.

    None when what was heard is talk rather than names (the router answers it as a stray word)."""
    if not turn.household.has_names:
        return first_names.introduce(turn, first, second, _introductions)
    own, partners = plausible_name(turn, first), plausible_name(turn, second)
    return _names_when_known(turn, own, partners, given=(bool(first), bool(second)))


def my_name(turn: Turn, name: str | None) -> Reply | None:
    """ "I'm Maya": during introductions, the speaker's own name; afterwards, which partner is speaking.

    Never a rename. Mid-ritual, a voice Alexa recognised that names itself as one of them is linked (the ritual
    then says where they are); anything else is taken as talk (partners say each other's names): the ritual
    keeps its place and nobody is greeted or linked (None: the router answers it as a stray word).
    """
    if not turn.household.has_names:
        return first_names.introduce(turn, name, None, _introductions)
    said = plausible_name(turn, name)
    own = narrator.clean_name(name)
    if said is None and own is not None and _partner_named(turn, own) is not None:
        said = own  # one of their own names is theirs, even when it is also a word ("I'm Deep")
    partner = _partner_named(turn, said) if said else None
    if partner is not None and turn.speaker is not None and turn.active_ritual() and not _someone_talking(turn):
        # A voice Alexa recognised, naming itself as one of them: linked, whatever waits, and the ritual goes on.
        turn.household.recognise(turn.speaker, partner)
        lead = (narrator.narrate(turn.narrator_line("speaker_recognised", name=turn.name(partner))),)
        return place.keep_place(turn, lead)
    if said is None or turn.active_ritual():
        return None
    if partner is None:
        return _hint(turn)
    return narrator.introduce_speaker(turn, partner)


def rename_answered(turn: Turn, yes: bool) -> Reply:
    """A yes or no to "shall I call you Ana and Leo from now on?"."""
    wanted = turn.session.get(RENAME_TO)
    checked = [plausible_name(turn, n) for n in wanted] if isinstance(wanted, list) and len(wanted) == 2 else []
    names = [name for name in checked if name]
    lead: tuple[Segment, ...]
    if yes and len(names) == 2:
        if [n.casefold() for n in turn.household.names] != [n.casefold() for n in names]:
            turn.household.speakers.clear()  # new names: which voice is whose must be told again
        turn.household.names = names
        lead = (narrator.narrate(turn.line("names_changed")), *narrator.voice_intros(turn))
    else:
        lead = (narrator.narrate(turn.line("names_kept")),)
    return place.keep_place(turn, lead) or _with_offer(turn, lead)


def rename_again(turn: Turn) -> Reply | None:
    """ "Shall I call you Ana and Leo?" once more, from the pending-question record; None when it is unreadable."""
    wanted = turn.session.get(RENAME_TO)
    if not (isinstance(wanted, list) and len(wanted) == 2 and all(isinstance(n, str) for n in wanted)):
        return None
    return Reply(
        speech=(narrator.narrate(turn.line("rename_confirm", name=wanted[0], other=wanted[1])),),
        reprompt=(narrator.narrate(turn.line("rename_confirm_again", name=wanted[0], other=wanted[1])),),
        session={EXPECTING: EXPECTING_RENAME, RENAME_TO: wanted},
    )


def confirm_answered(turn: Turn, yes: bool) -> Reply:
    """A yes or no to "Did I hear Deep?" at the first meeting (skill.engine.first_names)."""
    return first_names.confirm_answered(turn.for_section(SECTION), yes, _introductions)


def is_rename_pending(session: Any) -> bool:
    return isinstance(session, dict) and session.get(EXPECTING) == EXPECTING_RENAME


# -- the paths --------------------------------------------------------------------------------------------
def _introductions(turn: Turn, own: str | None, partners: str | None) -> Reply:
    """No names stored yet: take them as they come; once both are known, start any ritual they asked for first."""
    pending = place.pending_ritual(turn)
    extra = {PENDING_RITUAL: turn.session[PENDING_RITUAL]} if pending else {}
    then = (lambda t: place.start_pending(t, pending)) if pending else None
    return narrator.set_names(turn, own, partners, session_extra=extra, then=then)


def _names_when_known(turn: Turn, own: str | None, partners: str | None, *, given: tuple[bool, bool]) -> Reply | None:
    if own and partners:
        if [own.casefold(), partners.casefold()] == [n.casefold() for n in turn.household.names]:
            lead = (narrator.narrate(turn.line("names_unchanged")),)
            return place.keep_place(turn, lead) or _with_offer(turn, lead)
        names = {"first": own, "second": partners}
        return Reply(
            speech=(narrator.narrate(turn.line("rename_confirm", name=own, other=partners)),),
            reprompt=(narrator.narrate(turn.line("rename_confirm_again", name=own, other=partners)),),
            session={EXPECTING: EXPECTING_RENAME, RENAME_TO: list(names.values())},
        )
    # One name alone: "my partner is Sam" says who is speaking, outside a ritual and when Sam is one of them.
    only = own if given == (True, False) else partners if given == (False, True) else None
    partner = _partner_named(turn, only) if only else None
    if partner is None or turn.active_ritual():
        return None
    return narrator.introduce_speaker(turn, partner if given[0] else 1 - partner)


def _someone_talking(turn: Turn) -> bool:
    """A partner has the floor in an open turn: names said now are talk (partners say each other's names)."""
    return someone_talking(turn.household)


def _partner_named(turn: Turn, name: str) -> int | None:
    said = name.casefold()
    matches = [p for p in (0, 1) if turn.household.names[p].casefold() == said]
    return matches[0] if len(matches) == 1 else None


def _hint(turn: Turn) -> Reply:
    """A name that is neither of theirs: how to change names, never a change."""
    return _with_offer(turn, (narrator.narrate(turn.line("names_hint")),))


def _with_offer(turn: Turn, lead: tuple[Segment, ...]) -> Reply:
    examples = narrator.menu(turn)
    return Reply(
        speech=(*lead, narrator.narrate(turn.narrator_line("offer_again", examples=examples))),
        reprompt=(narrator.narrate(turn.narrator_line("offer", examples=examples)),),
    )

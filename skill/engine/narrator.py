"""The narrator's own turns: first meeting, welcome, help, names, voices, goodbyes and apologies."""

# Imports at the top, not in functions: a function-level `from module import name` costs a request about 8,000
# instructions in CPython 3.11 (the import system looks for the module's __path__ and formats the AttributeError).

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from skill.engine.offers import OFFER_EXAMPLES, examples, menu_choice
from skill.engine.ritual import Helps, HoldsOn, KeepsPlaceWhen, Repeats, Ritual, in_progress
from skill.engine.script import Reply, Say, narrate, to_partner
from skill.engine.session_keys import ASKED_NAMES, ASKED_RESUME, EXPECTING, PENDING_NAME, PENDING_PARTNER
from skill.engine.turn import Turn
from skill.household import MAX_NAME_LENGTH, PARTNERS
from skill.intents import PAUSE

EXPECTING_NAMES = ASKED_NAMES
EXPECTING_RESUME = ASKED_RESUME
VOICE_CHOICE = "voice_choice"  # the content file of choosing a voice (skill.engine.voices)

_NAME = r"^[^\W\d_](?:[^\W\d_]|[ '\-.])*$"  # compiled when first used (re caches it): a launch never does


def clean_name(raw: object) -> str | None:
    """A first name fit to store and speak, or None when the slot is empty or not a plausible name.

    Session attributes come back from Alexa as we sent them, but a request could carry anything there.
    """
    if not isinstance(raw, str):
        return None
    name = " ".join(raw.split())
    if not name or len(name) > MAX_NAME_LENGTH or not re.match(_NAME, name):
        return None
    # Each part starts with a capital ("mary-jane" -> "Mary-Jane"); letters inside a part are kept ("McKenzie").
    return re.sub(r"(^|[ -])(\w)", lambda m: m.group(1) + m.group(2).upper(), name)


def spoken_list(items: list[str], joiner: str) -> str:
    """Items as said aloud: "a, b or c" (`joiner` is the content's word: "or", "and")."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {joiner} {items[-1]}"


def _spoken_list(turn: Turn, items: list[str]) -> str:
    return spoken_list(items, str(turn.content.section("narrator").settings.get("list_or", "or")))


# Spoken menus stay short: a few examples when offering (OFFER_EXAMPLES, the menu's own), a few more in help.
HELP_EXAMPLES = 6


def _menu(turn: Turn, limit: int = OFFER_EXAMPLES) -> str:
    """A few rituals on offer, as examples the couple can say ("a hug", "breathe together"...).

    A ritual not on the narrator's menu list (a safety pointer, say) is never offered.
    """
    said = examples(turn.content)
    return _spoken_list(turn, [f"'{said[name]}'" for name in menu_choice(turn, limit)])


def _menu_reply(turn: Turn, key: str) -> Reply:
    """A narrator line that offers the menu (`key`), reprompted with the plain offer."""
    examples = _menu(turn)
    return Reply(
        speech=(narrate(turn.narrator_line(key, examples=examples)),),
        reprompt=(narrate(turn.narrator_line("offer_again", examples=examples)),),
    )


def menu(turn: Turn, limit: int = OFFER_EXAMPLES) -> str:
    """The same spoken examples, for lines in other content files that offer what to do next."""
    return _menu(turn, limit)


def ask_for_names(turn: Turn) -> Reply:
    return Reply(
        speech=(narrate(turn.narrator_line("first_meeting")),),
        reprompt=(narrate(turn.narrator_line("ask_names_again")),),
        session={EXPECTING: EXPECTING_NAMES},
    )


def launch(turn: Turn) -> Reply:
    """First launch: introductions. Later launches: a warm greeting by name, and what they were in the middle of."""
    if not turn.household.has_names:
        return ask_for_names(turn)
    _drop_place_not_worth_keeping(turn)
    active = turn.active_ritual()
    greeting = narrate(_welcome_back(turn))
    if active:
        title = turn.content.section(active).settings.get("title", active)
        return Reply(
            speech=(greeting, narrate(turn.narrator_line("offer_resume", ritual=title))),
            reprompt=(narrate(turn.narrator_line("offer_resume_again", ritual=title)),),
            session={EXPECTING: EXPECTING_RESUME},
        )
    examples = _menu(turn)  # the offer and its reprompt name the same rituals: worked out once
    return Reply(
        speech=(greeting, narrate(turn.narrator_line("offer", examples=examples))),
        reprompt=(narrate(turn.narrator_line("offer_again", examples=examples)),),
    )


def _welcome_back(turn: Turn) -> str:
    """Both names; or, when Alexa recognised a partner who told us who they are, that partner first."""
    partner = turn.household.partner_speaking(turn.speaker)
    if partner is None:
        return turn.narrator_line("welcome_back")
    return turn.narrator_line("welcome_back_speaker", name=turn.name(partner), other=turn.name(1 - partner))


def set_names(
    turn: Turn,
    first: str | None,
    second: str | None,
    *,
    session_extra: Mapping[str, Any] | None = None,
    then: Callable[[Turn], Reply] | None = None,
) -> Reply:
    """Introductions: remember both names (possibly over two answers), then let each partner hear their voice.

    `first` is the speaker's own name and `second` the partner's ("I'm Maya", "my partner is Sam"), already
    checked as plausible names (skill.engine.names). `session_extra` rides along while a name is still
    missing; `then`, once both are known, says what comes after the voices instead of the menu.
    """
    first, second = clean_name(first), clean_name(second)
    own_name = clean_name(turn.session.get(PENDING_NAME))
    partners_name = clean_name(turn.session.get(PENDING_PARTNER))
    extra = dict(session_extra or {})
    if own_name and not second and (first or "").casefold() != own_name.casefold():  # not "Maya and Maya"
        first, second = own_name, first
    elif own_name and not first:  # "I'm Priya", then "my partner is Jordan"
        first = own_name
    elif partners_name and not first:
        first, second = second, partners_name
    elif partners_name and not second:
        second = partners_name
    if first and not second:
        return Reply(
            speech=(narrate(turn.narrator_line("ask_second_name", name=first)),),
            reprompt=(narrate(turn.narrator_line("ask_second_name_again", name=first)),),
            session={**extra, EXPECTING: EXPECTING_NAMES, PENDING_NAME: first},
        )
    if second and not first:
        return Reply(
            speech=(narrate(turn.narrator_line("ask_own_name", name=second)),),
            reprompt=(narrate(turn.narrator_line("ask_own_name_again", name=second)),),
            session={**extra, EXPECTING: EXPECTING_NAMES, PENDING_PARTNER: second},
        )
    if not first or not second:
        return Reply(
            speech=(narrate(turn.narrator_line("names_not_caught")),),
            reprompt=(narrate(turn.narrator_line("ask_names_again")),),
            session={**extra, EXPECTING: EXPECTING_NAMES},
        )
    if turn.household.names != [first, second]:
        turn.household.speakers.clear()  # new names: which voice is whose must be told again
    turn.household.names = [first, second]
    _give_voices(turn)
    hint = narrate(turn.for_section(VOICE_CHOICE).line("hint"))
    met = (narrate(turn.narrator_line("names_confirmed")), *voice_intros(turn), hint)
    if then is not None:
        after = then(turn)
        return after._replace(speech=(*met, *after.speech))
    return Reply(
        speech=(*met, narrate(turn.narrator_line("offer", examples=_menu(turn)))),
        reprompt=(narrate(turn.narrator_line("offer_again", examples=_menu(turn))),),
    )


def _give_voices(turn: Turn) -> None:
    """Introductions: the two default voices go by the names' alphabetical order, never by who was named first
    (so the first name said does not always get the same voice, whatever the couple)."""
    names = turn.household.names
    first = min(PARTNERS, key=lambda p: (names[p].casefold(), p))
    defaults = turn.content.voices
    turn.household.voices = list(defaults) if first == 0 else [defaults[1], defaults[0]]
    turn.household.voices_swapped = False


def swap_partner_voices(turn: Turn) -> None:
    """Each partner takes the other's voice, whichever voices they have."""
    first, second = turn.household.partner_voices(turn.content.voices, turn.content.voice_choices)
    turn.household.voices = [second, first]
    turn.household.voices_swapped = False


def voice_intros(turn: Turn) -> tuple[Say, Say]:
    """Each partner hears the voice that will be theirs."""
    return (
        to_partner(0, turn.narrator_line("voice_intro_first")),
        to_partner(1, turn.narrator_line("voice_intro_second")),
    )


def introduce_speaker(turn: Turn, partner: int) -> Reply:
    """ "I'm Maya": remember that the voice Alexa recognised is Maya's, so later launches greet her by name.

    Without a recognised voice there is nothing to remember; the couple hears how to set it up.
    """
    name = turn.name(partner)
    if turn.speaker is None:
        line = turn.narrator_line("speaker_not_recognised", name=name)
    else:
        turn.household.recognise(turn.speaker, partner)
        line = turn.narrator_line("speaker_recognised", name=name)
    examples = _menu(turn)
    return Reply(
        speech=(narrate(line), narrate(turn.narrator_line("offer_again", examples=examples))),
        reprompt=(narrate(turn.narrator_line("offer", examples=examples)),),
    )


def swap_voices(turn: Turn) -> Reply:
    """Give each partner the other's voice, and let them hear it."""
    swap_partner_voices(turn)
    return Reply(
        speech=(
            narrate(turn.narrator_line("voices_swapped")),
            *voice_intros(turn),
            narrate(turn.narrator_line("offer", examples=_menu(turn))),
        ),
        reprompt=(narrate(turn.narrator_line("offer_again", examples=_menu(turn))),),
    )


def _ritual_in_progress(turn: Turn) -> tuple[Ritual, Turn] | None:
    """The ritual the couple is in the middle of (with a turn answering from its content), if any."""
    return in_progress(turn)


def ritual_help(turn: Turn) -> Reply | None:
    """Inside a ritual with words of its own for help: which one, whose turn, what they can say."""
    found = _ritual_in_progress(turn)
    if found is not None and isinstance(found[0], Helps):
        reply = found[0].help(found[1])
        if reply is not None:
            return reply
    return None


def help_reply(turn: Turn) -> Reply:
    """Help outside a ritual: the menu (skill.engine.router decides when a ritual's place answers instead)."""
    return Reply(
        speech=(narrate(turn.narrator_line("help", examples=_menu(turn, HELP_EXAMPLES))),),
        reprompt=(narrate(turn.narrator_line("offer_again", examples=_menu(turn))),),
    )


def fallback(turn: Turn) -> Reply:
    """What we say when we did not understand: never a dead end."""
    if turn.session.get(EXPECTING) == EXPECTING_NAMES:
        return Reply(
            speech=(narrate(turn.narrator_line("names_not_caught")),),
            reprompt=(narrate(turn.narrator_line("ask_names_again")),),
            session=dict(turn.session),
        )
    return _menu_reply(turn, "fallback")


def something_else(turn: Turn) -> Reply:
    """A no to "would you like to continue?": the place is kept, and the menu offered."""
    return _menu_reply(turn, "keep_place")


def which_one(turn: Turn) -> Reply:
    """A yes to "shall we start something?": which ritual, then."""
    return _menu_reply(turn, "which_one")


def goodbye(turn: Turn) -> Reply:
    """Stop, cancel, pause: inside a ritual, the place is kept and they hear how to come back.

    "Hold on" or "wait" (Alexa's pause) at a ritual's own question (`hold_on`) asks it again instead.
    """
    if turn.intent == PAUSE:
        waiting = _ritual_in_progress(turn)
        asked = waiting[0].hold_on(waiting[1]) if waiting is not None and isinstance(waiting[0], HoldsOn) else None
        if asked is not None:
            return asked
    return _leaving(turn, kept="paused", nothing_kept="goodbye")


def finished(turn: Turn) -> Reply:
    """ "We're finished": nothing more is played. A place worth keeping is kept, and they hear how to come back;
    otherwise the ritual ends, and they hear that it has."""
    return _leaving(turn, kept="finished_kept", nothing_kept="finished")


def _leaving(turn: Turn, *, kept: str, nothing_kept: str) -> Reply:
    """The session ends: the `kept` line naming the ritual whose place is kept, else the `nothing_kept` line."""
    found = None if _drop_place_not_worth_keeping(turn) else _ritual_in_progress(turn)
    if found is not None:
        title = found[1].section.settings.get("title", found[1].section_name)
        return Reply(speech=(narrate(turn.narrator_line(kept, ritual=title)),), end_session=True)
    return Reply(speech=(narrate(turn.narrator_line(nothing_kept)),), end_session=True)


def _drop_place_not_worth_keeping(turn: Turn) -> bool:
    """Ends a ritual's kept place when it says there is nothing to come back to (a question already answered
    by both, an offer of a hug); True when it did."""
    found = _ritual_in_progress(turn)
    if found is not None and isinstance(found[0], KeepsPlaceWhen) and not found[0].place_kept(found[1]):
        turn.end_progress()
        return True
    return False


def current_prompt(turn: Turn) -> Reply | None:
    """ "Repeat" inside a ritual: its current prompt again (the question, the sentence stem); None elsewhere."""
    found = _ritual_in_progress(turn)
    if found is not None and isinstance(found[0], Repeats):
        return found[0].repeat(found[1]._replace(repeating=True))
    return None


def apology(turn: Turn) -> Reply:
    """The only thing a couple hears when something broke on our side: short, kind, nothing technical."""
    return Reply(speech=(narrate(turn.narrator_line("apology")),), end_session=True)


def nothing_to_resume(turn: Turn) -> Reply:
    return _menu_reply(turn, "nothing_to_resume")


def nothing_to_repeat(turn: Turn) -> Reply:
    return _menu_reply(turn, "nothing_to_repeat")

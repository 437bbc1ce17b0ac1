"""The one router: which part of the engine answers a request, in one documented order.

Every intent request goes through `rule` (which rule wins) and `route` (the answer). The order, first match wins:

1. **leave**: Stop, Cancel, NavigateHome, Pause, and "we're finished" (`FinishedIntent`, never "my turn is
   over"). Said while a ritual's answer plays, the place becomes the turn that was playing; then goodbye,
   the place kept (or, with nothing to come back to, the ritual ended, saying so); never more of the ritual.
   A pending question is let go.
2. **care**: a request for care (`CARE_INTENTS`; issue 26 adds distress and help-to-be-safe). Answered
   first, whatever was pending, and it never erases the place: the ritual in progress is still there to
   continue, and the pending-question record stays in the session.
3. **answer**: a yes or no while one of the narrator's questions waits (skill.engine.pending): the question's
   owner answers it; to the launch's "would you like to continue?", "continue" and "next" are a yes; to "keep
   this voice for Maya?", "next" and "another one" try the next voice. A yes to "shall I forget everything?" is **erase**, which the adapter carries out (it
   is the one answer that needs the store), then `forget.forgotten`; a no is **not erased**, answered
   without reading or writing the household (`forget.kept`), so that a no changes nothing stored.
   A yes or no while a ritual's question asked in this session waits (the jar's "shall I keep it?",
   `ritual.AsksInSession`) is that ritual's (**answer asked**): the session is this Echo's, while the ritual in
   progress is the household's, so a ritual the household's other Echo started since never takes it, and keeps
   its place.
4. **forget us** (or "forget me"): the question that asks it (needs nothing stored: the adapter answers without the household).
5. **repeat**: while a question waits, the last thing said, word for word, the question with it (the adapter
   keeps it); else the ritual's current prompt; else the last thing said.
6. **help**: help for where they are (the ritual's own help, its place, or the menu), then the pending question again.
7. **on purpose**: a ritual's own intent, names, "I'm Maya", "swap our voices", "choose my voice": what was asked for. Starting
   another ritual lets a pending question go; names that turn out to be talk fall through to 9.
8. **ask again**: while a holding question waits (names, rename, forget), anything else (a number, "next",
   "I'm done") asks it again: it is not an answer. A stray word asks any waiting question again, the resume
   offer too (the kept turn must not start unheard).
9. **follow-up**: an intent the ritual in progress answers ("continue", "I'm done", "next", a rating...), or
   a yes or no to the resume offer. "We need a break" is the repair's own; in any other ritual it is a pause,
   and "it keeps happening" outside a repair is the counselling answer.
10. **off script**: anything else: the pending question again; mid-ritual, the ritual says where they are;
    otherwise the narrator's kind fallback.

Nothing understood twice in a row (Alexa's fallback, or words that fit no rule) closes the session gently,
as Alexa's design guidance asks: the place and the ritual stay for another time.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from skill.engine import forget, names, narrator, pending, place, voices
from skill.engine.offers import note_tried
from skill.engine.ritual import (
    AsksPermission,
    PinsPlace,
    Ritual,
    SetsAside,
    StartsWithFollowUps,
    SteppedRitual,
    asked_in_session,
    follow_up_intents,
    in_progress,
    registry,
)
from skill.engine.script import Reply
from skill.engine.session_keys import (
    ASKED_FORGET,
    ASKED_NAME,
    ASKED_PAUSE,
    ASKED_RENAME,
    ASKED_RESUME,
    ASKED_VOICE,
    MISSES,
)
from skill.engine.turn import Turn
from skill.intents import (
    ANOTHER_QUESTION,
    BREAK,
    CANCEL,
    CHOOSE_VOICE,
    COUNSELLING,
    DISTRESS,
    FINISHED,
    FORGET_ME,
    FORGET_US,
    HELP,
    KEEPS_HAPPENING,
    MY_NAME,
    NAVIGATE_HOME,
    NEXT,
    NO,
    PAUSE,
    REPEAT,
    RESUME,
    SAFETY,
    SET_NAMES,
    START_OVER,
    STOP,
    SWAP_VOICES,
    YES,
)
from skill.intents import HEARD_SOMETHING as FALLBACK

LEAVING = frozenset({STOP, CANCEL, NAVIGATE_HOME, PAUSE, FINISHED})
# The care slot: requests for care are answered before anything else and never erase the place.
CARE_INTENTS = frozenset({SAFETY, DISTRESS, COUNSELLING})
NARRATOR_INTENTS = frozenset({SET_NAMES, MY_NAME, SWAP_VOICES, CHOOSE_VOICE})
# To "keep this voice for Maya? yes, no, or next", these ask for the next voice ("another one" is tonight's
# question's own words, and "choose my voice" again means another).
ANOTHER_VOICE = frozenset({NEXT, ANOTHER_QUESTION})
# A repair's follow-ups (skill/rituals/repair.py), with their meaning anywhere else (see `_follow_up`).

# The rules, in order (see the module's docstring).
LEAVE = "leave"
CARE = "care"
ERASE = "erase"
NOT_ERASED = "not_erased"
ANSWER = "answer"
ANSWER_ASKED = "answer_asked"
ASK_FORGET = "forget_us"
AGAIN = "repeat"
HELPING = "help"
ON_PURPOSE = "on_purpose"
ASK_AGAIN = "ask_again"
FOLLOW_UP = "follow_up"
OFF_SCRIPT = "off_script"


def rule(intent: str, session: Mapping[str, Any] | None) -> str:
    """Which rule answers `intent`, given what this session is waiting for: the one precedence."""
    asked = pending.kind(session)
    if intent in LEAVING:
        return LEAVE
    if intent in CARE_INTENTS:
        return CARE
    if asked == ASKED_RESUME and intent in (RESUME, NEXT):
        return ANSWER
    if asked == ASKED_VOICE and intent in (YES, NO, *ANOTHER_VOICE):
        return ANSWER
    if intent in (YES, NO) and asked in (ASKED_FORGET, ASKED_RENAME, ASKED_RESUME, ASKED_PAUSE, ASKED_NAME):
        if asked == ASKED_FORGET:
            return ERASE if intent == YES else NOT_ERASED
        return ANSWER
    if intent in (YES, NO) and asked is None and asked_in_session(session) is not None:
        return ANSWER_ASKED
    if intent in (FORGET_US, FORGET_ME):
        return ASK_FORGET
    if intent == REPEAT:
        return AGAIN
    if intent == HELP:
        return HELPING
    if intent in registry() or intent in NARRATOR_INTENTS:
        return ON_PURPOSE
    if asked in pending.HOLDING or (asked is not None and intent == FALLBACK):
        return ASK_AGAIN
    if intent in follow_up_intents():
        return FOLLOW_UP
    return OFF_SCRIPT


def route(turn: Turn, intent: str) -> Reply:
    """The engine's answer to `intent` (the adapter carries out `ERASE`, `NOT_ERASED`, `ASK_FORGET` and
    `AGAIN` itself; their answers here are what they say without a store). Two misses in a row (nothing
    understood) close the session gently, the place and any pending question kept for a later session."""
    chosen = rule(intent, turn.session)
    reply = _answer_by_rule(turn, intent, chosen)
    if intent == FALLBACK or chosen == OFF_SCRIPT:
        return _missed(turn, reply)
    return reply


def _answer_by_rule(turn: Turn, intent: str, chosen: str) -> Reply:
    if chosen == LEAVE:
        _pin_place(turn)
        return narrator.finished(turn) if intent == FINISHED else narrator.goodbye(turn)
    if chosen == CARE:
        return _care(turn, intent)
    if chosen == ERASE:  # only the adapter can erase: never claim here that anything was
        return forget.not_noted(turn.for_section(forget.SECTION))
    if chosen in (ANSWER, NOT_ERASED):
        return _answer(turn, intent)
    if chosen == ANSWER_ASKED:
        return _answer_asked(turn, intent)
    if chosen == ASK_FORGET:
        return forget.ask(turn.for_section(forget.SECTION))
    if chosen == AGAIN:
        return repeat_current(turn) or nothing_to_repeat(turn)
    if chosen == HELPING:
        return help_reply(turn)
    if chosen == ON_PURPOSE:
        return _on_purpose(turn, intent) or off_script(turn)
    if chosen == ASK_AGAIN:
        return pending.ask_again(turn) or off_script(turn)
    if chosen == FOLLOW_UP:
        return _follow_up(turn, intent)
    return off_script(turn)


def launch(turn: Turn) -> Reply:
    """ "Open our rituals": a launch while a ritual's answer plays is an interruption too (its place is pinned)."""
    _pin_place(turn)
    return narrator.launch(turn)


# -- the rules -----------------------------------------------------------------------------------------------
def _missed(turn: Turn, reply: Reply) -> Reply:
    """Nothing understood: the answer, counted; the second miss in a row closes the session gently instead."""
    before = turn.session.get(MISSES)
    misses = (before if isinstance(before, int) and before > 0 else 0) + 1
    if reply.end_session or reply.ask_permission is not None:
        return reply
    if misses < 2:
        return reply._replace(session={**reply.session, MISSES: misses})
    closing = narrator.goodbye(turn)
    return closing._replace(speech=(narrator.narrate(turn.narrator_line("misses_goodbye")), *closing.speech))


def _pin_place(turn: Turn) -> None:
    """A ritual whose answer was playing when this request came keeps the turn that was playing as its place."""
    found = in_progress(turn)
    if found is not None and isinstance(found[0], PinsPlace):
        found[0].pin(found[1])


def _care(turn: Turn, intent: str) -> Reply:
    """A request for care: its own answer; the ritual in progress and the pending question are kept.

    Distress and a safety disclosure are skill.engine.care's (docs/CARE.md): they move and store nothing."""
    if intent in (SAFETY, DISTRESS):
        from skill.engine import care

        return care.answer(turn, intent)
    kept = turn.household.in_progress
    ritual = registry()[intent]
    reply = ritual.start(turn.for_section(ritual.name))
    if turn.household.in_progress is None and kept is not None:
        turn.household.in_progress = kept
    record = pending.record(turn.session)
    if record and not reply.end_session:
        reply = reply._replace(session={**record, **reply.session})
    return reply


def _answer(turn: Turn, intent: str) -> Reply:
    """A yes or no to the narrator's own question."""
    asked = pending.kind(turn.session)
    if asked == ASKED_FORGET:  # a no (a yes is the adapter's: rule ERASE)
        return forget.kept(turn.for_section(forget.SECTION))
    if asked == ASKED_RENAME:
        return names.rename_answered(turn.for_section(names.SECTION), intent == YES)
    if asked == ASKED_NAME:
        return names.confirm_answered(turn, intent == YES)
    if asked == ASKED_PAUSE:
        from skill.engine import care

        return care.pause_answered(turn, intent == YES, pending.ask_again)
    if asked == ASKED_VOICE:
        return voices.answered(turn, "yes" if intent == YES else "no" if intent == NO else "next")
    found = in_progress(turn)  # the resume offer
    if found is None:
        return narrator.which_one(turn) if intent == YES else narrator.goodbye(turn)
    if intent == NO:
        return narrator.something_else(turn)
    ritual, ritual_turn = found
    if intent == NEXT:  # "next" to "would you like to continue?": go on from the place, as "continue" does
        intent = RESUME
    if isinstance(ritual, SteppedRitual):
        return ritual.resume(ritual_turn)
    return place.keep_place(turn) or narrator.nothing_to_resume(turn)


def _answer_asked(turn: Turn, intent: str) -> Reply:
    """A yes or no to a ritual's question this session asked, whichever ritual holds the household's place."""
    asker = asked_in_session(turn.session)
    if asker is None:  # `rule` chose this only with a question waiting
        return off_script(turn)
    return asker.answer_asked(turn.for_section(asker.name), intent)


def _set_aside(turn: Turn, starting: Ritual) -> None:
    """Another ritual starts: the one in progress may keep its place aside (the check-in does, for its hours)."""
    found = in_progress(turn)
    if found is not None and found[0].name != starting.name and isinstance(found[0], SetsAside):
        found[0].set_aside(found[1])


def _started_by(intent: str) -> Ritual | None:
    """The ritual that a follow-up of its own also starts when nothing is in progress (its `also_starts`)."""
    for ritual in registry().values():
        if isinstance(ritual, StartsWithFollowUps) and intent in ritual.also_starts:
            return ritual
    return None


def _on_purpose(turn: Turn, intent: str, chosen: Ritual | None = None) -> Reply | None:
    """What was asked for by name; None when it turned out to be talk (a "name" that is not one)."""
    if intent in (SET_NAMES, MY_NAME):  # a disclosure Alexa put in a name slot ("my partner is violent") is care
        from skill.engine import care

        need = care.need_in_slots(turn, turn.slots.values())
        if need is not None:
            return care.answer(turn, need)
    if intent == SET_NAMES:
        return names.set_names(turn.for_section(names.SECTION), turn.slots.get("first"), turn.slots.get("second"))
    if intent == MY_NAME:  # "I'm Maya" links a recognised voice, and any question waiting is asked again
        said = names.my_name(turn.for_section(names.SECTION), turn.slots.get("own"))
        asks_again = (
            said is not None and pending.kind(said.session) is None and pending.kind(turn.session) in pending.HOLDING
        )
        return pending.after(said, turn) if said is not None and asks_again else said
    if intent == SWAP_VOICES:
        return place.swap_voices(turn)
    if intent == CHOOSE_VOICE:
        return voices.choose(turn)
    ritual = chosen or registry()[intent]
    ritual_turn = turn.for_section(ritual.name)
    _set_aside(turn, ritual)
    note_tried(ritual_turn, ritual.name)  # menus then suggest what they have not tried yet
    return place.start_ritual(ritual_turn, ritual)


def _follow_up(turn: Turn, intent: str) -> Reply:
    """ "Continue", "start over", "I'm done", "next", a rating... in the light of what is in progress.

    To "would you like to continue?" yes resumes and no keeps the place and offers something else (rule 3);
    any of the ritual's own follow-ups goes on with the ritual.
    """
    found = in_progress(turn)
    if found is not None:
        ritual, ritual_turn = found
        if intent == START_OVER:
            return ritual.start(ritual_turn)
        if isinstance(ritual, SteppedRitual):
            # "Continue", or a yes the ritual has no meaning for.
            if intent == RESUME or (intent == YES and YES not in ritual.follow_ups):
                return ritual.resume(ritual_turn)
            if intent in ritual.follow_ups:
                return ritual.proceed(ritual_turn, intent)
        if intent == BREAK:  # "we need a break" in any other ritual: a pause, the place kept
            return _answer_by_rule(turn, intent, LEAVE)
        # Anything else the ritual has no use for keeps its place, and says where they are.
        kept = place.keep_place(turn)
        if kept is not None:
            return kept
    starts = _started_by(intent)
    if starts is not None:  # "another question" with nothing in progress: the ritual it belongs to begins
        return _on_purpose(turn._replace(intent=intent), intent, starts) or narrator.fallback(turn)
    if intent == RESUME:
        return narrator.nothing_to_resume(turn)
    if intent == BREAK:
        return narrator.goodbye(turn)
    if intent == KEEPS_HAPPENING:  # the same fight again, outside a repair: the counselling answer, as care
        return _care(turn, "CounsellingIntent")
    if intent == YES:
        return narrator.which_one(turn)
    if intent == NO:
        return narrator.goodbye(turn)
    return narrator.fallback(turn)


# -- help, repeat and the rest, each keeping the pending question ----------------------------------------------
def help_reply(turn: Turn) -> Reply:
    """Help for where they are: while names, a rename or forgetting waits, the menu's help and the question again;
    else the ritual's own help or its place (the resume offer again); otherwise the menu."""
    if pending.kind(turn.session) in (*pending.HOLDING, ASKED_PAUSE):  # the offer to pause after distress too
        return pending.after(narrator.help_reply(turn), turn)
    helped = narrator.ritual_help(turn)
    if helped is not None and helped.end_session and pending.kind(turn.session) == ASKED_RESUME:
        return pending.after(helped, turn)  # help for a place where the couple talk freely: "continue?" still waits
    return helped or place.keep_place(turn) or narrator.help_reply(turn)


def repeat_current(turn: Turn) -> Reply | None:
    """ "Repeat": the ritual's current prompt; None, and the adapter says the last reply again word for word (its
    pending-question record with it), while one of the narrator's questions waits or outside a ritual."""
    if pending.kind(turn.session) is not None:
        return None
    return narrator.current_prompt(turn)


def nothing_to_repeat(turn: Turn) -> Reply:
    """Nothing said yet in this session: a ritual kept for later is offered again, else the menu."""
    return place.keep_place(turn) or narrator.nothing_to_repeat(turn)


def off_script(turn: Turn) -> Reply:
    """Something the moment has no use for: the pending question again; mid-ritual, the ritual's place;
    otherwise the narrator's kind fallback."""
    return pending.ask_again(turn) or place.keep_place(turn) or narrator.fallback(turn)


def permission_answered(turn: Turn, accepted: bool) -> Reply:
    """Alexa's answer to a permission we asked for goes to the ritual that asked (it kept its place)."""
    found = in_progress(turn)
    if found is not None and isinstance(found[0], AsksPermission):
        return found[0].on_permission(found[1], accepted)
    return narrator.nothing_to_resume(turn)

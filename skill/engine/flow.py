"""Routing the turns in between: a follow-up goes to the ritual in progress, or gets a kind host answer."""

from __future__ import annotations

from skill.engine import host, names, place
from skill.engine.ritual import AsksPermission, SteppedRitual, in_progress, ritual_named
from skill.engine.script import Reply
from skill.engine.turn import Turn

YES = "AMAZON.YesIntent"
NO = "AMAZON.NoIntent"
# Said mid-repair they have their own answers (skill/rituals/repair.py); elsewhere, these.
BREAK = "BreakIntent"
KEEPS_HAPPENING = "KeepsHappeningIntent"


def follow_up(turn: Turn, intent: str) -> Reply:
    """Answer "continue", "start over", "I'm done", "next", a rating... in the light of what is in progress.

    A yes or no can answer the host's own questions: to "would you like to continue?" yes resumes and no
    keeps the place and offers something else; to "shall we start something?" yes asks which, no says goodbye.
    """
    if names.is_rename_pending(turn.session) and intent in (YES, NO):
        return names.rename_answered(turn.for_section(names.SECTION), intent == YES)
    if intent == place.HEARD_SOMETHING:  # a stray word while our own yes-or-no question waits: that question again
        asked = place.own_question_again(turn)
        if asked is not None:
            return asked
    found = in_progress(turn)
    resume_offered = turn.session.get(host.EXPECTING) == host.EXPECTING_RESUME
    if found is not None:
        ritual, ritual_turn = found
        if resume_offered and intent == NO:  # our own question, whatever a no would mean to the ritual mid-way
            return host.something_else(turn)
        if intent == "AMAZON.StartOverIntent":
            return ritual.start(ritual_turn)
        if isinstance(ritual, SteppedRitual):
            # "Continue", a yes to our "would you like to continue?", or a yes the ritual has no meaning for.
            if intent == "AMAZON.ResumeIntent" or (intent == YES and (resume_offered or YES not in ritual.follow_ups)):
                return ritual.resume(ritual_turn)
            if intent in ritual.follow_ups:
                return ritual.proceed(ritual_turn, intent)
        if intent == BREAK:  # "we need a break" in any ritual: the place is kept, as with "pause"
            return host.goodbye(turn)
        # Anything else the ritual has no use for keeps its place, and says where they are.
        kept = place.keep_place(turn)
        if kept is not None:
            return kept
    if intent == "AMAZON.ResumeIntent":
        return host.nothing_to_resume(turn)
    if intent == BREAK:
        return host.goodbye(turn)
    if intent == KEEPS_HAPPENING:  # the same fight again, outside a repair: the counselling answer
        counselling = ritual_named("counselling")
        if counselling is not None:
            return counselling.start(turn.for_section(counselling.name))
    if turn.session.get(host.EXPECTING) == host.EXPECTING_NAMES:
        return host.fallback(turn)  # still waiting for their names: ask again
    if intent == YES:
        return host.which_one(turn)
    if intent == NO:
        return host.goodbye(turn)
    return host.fallback(turn)


def permission_answered(turn: Turn, accepted: bool) -> Reply:
    """Alexa's answer to a permission we asked for goes to the ritual that asked (it kept its place)."""
    found = in_progress(turn)
    if found is not None and isinstance(found[0], AsksPermission):
        return found[0].on_permission(found[1], accepted)
    return host.nothing_to_resume(turn)

"""How much a ritual explains itself: in full the first times, then briefly, then not at all.

A couple on their fourth hug do not need the chime explained again; they need the hug. Each start of a ritual
is counted in the household (`Household.count_use`, capped), and the ritual's opening is chosen by the count:
the content's `intro` wording (and the pace's explanation) for the first FULL_USES starts, its `_brief` wording
for the next, and from then on only what the first turn itself needs (who goes first is in its prompt).
"""

from __future__ import annotations

from skill.engine.turn import Turn

FULL, BRIEF, KNOWN = "full", "brief", "known"
# Starts explained in full (the first and second), then briefly (the third); from the fourth on, none.
FULL_USES = 2
BRIEF_USES = 3


def familiarity(turn: Turn, ritual: str, *, count: bool = True) -> str:
    """Count this start of `ritual` (unless not `count`: a second question in one run) and say how familiar it is
    before it: FULL, BRIEF or KNOWN.

    "Start over" and a ritual started twice in one evening count like any start.
    """
    household = turn.household
    before = household.count_use(ritual) if count else household.uses.get(ritual, 0)
    if before < FULL_USES:
        return FULL
    if before < BRIEF_USES:
        return BRIEF
    return KNOWN


def introduced(key: str, level: str) -> str | None:
    """The line key of an explanation at `level`: `key` in full, `key_brief` briefly, None once it is known."""
    if level == FULL:
        return key
    if level == BRIEF:
        return f"{key}_brief"
    return None


def familiar(turn: Turn, ritual: str) -> bool:
    """Whether this start of `ritual`, already counted, came after the starts explained in full (BRIEF or KNOWN):
    what an open turn says around its prompt can then be brief."""
    return turn.household.uses.get(ritual, 0) > FULL_USES

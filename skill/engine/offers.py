"""What a menu offers: a ritual for the hour, one not tried yet, and the rest in rotation, so every ritual is heard.

The rotation lives in the phrasing memory (it moves on once per request); the rituals a couple has started
are noted under household.rituals["host"]["tried"] (MENU_NOTE).
"""

from __future__ import annotations

from skill.content import Content
from skill.engine.ritual import ritual_names
from skill.engine.turn import Turn

OFFER_EXAMPLES = 3

MENU_FROM, MENU_AT = "menu.from", "menu.at"  # the menu's rotation, in the phrasing memory
# household.rituals[MENU_NOTE][TRIED]: the rituals this couple has started at least once. Stored under "host", the
# narrator's name when it was first kept: renaming it would make every stored couple's menu start again.
MENU_NOTE, TRIED = "host", "tried"


def examples(content: Content) -> dict[str, str]:
    """Every ritual a menu may offer, in menu order, with the words a couple says for it ("a hug").

    One list in the narrator's content (`settings.menu`), so a menu reads one file, not every ritual's. A ritual
    not on it (counselling, say) is never offered; a name there that is not a ritual is left out.
    """
    known = _EXAMPLES.get(content.locale)
    if known is not None and known[0] is content:
        return known[1]
    listed = content.section("narrator").settings.get("menu", {})
    said = {name: str(said) for name, said in listed.items() if name in content.sections and name in ritual_names()}
    _EXAMPLES[content.locale] = (content, said)
    return said


# Each locale's examples, worked out once for its content (every launch and help asks, twice).
_EXAMPLES: dict[str, tuple[Content, dict[str, str]]] = {}


def _timely(turn: Turn) -> str | None:
    """The ritual that suits the couple's local hour (morning coffee in the morning, five magic minutes at bedtime);
    a slot with a `weekday` (Monday 0) suits that day only (the Sunday share on a Sunday)."""
    now = turn.known_local_now
    for slot in turn.content.section("narrator").settings.get("suggest_by_hour", []):
        if "weekday" in slot and int(slot["weekday"]) != now.weekday():
            continue
        if int(slot["from"]) <= now.hour < int(slot["to"]) and slot["ritual"] in turn.content.sections:
            return str(slot["ritual"])
    return None


def tried(turn: Turn) -> set[str]:
    """Rituals this couple has started before (or that keep something of theirs)."""
    note = turn.household.peek_ritual(MENU_NOTE)  # looked at, not opened: a menu writes nothing back
    listed = note.get(TRIED) if isinstance(note, dict) else None
    return set(turn.household.rituals) | ({str(n) for n in listed} if isinstance(listed, list) else set())


def note_tried(turn: Turn, name: str) -> None:
    """Remember that the couple started a ritual a menu offers; nothing for any other."""
    if name not in examples(turn.content):
        return
    note = turn.household.rituals.get(MENU_NOTE)
    note = note if isinstance(note, dict) else {}
    raw = note.get(TRIED)
    listed: list[str] = [str(n) for n in raw] if isinstance(raw, list) else []
    if name not in listed:
        note[TRIED] = sorted({*listed, name})
        turn.household.rituals[MENU_NOTE] = note


def menu_choice(turn: Turn, limit: int = OFFER_EXAMPLES) -> list[str]:
    """A few rituals to offer: one that suits the hour, one they have not tried, the rest in rotation.

    The rotation moves on once per request, so over a few menus every ritual is offered.
    """
    every = list(examples(turn.content))
    if not every:
        return []
    memory = turn.household.phrasing
    now = int(turn.now.timestamp())
    if memory.get(MENU_AT) != now:
        previous = memory.get(MENU_FROM)
        # One fewer than a menu shows: the hour's suggestion takes a place, and no ritual is stepped over.
        memory[MENU_FROM] = 0 if previous is None else (previous + OFFER_EXAMPLES - 1) % len(every)
        memory[MENU_AT] = now
    start = memory[MENU_FROM] % len(every)
    rotation = every[start:] + every[:start]
    chosen: list[str] = []
    timely = _timely(turn)
    if timely in every and timely != turn.active_ritual():
        chosen.append(timely)
    done = tried(turn)
    new = [name for name in rotation if name not in done and name not in chosen]
    chosen.extend(new[:1])
    chosen.extend(name for name in rotation if name not in chosen)
    picked = set(chosen[:limit])
    return [name for name in every if name in picked]  # spoken in menu order

"""Reading the turn-taking rituals' replies as transcripts: which content line each spoken line is, and in whose voice.

The couple is Maya (partner one, Joanna's voice in en-US) and Sam (partner two, Matthew's voice).
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from skill.content import CONTENT_DIR, load_content
from tests.support.conversation import Couple, Said

MAYA, SAM = "Joanna", "Matthew"
NAMES = {MAYA: ("Maya", "Sam"), SAM: ("Sam", "Maya")}
CONTENT = load_content("en-US")


class _Unfilled(dict[str, Any]):
    """Values for placeholders; one not given stays as written, so that wording simply never matches."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def wordings(section: str, key: str, **values: Any) -> list[str]:
    """Every wording of a line, filled in as the couple would hear it (a ritual's own wording, else the shared one)."""
    lines = CONTENT.section(section).lines
    borrowed = borrowed_lines(section)
    if key in borrowed:  # a step worded in another ritual's content (the gentle start's request and answer)
        lines = CONTENT.section(borrowed[key]).lines
    elif key not in lines:
        lines = CONTENT.section("turns").lines
    filled = _Unfilled(first="Maya", second="Sam", **values)
    return [" ".join(wording.format_map(filled).split()) for wording in lines.variants(key)]


def borrowed_lines(section: str) -> dict[str, str]:
    """The steps a ritual words from another ritual's content: {step key: section}."""
    from skill.engine.ritual import ritual_named

    return dict(getattr(ritual_named(section), "borrowed_lines", {}))


def says(said: Said, section: str, key: str, **values: Any) -> bool:
    """Whether one wording of the line is in what was said (host lines run together, so this looks in the text)."""
    return any(wording in said.text for wording in wordings(section, key, **values))


def reprompts(said: Said, section: str, key: str, **values: Any) -> bool:
    return any(wording in said.reprompt for wording in wordings(section, key, **values))


@cache
def line_keys(section: str) -> list[str]:
    """The line keys of a ritual's content file, then the shared turn-taking ones."""
    keys = []
    for name in (section, "turns"):
        keys.extend(json.loads((CONTENT_DIR / "en" / f"{name}.json").read_text(encoding="utf-8"))["lines"])
    return keys


def key_of(section: str, voice: str, text: str) -> str | None:
    """The key of the line `text`, spoken in `voice` (so with that partner's name and the other's), or None."""
    name, other = NAMES[voice]
    for key in line_keys(section):
        if text in wordings(section, key, name=name, other=other):
            return key
    return None


def script(said: Said, section: str) -> list[tuple[str, str | None]]:
    """(voice, line key) for every line said in a partner's voice, in order."""
    return [(line.voice, key_of(section, line.voice, line.text)) for line in said.lines if line.voice is not None]


def meet(couple: Couple) -> Couple:
    """Maya and Sam, introduced; Maya goes first in the household's first ritual."""
    couple.meet("Maya", "Sam")
    return couple


def open_mode(couple: Couple, intent: str) -> Said:
    """ "Alexa, ask our rituals for <ritual>, and let's take our time": the pace slot resolved to open."""
    return couple.resolved(intent, "pace", "let's take our time", "open", one_shot=True)


def offers(said: Said, section: str, key: str) -> bool:
    """Whether a line that offers a menu is in what was said, whichever rituals the menu named this time."""
    for wording in CONTENT.section(section).lines.variants(key):
        before, _, after = " ".join(wording.format_map(_Unfilled(first="Maya", second="Sam")).split()).partition(
            "{examples}"
        )
        if before in said.text and after in said.text and menu_examples(said):
            return True
    return False


def menu_examples(said: Said | str) -> list[str]:
    """The rituals a menu named, as the couple would say them ("'a hug'")."""
    import re

    text = said if isinstance(said, str) else said.text
    # an opening quote never follows a letter ("There's")
    return re.findall(r"(?<!\w)'([a-z][A-Za-z' -]*?)'(?=[,.? ])", text)


def finished(document: dict[str, Any]) -> bool:
    """Nothing left to continue: no place, or only that of an answer played to its end (kept while it plays, so a
    couple can still stop or slow it at the turn that was playing; see skill.engine.turn_taking)."""
    progress = document.get("in_progress")
    return progress is None or progress["state"].get("waiting") == "playing"


# The rituals made of partners' turns, by the intent that starts each (the hug, breathing and the thirty-six
# questions pace the couple differently).
TURN_RITUALS = (
    "RoseThornBudIntent",
    "MorningCoffeeIntent",
    "AppreciationIntent",
    "SentenceStemsIntent",
    "StressMapIntent",
    "GentleStartIntent",
    "ThreeDatesIntent",
    "CheckInIntent",
    "TonightsQuestionIntent",
    "HighLowIntent",
    "FeelingsNeedsIntent",
    "RepairIntent",
    "MonthlyIntent",
    "RitualReviewIntent",
)

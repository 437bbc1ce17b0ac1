"""A partner's voice speaks only to that partner's own turn; what the listener does is said in the narrator's voice.

Each ritual is taken to its end, in both paces, and every line said in Maya's voice (Joanna) is checked for an
address to Sam, and every line in Sam's voice (Matthew) for one to Maya: "Sam, just listen." in Maya's voice
would be one voice giving the other partner orders.
"""

from __future__ import annotations

import json
import re

import pytest

from skill.content import CONTENT_DIR
from tests.support.conversation import Couple, Line
from tests.support.turns_support import MAYA, NAMES, TURN_RITUALS, finished, meet, open_mode
from tests.surfaces.test_tasks import launch_task

WAITING = "turns_waiting"
RITUALS = TURN_RITUALS


def addresses(text: str, name: str) -> bool:
    """Whether `text` speaks to `name`: "Sam, ..." at the start of a sentence, "..., Sam, ..." or "..., Sam." at its end."""
    return re.search(rf"(^|[.?!:;]\s+){name},|,\s+{name}[,.?!]", text) is not None


def partner_lines(couple: Couple, stored, intent: str, pace: str) -> list[Line]:
    """Every line said in a partner's voice while the couple takes the ritual to its end."""
    said = couple.intent(intent, one_shot=True) if pace == "paced" else open_mode(couple, intent)
    lines = list(said.lines)
    for _ in range(40):
        if finished(stored(couple)):
            break
        if said.ends_session:
            said = couple.later(minutes=3).intent("AMAZON.NextIntent", one_shot=True)
        elif said.session_attributes.get(WAITING) == "rating":
            said = couple.intent("RatingIntent", rating="6")
        elif said.session_attributes.get(WAITING) == "offer":
            said = couple.intent("AMAZON.NoIntent")
        else:
            said = couple.later(minutes=4).intent("AMAZON.NextIntent")
        lines += said.lines
    assert finished(stored(couple)), f"{intent} ran to its end"
    couple.later(hours=1)
    return [line for line in lines if line.voice is not None]


@pytest.mark.parametrize("pace", ["paced", "open"])
def test_no_partner_voiced_line_addresses_the_other_partner(couple: Couple, stored, pace: str) -> None:
    meet(couple)
    heard = [line for intent in RITUALS for line in partner_lines(couple, stored, intent, pace)]
    heard += [line for line in couple.intent("BreatheIntent", one_shot=True).lines if line.voice is not None]
    assert len(heard) > 60, "every ritual spoke to the partners"
    for line in heard:
        _, other = NAMES[line.voice]
        assert not addresses(line.text, other), f"in {NAMES[line.voice][0]}'s voice: {line.text}"


def test_the_closing_after_a_timer_thanks_each_partner_in_their_own_voice(couple: Couple) -> None:
    meet(couple)
    for ritual in ("magic_minutes", "thirty_six"):
        said = launch_task(couple, "CloseRitual", {"ritual": ritual})
        spoken = [line for line in said.lines if line.voice is not None]
        assert len(spoken) == 2, ritual
        for line in spoken:
            name, other = NAMES[line.voice]
            assert addresses(line.text, name) and not addresses(line.text, other), f"{ritual}: {line.text}"


def test_a_listener_instruction_is_the_narrators_and_names_the_listener_first() -> None:
    """Content: a step's `<key>_listener` wordings start with the listener's name; the step's own wordings, said
    in the speaker's voice, never address the other."""
    for path in sorted((CONTENT_DIR / "en").glob("*.json")):
        lines = json.loads(path.read_text(encoding="utf-8")).get("lines", {})
        for key, wordings in lines.items():
            if key.endswith("_listener"):
                assert key.removesuffix("_listener") in lines, f"{path.name}: {key} belongs to a step"
                assert all(wording.startswith("{name},") for wording in wordings), f"{path.name}: {key}"
                step = lines[key.removesuffix("_listener")]
                assert not any(re.search(r"(^|[.?!:;]\s+)\{other\},", wording) for wording in step), (
                    f"{path.name}: {key}"
                )


def test_the_check_finds_an_address_where_there_is_one() -> None:
    assert addresses("Sam, just listen.", "Sam") and addresses("What was good today? Maya, take it in.", "Maya")
    assert addresses("Thank you for tonight, Sam.", "Sam") and addresses("Thank you, Sam, for tonight.", "Sam")
    assert not addresses("Maya, tell Sam about your day.", "Sam") and not addresses("Tell Sam's story.", "Sam")
    assert MAYA in NAMES

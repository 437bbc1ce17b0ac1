"""Repair after a fight: slow breaths, then impact (not intent), listen-back, sorry for, one thing differently.

Started by voice only, never offered; "we need a break" keeps the place for eight hours; "it keeps happening"
names counselling once, in the counselling answer's words. Each test runs through the Lambda handler and POST /alexa.
"""

from __future__ import annotations

import json

from skill.content import CONTENT_DIR, SUPPORTED_LOCALES, load_content
from tests.support.conversation import Couple, Said
from tests.support.surfaces import both  # noqa: F401  (the fixture)
from tests.support.turns_support import MAYA, SAM, finished, meet, open_mode, says, script

SECTION = "repair"
CONTENT = load_content("en-US")
BREATHE = CONTENT.section("breathe").lines
COUNSELLING = CONTENT.section("counselling").lines


def breaths(said: Said) -> list[str | None]:
    cues = set(BREATHE.variants("in_cue")) | set(BREATHE.variants("out_cue"))
    return [line.voice for line in said.lines if line.text in cues]


def steps(said: Said) -> list[tuple[str, str | None]]:
    return [(voice, key) for voice, key in script(said, SECTION) if key is not None]


def names_counselling(said: Said) -> bool:
    return any(w in said.text for w in COUNSELLING.variants("what_it_is")) and any(
        w in said.text for w in COUNSELLING.variants("where")
    )


def test_paced_it_breathes_first_then_each_is_heard_and_heard_back_then_sorry_then_one_thing_differently(
    both: Couple, stored
) -> None:
    meet(both)
    said = both.intent("RepairIntent", one_shot=True)
    assert says(said, SECTION, "intro", name="Maya", other="Sam") and says(said, SECTION, "paced_intro")
    assert says(said, SECTION, "breathe_intro", count=3)
    assert breaths(said) == [MAYA, SAM] * 3, "the breathing ritual's cues, shortened to three breaths"
    assert steps(said) == [(MAYA, "impact"), (SAM, "listen_back")]
    assert says(said, SECTION, "next_part") and not said.ends_session

    said = both.later(minutes=3).intent("AMAZON.NextIntent")
    assert steps(said) == [(SAM, "impact"), (MAYA, "listen_back"), (MAYA, "sorry"), (SAM, "sorry")]
    assert says(said, SECTION, "next_part") and not breaths(said)

    said = both.later(minutes=4).intent("AMAZON.NextIntent")
    assert says(said, SECTION, "differently") and says(said, SECTION, "closing") and said.ends_session
    document = stored(both)
    assert finished(document)
    assert SECTION not in document["rituals"], "nothing said in a repair is kept"


def test_we_need_a_break_keeps_the_place_for_eight_hours_and_continue_picks_up_at_the_same_turn(
    both: Couple, stored
) -> None:
    meet(both)
    said = open_mode(both, "RepairIntent")
    assert steps(said) == [(MAYA, "impact"), (MAYA, "take_time")] and said.ends_session
    said = both.later(minutes=3).intent("DoneIntent", one_shot=True)
    assert steps(said)[0] == (SAM, "listen_back")

    said = both.later(minutes=1).intent("BreakIntent", one_shot=True)  # "Alexa, tell our rituals we need a break"
    assert says(said, SECTION, "break_taken") and said.ends_session
    kept = stored(both)["in_progress"]
    assert kept["ritual"] == SECTION and kept["state"]["cursor"] == 1
    assert kept["expires_at"] == int(both.now.timestamp()) + 8 * 3600

    said = both.later(hours=7).intent("AMAZON.ResumeIntent", one_shot=True)
    assert says(said, SECTION, "resume", ritual="the repair talk")
    assert steps(said) == [(SAM, "listen_back"), (SAM, "take_time")], "the same turn, in Sam's voice"


def test_after_eight_hours_the_place_is_gone_and_continue_offers_something_else(both: Couple, stored) -> None:
    meet(both)
    open_mode(both, "RepairIntent")
    both.later(minutes=2).intent("BreakIntent", one_shot=True)
    said = both.later(hours=8, minutes=1).intent("AMAZON.ResumeIntent", one_shot=True)
    assert not steps(said) and not says(said, SECTION, "resume", ritual="the repair talk")


def test_a_break_while_a_paced_stretch_plays_keeps_the_turn_they_were_in(both: Couple, stored) -> None:
    meet(both)
    both.intent("RepairIntent", one_shot=True)  # breaths, Maya's impact, Sam's listen-back: about three minutes
    said = both.later(seconds=90).intent("BreakIntent")  # during Maya's turn
    assert says(said, SECTION, "break_taken")
    assert stored(both)["in_progress"]["state"]["cursor"] == 0
    said = both.later(hours=1).intent("AMAZON.ResumeIntent", one_shot=True)
    assert steps(said)[0] == (MAYA, "impact")


def test_it_keeps_happening_names_counselling_once_as_a_tune_up_and_keeps_the_place(both: Couple, stored) -> None:
    meet(both)
    open_mode(both, "RepairIntent")
    said = both.later(minutes=2).intent("KeepsHappeningIntent", one_shot=True)
    assert says(said, SECTION, "keeps_happening") and names_counselling(said), "in the care layer's own words"
    assert says(said, SECTION, "back_to_it") and said.ends_session
    assert stored(both)["in_progress"]["ritual"] == SECTION

    said = both.later(minutes=1).intent("KeepsHappeningIntent", one_shot=True)
    assert says(said, SECTION, "keeps_happening_again") and not names_counselling(said), "once is enough"

    said = both.intent("AMAZON.ResumeIntent", one_shot=True)
    assert steps(said)[0] == (MAYA, "impact")


def test_help_and_repeat_in_the_middle_say_whose_turn_it_is(both: Couple) -> None:
    meet(both)
    both.intent("RepairIntent", one_shot=True)
    said = both.later(minutes=4).intent("AMAZON.HelpIntent")
    assert says(said, SECTION, "help_turn", ritual="the repair talk", name="Sam")
    said = both.intent("AMAZON.RepeatIntent")
    assert says(said, SECTION, "next_part_again")


def test_it_is_never_offered_and_never_asks_who_was_right() -> None:
    for locale in SUPPORTED_LOCALES:
        content = load_content(locale)
        assert SECTION not in content.section("narrator").settings["menu"], "a repair is asked for, never suggested"
    lines = json.loads((CONTENT_DIR / "en" / f"{SECTION}.json").read_text(encoding="utf-8"))["lines"]
    spoken = " ".join(w.lower() for wordings in lines.values() for w in wordings)
    for verdict in ("who was right", "whose fault", "who started", "who is right", "who's right"):
        assert verdict not in spoken


def test_a_break_or_the_same_fight_outside_a_repair_still_gets_a_kind_answer(both: Couple) -> None:
    meet(both)
    said = both.intent("BreakIntent", one_shot=True)
    assert said.text and said.ends_session
    said = both.intent("KeepsHappeningIntent", one_shot=True)
    assert names_counselling(said)

"""Morning coffee: one short prompt each, in each partner's own voice, never a prompt the couple heard the day before."""

from __future__ import annotations

from tests.support.conversation import Couple
from tests.support.turns_support import MAYA, SAM, finished, meet, open_mode, says, script

SECTION = "morning_coffee"


def prompts(said) -> list[tuple[str, str]]:
    return [(voice, key) for voice, key in script(said, SECTION) if key and key.startswith("prompt_")]


def test_paced_one_prompt_each_in_their_own_voice_with_a_chime_between_then_goodbye(couple: Couple, stored) -> None:
    meet(couple)
    said = couple.intent("MorningCoffeeIntent", one_shot=True)
    assert says(said, SECTION, "intro", name="Maya", other="Sam")
    assert says(said, SECTION, "paced_intro"), "the couple hears that the skill keeps time"
    (first_voice, maya_prompt), (second_voice, sam_prompt) = prompts(said)
    assert (first_voice, second_voice) == (MAYA, SAM), "Maya first, each prompt in the partner's own voice"
    assert maya_prompt != sam_prompt, "a different prompt each"
    assert len(said.tags("audio")) == 2 and said.tags("break"), "a quiet hold and a soft chime after each turn"
    assert says(said, SECTION, "closing") and said.ends_session
    assert finished(stored(couple)), "nothing left to continue"


def test_open_mode_waits_for_each_partner_to_hand_over(couple: Couple, stored) -> None:
    meet(couple)
    said = open_mode(couple, "MorningCoffeeIntent")
    assert says(said, SECTION, "open_intro") and not said.tags("break")
    assert [voice for voice, _ in prompts(said)] == [MAYA]
    assert script(said, SECTION)[-1] == (MAYA, "take_time"), "Maya hears how to hand over"
    assert said.ends_session and says(said, "turns", "one_shot")
    assert stored(couple)["in_progress"]["ritual"] == SECTION

    said = couple.intent("DoneIntent")  # Maya: "your turn"
    assert says(said, SECTION, "thanks", name="Maya")
    assert [voice for voice, _ in prompts(said)] == [SAM]
    assert said.ends_session and says(said, "turns", "then_end"), "Sam's is the last turn, and he hears so"

    said = couple.intent("DoneIntent")  # Sam: "I'm done"
    assert says(said, SECTION, "closing") and said.ends_session
    assert finished(stored(couple))


def test_no_prompt_is_heard_two_mornings_running(couple: Couple, stored) -> None:
    meet(couple)
    yesterday: set[str] = set()
    for _ in range(14):
        heard = {key for _, key in prompts(couple.later(days=1).intent("MorningCoffeeIntent", one_shot=True))}
        assert len(heard) == 2
        assert not heard & yesterday, "not the same prompt two days running"
        yesterday = heard
    recent = stored(couple)["rituals"][SECTION]["recent"]
    assert recent[-1]["date"] == couple.now.date().isoformat() and sorted(recent[-1]["prompts"]) == sorted(yesterday)


def test_a_second_coffee_the_same_morning_has_new_prompts_too(couple: Couple) -> None:
    meet(couple)
    first = {key for _, key in prompts(couple.intent("MorningCoffeeIntent", one_shot=True))}
    second = {key for _, key in prompts(couple.later(minutes=20).intent("MorningCoffeeIntent", one_shot=True))}
    assert not first & second


def test_an_open_coffee_left_mid_way_continues_in_a_later_session(couple: Couple) -> None:
    meet(couple)
    said = open_mode(couple, "MorningCoffeeIntent")
    [(_, maya_prompt)] = prompts(said)
    couple.intent("AMAZON.StopIntent")
    said = couple.later(minutes=40).intent("AMAZON.ResumeIntent", one_shot=True)  # "Alexa, ask our rituals to continue"
    assert says(said, SECTION, "resume", ritual="morning coffee")
    assert prompts(said) == [(MAYA, maya_prompt)], "the same prompt, still Maya's turn"
    said = couple.intent("DoneIntent")
    assert [voice for voice, _ in prompts(said)] == [SAM]

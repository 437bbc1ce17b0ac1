"""A recognised voice: "I'm Maya" links the voice Alexa recognised to Maya, later launches greet her by
name, turns stay fair, and only a one-way hash of Alexa's personId is ever stored."""

from __future__ import annotations

import json

from tests.support.conversation import Couple
from tests.support.turns_support import says

MAYA_VOICE = "amzn1.ask.person.MAYA-VOICE-ID"
SAM_VOICE = "amzn1.ask.person.SAM-VOICE-ID"


def as_speaker(couple: Couple, person_id: str | None) -> Couple:
    couple.person_id = person_id
    return couple


def test_a_recognised_partner_who_says_who_they_are_is_greeted_by_name_later(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    as_speaker(couple, MAYA_VOICE).launch()
    said = couple.intent("MyNameIntent", own="maya")  # "I'm Maya"
    assert says(said, "narrator", "speaker_recognised", name="Maya")
    assert not said.ends_session and said.reprompt
    assert stored(couple)["names"] == ["Maya", "Sam"], "naming yourself never renames the couple"

    said = couple.later(days=1).launch()
    assert says(said, "narrator", "welcome_back_speaker", name="Maya", other="Sam")
    said = as_speaker(couple, None).later(days=1).launch()
    assert says(said, "narrator", "welcome_back"), "an unrecognised voice hears both names"


def test_my_partner_is_sam_tells_us_the_speaker_is_the_other_one(couple: Couple) -> None:
    couple.meet("Maya", "Sam")
    as_speaker(couple, MAYA_VOICE).launch()
    couple.intent("SetNamesIntent", second="Sam")  # "my partner is Sam"
    said = couple.later(hours=2).launch()
    assert says(said, "narrator", "welcome_back_speaker", name="Maya", other="Sam")


def test_each_voice_is_its_own_partner(couple: Couple) -> None:
    couple.meet("Maya", "Sam")
    as_speaker(couple, MAYA_VOICE).launch()
    couple.intent("MyNameIntent", own="Maya")
    as_speaker(couple, SAM_VOICE).launch()
    couple.intent("MyNameIntent", own="Sam")
    assert says(as_speaker(couple, SAM_VOICE).launch(), "narrator", "welcome_back_speaker", name="Sam", other="Maya")
    assert says(as_speaker(couple, MAYA_VOICE).launch(), "narrator", "welcome_back_speaker", name="Maya", other="Sam")


def test_without_a_recognised_voice_the_couple_hears_how_to_set_it_up(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    couple.launch()
    said = couple.intent("MyNameIntent", own="Sam")
    assert says(said, "narrator", "speaker_not_recognised", name="Sam") and "voice ID" in said.text
    assert stored(couple)["speakers"] == {}


def test_a_name_that_is_neither_partner_is_never_a_rename(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    as_speaker(couple, MAYA_VOICE).launch()
    said = couple.intent("MyNameIntent", own="Priya")  # "I'm Priya"
    assert says(said, "names", "names_hint") and not said.ends_session
    assert stored(couple)["names"] == ["Maya", "Sam"] and stored(couple)["speakers"] == {}


def test_new_names_forget_whose_voice_was_whose(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    as_speaker(couple, MAYA_VOICE).launch()
    couple.intent("MyNameIntent", own="Maya")
    assert len(stored(couple)["speakers"]) == 1
    couple.intent("SetNamesIntent", first="Ana", second="Leo")
    assert len(stored(couple)["speakers"]) == 1, "nothing changes before the yes"
    couple.intent("AMAZON.YesIntent")
    assert stored(couple)["speakers"] == {}
    assert "Ana and Leo" in couple.later(hours=1).launch().text


def test_names_can_come_partner_first_one_at_a_time(couple: Couple, stored) -> None:
    couple.launch()
    said = couple.intent("SetNamesIntent", second="Sam")  # "my partner is Sam"
    assert says(said, "narrator", "ask_own_name", name="Sam") and not said.ends_session
    couple.intent("MyNameIntent", own="Maya")  # "I'm Maya"
    assert stored(couple)["names"] == ["Maya", "Sam"]


def test_the_one_who_asks_is_not_always_first(couple: Couple) -> None:
    couple.meet("Maya", "Sam")
    as_speaker(couple, MAYA_VOICE).launch()
    couple.intent("MyNameIntent", own="Maya")
    firsts = []
    for _ in range(4):
        said = couple.later(hours=1).intent("RoseThornBudIntent", one_shot=True)  # Maya asks, every time
        firsts.append(next(voice for voice in said.voices if voice is not None))
    assert firsts == ["Joanna", "Matthew", "Joanna", "Matthew"] or firsts == ["Matthew", "Joanna", "Matthew", "Joanna"]


def test_only_a_one_way_hash_of_the_person_id_is_stored(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    as_speaker(couple, MAYA_VOICE).launch()
    couple.intent("MyNameIntent", own="Maya")
    document = stored(couple)
    assert list(document["speakers"].values()) == [0]
    assert MAYA_VOICE not in json.dumps(document) and "MAYA-VOICE" not in json.dumps(document)


def test_forgetting_the_household_forgets_the_voices_too(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    as_speaker(couple, MAYA_VOICE).launch()
    couple.intent("MyNameIntent", own="Maya")
    couple.intent("ForgetUsIntent")
    couple.intent("AMAZON.YesIntent")
    said = couple.later(minutes=1).launch()
    assert "first names" in said.text

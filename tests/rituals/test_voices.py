"""Voices a couple chooses: two clearly different voices by default in every locale, chosen by ear, and kept.

Maya and Sam talk to the Lambda handler; the test checks which Polly voice each line is said in and what is
stored (only the voice name per partner).
"""

from __future__ import annotations

import json

import pytest

from skill.content import CONTENT_DIR, SUPPORTED_LOCALES, load_content
from skill.speech.voices import voices_for_locale
from skill.state import Households
from skill.store.sqlite import SQLiteStore
from tests.support.conversation import Couple

CATALOGUE = json.loads((CONTENT_DIR / "en" / "voices.json").read_text())["catalogue"]
TRY = load_content("en-US").section("voice_choice").lines


def _said_as(text: str, key: str, **values: str) -> bool:
    return any(wording.format(**values) in text for wording in TRY.variants(key))


def _stored_voices(stored, couple: Couple) -> list[str]:
    return stored(couple)["voices"]


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_locale_offers_every_english_voice_alexa_accepts_and_two_clearly_different_defaults(locale: str) -> None:
    content = load_content(locale)
    assert set(content.voice_choices) == voices_for_locale(locale) == set(CATALOGUE), "every voice Alexa accepts"
    first, second = (CATALOGUE[voice] for voice in content.voices)
    assert first["gender"] != second["gender"], f"{locale}: the two turns must sound clearly different"
    genders = {CATALOGUE[voice]["gender"] for voice in content.voice_choices}
    assert genders == {"female", "male"}, "voices of any gender are offered"


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_the_two_partners_hear_two_different_voices_at_introductions_in_every_locale(locale: str, lambda_app) -> None:
    couple = Couple(send=lambda event: lambda_app.handler(event, None), locale=locale)
    couple.launch()
    said = couple.intent("SetNamesIntent", first="Maya", second="Sam")
    partner_voices = [voice for voice in said.voices if voice is not None]
    assert len(set(partner_voices)) == 2, f"{locale}: {said.lines}"
    assert set(partner_voices) == set(load_content(locale).voices)
    assert "choose my voice" in said.text, "they hear how to choose another"


def test_en_in_pairs_a_female_and_a_male_voice(lambda_app) -> None:
    couple = Couple(send=lambda event: lambda_app.handler(event, None), locale="en-IN")
    couple.launch()
    said = couple.intent("SetNamesIntent", first="Priya", second="Arjun")
    genders = {CATALOGUE[voice]["gender"] for voice in said.voices if voice is not None}
    assert genders == {"female", "male"}, said.lines


def test_the_first_name_said_does_not_always_get_the_female_voice(couple: Couple, stored) -> None:
    couple.launch()
    said = couple.intent("SetNamesIntent", first="Sam", second="Maya")
    assert said.by_voice("Matthew")[0].startswith("Sam"), "Sam, named first, is given Matthew's voice here"
    assert "Maya" in said.by_voice("Joanna")[0]
    assert _stored_voices(stored, couple) == ["Matthew", "Joanna"]


def test_maya_chooses_her_voice_hears_it_and_keeps_it(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    said = couple.intent("ChooseVoiceIntent", partner="Maya")  # "Maya, choose my voice"
    tried = [line for line in said.lines if line.voice is not None]
    assert len(tried) == 1 and tried[0].voice == "Salli", "the next US voice, tried in a line to Maya"
    assert _said_as(tried[0].text, "try", name="Maya")
    assert _said_as(said.text, "keep", name="Maya") and said.reprompt and not said.ends_session
    assert _stored_voices(stored, couple) == ["Joanna", "Matthew"], "nothing is kept before a yes"

    said = couple.intent("AMAZON.NextIntent")  # "next"
    assert [line.voice for line in said.lines if line.voice] == ["Joey"], "voices of any gender"
    said = couple.intent("AnotherQuestionIntent")  # "another one"
    assert [line.voice for line in said.lines if line.voice] == ["Kendra"]

    said = couple.intent("AMAZON.YesIntent")
    assert _said_as(said.text, "kept", name="Maya")
    assert _stored_voices(stored, couple) == ["Kendra", "Matthew"]

    said = couple.later(days=1).intent("RoseThornBudIntent", one_shot=True)
    assert set(said.voices) - {None} == {"Kendra", "Matthew"}
    said = couple.intent("HugIntent")
    assert "Joanna" not in said.voices, "Maya's new voice is kept from one session to the next"


def test_a_no_keeps_the_voice_they_had(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    couple.intent("ChooseVoiceIntent", partner="Sam")  # "a different voice for Sam"
    said = couple.intent("AMAZON.NoIntent")
    assert _said_as(said.text, "unchanged", name="Sam")
    assert _stored_voices(stored, couple) == ["Joanna", "Matthew"]


def test_a_same_sex_couple_can_have_two_voices_of_one_gender(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    said = couple.intent("ChooseVoiceIntent", partner="Sam")
    while [line.voice for line in said.lines if line.voice] != ["Salli"]:
        said = couple.intent("AMAZON.NextIntent")
    couple.intent("AMAZON.YesIntent")
    assert _stored_voices(stored, couple) == ["Joanna", "Salli"]
    said = couple.intent("SwapVoicesIntent")
    assert said.by_voice("Salli")[0].startswith("Maya") and "Sam" in said.by_voice("Joanna")[0]
    assert _stored_voices(stored, couple) == ["Salli", "Joanna"]


def test_the_walk_goes_through_every_voice_but_the_two_in_use(couple: Couple) -> None:
    couple.meet("Maya", "Sam")
    said = couple.intent("ChooseVoiceIntent", partner="Maya")
    heard = []
    for _ in range(len(load_content("en-US").voice_choices) - 2):
        heard += [line.voice for line in said.lines if line.voice]
        said = couple.intent("AMAZON.NextIntent")
    assert len(heard) == len(set(heard)) == 13 and not {"Joanna", "Matthew"} & set(heard)
    assert [line.voice for line in said.lines if line.voice] == [heard[0]], "then round again"


def test_choose_my_voice_without_a_name_asks_whose(couple: Couple) -> None:
    couple.meet("Maya", "Sam")
    said = couple.intent("ChooseVoiceIntent")
    assert "a new voice for Maya" in said.text and "Sam" in said.text and not said.ends_session
    assert all(voice is None for voice in said.voices), "nothing tried yet"


def test_a_recognised_voice_chooses_its_own(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    couple.person_id = "amzn1.ask.person.SAM"
    couple.intent("MyNameIntent", own="Sam")  # Sam's voice, linked
    said = couple.intent("ChooseVoiceIntent")  # "choose my voice", said by Sam
    assert [line.voice for line in said.lines if line.voice] == ["Salli"] and _said_as(said.text, "try", name="Sam")


def test_help_and_a_stray_word_ask_the_voice_question_again_in_the_voice_tried(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    couple.intent("ChooseVoiceIntent", partner="Maya")
    said = couple.intent("AMAZON.HelpIntent")
    assert said.lines[-2].voice == "Salli" and _said_as(said.text, "keep", name="Maya")
    said = couple.intent("DoneIntent")  # "I'm done" is no answer
    assert "Salli" in said.voices
    said = couple.intent("AMAZON.YesIntent")
    assert _stored_voices(stored, couple) == ["Salli", "Matthew"]


def test_stop_while_a_voice_is_tried_keeps_the_old_one(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    couple.intent("ChooseVoiceIntent", partner="Maya")
    said = couple.intent("AMAZON.StopIntent")
    assert said.ends_session
    assert _stored_voices(stored, couple) == ["Joanna", "Matthew"]


def test_choosing_a_voice_mid_ritual_goes_back_to_the_ritual(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    couple.resolved("RoseThornBudIntent", "pace", "let's take our time", "open", one_shot=True)
    couple.intent("ChooseVoiceIntent", partner="Sam")
    said = couple.intent("AMAZON.YesIntent")
    assert _said_as(said.text, "kept", name="Sam")
    assert said.by_voice("Joanna") and "Maya" in said.by_voice("Joanna")[-1], "still Maya's turn, in her voice"
    assert stored(couple)["in_progress"]["ritual"] == "rose_thorn_bud", "the ritual keeps its place"
    assert _stored_voices(stored, couple) == ["Joanna", "Salli"]


def test_a_stored_voice_alexa_no_longer_accepts_falls_back_to_the_default(couple: Couple, embedded_store) -> None:
    couple.meet("Maya", "Sam")
    households = Households(SQLiteStore(embedded_store))
    households.apply(couple.key, 0, lambda household: setattr(household, "voices", ["Olivia", "Matthew"]))
    said = couple.intent("HugIntent", one_shot=True)
    assert set(said.voices) - {None} <= {"Joanna", "Matthew"}, "Olivia is not documented for Alexa: Maya hears Joanna"
    households.apply(couple.key, 0, lambda household: setattr(household, "voices", ["Kendra", "Olivia"]))
    said = couple.resolved("RoseThornBudIntent", "pace", "let's take our time", "open", one_shot=True)
    assert said.by_voice("Kendra")[0].startswith("Maya"), "Maya keeps the voice she chose"
    households.apply(couple.key, 0, lambda household: setattr(household, "voices", ["Matthew", "Olivia"]))
    said = couple.intent("BreatheIntent", one_shot=True)
    assert set(said.voices) - {None} == {"Joanna", "Matthew"}, "Sam takes the default Maya does not have"
    households.apply(couple.key, 0, lambda household: setattr(household, "voices", ["Salli", "Salli"]))
    said = couple.intent("BreatheIntent", one_shot=True)
    assert set(said.voices) - {None} == {"Joanna", "Matthew"}, "never one voice for both"


def test_a_household_stored_before_voices_were_chosen_keeps_its_swap(couple: Couple, embedded_store) -> None:
    couple.meet("Maya", "Sam")

    def as_before(household) -> None:
        household.voices, household.voices_swapped = [], True

    Households(SQLiteStore(embedded_store)).apply(couple.key, 0, as_before)
    said = couple.resolved("RoseThornBudIntent", "pace", "let's take our time", "open", one_shot=True)
    assert said.by_voice("Matthew")[0].startswith("Maya"), "the old swap holds: Maya has Matthew's voice"


@pytest.mark.parametrize("need", ["I need help", "I'm not okay", "my partner is violent"])
def test_help_distress_and_a_disclosure_while_a_voice_is_tried_get_their_own_answers_and_lose_nothing(
    couple: Couple, stored, need: str
) -> None:
    """Three needs, three answers (docs/CARE.md), at the one waiting point this feature adds: "keep it for Maya?"."""
    from tests.support.care_support import say, telephone_numbers

    care = load_content("en-US").section("care").lines
    couple.meet("Maya", "Sam")
    couple.intent("ChooseVoiceIntent", partner="Maya")
    before = {key: value for key, value in stored(couple).items() if key != "words"}  # (which wording was said)
    said = say(couple, need)
    after = {key: value for key, value in stored(couple).items() if key != "words"}
    assert after == before, "names and voices as they were; nothing stored about what was said"
    if need == "my partner is violent":
        assert said.text.startswith(care.variants("safety_heard")[0]) and said.ends_session
        assert telephone_numbers(said.ssml) == ["911", "1-800-799-7233"] and set(said.voices) == {None}
        return
    if need == "I'm not okay":
        assert said.text.startswith(care.variants("distress_heard")[0]) and telephone_numbers(said.ssml) == ["988"]
        couple.intent("AMAZON.NoIntent")  # no pause: on with what they were doing
    else:
        assert _said_as(said.text, "keep", name="Maya") and not telephone_numbers(said.ssml), "help with the skill"
    said = couple.intent("AMAZON.YesIntent")
    assert _stored_voices(stored, couple) == ["Salli", "Matthew"], "the question still waited, and a yes answers it"

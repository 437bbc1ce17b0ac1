"""The first meeting: names asked once, confirmed in both voices, remembered in a new session."""

from __future__ import annotations

import pytest

from skill.content import load_content
from tests.support.care_support import say, telephone_numbers
from tests.support.conversation import Couple

NAMES = load_content("en-US").section("names").lines


def test_first_launch_asks_for_both_names_and_remembers_them(couple: Couple, stored) -> None:
    said = couple.launch()
    assert "what are your first names" in said.text.lower()
    assert "we are Maya and Sam" in said.text
    assert not said.ends_session and said.reprompt

    said = couple.intent("SetNamesIntent", first="maya", second="Sam")
    assert "Maya and Sam" in said.by_voice(None)[0]
    assert said.by_voice("Joanna") and said.by_voice("Joanna")[0].startswith("Maya")
    assert said.by_voice("Matthew") and "Sam" in said.by_voice("Matthew")[0]
    assert "'a hug'" in said.text and "'breathe together'" in said.text
    assert not said.ends_session
    assert stored(couple)["names"] == ["Maya", "Sam"]


def test_names_are_remembered_in_a_new_session(couple: Couple) -> None:
    couple.meet("Maya", "Sam")
    said = couple.later(days=3).launch()
    assert "Maya and Sam" in said.text
    assert "first names" not in said.text
    assert not said.ends_session and said.reprompt != said.text


def test_names_can_come_one_at_a_time(couple: Couple, stored) -> None:
    couple.launch()
    said = couple.intent("MyNameIntent", own="Priya")  # "I'm Priya"
    assert "Priya" in said.text and "partner" in said.text
    said = couple.intent("SetNamesIntent", second="Jordan")  # "my partner is Jordan"
    assert "Priya and Jordan" in said.text
    assert stored(couple)["names"] == ["Priya", "Jordan"]


def test_each_part_of_a_name_starts_with_a_capital(couple: Couple, stored) -> None:
    couple.launch()
    couple.intent("SetNamesIntent", first="mary-jane", second="anna lena")
    assert stored(couple)["names"] == ["Mary-Jane", "Anna Lena"]
    couple.intent("SetNamesIntent", first="McKenzie", second="sam")  # a rename: said back, kept after a yes
    couple.intent("AMAZON.YesIntent")
    assert stored(couple)["names"] == ["McKenzie", "Sam"]


def test_names_not_caught_are_asked_again_kindly(couple: Couple, stored) -> None:
    couple.launch()
    said = couple.intent("SetNamesIntent", first=None, second=None)
    assert "didn't catch" in said.text or "missed that" in said.text
    assert not said.ends_session
    said = couple.intent("SetNamesIntent", first="<script>", second="R2D2")
    assert "names" in said.text.lower()
    assert stored(couple).get("names", []) == []


def test_a_fallback_while_naming_keeps_asking_for_names(couple: Couple) -> None:
    couple.launch()
    said = couple.intent("AMAZON.FallbackIntent")
    assert "names" in said.text.lower()
    said = couple.intent("SetNamesIntent", first="Ana", second="Leo")
    assert "Ana and Leo" in said.text


def test_couples_can_swap_voices(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    said = couple.intent("SwapVoicesIntent", one_shot=True)
    assert said.by_voice("Matthew")[0].startswith("Maya")
    assert "Sam" in said.by_voice("Joanna")[0]
    assert stored(couple)["voices"] == ["Matthew", "Joanna"]
    breath = couple.intent("BreatheIntent", one_shot=True)
    assert set(breath.voices) == {None, "Joanna", "Matthew"}


def test_two_households_are_kept_apart(lambda_app) -> None:
    send = lambda event: lambda_app.handler(event, None)  # noqa: E731
    one = Couple(send=send, user_id="amzn1.ask.account.ONE")
    two = Couple(send=send, user_id="amzn1.ask.account.TWO")
    one.meet("Maya", "Sam")
    assert "first names" in two.launch().text
    assert "Maya and Sam" in one.launch().text


def test_no_raw_user_id_or_name_is_used_as_a_key(couple: Couple, embedded_store) -> None:
    couple.meet("Maya", "Sam")
    raw = embedded_store.read_bytes()
    assert couple.user_id.encode() not in raw


def test_a_half_given_name_that_comes_back_damaged_is_simply_asked_again(couple: Couple, stored) -> None:
    couple.launch()
    couple.attributes = {"expecting": "names", "pending_name": [], "pending_partner": {"x": 1}}  # not as we sent them
    said = couple.intent("SetNamesIntent")
    assert "names" in said.text and not said.ends_session
    couple.intent("SetNamesIntent", first="Maya", second="Sam")
    assert stored(couple)["names"] == ["Maya", "Sam"]


# -- names are names (what a real utterance matcher made of the first meeting) -----------------------------
@pytest.mark.parametrize(
    "disclosure",
    ["my partner is violent", "my partner is abusive", "my partner is dangerous", "my partner is controlling"],
)
def test_a_disclosure_at_the_first_meeting_is_never_a_name(couple: Couple, stored, disclosure: str) -> None:
    """Heard: "my partner is violent" -> "Lovely, Violent it is", then "Maya and Violent, it's so nice to meet you"."""
    couple.launch()
    said = say(couple, disclosure)
    assert telephone_numbers(said.ssml) == ["911", "1-800-799-7233"] and said.ends_session
    assert said.text.split()[-1] != "Violent" and "Lovely" not in said.text
    couple.launch()
    said = say(couple, "I'm Maya")
    assert "Violent" not in said.text and "partner" in said.text
    assert not stored(couple).get("names")
    # Had Alexa put the word into the name slot itself, it is still no name.
    said = couple.intent("SetNamesIntent", second="violent")
    assert said.ends_session and telephone_numbers(said.ssml)
    assert not stored(couple).get("names")


@pytest.mark.parametrize("feeling", ["confused", "crying", "lost", "listening", "thinking", "late", "cooking"])
def test_a_feeling_in_a_name_slot_is_said_back_never_stored_silently(couple: Couple, stored, feeling: str) -> None:
    """Heard: "I'm confused" -> "Lovely to meet you, Confused". If Alexa fills the name slot with it, it is asked."""
    couple.launch()
    said = couple.intent("MyNameIntent", own=feeling)
    assert said.text in [w.format(name=feeling.capitalize()) for w in NAMES.variants("confirm_name")]
    said = couple.intent("AMAZON.NoIntent")
    assert said.text.split(".")[0] + "." in NAMES.variants("name_not_kept") and not said.ends_session
    assert not stored(couple).get("names")


def test_im_confused_said_aloud_is_help_not_a_name(couple: Couple, stored) -> None:
    couple.launch()
    said = say(couple, "I'm confused")
    assert "Confused" not in said.text and "names" in said.text.lower()
    assert not stored(couple).get("names")


@pytest.mark.parametrize("name", ["Honey", "Love"])
def test_a_real_name_on_the_list_is_a_name_even_when_it_is_also_a_word(couple: Couple, stored, name: str) -> None:
    """Heard: "we are Bonnie and Honey" -> "I'm not sure I caught that" (Honey is common in India)."""
    couple.launch()
    said = say(couple, f"we are Bonnie and {name}")
    assert f"Bonnie and {name}" in said.text and stored(couple)["names"] == ["Bonnie", name]


@pytest.mark.parametrize("name", ["Deep", "Happy", "Free"])
def test_a_real_name_off_the_list_is_asked_about_and_kept_after_a_yes(couple: Couple, stored, name: str) -> None:
    """Heard: "we are Bonnie and Deep" -> "I'm not sure I caught that". Now: "Did I hear Deep?" """
    couple.launch()
    said = say(couple, f"we are Bonnie and {name}")
    assert said.text in [w.format(name=name) for w in NAMES.variants("confirm_name")]
    assert not stored(couple).get("names"), "nothing kept before the yes"
    said = say(couple, "yes")
    assert f"Bonnie and {name}" in said.text
    assert stored(couple)["names"] == ["Bonnie", name]


def test_a_stray_word_at_did_i_hear_asks_again_and_no_asks_for_that_name(couple: Couple, stored) -> None:
    couple.launch()
    say(couple, "we are Bonnie and Deep")
    said = couple.intent("AMAZON.FallbackIntent")
    assert said.text in [w.format(name="Deep") for w in NAMES.variants("confirm_name_again")]
    said = say(couple, "no")
    assert "Bonnie" in said.text and "partner" in said.text and not said.ends_session
    said = say(couple, "my partner is Sam")
    assert stored(couple)["names"] == ["Bonnie", "Sam"]


def test_a_refusal_says_which_name_was_not_understood(couple: Couple, stored) -> None:
    couple.launch()
    said = couple.intent("SetNamesIntent", first="Maya", second="thank you")
    assert said.text.startswith(tuple(NAMES.variants("name_not_caught_partner"))) and "Maya" in said.text
    said = couple.intent("SetNamesIntent", first="Maya", second="Sam")
    assert stored(couple)["names"] == ["Maya", "Sam"], "never Maya and Maya"


def test_listed_names_go_straight_through(couple: Couple, stored) -> None:
    couple.launch()
    said = say(couple, "we are Maya and Sam")
    assert "Maya and Sam" in said.text and stored(couple)["names"] == ["Maya", "Sam"]


def test_the_first_names_list_is_from_a_licensed_package_with_its_attribution() -> None:
    section = load_content("en-US").section("first_names")
    assert "MIT License" in section.settings["license"] and "Trey Hunner" in section.settings["license"]
    assert (
        "BSD 3-Clause" in section.settings["license_indian_names"]
        and "Tripathi" in section.settings["license_indian_names"]
    )
    assert "names" in section.settings["source"] and len(section.data["names"]) > 5000
    assert {"maya", "sam", "bonnie", "honey", "love", "priya", "arjun"} <= set(section.data["names"])
    assert not {"violent", "confused", "deep", "late"} & set(section.data["names"])


def test_a_partner_named_deep_can_say_im_deep_later(couple: Couple, stored) -> None:
    couple.meet("Bonnie", "Deep")  # "Did I hear Deep?" Yes.
    assert stored(couple)["names"] == ["Bonnie", "Deep"]
    couple.person_id = "amzn1.ask.person.DEEP"
    said = couple.intent("MyNameIntent", one_shot=True, own="Deep")
    assert "Deep" in said.text and stored(couple)["speakers"], "the voice is now known as Deep's"

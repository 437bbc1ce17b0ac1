"""The first meeting: names asked once, confirmed in both voices, remembered in a new session."""

from __future__ import annotations

from tests.conversation import Couple


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
    assert stored(couple)["voices_swapped"] is True
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

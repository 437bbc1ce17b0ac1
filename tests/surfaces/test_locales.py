"""The key conversations in every locale we serve: each spoken in that locale's own two voices, through the Lambda handler."""

from __future__ import annotations

import io
from typing import Any

import pytest

from skill.alexa.skill import build_skill, invoke
from skill.cli.dialog import Dialog
from skill.content import SUPPORTED_LOCALES, load_content
from tests.support.conversation import Couple


@pytest.fixture(params=SUPPORTED_LOCALES)
def locale(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def local_couple(couple: Couple, locale: str) -> Couple:
    """A couple whose Echo is set to `locale`."""
    couple.locale = locale
    return couple


def test_first_meeting_names_and_each_partners_voice(local_couple: Couple, locale: str, stored) -> None:
    first, second = load_content(locale).voices
    said = local_couple.launch()
    assert set(said.voices) == {None}, "the narrator asks, in Alexa's own voice"
    assert not said.ends_session and said.reprompt and said.reprompt != said.text

    said = local_couple.intent("SetNamesIntent", first="Maya", second="Sam")
    assert "Maya and Sam" in said.by_voice(None)[0]
    assert "Maya" in said.by_voice(first)[0], f"Maya hears her voice, {first}"
    assert "Sam" in said.by_voice(second)[0], f"Sam hears his voice, {second}"
    assert set(said.voices) == {None, first, second}
    assert not said.ends_session
    assert stored(local_couple)["names"] == ["Maya", "Sam"]


def test_a_hug(local_couple: Couple) -> None:
    local_couple.meet()
    said = local_couple.intent("HugIntent", one_shot=True)
    assert said.timed_seconds() == pytest.approx(20.0)
    assert "20 seconds" in said.text
    assert set(said.voices) == {None} and said.ends_session


def test_breathing_together_alternates_the_locales_two_voices(local_couple: Couple, locale: str) -> None:
    first, second = load_content(locale).voices
    local_couple.meet("Maya", "Sam")
    said = local_couple.intent("BreatheIntent", one_shot=True, breaths="3")
    cues = [voice for voice in said.voices if voice is not None]
    assert cues == [first, second] * 3
    assert said.ends_session


def test_help_offers_rituals_by_example(local_couple: Couple) -> None:
    said = local_couple.intent("AMAZON.HelpIntent", one_shot=True)
    assert "'a hug'" in said.text and "'breathe together'" in said.text
    assert not said.ends_session and said.reprompt and said.reprompt != said.text


def test_stop_ends_warmly(local_couple: Couple) -> None:
    local_couple.meet()
    local_couple.launch()
    said = local_couple.intent("AMAZON.StopIntent")
    assert said.ends_session and said.text and not said.reprompt


def test_pause_ends_warmly_and_the_ritual_waits_to_be_continued(local_couple: Couple, locale: str) -> None:
    local_couple.meet()
    local_couple.intent("TonightsQuestionIntent", one_shot=True)
    said = local_couple.intent("AMAZON.PauseIntent")
    assert said.ends_session and said.text and not said.reprompt
    title = load_content(locale).section("tonights_question").settings["title"]
    assert title in local_couple.later(minutes=20).launch().text


# The emergency number each locale's answer to a safety disclosure gives, read as a number to dial.
EMERGENCY = {"en-US": "911", "en-GB": "999", "en-CA": "911", "en-AU": "000", "en-IN": "112"}


def test_someone_who_does_not_feel_safe_hears_their_countrys_emergency_number(
    local_couple: Couple, locale: str
) -> None:
    said = local_couple.intent("SafetyIntent", one_shot=True)
    assert f'call <say-as interpret-as="telephone">{EMERGENCY[locale]}</say-as>' in said.ssml
    assert said.ends_session


# -- the terminal dialog hears each locale through that locale's model ------------------------------


def talk(locale: str) -> tuple[Dialog, list[dict[str, Any]], io.StringIO]:
    """A terminal dialog in `locale`, with the requests it sends the skill kept for inspection."""
    skill, sent, out = build_skill(), [], io.StringIO()

    def send(event: dict[str, Any]) -> dict[str, Any]:
        sent.append(event["request"])
        return invoke(skill, event)

    return Dialog(send, locale=locale, out=out, sleep=lambda _seconds: None), sent, out


def test_ask_our_rituals_for_a_hug_is_heard_through_the_en_gb_model() -> None:
    dialog, sent, out = talk("en-GB")
    dialog.say("Alexa, ask our rituals for a hug")
    assert sent[-1]["locale"] == "en-GB" and sent[-1]["intent"]["name"] == "HugIntent"
    assert "20 seconds" in out.getvalue()
    dialog.say("Alexa, ask our rituals to give us a cuddle")
    assert sent[-1]["intent"]["name"] == "HugIntent", "a British cuddle is a hug"


def test_a_sample_only_one_locale_has_is_not_heard_in_another() -> None:
    dialog, sent, _ = talk("en-US")
    dialog.say("Alexa, ask our rituals to give us a cuddle")
    assert sent[-1]["intent"]["name"] == "AMAZON.FallbackIntent", (
        "en-US has no cuddle sample, so en-GB's model was used above"
    )


def test_the_en_in_dialog_speaks_in_two_clearly_different_voices() -> None:
    dialog, _, out = talk("en-IN")
    dialog.say("open our rituals")
    dialog.say("myself Priya and my partner is Arjun")
    shown = out.getvalue()
    arjun = [line for line in shown.splitlines() if "Arjun, this" in line or "Arjun, when" in line]
    assert "Brian: Priya" in shown and arjun and all(": " in line and "Aditi:" in line for line in arjun), shown

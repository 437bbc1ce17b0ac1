"""Three needs, three answers: help with the skill, distress, and a safety disclosure, each heard as a couple
would say it (through the locale's interaction model) and answered through the Lambda handler."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from skill.content import CONTENT_DIR, SUPPORTED_LOCALES, load_content
from skill.interaction_model import build_model
from tests.support.care_support import hear, say, telephone_numbers
from tests.support.check_in_support import to_the_numbers
from tests.support.conversation import Couple, Said

CARE = load_content("en-US").section("care")
CHECK_IN = load_content("en-US").section("check_in").settings["title"]
# What a disclosure may say; the answer never says it back.
ACCUSATIONS = ("hurt", "hit", "violent", "abus", "threat", "scare", "control", "danger to")


def one_line(key: str, **values: Any) -> str:
    return CARE.lines.variants(key)[0].format(**values)


def in_check_in(couple: Couple) -> Said:
    """Mid-way through a check-in, the microphone open: Maya's number is asked for."""
    couple.meet("Maya", "Sam")
    return to_the_numbers(couple)


def place(stored: Any, couple: Couple) -> Any:
    return (stored(couple).get("in_progress") or {}).get("ritual")


# -- distress ---------------------------------------------------------------------------------------------
def test_im_not_okay_mid_check_in_is_heard_warmly_with_the_crisis_line_and_an_offer_to_pause(
    couple: Couple, stored
) -> None:
    in_check_in(couple)
    before = stored(couple)
    said = say(couple, "I'm not okay")
    assert said.text.startswith(one_line("distress_heard"))
    assert telephone_numbers(said.ssml) == ["988"] and "the nine eight eight Lifeline" in said.text
    assert one_line("pause_offer_ritual", ritual=CHECK_IN) in said.text and not said.ends_session
    assert "Domestic" not in said.text and "911" not in said.text, "not the answer to a disclosure"
    assert len(re.findall(r"[.?!]", said.text)) <= 6, "short"
    assert stored(couple) == before, "nothing moved, nothing stored"


def test_at_the_offer_to_pause_yes_pauses_with_the_place_kept(couple: Couple, stored) -> None:
    in_check_in(couple)
    say(couple, "I can't do this")
    said = say(couple, "yes")
    assert said.ends_session and CHECK_IN in said.text
    assert place(stored, couple) == "check_in"
    assert CHECK_IN in couple.later(hours=1).launch().text, "offered back later"


def test_at_the_offer_to_pause_no_goes_on_gently_from_where_they_were(couple: Couple, stored) -> None:
    in_check_in(couple)
    say(couple, "I'm overwhelmed")
    said = say(couple, "no")
    assert said.text.startswith(one_line("going_on")) and not said.ends_session
    assert "Maya" in said.reprompt and "one to ten" in said.reprompt, (
        "the check-in's own words: whose turn, what to say"
    )
    assert place(stored, couple) == "check_in"


def test_a_stray_word_at_the_offer_asks_again(couple: Couple, stored) -> None:
    in_check_in(couple)
    say(couple, "I'm not okay")
    said = couple.intent("AMAZON.FallbackIntent")
    assert said.text == one_line("pause_offer_again") and not said.ends_session
    assert say(couple, "yes").ends_session and place(stored, couple) == "check_in"


def test_distress_outside_a_ritual_offers_to_stop_and_no_leaves_the_menu_open(couple: Couple) -> None:
    couple.meet("Maya", "Sam")
    couple.launch()
    said = say(couple, "I'm not okay")
    assert one_line("pause_offer") in said.text and telephone_numbers(said.ssml) == ["988"]
    said = say(couple, "no")
    assert said.text.startswith(one_line("going_on_free")) and not said.ends_session


# -- a safety disclosure ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "sentence",
    ["he's hurting me", "my husband hurts me", "I'm in danger", "I'm not safe here", "my partner is violent"],
)
def test_a_disclosure_mid_check_in_is_answered_discreetly_and_the_session_ends_quietly(
    couple: Couple, stored, sentence: str
) -> None:
    in_check_in(couple)
    before = stored(couple)
    said = say(couple, sentence)
    assert said.text.startswith(one_line("safety_heard")) and said.ends_session and not said.reprompt
    assert telephone_numbers(said.ssml) == ["911", "1-800-799-7233"]
    assert "National Domestic Violence Hotline" in said.text and "988" not in said.text
    assert not any(word in said.text.lower() for word in ACCUSATIONS), "what was said is never said back"
    assert set(said.voices) == {None}, "the narrator alone speaks"
    assert "card" not in said.response and "directives" not in said.response, "nothing left in the Alexa app"
    assert stored(couple) == before, "the check-in keeps its place; nothing is stored about it"
    assert CHECK_IN in couple.later(hours=1).launch().text


def test_a_disclosure_heard_inside_a_name_carrier_is_answered_as_one_and_never_stored_as_a_name(
    couple: Couple, stored
) -> None:
    """Real Alexa may fill a name slot with it: "my partner is violent" as SetNamesIntent(second=violent)."""
    couple.launch()
    said = couple.intent("SetNamesIntent", second="violent")
    assert said.text.startswith(one_line("safety_heard")) and said.ends_session
    said = couple.launch()
    said = couple.intent("MyNameIntent", own="not okay")
    assert said.text.startswith(one_line("distress_heard"))
    assert not stored(couple).get("names")
    couple.meet("Maya", "Sam")
    couple.intent("SetNamesIntent", first="abusive")
    assert stored(couple)["names"] == ["Maya", "Sam"]


# -- help with the skill ------------------------------------------------------------------------------------
@pytest.mark.parametrize("sentence", ["I need help", "help me", "how does this work"])
def test_i_need_help_is_help_with_the_skill_in_context(couple: Couple, stored, sentence: str) -> None:
    in_check_in(couple)
    said = say(couple, sentence)
    assert not telephone_numbers(said.ssml) and "Hotline" not in said.text and "Lifeline" not in said.text
    assert "check-in" in said.text and "Maya" in said.text and not said.ends_session, "which ritual, whose turn"
    assert place(stored, couple) == "check_in"


# -- every locale ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_locale_has_a_crisis_line_and_an_abuse_line_with_their_sources_spoken_as_numbers(
    lambda_app, locale: str
) -> None:
    settings = load_content(locale).section("care").settings
    own = json.loads((CONTENT_DIR / locale / "care.json").read_text(encoding="utf-8"))["settings"]
    for need in ("crisis", "abuse"):
        assert settings[f"{need}_name"] and re.fullmatch(r"[\d -]+", settings[f"{need}_phone"])
        assert "http" in own["sources"][need], f"{locale}: where the {need} line was checked"
    couple = Couple(send=lambda event: lambda_app.handler(event, None), locale=locale)
    couple.meet("Maya", "Sam")
    distress = couple.intent("DistressIntent", one_shot=True)
    assert telephone_numbers(distress.ssml) == [settings["crisis_phone"]]
    safety = couple.intent("SafetyIntent", one_shot=True)
    assert telephone_numbers(safety.ssml) == [settings["emergency_number"], settings["abuse_phone"]]
    assert not re.search(r"\d", re.sub(r"<say-as[^>]*>[^<]*</say-as>", "", safety.ssml + distress.ssml))


# -- the model ------------------------------------------------------------------------------------------------
NAME_CARRIERS = ("SetNamesIntent", "MyNameIntent")


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_care_sample_is_heard_as_itself_never_as_a_name(locale: str) -> None:
    """Said as written, each disclosure and distress sample reaches its own intent, not a name carrier's slot; the
    words a carrier could have taken from it are refused as names and answered with care instead."""
    from skill.engine import care

    intents = {i["name"]: i for i in build_model(locale)["interactionModel"]["languageModel"]["intents"]}
    carriers = [
        re.compile("^" + re.sub(r"\\\{\w+\\\}", "(.+)", re.escape(sample)) + "$")
        for name in NAME_CARRIERS
        for sample in intents[name]["samples"]
    ]
    content = load_content(locale)
    from skill.engine.turn import Turn
    from skill.household import Household

    turn = Turn(Household(), content, content.section("care"), None, None)  # type: ignore[arg-type]
    for need in care.INTENTS:
        for sample in intents[need]["samples"]:
            assert hear(locale, sample)[0] == need, sample
            for carrier in carriers:
                match = carrier.match(sample)
                if match:
                    assert care.need_in_slots(turn, match.groups()) == need, f"{sample!r} through {carrier.pattern}"


def test_help_while_our_own_question_waits_asks_it_again(couple: Couple) -> None:
    """In context: at the first meeting, how to give names; at "Did I hear Deep?", that question; at the offer to
    pause, that offer."""
    said = couple.launch()
    said = say(couple, "I need help")
    assert "we are Maya and Sam" in said.text and said.session_attributes.get("expecting") == "names"
    say(couple, "we are Bonnie and Deep")
    said = say(couple, "how does this work")
    assert "Deep" in said.text and said.session_attributes.get("expecting") == "confirm_name"
    say(couple, "yes")
    say(couple, "I'm not okay")
    said = say(couple, "help me")
    assert said.text.endswith(one_line("pause_offer_again")) and said.session_attributes.get("expecting") == "pause"


def test_distress_at_the_first_meeting_then_no_goes_back_to_the_names(couple: Couple, stored) -> None:
    couple.launch()
    said = say(couple, "I'm overwhelmed")
    assert telephone_numbers(said.ssml) == ["988"] and one_line("pause_offer") in said.text
    said = say(couple, "no")
    assert said.text.startswith(one_line("going_on_free")) and said.session_attributes.get("expecting") == "names"
    say(couple, "we are Maya and Sam")
    assert stored(couple)["names"] == ["Maya", "Sam"]


@pytest.mark.slow  # virtual-alexa, from npm, in Node
@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_virtual_alexa_hears_every_care_sample_as_itself_never_in_a_name_slot(locale: str) -> None:
    from skill.engine import care
    from tests.support.virtual_alexa import hear_all

    intents = {i["name"]: i for i in build_model(locale)["interactionModel"]["languageModel"]["intents"]}
    samples = {sample: need for need in care.INTENTS for sample in intents[need]["samples"]}
    heard = hear_all(locale, list(samples))
    misheard = {sample: heard[sample] for sample, need in samples.items() if heard[sample][0] != need}
    assert not misheard, f"{locale}: {misheard}"


def test_im_not_okay_after_a_hard_check_in_gets_the_crisis_line_not_the_abuse_script(couple: Couple) -> None:
    """Heard: "I'm not okay" during a hard check-in got the domestic-abuse script and no crisis line."""
    in_check_in(couple)
    couple.intent("RatingIntent", rating="2")
    offer = couple.intent("RatingIntent", rating="2")
    assert "hug" in offer.text and not offer.ends_session
    said = say(couple, "I'm not okay")
    assert telephone_numbers(said.ssml) == ["988"] and "Domestic" not in said.text
    said = say(couple, "no")
    assert said.text.startswith(one_line("going_on")) and "hug" in said.text, "back to the offer of a long hug"

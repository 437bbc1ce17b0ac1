"""Names change only when a couple clearly means it.

Real Alexa fills a first-name slot with whatever it heard, so ordinary words said mid-ritual ("thank you",
"an eight", "I'm tired") can arrive as SetNamesIntent or MyNameIntent. None of them is ever stored; a
real rename needs an explicit phrase and a yes; "I'm Maya" is never a rename.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from skill.content import SUPPORTED_LOCALES, load_content
from tests.support.check_in_support import to_the_numbers
from tests.support.conversation import Couple, Said
from tests.support.turns_support import says

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "interaction_models"
MAYA_VOICE = "amzn1.ask.person.MAYA-VOICE-ID"
NAMES = load_content("en-US").section("names").settings
LINES = load_content("en-US").section("names").lines


def heard(said: Said, key: str, **names: str) -> bool:
    """One wording of a `names` line, filled with these names, is in what was said."""
    return any(" ".join(w.format(**names).split()) in said.text for w in LINES.variants(key))


# What the outside run heard land on the names intent mid-ritual, and other words that are not names.
NOT_NAMES = [
    "thank you", "Thank You", "okay", "an eight", "eight", "8", "three", "tired", "I'm tired", "goodnight",
    "yes", "no", "hug", "another one", "rose thorn bud", "tonight's question", "", "   ", "a" * 200,
    "the quick brown fox jumps", "😀", "R2D2", "<speak>", "Maya & Sam",
]  # fmt: skip


def model_language(locale: str) -> dict:
    return json.loads((MODELS / f"{locale}.json").read_text(encoding="utf-8"))["interactionModel"]["languageModel"]


# -- the interaction model -----------------------------------------------------------------------------
@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_no_sample_is_made_only_of_name_slots(locale: str) -> None:
    """A sample that is a bare first-name slot ("{first}", "{first} and {second}") attracts any short phrase."""
    for intent in model_language(locale)["intents"]:
        name_slots = {slot["name"] for slot in intent.get("slots", []) if slot["type"] == "AMAZON.FirstName"}
        for sample in intent.get("samples", []):
            rest = re.sub(
                r"\{(\w+)\}", lambda m, name_slots=name_slots: "" if m.group(1) in name_slots else m.group(0), sample
            )
            assert rest.replace("and", "").replace("it's", "").strip(), f"{locale} {intent['name']}: {sample!r}"


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_naming_yourself_is_its_own_intent(locale: str) -> None:
    intents = {intent["name"]: intent for intent in model_language(locale)["intents"]}
    assert "i'm {own}" in intents["MyNameIntent"]["samples"]
    assert not any(
        sample.startswith("i'm {first}") and "{second}" not in sample for sample in intents["SetNamesIntent"]["samples"]
    )


# -- introductions -------------------------------------------------------------------------------------
@pytest.mark.parametrize("heard", NOT_NAMES)
def test_what_is_not_a_first_name_is_never_stored(couple: Couple, stored, heard: str) -> None:
    couple.launch()
    said = couple.intent("SetNamesIntent", first=heard, second=heard)
    # Refused and asked again, or (a word that may yet be someone's name: "Hug", "Deep") said back for a yes.
    asked_back = said.session_attributes.get("expecting") == "confirm_name" and said.text.startswith(
        ("Did I hear", "Just")
    )
    assert not said.ends_session and ("names" in said.text.lower() or asked_back)
    said = couple.intent("MyNameIntent", own=heard)
    assert not said.ends_session
    couple.intent("SetNamesIntent", first="Maya", second=heard)
    assert stored(couple).get("names", []) == [], f"{heard!r} was taken for a name"


def test_every_word_of_the_model_is_refused_unless_it_is_also_a_first_name(couple: Couple, stored) -> None:
    """The model itself: a word of any sample ("breathe", "deeper") is never taken for a name without a yes."""
    words = set()
    for intent in model_language("en-US")["intents"]:
        for sample in intent.get("samples", []):
            words |= set(re.sub(r"\{\w+\}", " ", sample).split())
    allowed = set(NAMES["also_first_names"])
    refused = sorted(w for w in words if w.isalpha() and w not in allowed)
    assert {"breathe", "question", "deeper", "check"} <= set(refused)
    couple.launch()
    for word in refused[:: max(1, len(refused) // 25)]:  # a spread of them, each a real request
        couple.intent("SetNamesIntent", first=word, second=word)
        couple.intent("MyNameIntent", own=word)
    assert stored(couple).get("names", []) == []


def test_a_first_name_that_is_also_a_word_of_the_model_is_still_a_name(couple: Couple, stored) -> None:
    couple.launch()
    said = couple.intent("SetNamesIntent", first="rose", second="Mary Jane")
    assert "Rose and Mary Jane" in said.text
    assert stored(couple)["names"] == ["Rose", "Mary Jane"]


# -- mid-ritual: the outside run's transcripts ------------------------------------------------------------
def test_thank_you_and_okay_during_tonights_question_change_nothing(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    # Hands-free: both answers in one response, then the microphone opens on "another question?".
    asked = couple.intent("TonightsQuestionIntent", one_shot=True)
    assert says(asked, "tonights_question", "offer") and not asked.ends_session
    for heard in ("thank you", "okay"):
        said = couple.intent("SetNamesIntent", first=heard)
        assert "Lovely to meet you" not in said.text and "Thank You" not in said.text
        assert says(said, "tonights_question", "offer_again"), "the place (the offer) is kept and said"
        assert said.voices == [None] and not said.ends_session
    assert stored(couple)["in_progress"]["state"]["step"] == "offer"

    # At their own pace, the microphone is closed while Maya answers; a one-shot "thank you" keeps her turn.
    couple.resolved("TonightsQuestionIntent", "pace", "let's take our time", "open", one_shot=True)
    voice = next(v for v in couple.history[-1].voices if v is not None)
    name = "Maya" if voice == "Joanna" else "Sam"
    for heard in ("thank you", "okay"):
        said = couple.intent("SetNamesIntent", one_shot=True, first=heard)
        assert "Lovely to meet you" not in said.text and "Thank You" not in said.text
        assert says(said, "tonights_question", "still_talking", name=name), "the place is kept and said"
        assert said.by_voice(voice) and said.ends_session
    assert stored(couple)["names"] == ["Maya", "Sam"]
    assert "Maya and Sam" in couple.later(days=1).launch().text


def test_an_eight_at_a_check_in_rating_is_not_a_name(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    asking = to_the_numbers(couple)  # hands-free: both turns, talked over, then the first number is asked
    assert not asking.ends_session and asking.session_attributes.get("turns_waiting") == "rating"
    for intent, slot in (("SetNamesIntent", "first"), ("MyNameIntent", "own")):
        said = couple.intent(intent, **{slot: "an eight"})
        assert "An Eight" not in said.text and "Hello" not in said.text
        assert said.by_voice(asking.voices[-1]), "the same partner is asked for their number again"
    assert stored(couple)["names"] == ["Maya", "Sam"]
    assert stored(couple)["in_progress"]["ritual"] == "check_in"


def test_the_partners_name_alone_mid_ritual_greets_nobody_and_links_no_voice(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    couple.person_id = MAYA_VOICE
    couple.intent("RoseThornBudIntent", one_shot=True, pace="open")
    # Maya's open turn: the microphone is closed while she talks, so her name reaches us as a one-shot.
    for said in (couple.intent("MyNameIntent", own="Sam"), couple.intent("SetNamesIntent", second="Sam")):
        assert not re.search(r"\b(Hello|Hi|Got it|Lovely), Sam\b", said.text), said.text
        assert says(said, "rose_thorn_bud", "still_talking", name="Maya") and said.by_voice("Joanna")
        assert says(said, "turns", "one_shot") and said.ends_session, "her turn goes on, microphone closed"
    assert stored(couple)["speakers"] == {}
    assert stored(couple)["in_progress"]["ritual"] == "rose_thorn_bud"


# -- a real rename -------------------------------------------------------------------------------------------
def test_a_rename_is_said_back_and_kept_only_after_a_yes(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    said = couple.intent("SetNamesIntent", one_shot=True, first="ana", second="leo")  # "call us Ana and Leo"
    assert says(said, "names", "rename_confirm", name="Ana", other="Leo") and not said.ends_session
    assert stored(couple)["names"] == ["Maya", "Sam"], "nothing changes before the yes"
    said = couple.intent("AMAZON.NoIntent")
    assert says(said, "names", "names_kept") and stored(couple)["names"] == ["Maya", "Sam"]

    couple.intent("SetNamesIntent", one_shot=True, first="ana", second="leo")
    said = couple.intent("AMAZON.YesIntent")
    assert heard(said, "names_changed", first="Ana", second="Leo")
    assert said.by_voice("Joanna")[0].startswith("Ana") and "Leo" in said.by_voice("Matthew")[0]
    assert stored(couple)["names"] == ["Ana", "Leo"]


def test_a_yes_in_a_later_session_renames_nobody(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    couple.intent("SetNamesIntent", one_shot=True, first="Ana", second="Leo")
    couple.session_ended("EXCEEDED_MAX_REPROMPTS")
    couple.intent("AMAZON.YesIntent", one_shot=True)
    assert stored(couple)["names"] == ["Maya", "Sam"]


def test_the_same_names_again_change_nothing(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    said = couple.intent("SetNamesIntent", one_shot=True, first="maya", second="sam")
    assert says(said, "names", "names_unchanged") and not said.ends_session


def test_a_rename_mid_ritual_keeps_the_ritual_where_it_was(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    couple.intent("RoseThornBudIntent", one_shot=True, pace="open")
    before = stored(couple)["in_progress"]["state"]
    couple.intent("SetNamesIntent", first="Ana", second="Leo")
    said = couple.intent("AMAZON.YesIntent")
    assert heard(said, "names_changed", first="Ana", second="Leo")
    # Back to Ana's open turn, under her new name; the microphone closes again while she talks.
    assert says(said, "rose_thorn_bud", "still_talking", name="Ana") and said.ends_session
    after = stored(couple)["in_progress"]
    assert after["ritual"] == "rose_thorn_bud" and after["state"]["cursor"] == before["cursor"]


def test_i_am_someone_else_is_never_a_rename(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    said = couple.intent("MyNameIntent", one_shot=True, own="Priya")
    assert says(said, "names", "names_hint")
    assert stored(couple)["names"] == ["Maya", "Sam"]


# -- a ritual before introductions ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "intent", ["RoseThornBudIntent", "BreatheIntent", "TonightsQuestionIntent", "MagicMinutesIntent"]
)
def test_a_ritual_before_introductions_asks_the_names_then_starts(couple: Couple, stored, intent: str) -> None:
    said = couple.intent(intent, one_shot=True)
    assert says(said, "names", "names_first") and not said.ends_session
    assert "Partner" not in said.text and "Partner" not in said.reprompt
    said = couple.intent("SetNamesIntent", first="Maya", second="Sam")
    assert "Partner" not in said.text
    assert "Maya" in said.text and "Sam" in said.text
    assert stored(couple)["names"] == ["Maya", "Sam"]
    assert len(set(said.voices)) == 3, "the voices are introduced, then the ritual begins in them"


def test_names_given_one_at_a_time_still_lead_into_the_ritual(couple: Couple) -> None:
    couple.intent("BreatheIntent", one_shot=True, breaths="3")
    couple.intent("MyNameIntent", own="Maya")
    said = couple.intent("SetNamesIntent", second="Sam")
    cues = [line for line in said.lines if line.voice is not None]
    assert len(cues) == 2 + 6, "two voice introductions, then three breaths in and out"


@pytest.mark.parametrize("intent", ["HugIntent", "SafetyIntent", "DistressIntent"])
def test_a_ritual_that_says_no_name_simply_happens(couple: Couple, intent: str) -> None:
    said = couple.intent(intent, one_shot=True)
    assert (
        (said.ends_session or intent == "DistressIntent")
        and "first names" not in said.text
        and "Partner" not in said.text
    )

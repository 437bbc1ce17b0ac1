"""What every turn-taking ritual shares: paced stretches within Alexa's limits, open hand-overs, resuming, fairness, words."""

from __future__ import annotations

import itertools
import json
from functools import cache

import pytest

from skill.cli.nlu import Understanding, addressed
from skill.content import CONTENT_DIR, load_content
from skill.engine.ritual import SteppedRitual, ritual_named
from skill.engine.turn_taking import FOLLOW_UPS, PACED_SECONDS, RATING_ASKED, WAITING, Step, paced_run
from skill.interaction_model import build_model
from tests.support.conversation import Couple
from tests.support.turns_support import MAYA, SAM, finished, meet, offers, open_mode, says, script, wordings

RITUALS = {
    "morning_coffee": "MorningCoffeeIntent",
    "rose_thorn_bud": "RoseThornBudIntent",
    "appreciation": "AppreciationIntent",
    "sentence_stems": "SentenceStemsIntent",
    "stress_map": "StressMapIntent",
    "gentle_start": "GentleStartIntent",
    "three_dates": "ThreeDatesIntent",
}
CHIME = 0.89


# -- the paced planner ---------------------------------------------------------------------------------
def test_a_paced_response_keeps_a_part_together_rather_than_start_it_and_stop() -> None:
    steps = [Step("a", 0, 100, part=0), Step("b", 1, 100, part=1), Step("c", 1, 60, part=1)]
    assert paced_run(steps, PACED_SECONDS, 5, CHIME) == 1, "part 1 would not fit whole: stop before it"
    assert paced_run(steps[1:], PACED_SECONDS, 5, CHIME) == 2


def test_a_part_too_long_for_any_response_is_split_step_by_step() -> None:
    steps = [Step("a", 0, 150, part=0), Step("b", 1, 150, part=0)]
    assert paced_run(steps, PACED_SECONDS, 5, CHIME) == 1


def test_a_paced_response_stops_at_a_rating_and_counts_clips() -> None:
    steps = [Step("a", 0, 10, part=0, cue=True), Step("r", 0, part=0, rating=True), Step("b", 1, 10, part=1)]
    assert paced_run(steps, PACED_SECONDS, 5, CHIME) == 1
    chimes = [Step(str(n), n % 2, 10, part=n, cue=True) for n in range(7)]
    assert paced_run(chimes, PACED_SECONDS, 5, CHIME) == 5, "Alexa plays at most five clips a response"


def test_every_turn_taking_ritual_is_a_stepped_ritual_answering_the_shared_follow_ups() -> None:
    for name in RITUALS:
        ritual = ritual_named(name)
        assert isinstance(ritual, SteppedRitual), name
        assert ritual.follow_ups >= FOLLOW_UPS


# -- fairness --------------------------------------------------------------------------------------------
def first_voice(couple: Couple, intent: str) -> str | None:
    said = couple.later(hours=6).intent(intent, one_shot=True)
    return next(line.voice for line in said.lines if line.voice is not None)


def test_whoever_went_first_last_time_goes_second_now_across_rituals_and_sessions(couple: Couple, stored) -> None:
    meet(couple)
    order = [*RITUALS.values(), "BreatheIntent", "MorningCoffeeIntent", "StressMapIntent"]
    voices = [first_voice(couple, intent) for intent in order]
    assert voices == ([MAYA, SAM] * len(order))[: len(order)]
    assert stored(couple)["next_first"] == len(order) % 2


def test_starting_over_is_a_new_run_the_other_partner_first_in_the_same_pace(couple: Couple) -> None:
    meet(couple)
    open_mode(couple, "RoseThornBudIntent")
    couple.intent("DoneIntent")  # "Alexa, tell our rituals next": a one-shot, the session having closed
    said = couple.intent("AMAZON.StartOverIntent", one_shot=True)
    assert script(said, "rose_thorn_bud") == [(SAM, "rose"), (SAM, "take_time")]


# -- open pace: hand-overs, nudges, resuming ---------------------------------------------------------
def test_a_snatch_of_talk_during_an_open_turn_is_met_with_a_nudge_and_the_turn_stays(couple: Couple, stored) -> None:
    meet(couple)
    assert open_mode(couple, "AppreciationIntent").ends_session, "the microphone closes while Maya talks"
    for intent in ("AMAZON.FallbackIntent", "RatingIntent"):
        said = couple.intent(intent, one_shot=True)
        assert script(said, "appreciation") == [(MAYA, "still_talking")], intent
        assert says(said, "turns", "one_shot") and said.ends_session, "the nudge closes the microphone again"
    assert stored(couple)["in_progress"]["state"]["cursor"] == 0


def test_a_one_shot_im_done_in_a_new_session_hands_the_turn_over(couple: Couple) -> None:
    meet(couple)
    open_mode(couple, "AppreciationIntent")
    couple.session_ended("EXCEEDED_MAX_REPROMPTS")
    said = couple.later(minutes=3).intent("DoneIntent", one_shot=True)  # "Alexa, tell our rituals I'm done"
    assert script(said, "appreciation")[0] == (MAYA, "action")


def test_stop_keeps_the_place_and_continue_picks_it_up_hours_later(couple: Couple, stored) -> None:
    meet(couple)
    open_mode(couple, "SentenceStemsIntent")
    couple.intent("DoneIntent", one_shot=True)
    said = couple.intent("AMAZON.StopIntent", one_shot=True)
    assert said.ends_session and says(said, "narrator", "paused", ritual="sentence stems"), (
        "the place is kept, and how to return"
    )
    assert stored(couple)["in_progress"]["ritual"] == "sentence_stems"
    said = couple.later(hours=7, minutes=50).intent("AMAZON.ResumeIntent", one_shot=True)
    assert says(said, "sentence_stems", "resume", ritual="sentence stems")
    assert script(said, "sentence_stems") == [(SAM, "stem_feeling"), (SAM, "take_time")]


def test_after_the_expiry_the_place_is_gone_and_launch_no_longer_offers_it(couple: Couple, stored) -> None:
    meet(couple)
    open_mode(couple, "SentenceStemsIntent")
    couple.intent("AMAZON.StopIntent")
    said = couple.later(hours=8, minutes=10).launch()
    assert "sentence stems" not in said.text
    said = couple.intent("AMAZON.ResumeIntent")
    assert not script(said, "sentence_stems") and not said.ends_session
    assert stored(couple)["in_progress"] is None


def test_after_a_launch_offer_yes_continues_and_no_keeps_the_place_for_later(couple: Couple, stored) -> None:
    meet(couple)
    open_mode(couple, "AppreciationIntent")
    couple.intent("AMAZON.StopIntent")
    said = couple.later(hours=1).launch()
    assert "the two-minute appreciation" in said.text
    said = couple.intent("AMAZON.NoIntent")
    assert offers(said, "narrator", "keep_place")
    assert not said.ends_session, "they may want something else"
    assert stored(couple)["in_progress"]["ritual"] == "appreciation"
    couple.intent("AMAZON.StopIntent")
    couple.later(hours=1).launch()
    said = couple.intent("AMAZON.YesIntent")
    assert says(said, "appreciation", "resume", ritual="the two-minute appreciation")
    assert script(said, "appreciation") == [(MAYA, "trait"), (MAYA, "take_time")]


def test_repeat_rereads_the_current_prompt_and_closes_the_microphone_again(couple: Couple) -> None:
    meet(couple)
    said = open_mode(couple, "RoseThornBudIntent")
    again = couple.later(minutes=2).intent("AMAZON.RepeatIntent", one_shot=True)  # "Alexa, ask our rituals to repeat"
    assert script(again, "rose_thorn_bud") == [(MAYA, "rose"), (MAYA, "take_time")] and again.ends_session
    assert said.by_voice(MAYA)[0] == again.by_voice(MAYA)[0], "the same prompt, word for word"


# -- switching pace ------------------------------------------------------------------------------------
def test_take_our_time_and_keep_time_switch_pace_mid_ritual(couple: Couple) -> None:
    meet(couple)
    open_mode(couple, "RoseThornBudIntent")
    said = couple.intent("KeepTimeIntent")  # "keep time for us"
    assert says(said, "rose_thorn_bud", "now_paced")
    assert [voice for voice, _ in script(said, "rose_thorn_bud")] == [MAYA] * 3 + [SAM] * 3, "the whole round, timed"
    assert said.ends_session

    couple.intent("GentleStartIntent", one_shot=True)
    said = couple.intent("TakeOurTimeIntent")
    assert says(said, "gentle_start", "now_open") and said.ends_session, "open pace: the microphone closes"
    assert says(said, "turns", "one_shot")


def test_nothing_in_progress_a_number_or_im_done_gets_a_kind_answer(couple: Couple) -> None:
    meet(couple)
    for intent in ("RatingIntent", "DoneIntent", "TakeOurTimeIntent", "KeepTimeIntent"):
        said = couple.intent(intent, one_shot=True)
        assert said.text and not said.ends_session and said.voices == [None], intent


# -- variety ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", [*RITUALS, "turns"])
def test_every_prompt_and_transition_has_at_least_three_wordings(name: str) -> None:
    lines = json.loads((CONTENT_DIR / "en" / f"{name}.json").read_text(encoding="utf-8"))["lines"]
    thin = [key for key, wordings in lines.items() if isinstance(wordings, str) or len(set(wordings)) < 3]
    assert not thin, f"{name}: {thin}"


def test_the_same_couple_never_hears_the_same_wording_twice_in_a_row(couple: Couple) -> None:
    """The first prompt, heard on every use (the introduction is heard only on the first few)."""
    meet(couple)
    heard = []
    for _ in range(6):
        said = couple.later(days=1).intent("StressMapIntent", one_shot=True)
        first_voice = next(line.voice for line in said.lines if line.voice is not None)
        name, other = ("Maya", "Sam") if first_voice == MAYA else ("Sam", "Maya")
        prompts = wordings("stress_map", "name", name=name, other=other)
        heard.append(next(i for i, prompt in enumerate(prompts) if prompt in said.text))
    assert all(a != b for a, b in itertools.pairwise(heard))


# -- what a couple can say ------------------------------------------------------------------------------
@cache
def understanding() -> Understanding:
    content = load_content("en-US")
    return Understanding(build_model("en-US"), content.section("dialog").settings["builtin_phrases"])


def hear(sentence: str) -> tuple[str, dict[str, str]]:
    """(intent, {slot: value id or value}) the terminal dialog's stand-in for Alexa hears in a sentence."""
    _, rest = addressed(sentence, understanding().invocation, load_content("en-US").section("dialog").settings)
    understood = understanding().understand(rest or "")
    slots = {}
    for name, slot in understood.slots.items():
        resolutions = slot.get("resolutions", {}).get("resolutionsPerAuthority", [])
        value = resolutions[0]["values"][0]["value"]["id"] if resolutions else slot.get("value")
        if value is not None:
            slots[name] = str(value)
    return understood.intent, slots


@pytest.mark.parametrize(
    ("sentence", "intent", "slots"),
    [
        ("Alexa, ask our rituals for morning coffee", "MorningCoffeeIntent", {}),
        ("ask our rituals for rose thorn bud and let's take our time", "RoseThornBudIntent", {"pace": "open"}),
        ("ask our rituals for a two minute appreciation", "AppreciationIntent", {}),
        ("ask our rituals for sentence stems", "SentenceStemsIntent", {}),
        ("ask our rituals for a stress map", "StressMapIntent", {}),
        ("ask our rituals for a gentle start but take our time", "GentleStartIntent", {"pace": "open"}),
        ("ask our rituals for a timed gentle start", "GentleStartIntent", {"pace": "paced"}),
        ("I'm done", "DoneIntent", {}),
        ("your turn", "DoneIntent", {}),
        ("next please", "DoneIntent", {}),
        ("we're done", "FinishedIntent", {}),  # "we're finished" is not "my turn is over"
        ("tell our rituals I'm done", "DoneIntent", {}),
        ("seven", "RatingIntent", {"rating": "7"}),
        ("i'd say a six", "RatingIntent", {"rating": "6"}),
        ("eight out of ten", "RatingIntent", {"rating": "8"}),
        ("let's take our time", "TakeOurTimeIntent", {}),
        ("keep time for us", "KeepTimeIntent", {}),
        ("ask our rituals to continue", "AMAZON.ResumeIntent", {}),
        ("skip", "AMAZON.NextIntent", {}),
    ],
)
def test_what_a_couple_says_reaches_the_right_intent(sentence: str, intent: str, slots: dict[str, str]) -> None:
    heard_intent, heard_slots = hear(sentence)
    assert (heard_intent, {k: v.lower() for k, v in heard_slots.items()}) == (intent, slots)


# -- every locale ------------------------------------------------------------------------------------
@pytest.mark.parametrize("locale", ["en-US", "en-GB", "en-CA", "en-AU", "en-IN"])
def test_every_ritual_runs_to_its_end_in_both_paces_in_every_locale(couple: Couple, stored, locale: str) -> None:
    """The harness checks each reply against Alexa's limits; here every ritual is taken to its closing line.

    Paced, the couple never speaks until a number is asked, but for an untimed step (the check-in's talk it over);
    open, each turn closes the microphone and a one-shot "Alexa, tell our rituals next" opens the next turn.
    """
    couple.locale = locale
    voices = set(load_content(locale).voices)
    meet(couple)
    for intent in [*RITUALS.values(), "TonightsQuestionIntent", "CheckInIntent"]:
        for pace, start in (
            ("paced", lambda i=intent: couple.intent(i, one_shot=True)),
            ("open", lambda i=intent: open_mode(couple, i)),
        ):
            said, replies, one_shots = start(), 1, 0
            while not finished(stored(couple)):
                assert {voice for voice in said.voices if voice} <= voices
                waiting = said.session_attributes.get(WAITING)
                if said.ends_session:
                    # in either pace: "... say: Alexa, tell our rituals we're ready"
                    untimed = says(said, "check_in", "talk_over")
                    assert untimed or pace == "open", f"{intent}: closed in a paced round"
                    one_shots += 0 if untimed else says(said, "turns", "one_shot")
                    said = couple.later(minutes=3).intent("AMAZON.NextIntent", one_shot=True)
                elif waiting == RATING_ASKED:
                    said = couple.intent("RatingIntent", rating="5")
                elif waiting == "offer":
                    said = couple.intent("AMAZON.NoIntent")
                else:
                    assert pace == "paced", f"{intent}: the microphone is open during an open turn"
                    said = couple.later(minutes=4).intent("AMAZON.NextIntent")  # once the timed turns have played
                replies += 1
                assert replies < 30, f"{intent} never ends"
            assert one_shots == (pace == "open"), f"{intent}: the one-shot phrase is said once in an open round"
            couple.later(hours=1)

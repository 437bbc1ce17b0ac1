"""Turn-taking that fits how an Echo listens (issue 15), as a couple would try it, through the Lambda handler.

An Echo listens about 8 seconds after the skill speaks, reprompts once, listens 8 more, then closes. So:
paced, the skill keeps time and nobody speaks to the Echo; open, the microphone closes while a partner
talks, and "Alexa, tell our rituals next" (a one-shot, in a new session) hands the turn over, hours later.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from pathlib import Path

import pytest

from skill.content import load_content
from tests.support.check_in_support import to_the_numbers
from tests.support.conversation import Couple, Said
from tests.support.turns_support import MAYA, SAM, meet, menu_examples, offers, open_mode, says, script, wordings
from tests.surfaces.test_cli import run_cli

ONE_SHOT_PHRASE = "When you're done, say: Alexa, tell our rituals next."
EN = load_content("en-US")
CHECK_IN = EN.section("check_in")
TQ = EN.section("tonights_question")
EVERY_EXAMPLE = set(EN.section("narrator").settings["menu"].values())


def then(said: Said, key: str, **values: str) -> bool:
    """The hand-over line naming who is next (or that this is the last turn)."""
    return says(said, "turns", key, **values)


def open_tq(couple: Couple) -> Said:
    return couple.resolved("TonightsQuestionIntent", "pace", "let's take our time", "open", one_shot=True)


def open_check_in(couple: Couple) -> Said:
    return couple.resolved("CheckInIntent", "pace", "let's take our time", "open", one_shot=True)


# -- open pace: the microphone is never open while someone talks ----------------------------------------
@pytest.mark.parametrize(
    "start",
    [
        lambda c: open_mode(c, "MorningCoffeeIntent"),
        lambda c: open_mode(c, "SentenceStemsIntent"),
        open_tq,
        open_check_in,
    ],
    ids=["morning coffee", "sentence stems", "tonight's question", "check-in"],
)
def test_an_open_turn_closes_the_session_with_the_exact_phrase_and_a_one_shot_hours_later_continues(
    couple: Couple, stored, start
) -> None:
    meet(couple)
    said = start(couple)
    assert said.ends_session and not said.reprompt, "no open microphone while Maya talks"
    assert ONE_SHOT_PHRASE in said.text and then(said, "then_next", other="Sam")
    kept = stored(couple)["in_progress"]
    assert kept["state"]["cursor"] == 0 and kept["expires_at"] - couple.now.timestamp() >= 6 * 3600, "kept for hours"

    # "Alexa, tell our rituals next": a new session (session.new), an IntentRequest with no launch before it.
    said = couple.later(hours=6).intent("AMAZON.NextIntent", one_shot=True)
    assert said.by_voice(SAM) and said.ends_session, "exactly where they were: Sam's turn, microphone closed"
    # In the check-in, Sam first says back what he heard (a short held step), then shares.
    assert stored(couple)["in_progress"]["state"]["cursor"] == (2 if start is open_check_in else 1)


def test_im_done_and_your_turn_are_accepted_as_the_same_hand_over(couple: Couple) -> None:
    meet(couple)
    open_mode(couple, "AppreciationIntent")
    said = couple.later(minutes=3).intent("DoneIntent", one_shot=True)  # "Alexa, tell our rituals I'm done"
    assert script(said, "appreciation")[0] == (MAYA, "action")


def test_the_hand_over_always_names_who_is_next_and_is_never_wrong(couple: Couple) -> None:
    """Rose, thorn, bud: Maya has three turns in a row; the hint must not hand over to anyone else."""
    meet(couple)
    said = open_mode(couple, "RoseThornBudIntent")
    assert then(said, "then_again", name="Maya") and not then(said, "then_next", other="Sam")
    said = couple.intent("AMAZON.NextIntent", one_shot=True)
    assert then(said, "then_again", name="Maya")
    said = couple.intent("AMAZON.NextIntent", one_shot=True)  # Maya's bud: Sam is next
    assert then(said, "then_next", other="Sam")
    for _ in range(2):
        said = couple.intent("AMAZON.NextIntent", one_shot=True)
        assert then(said, "then_again", name="Sam")
    said = couple.intent("AMAZON.NextIntent", one_shot=True)
    assert then(said, "then_end"), "the last turn says so"


def test_a_part_for_both_together_names_both(couple: Couple) -> None:
    meet(couple)
    open_mode(couple, "GentleStartIntent")
    said = None
    for _ in range(10):  # each half: soften, reflect, impact, a request and its answer
        said = couple.intent("AMAZON.NextIntent", one_shot=True)
    assert said is not None and says(said, "gentle_start", "experiment")
    assert says(said, "turns", "take_time_both") and then(said, "then_next", other="Maya")


# -- hands-free by default, in every ritual with turns -----------------------------------------------------
@pytest.mark.parametrize(
    ("intent", "section"),
    [("TonightsQuestionIntent", "tonights_question"), ("CheckInIntent", "check_in"), ("MorningCoffeeIntent", "morning_coffee"),
     ("RoseThornBudIntent", "rose_thorn_bud"), ("AppreciationIntent", "appreciation")],
)  # fmt: skip
def test_paced_by_default_a_chime_at_every_change_of_speaker_and_the_next_named_in_their_voice(
    couple: Couple, intent: str, section: str
) -> None:
    meet(couple)
    said = couple.intent(intent, one_shot=True)
    assert ONE_SHOT_PHRASE not in said.text and "say: your turn" not in said.text.lower()
    voices = [voice for voice in said.voices if voice]
    changes = sum(1 for a, b in itertools.pairwise(voices) if a != b)
    assert changes >= 1 and len(said.tags("audio")) >= changes, "a chime at every change of speaker"
    first_sam = said.voices.index(SAM)
    assert "Sam" in said.lines[first_sam].text, "Sam is named, in his own voice, when his turn comes"


def test_take_our_time_mid_way_through_a_paced_question_opens_the_turn_that_was_playing(couple: Couple) -> None:
    """The couple interrupt the timed answers ("Alexa, let's take our time") while Sam is answering."""
    meet(couple)
    said = couple.intent("TonightsQuestionIntent", one_shot=True)
    hold = float(TQ.settings["answer_seconds"]["light"])
    said = couple.into_answer(seconds=hold + 20).intent("TakeOurTimeIntent")  # during Sam's answer
    assert says(said, "tonights_question", "now_open") and said.ends_session
    assert said.by_voice(SAM) and not said.by_voice(MAYA) and then(said, "then_end")
    said = couple.later(minutes=5).intent("AMAZON.NextIntent", one_shot=True)
    assert "another" in said.text.lower() and not said.ends_session


def test_take_our_time_after_the_question_makes_the_next_one_open(couple: Couple) -> None:
    meet(couple)
    couple.intent("TonightsQuestionIntent", one_shot=True)
    said = couple.later(minutes=3).intent("TakeOurTimeIntent")  # both answered; at "another one?"
    assert said.ends_session and ONE_SHOT_PHRASE in said.text and said.by_voice(SAM) and not said.by_voice(MAYA)


def test_take_our_time_mid_check_in_and_keep_time_brings_the_clock_back(couple: Couple) -> None:
    meet(couple)
    couple.intent("CheckInIntent", one_shot=True)
    share = float(CHECK_IN.settings["share_seconds"])
    said = couple.into_answer(seconds=share / 2).intent("TakeOurTimeIntent")  # during Maya's sharing
    assert says(said, "check_in", "now_open") and said.ends_session and said.by_voice(MAYA) and not said.by_voice(SAM)
    # "Alexa, tell our rituals to keep time for us"
    said = couple.later(minutes=5).intent("KeepTimeIntent", one_shot=True)
    assert says(said, "check_in", "now_paced") and [v for v in said.voices if v][:2] == [MAYA, SAM]
    listening = 2 * float(CHECK_IN.settings["listen_back_seconds"])
    assert said.timed_seconds() == 2 * share + listening, (
        "both sharing turns and both say-backs timed again, from Maya's"
    )
    assert says(said, "check_in", "talk_over") and said.ends_session, "then they talk it over, the microphone closed"


# -- context: help, repeat, pause, stop --------------------------------------------------------------------
def test_help_inside_a_ritual_names_it_whose_turn_it_is_and_what_to_say(couple: Couple) -> None:
    meet(couple)
    open_mode(couple, "SentenceStemsIntent")
    said = couple.intent("AMAZON.HelpIntent", one_shot=True)
    assert says(said, "turns", "help_turn", ritual="sentence stems", name="Maya")
    assert "tell our rituals next" in said.text and "keep time for us" in said.text
    assert said.ends_session, "Maya is still talking: the microphone stays closed"

    to_the_numbers(couple)  # Sam goes first this time
    said = couple.intent("AMAZON.HelpIntent")
    assert says(said, "turns", "help_turn", ritual="your weekly check-in", name="Sam")
    assert says(said, "turns", "help_rating", name="Sam") and not said.ends_session, "a number is short: listening"


def test_repeat_rereads_the_last_prompt_not_the_whole_timed_stretch(couple: Couple) -> None:
    meet(couple)
    first = couple.intent("GentleStartIntent", one_shot=True)  # parts, with a pause between them
    said = couple.later(minutes=5).intent("AMAZON.RepeatIntent")
    # The first part ends with Sam answering Maya's request.
    assert said.timed_seconds() == 0 and said.by_voice(SAM) and not said.by_voice(MAYA)
    assert said.by_voice(SAM)[0] == first.by_voice(SAM)[-1], "the prompt just heard, word for word"
    assert says(said, "turns", "next_part_again") and not said.ends_session


@pytest.mark.parametrize("intent", ["AMAZON.PauseIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent"])
def test_pause_and_stop_inside_a_ritual_keep_the_place_and_say_how_to_come_back(
    couple: Couple, stored, intent: str
) -> None:
    meet(couple)
    to_the_numbers(couple)
    said = couple.intent(intent)
    assert said.ends_session and says(said, "narrator", "paused", ritual="your weekly check-in")
    assert "ask our rituals to continue" in said.text
    assert stored(couple)["in_progress"]["ritual"] == "check_in"
    said = couple.later(hours=2).intent("AMAZON.ResumeIntent", one_shot=True)
    assert said.lines[-1].voice == MAYA and not said.ends_session, "back to Maya's number"


def test_outside_a_ritual_stop_is_a_plain_goodbye(couple: Couple) -> None:
    meet(couple)
    said = couple.intent("AMAZON.StopIntent", one_shot=True)
    assert says(said, "narrator", "goodbye") and said.ends_session


# -- discovery -----------------------------------------------------------------------------------------------
def test_menus_rotate_through_every_ritual(couple: Couple) -> None:
    meet(couple)
    heard: set[str] = set()
    # Each menu moves the rotation on by two (the hour's suggestion takes the third place), so every ritual
    # is offered within about half as many menus as there are rituals.
    for _ in range(len(EVERY_EXAMPLE) // 2 + 1):
        said = couple.later(minutes=1).intent("AMAZON.FallbackIntent", one_shot=True)
        assert offers(said, "narrator", "fallback")
        heard |= set(menu_examples(said))
    assert heard == EVERY_EXAMPLE, f"never offered: {EVERY_EXAMPLE - heard}"


@pytest.mark.parametrize(
    ("hour", "example"), [(7, "morning coffee"), (22, "five magic minutes"), (19, "tonight's question")]
)
def test_the_menu_suggests_what_suits_the_hour(couple: Couple, hour: int, example: str) -> None:
    meet(couple)
    couple.now = couple.now.replace(hour=hour, minute=5) + timedelta(days=1)  # the household's clock: UTC here
    said = couple.launch()
    assert example in menu_examples(said)


def test_the_menu_suggests_something_not_tried_yet(couple: Couple) -> None:
    meet(couple)
    for intent in ("HugIntent", "BreatheIntent", "MorningCoffeeIntent"):
        couple.intent(intent, one_shot=True)
    said = couple.later(minutes=10).launch()  # once the morning coffee has played
    offered = menu_examples(said)
    assert len(offered) == 3
    assert any(example not in ("a hug", "breathe together", "morning coffee") for example in offered)


def test_what_else_can_we_do_lists_every_ritual_in_small_groups(couple: Couple) -> None:
    meet(couple)
    said = couple.intent("WhatElseIntent", one_shot=True)
    named = menu_examples(said)
    assert set(named) == EVERY_EXAMPLE and len(named) == len(EVERY_EXAMPLE)
    groups = [line for line in said.text.split(".") if "'" in line]
    assert len(groups) >= 3 and all(len(menu_examples(line + ".")) <= 4 for line in groups), "a few at a time"
    assert not said.ends_session


# -- care --------------------------------------------------------------------------------------------------
def finish_check_in(couple: Couple, maya: int, sam: int) -> Said:
    said = to_the_numbers(couple)
    for _ in range(2):
        said = couple.intent("RatingIntent", rating=str(maya if said.lines[-1].voice == MAYA else sam))
    return said


def test_after_a_hard_week_something_now_and_time_to_answer(couple: Couple, stored) -> None:
    meet(couple)
    said = finish_check_in(couple, 2, 7)
    assert not said.ends_session and says(said, "check_in", "care_offer")
    said = couple.intent("AMAZON.NoIntent")
    assert said.ends_session and says(said, "check_in", "care_declined")
    assert stored(couple)["in_progress"] is None
    said = finish_check_in(couple.later(days=7), 3, 3)
    said = couple.intent("BreatheIntent")  # "breathe together", right away
    assert said.by_voice(MAYA) and said.by_voice(SAM) and said.timed_seconds() > 30


def test_counselling_is_offered_as_a_routine_tune_up_every_few_months(couple: Couple) -> None:
    meet(couple)
    every = int(CHECK_IN.settings["tune_up_every_check_ins"])
    tune_ups = []
    for _week in range(every):
        said = finish_check_in(couple.later(days=7), 8, 8)
        tune_ups.append(says(said, "check_in", "tune_up"))
    assert tune_ups == [False] * (every - 1) + [True], "the twelfth check-in, on a good week"


@pytest.mark.parametrize(("locale", "where"), [("en-US", "marriage and family therapist"), ("en-GB", "Relate"),
                                                ("en-AU", "Relationships Australia"), ("en-CA", "registered"), ("en-IN", "counsellor")])  # fmt: skip
def test_asking_about_counselling_gets_its_own_answer_per_locale(couple: Couple, locale: str, where: str) -> None:
    couple.locale = locale
    meet(couple)
    said = couple.intent("CounsellingIntent", one_shot=True)  # "Alexa, ask our rituals about counselling"
    assert "tune-up" in said.text or "check-up" in said.text
    assert where in said.text and said.ends_session


def test_counselling_asked_mid_ritual_keeps_its_place(couple: Couple, stored) -> None:
    meet(couple)
    open_mode(couple, "RoseThornBudIntent")
    couple.intent("CounsellingIntent", one_shot=True)
    assert stored(couple)["in_progress"]["ritual"] == "rose_thorn_bud"


# -- the terminal dialog shows it too -------------------------------------------------------------------------
def test_the_dialog_shows_an_open_turn_closing_the_session_and_a_one_shot_continuing_it(tmp_path: Path) -> None:
    transcript = "\n".join([
        "open our rituals", "we are Ana and Leo",
        "ask our rituals for rose thorn bud and take our time",
        "alexa tell our rituals next", "alexa tell our rituals I'm done", "quit", "",
    ])  # fmt: skip
    result = run_cli("dialog", "--fast", stdin=transcript, env_extra={"OUR_RITUALS_DB": str(tmp_path / "d.db")})
    assert result.returncode == 0, result.stderr
    out = result.stdout
    closed = load_content("en-US").section("dialog").lines.variants("session_closed")[0]
    after_start = out.split("take our time", 1)[1]
    first_turn, rest = after_start.split(closed, 1)
    assert "Ana, take" in first_turn or "Ana" in first_turn
    assert "tell our rituals next" in first_turn, "the exact phrase is said before the session closes"
    assert "thorn" in rest.split(closed, 1)[0].lower(), "the one-shot continues right where they were"
    assert any(w in out for w in wordings("turns", "then_again", name="Ana"))


def test_a_low_number_beside_a_skipped_one_is_cared_for_as_one_partners(couple: Couple, stored) -> None:
    meet(couple)
    to_the_numbers(couple)
    couple.intent("SkipIntent")  # Maya: "pass"
    said = couple.intent("RatingIntent", rating="2")
    assert says(said, "check_in", "care_low") and not says(said, "check_in", "care_low_both")
    assert says(said, "check_in", "care_offer") and not says(said, "check_in", "less_to_go_on"), (
        "one acknowledgement, one offer"
    )
    assert stored(couple)["rituals"]["check_in"]["partial"] == {"2026-W47": [None, 2]}


def test_stop_at_the_offer_of_a_hug_is_a_plain_goodbye(couple: Couple, stored) -> None:
    meet(couple)
    finish_check_in(couple, 2, 2)
    said = couple.intent("AMAZON.StopIntent")
    assert says(said, "narrator", "goodbye") and not says(said, "narrator", "paused", ritual="your weekly check-in")
    assert stored(couple)["in_progress"] is None

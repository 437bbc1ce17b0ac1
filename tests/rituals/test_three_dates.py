"""The three dates: a fun date, a business date and a connection date for the week, proposed in turns, each partner
in their own voice; timed and hands-free, or at the couple's own pace; and nothing they decide is kept."""

from __future__ import annotations

import json
import re

import pytest

from skill.content import CONTENT_DIR, load_content
from skill.engine.ritual import SteppedRitual, ritual_named
from skill.engine.turn_taking import FOLLOW_UPS, RATING_ASKED, WAITING
from tests.support.conversation import Couple
from tests.support.damaged import NOT_A_STATE, damage
from tests.support.turns_support import MAYA, SAM, finished, meet, open_mode, says, script

SECTION = "three_dates"
INTENT = "ThreeDatesIntent"
SETTINGS = load_content("en-US").section(SECTION).settings
MAYA_FIRST = [(MAYA, "fun"), (SAM, "business"), (MAYA, "connection")]
SAM_FIRST = [(SAM, "fun"), (MAYA, "business"), (SAM, "connection")]
# The harness starts on Sunday 22 November 2026, 19:30 UTC: the last evening of ISO week 47.
THIS_WEEK = "2026-W47"
STATE_KEYS = {"first", "cursor", "pace", "waiting", "again", "told"}  # told: the one-shot phrase was said


def read(name: str) -> dict:
    return json.loads((CONTENT_DIR / "en" / f"{name}.json").read_text(encoding="utf-8"))


# -- paced: hands-free, in one response --------------------------------------------------------------
def test_paced_three_dates_proposed_in_turns_hands_free_in_one_response(couple: Couple, stored) -> None:
    meet(couple)
    said = couple.intent(INTENT, one_shot=True)
    assert says(said, SECTION, "intro", name="Maya", other="Sam"), "the narrator explains the three dates first"
    assert says(said, SECTION, "paced_intro")
    assert not says(said, SECTION, "again_this_week"), "their first planning this week"
    assert script(said, SECTION) == MAYA_FIRST
    assert len(said.tags("audio")) == 3, "a soft chime once each date is agreed"
    assert said.timed_seconds() == pytest.approx(3 * float(SETTINGS["turn_seconds"]), abs=0.5)
    assert says(said, SECTION, "closing") and said.ends_session
    assert not said.reprompt, "nothing to answer: the whole plan is timed"
    assert finished(stored(couple))


def test_paced_the_holds_come_between_the_prompts_and_the_closing_comes_last(couple: Couple) -> None:
    meet(couple)
    said = couple.intent(INTENT, one_shot=True)
    ssml = said.ssml
    prompts = [ssml.index(text) for text in said.by_voice(MAYA) + said.by_voice(SAM)]
    chimes = [match.start() for match in re.finditer("<audio ", ssml)]
    first, second, third = sorted(prompts)
    assert first < chimes[0] < second < chimes[1] < third < chimes[2], "prompt, hold and chime, then the next date"
    assert position(ssml, "closing") > chimes[2], "the warm close once the last date is agreed"


# -- fairness ------------------------------------------------------------------------------------------
def test_who_proposes_first_alternates_from_run_to_run(couple: Couple) -> None:
    meet(couple)
    assert script(couple.intent(INTENT, one_shot=True), SECTION) == MAYA_FIRST
    assert script(couple.later(days=7).intent(INTENT, one_shot=True), SECTION) == SAM_FIRST
    assert script(couple.later(days=7).intent(INTENT, one_shot=True), SECTION) == MAYA_FIRST


def test_who_proposes_first_alternates_with_the_other_rituals_too(couple: Couple, stored) -> None:
    meet(couple)
    rose = couple.intent("RoseThornBudIntent", one_shot=True)
    assert script(rose, "rose_thorn_bud")[0] == (MAYA, "rose")
    said = couple.later(hours=2).intent(INTENT, one_shot=True)
    assert script(said, SECTION) == SAM_FIRST, "Maya went first in the rose, thorn, bud"
    said = couple.later(hours=2).intent("AppreciationIntent", one_shot=True)
    assert script(said, "appreciation")[0] == (MAYA, "trait")
    assert stored(couple)["next_first"] == 1


# -- open: one date at a time, handed over by voice -----------------------------------------------------
def test_open_mode_one_date_at_a_time_handed_over_with_im_done_or_next(couple: Couple, stored) -> None:
    meet(couple)
    said = open_mode(couple, INTENT)
    assert says(said, SECTION, "intro", name="Maya", other="Sam") and says(said, SECTION, "open_intro")
    assert script(said, SECTION) == [(MAYA, "fun"), (MAYA, "take_time")]
    assert says(said, "turns", "one_shot") and said.ends_session
    assert not said.tags("audio") and said.timed_seconds() == 0, "no clock in open mode"

    said = couple.intent("DoneIntent")  # "we're done"
    assert says(said, SECTION, "thanks", name="Maya")
    assert script(said, SECTION) == [(SAM, "business"), (SAM, "take_time")]
    assert not says(said, "turns", "one_shot") and said.ends_session, "the one-shot phrase is said once a ritual"

    said = couple.intent("AMAZON.NextIntent")  # "next" works as well as "I'm done"
    assert says(said, SECTION, "thanks", name="Sam")
    assert script(said, SECTION) == [(MAYA, "connection"), (MAYA, "take_time")]
    assert stored(couple)["in_progress"]["state"]["cursor"] == 2

    said = couple.intent("DoneIntent")
    # The last date settled: the closing sums up all three (no "Lovely, Maya. That date is set. Lovely, ...").
    assert says(said, SECTION, "closing") and not says(said, SECTION, "thanks", name="Maya")
    assert script(said, SECTION) == [] and said.ends_session
    assert finished(stored(couple))


def test_a_snatch_of_talk_while_they_decide_gets_a_nudge_and_the_date_stays(couple: Couple, stored) -> None:
    meet(couple)
    open_mode(couple, INTENT)
    couple.intent("DoneIntent")
    for _ in range(2):
        said = couple.intent("AMAZON.FallbackIntent", one_shot=True)
        assert script(said, SECTION) == [(SAM, "still_talking")]
        assert says(said, "turns", "one_shot") and said.ends_session, "the microphone closes again while they decide"
    assert stored(couple)["in_progress"]["state"]["cursor"] == 1


def test_open_mode_in_the_couples_own_words_even_unresolved(couple: Couple) -> None:
    meet(couple)
    said = couple.intent(INTENT, one_shot=True, pace="take our time")
    assert script(said, SECTION) == [(MAYA, "fun"), (MAYA, "take_time")]


def test_keep_time_mid_way_times_the_dates_that_are_left(couple: Couple) -> None:
    meet(couple)
    open_mode(couple, INTENT)
    said = couple.intent("KeepTimeIntent")  # "keep time for us"
    assert says(said, SECTION, "now_paced")
    assert script(said, SECTION) == MAYA_FIRST and len(said.tags("audio")) == 3
    assert says(said, SECTION, "closing") and said.ends_session


# -- resuming, and not after the expiry ---------------------------------------------------------------
def test_after_the_microphone_closed_continue_picks_up_at_the_same_date(couple: Couple, stored) -> None:
    meet(couple)
    open_mode(couple, INTENT)
    couple.intent("DoneIntent")  # the fun date is settled; Sam proposes the business date
    couple.session_ended("EXCEEDED_MAX_REPROMPTS")  # they talked it over; Alexa stopped listening
    said = couple.later(hours=3, minutes=50).launch()
    assert "the three dates" in said.text, "the launch offers to continue, by name"
    said = couple.intent("AMAZON.ResumeIntent")
    assert says(said, SECTION, "resume", ritual="the three dates")
    assert script(said, SECTION) == [(SAM, "business"), (SAM, "take_time")]
    assert not says(said, SECTION, "intro", name="Maya", other="Sam"), "no second introduction"
    assert stored(couple)["in_progress"]["state"]["pace"] == "open"


def test_a_one_shot_were_done_in_a_new_session_hands_the_date_over(couple: Couple) -> None:
    meet(couple)
    open_mode(couple, INTENT)
    couple.session_ended("EXCEEDED_MAX_REPROMPTS")
    said = couple.later(minutes=5).intent("DoneIntent", one_shot=True)  # "Alexa, tell our rituals we're done"
    assert says(said, SECTION, "thanks", name="Maya")
    assert script(said, SECTION) == [(SAM, "business"), (SAM, "take_time")]


def test_after_the_expiry_the_place_is_gone(couple: Couple, stored) -> None:
    meet(couple)
    open_mode(couple, INTENT)
    couple.intent("DoneIntent")
    couple.intent("AMAZON.StopIntent")
    assert stored(couple)["in_progress"]["ritual"] == SECTION
    said = couple.later(hours=8, minutes=10).launch()
    assert "the three dates" not in said.text
    said = couple.intent("AMAZON.ResumeIntent")
    assert not script(said, SECTION) and not said.ends_session
    assert finished(stored(couple))


# -- starting over ---------------------------------------------------------------------------------------
def test_start_over_is_a_new_plan_the_other_partner_proposing_first_in_the_same_pace(couple: Couple, stored) -> None:
    meet(couple)
    open_mode(couple, INTENT)
    couple.intent("DoneIntent")
    said = couple.intent("AMAZON.StartOverIntent")
    assert says(said, SECTION, "intro", name="Sam", other="Maya")
    assert not says(said, SECTION, "again_this_week"), "starting over is still this week's first plan"
    assert script(said, SECTION) == [(SAM, "fun"), (SAM, "take_time")]
    state = stored(couple)["in_progress"]["state"]
    assert (state["cursor"], state["pace"], state["first"]) == (0, "open", 1)


# -- a weekly ritual -------------------------------------------------------------------------------------
def test_a_second_plan_in_the_same_iso_week_is_introduced_as_a_check(couple: Couple) -> None:
    meet(couple)
    first = couple.intent(INTENT, one_shot=True)
    assert not says(first, SECTION, "again_this_week")
    again = couple.later(hours=2).intent(INTENT, one_shot=True)  # still Sunday: ISO week 47
    assert says(again, SECTION, "again_this_week")
    text = again.text
    intro_at = position(text, "intro", "Sam", "Maya")
    again_at = position(text, "again_this_week")
    first_date_at = text.index(again.by_voice(SAM)[0])
    assert 0 <= intro_at < again_at < first_date_at, "after the introduction, before the first date"
    assert script(again, SECTION) == SAM_FIRST
    monday = couple.later(hours=3).intent(INTENT, one_shot=True)  # Monday 00:30: a new week
    assert not says(monday, SECTION, "again_this_week")


def position(text: str, key: str, name: str = "Maya", other: str = "Sam") -> int:
    """Where a wording of one of the ritual's lines begins in what was said, or -1."""
    for wording in load_content("en-US").section(SECTION).lines.variants(key):
        found = text.find(" ".join(wording.format(name=name, other=other).split()))
        if found >= 0:
            return found
    return -1


# -- nothing they say is kept ---------------------------------------------------------------------------
def test_nothing_they_decide_is_stored_only_the_place_and_the_week(couple: Couple, stored) -> None:
    meet(couple)
    before = stored(couple)
    open_mode(couple, INTENT)
    couple.intent("AMAZON.FallbackIntent")  # Alexa caught "Saturday, the new ramen place?"
    couple.intent("DoneIntent")
    during = stored(couple)
    assert set(during["in_progress"]["state"]) == STATE_KEYS
    assert during["in_progress"]["state"]["again"] is False
    assert during["rituals"] == {**before["rituals"], SECTION: {"week": THIS_WEEK}, "host": {"tried": [SECTION]}}
    couple.intent("DoneIntent")
    couple.intent("DoneIntent")
    after = stored(couple)
    assert finished(after)
    assert after["rituals"] == {**before["rituals"], SECTION: {"week": THIS_WEEK}, "host": {"tried": [SECTION]}}
    changed = {key for key in after if after[key] != before[key]}
    # Besides the week: whose turn is next, which wording they heard, when the Echo's time zone was last asked, and
    # how many times they have started it (a count that stops at three).
    assert changed <= {"next_first", "words", "rituals", "time_zone", "time_zone_checked", "uses"}, changed


# -- the ritual, its words and how it is asked for ----------------------------------------------------------
def test_it_is_a_turn_taking_ritual_answering_the_shared_follow_ups() -> None:
    ritual = ritual_named(SECTION)
    assert isinstance(ritual, SteppedRitual) and ritual.intents == {INTENT}
    assert ritual.follow_ups >= FOLLOW_UPS


def test_the_settings_a_menu_and_a_paced_plan_need() -> None:
    settings = read(SECTION)["settings"]
    menu = read("narrator")["settings"]["menu"]
    assert (list(menu).index(SECTION), menu[SECTION], settings["title"]) == (11, "three dates", "the three dates")
    assert 3 * settings["turn_seconds"] <= 235, "the whole plan fits in one paced response"


def test_every_prompt_and_transition_has_at_least_three_wordings() -> None:
    lines = read(SECTION)["lines"]
    thin = [key for key, wordings in lines.items() if isinstance(wordings, str) or len(set(wordings)) < 3]
    assert not thin
    assert {"intro", "again_this_week", "fun", "business", "connection", "closing"} <= set(lines)


def test_every_date_prompt_names_the_proposer_and_the_narrator_the_partner_who_agrees() -> None:
    """The proposer's voice speaks to the proposer; what the other does is the narrator's line (`<date>_listener`)."""
    lines = read(SECTION)["lines"]
    for key in ("fun", "business", "connection"):
        for wording in lines[key]:
            assert wording.startswith("{name},") and "{other}," not in wording, f"{key}: {wording}"
        for wording in lines[f"{key}_listener"]:
            assert wording.startswith("{name},"), f"{key}_listener: {wording}"


def test_the_partner_who_agrees_is_named_by_the_narrator_after_the_proposal(couple: Couple) -> None:
    meet(couple)
    said = couple.intent(INTENT, one_shot=True)
    proposal = next(index for index, line in enumerate(said.lines) if line.voice == MAYA)
    agreeing = said.lines[proposal + 1]
    assert agreeing.voice is None and agreeing.text.startswith("Sam,"), agreeing


def test_the_samples_are_natural_plain_and_nobody_elses() -> None:
    samples = read(SECTION)["intents"][INTENT]["samples"]
    assert 15 <= len(samples) <= 25 and len(set(samples)) == len(samples)
    for sample in samples:
        assert re.fullmatch(r"[a-z' ]+", re.sub(r"\{pace\}", "", sample).strip()), sample
    for sample in ("three dates", "plan our three dates", "plan our dates for the week", "our weekly dates"):
        assert sample in samples
    others = {
        " ".join(sample.split())
        for path in CONTENT_DIR.glob("*/*.json")
        if path.stem != SECTION
        for name, intent in json.loads(path.read_text(encoding="utf-8")).get("intents", {}).items()
        for sample in intent.get("samples", [])
    }
    assert not others & set(samples), others & set(samples)


@pytest.mark.parametrize("locale", ["en-US", "en-GB", "en-CA", "en-AU", "en-IN"])
def test_both_paces_run_to_the_end_in_every_locale_in_the_locales_voices(couple: Couple, locale: str) -> None:
    couple.locale = locale
    voices = set(load_content(locale).voices)
    meet(couple)
    paced = couple.intent(INTENT, one_shot=True)
    assert paced.ends_session and {voice for voice in paced.voices if voice} == voices
    said, replies = open_mode(couple.later(days=7), INTENT), 1
    while not says(said, SECTION, "closing"):
        assert {voice for voice in said.voices if voice} <= voices
        assert said.session_attributes.get(WAITING) != RATING_ASKED, "no ratings in the three dates"
        assert said.ends_session, "each date is talked over with the microphone closed"
        assert says(said, "turns", "one_shot") == (replies == 1), "the one-shot phrase, said once"
        said, replies = couple.intent("DoneIntent", one_shot=True), replies + 1
    assert replies == 4, "one reply a date, and the closing with the last"


@pytest.mark.parametrize("damaged", [{"week": 47}, '"2026-W47"', *NOT_A_STATE])
def test_a_damaged_week_is_read_as_no_plan_yet(couple: Couple, stored, embedded_store, damaged: object) -> None:
    meet(couple)
    damage(couple, embedded_store, SECTION, damaged)
    said = couple.intent(INTENT, one_shot=True)
    assert not says(said, SECTION, "again_this_week") and script(said, SECTION) == MAYA_FIRST
    assert stored(couple)["rituals"][SECTION] == {"week": THIS_WEEK}

"""What every certified skill handles: help, stop, cancel, fallback, home, repeat, session end, errors."""

from __future__ import annotations

import json

import pytest

from skill.store.base import Snapshot, StoreUnavailable
from tests.support.conversation import Couple
from tests.support.turns_support import offers, says


def test_help_says_what_to_ask_for_by_example(couple: Couple) -> None:
    said = couple.intent("AMAZON.HelpIntent", one_shot=True)
    assert "'a hug'" in said.text and "'breathe together'" in said.text
    assert not said.ends_session and said.reprompt and said.reprompt != said.text


@pytest.mark.parametrize("intent", ["AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.NavigateHomeIntent"])
def test_stop_cancel_and_home_end_the_session_warmly(couple: Couple, intent: str) -> None:
    couple.launch()
    said = couple.intent(intent)
    assert said.ends_session and said.text
    assert not said.reprompt


def test_fallback_and_unknown_intents_nudge_toward_what_works(couple: Couple) -> None:
    couple.meet()
    for intent in ("AMAZON.FallbackIntent", "SomethingWeNeverDeclaredIntent"):
        couple.launch()  # each the first miss of its session: a second in a row closes it (tests/rituals/test_kitchen_life.py)
        said = couple.intent(intent)
        assert "'a hug'" in said.text, intent
        assert not said.ends_session


def test_a_yes_to_the_hosts_offer_asks_which_one_and_a_no_says_goodbye(couple: Couple) -> None:
    couple.meet()
    offer = couple.launch()  # "... What would you like?" / "Shall we start something small?"
    assert says(offer, "narrator", "offer", examples="'a hug', 'breathe together' or 'tonight's question'")
    said = couple.intent("AMAZON.YesIntent")
    assert says(said, "narrator", "which_one", examples="'a hug', 'breathe together' or 'tonight's question'")
    assert not said.ends_session and said.reprompt
    said = couple.intent("AMAZON.NoIntent")
    assert says(said, "narrator", "goodbye") and said.ends_session


def test_a_yes_while_we_still_wait_for_names_asks_for_the_names_again(couple: Couple) -> None:
    couple.launch()
    said = couple.intent("AMAZON.YesIntent")
    assert says(said, "narrator", "names_not_caught") and not said.ends_session


def test_a_yes_to_would_you_like_to_continue_picks_up_the_ritual(couple: Couple) -> None:
    couple.meet()
    # Maya's answer, at their own pace: the session closes while she talks, her turn kept for later.
    couple.resolved("TonightsQuestionIntent", "pace", "take our time", "open", one_shot=True)
    offer = couple.later(minutes=10).launch()
    assert says(offer, "narrator", "offer_resume", ritual="tonight's question")
    said = couple.intent("AMAZON.YesIntent")
    assert says(said, "tonights_question", "resume"), said.text


def test_a_no_to_would_you_like_to_continue_offers_something_else_and_keeps_the_place(couple: Couple, stored) -> None:
    couple.meet()
    couple.resolved("TonightsQuestionIntent", "pace", "take our time", "open", one_shot=True)
    couple.later(minutes=10).launch()
    said = couple.intent("AMAZON.NoIntent")
    assert offers(said, "narrator", "keep_place")
    assert not said.ends_session
    assert stored(couple)["in_progress"]["ritual"] == "tonights_question"


def test_repeat_says_the_last_thing_again_word_for_word(couple: Couple) -> None:
    couple.meet()
    first = couple.launch()
    again = couple.intent("AMAZON.RepeatIntent")
    assert again.ssml == first.ssml and again.reprompt_ssml == first.reprompt_ssml


def test_repeat_with_nothing_said_yet_is_still_helpful(couple: Couple) -> None:
    said = couple.intent("AMAZON.RepeatIntent", one_shot=True)
    assert "'a hug'" in said.text and not said.ends_session


def test_continue_with_nothing_in_progress_offers_a_fresh_start(couple: Couple) -> None:
    couple.meet()
    said = couple.intent("AMAZON.ResumeIntent", one_shot=True)
    assert "nothing" in said.text.lower() and "'a hug'" in said.text


@pytest.mark.parametrize("reason", ["USER_INITIATED", "EXCEEDED_MAX_REPROMPTS"])
def test_session_ended_gets_an_empty_response(couple: Couple, reason: str) -> None:
    couple.launch()
    said = couple.session_ended(reason)
    assert said.is_empty and "reprompt" not in said.response


def test_session_ended_with_an_error_is_logged_without_ids(couple: Couple, capsys: pytest.CaptureFixture[str]) -> None:
    couple.launch()
    said = couple.session_ended("ERROR", {"type": "INVALID_RESPONSE", "message": "SSML was not valid"})
    assert said.is_empty
    logged = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    ended = [entry for entry in logged if entry["message"] == "session ended"]
    assert ended and ended[0]["reason"] == "ERROR" and ended[0]["alexa_error_type"] == "INVALID_RESPONSE"
    assert couple.user_id not in json.dumps(logged)


class BrokenStore:
    """A store whose every call fails, as when the disk is gone or the database is down."""

    def load(self, household_key: str) -> Snapshot:
        raise StoreUnavailable("down")

    def save(self, household_key, document, expected_version, now) -> int:  # noqa: ANN001
        raise StoreUnavailable("down")

    def delete(self, household_key: str) -> None:
        raise StoreUnavailable("down")


def test_a_failing_store_never_stops_the_ritual(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    from skill.alexa.skill import build_skill, invoke

    skill = build_skill(open_store_fn=BrokenStore)
    couple = Couple(send=lambda event: invoke(skill, event))
    said = couple.intent("HugIntent", one_shot=True)
    assert said.ends_session and said.timed_seconds() == pytest.approx(20.0)
    said = couple.launch()
    assert "first names" in said.text
    said = couple.intent("SetNamesIntent", first="Maya", second="Sam")
    assert "Maya and Sam" in said.text
    for text in (s.text.lower() for s in couple.history):
        assert "store" not in text and "database" not in text and "error" not in text
    assert "store unavailable" in capsys.readouterr().err


def test_an_unwritable_sqlite_file_still_lets_the_couple_hug(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where a folder should be")
    monkeypatch.setenv("OUR_RITUALS_DB", str(blocked / "rituals.db"))
    from tests.conftest import load_lambda_app

    app = load_lambda_app()
    couple = Couple(send=lambda event: app.handler(event, None))
    said = couple.intent("HugIntent", one_shot=True)
    assert said.ends_session and said.timed_seconds() == pytest.approx(20.0)


def test_any_exception_becomes_a_short_kind_apology(monkeypatch: pytest.MonkeyPatch, couple: Couple, capsys) -> None:
    from skill.rituals import hug

    def explode(turn):  # noqa: ANN001, ANN202
        raise RuntimeError("Maya and Sam broke something")

    monkeypatch.setattr(hug.RITUAL, "start", explode)
    couple.meet("Maya", "Sam")
    said = couple.intent("HugIntent", one_shot=True)
    assert said.ends_session
    assert "sorry" in said.text.lower() and len(said.text) < 120
    assert "RuntimeError" not in said.text and "Maya" not in said.text
    err = capsys.readouterr().err
    assert "RuntimeError" in err, "the error is logged"
    assert "Maya" not in err and couple.user_id not in err, "without names or user ids"


def test_an_unreadable_event_still_gets_a_valid_envelope(lambda_app) -> None:
    for event in ({}, {"request": "nonsense"}, {"version": "1.0", "request": {"type": "IntentRequest"}}):
        envelope = lambda_app.handler(event, None)
        assert envelope["version"] == "1.0" and "response" in envelope


def test_requests_for_another_skill_are_refused(monkeypatch: pytest.MonkeyPatch, couple: Couple) -> None:
    from skill.alexa.skill import SkillIdMismatch

    monkeypatch.setenv("SKILL_ID", "amzn1.ask.skill.someone-else")
    with pytest.raises(SkillIdMismatch):
        couple.launch()


def test_requests_for_our_skill_id_are_served(monkeypatch: pytest.MonkeyPatch, couple: Couple) -> None:
    from tests.support.conversation import SKILL_ID

    monkeypatch.setenv("SKILL_ID", SKILL_ID)
    assert "first names" in couple.launch().text

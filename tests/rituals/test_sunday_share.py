"""The Sunday share: each partner leaves one appreciation (read back, kept only after a yes), played to the other
on Sunday in the giver's voice and name; heard again and deleted by voice; deleted after the keep time.
Each conversation runs through the Lambda handler and POST /alexa."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.conversation import Couple, Said
from tests.support.damaged import NOT_A_STATE, damage
from tests.support.surfaces import both  # noqa: F401  (the fixture)
from tests.support.turns_support import MAYA, SAM, meet, says

SECTION = "sunday_share"
FROM_MAYA = "Thank you for the tea you bring me every morning."
FROM_SAM = "I loved how you made me laugh when I was tired on Tuesday."


def kept(stored: Any, couple: Couple) -> list[dict[str, Any]]:
    return (stored(couple)["rituals"].get(SECTION) or {}).get("kept", [])


def leave(couple: Couple, words: str, giver: str) -> Said:
    """ "Alexa, ask our rituals to add to our Sunday share ...", "from Maya", "yes"."""
    said = couple.intent("AddShareIntent", one_shot=True, question=words)
    assert says(said, SECTION, "ask_from") and not said.ends_session
    said = couple.intent("ShareFromIntent", giver=giver)
    assert words.lower() in said.text.lower(), "read back before it is kept"
    return couple.intent("AMAZON.YesIntent")


def test_each_leaves_one_and_on_sunday_each_hears_the_others_in_the_givers_voice_and_name(both: Couple, stored) -> None:
    meet(both)
    said = leave(both.later(days=1), FROM_MAYA.lower().rstrip("."), "Maya")  # Monday
    assert says(said, SECTION, "kept", name="Maya", other="Sam")
    said = leave(both.later(days=2), FROM_SAM, "sam")  # Wednesday
    assert says(said, SECTION, "kept", name="Sam", other="Maya")
    notes = kept(stored, both)
    assert [(n["giver"], n["text"], n["played_on"]) for n in notes] == [(0, FROM_MAYA, None), (1, FROM_SAM, None)]

    said = both.later(days=1).intent("SundayShareIntent", one_shot=True)  # Thursday: no peeking
    assert says(said, SECTION, "not_yet", count=2) and FROM_MAYA not in said.text

    said = both.later(days=3).intent("SundayShareIntent", one_shot=True)  # Sunday
    assert says(said, SECTION, "share_intro")
    lines = [(line.voice, line.text) for line in said.lines]
    maya_at = lines.index((MAYA, FROM_MAYA))
    sam_at = lines.index((SAM, FROM_SAM))
    assert says(said, SECTION, "for_you", name="Maya", other="Sam") and says(
        said, SECTION, "for_you", name="Sam", other="Maya"
    )
    assert lines[maya_at - 1][0] is None and "Sam" in lines[maya_at - 1][1], "for Sam, from Maya, in Maya's voice"
    assert sam_at > maya_at and said.ends_session
    assert all(n["played_on"] == "2026-11-29" for n in kept(stored, both))

    said = both.later(hours=1).intent("SundayShareIntent", one_shot=True)
    assert says(said, SECTION, "nothing_this_week"), "each note is played once on its Sunday"
    said = both.intent("HearShareIntent", one_shot=True, giver="Maya")  # "hear the Sunday share from Maya again"
    assert (MAYA, FROM_MAYA) in [(line.voice, line.text) for line in said.lines] and FROM_SAM not in said.text


def test_after_the_keep_time_of_eight_weeks_the_notes_are_deleted(both: Couple, stored) -> None:
    meet(both)
    leave(both, FROM_MAYA, "Maya")
    both.later(weeks=8, minutes=-1).launch()
    assert len(kept(stored, both)) == 1, "kept for the full eight weeks"
    both.later(minutes=2).launch()  # any visit after the keep time
    assert kept(stored, both) == []
    said = both.intent("HearShareIntent", one_shot=True)
    assert says(said, SECTION, "none_kept")


def test_a_chosen_keep_time_applies_to_what_is_kept_already(both: Couple, stored) -> None:
    meet(both)
    leave(both, FROM_MAYA, "Maya")
    said = both.intent("ShareKeepIntent", one_shot=True, weeks="2")  # "keep our Sunday shares for two weeks"
    assert says(said, SECTION, "keep_set", count=2)
    both.later(weeks=2, minutes=1).launch()
    assert kept(stored, both) == []
    said = both.intent("ShareKeepIntent", one_shot=True, weeks="100")
    assert says(said, SECTION, "keep_range", count=52)


def test_delete_by_voice_after_a_yes_one_partners_or_all(both: Couple, stored) -> None:
    meet(both)
    leave(both, FROM_MAYA, "Maya")
    leave(both, FROM_SAM, "Sam")
    said = both.intent("DeleteShareIntent", one_shot=True, giver="Maya")
    assert says(said, SECTION, "ask_delete", name="Maya") and not said.ends_session
    said = both.intent("AMAZON.NoIntent")
    assert says(said, SECTION, "not_deleted") and len(kept(stored, both)) == 2
    both.intent("DeleteShareIntent", one_shot=True, giver="maya")
    said = both.intent("AMAZON.YesIntent")
    assert says(said, SECTION, "deleted") and [n["giver"] for n in kept(stored, both)] == [1]
    both.intent("DeleteShareIntent", one_shot=True)
    both.intent("AMAZON.YesIntent")
    assert kept(stored, both) == []


def test_nothing_is_kept_without_a_yes_a_stranger_is_asked_again_and_a_long_note_is_refused(
    both: Couple, stored
) -> None:
    meet(both)
    both.intent("AddShareIntent", one_shot=True, question="you are lovely")
    said = both.intent("ShareFromIntent", giver="Priya")
    assert says(said, SECTION, "not_one_of_you") and not said.ends_session
    both.intent("ShareFromIntent", giver="Sam")
    said = both.intent("AMAZON.NoIntent")
    assert says(said, SECTION, "let_go") and kept(stored, both) == []
    said = both.intent("AddShareIntent", one_shot=True, question="so much " * 40)
    assert says(said, SECTION, "too_long") and kept(stored, both) == []
    said = both.intent("AddShareIntent", one_shot=True)
    assert says(said, SECTION, "how_to_add")


def test_a_recognised_voice_needs_no_from_and_a_new_note_replaces_the_waiting_one(both: Couple, stored) -> None:
    meet(both)
    both.person_id = "amzn1.ask.person.SAM"
    both.intent("MyNameIntent", one_shot=True, own="Sam")  # "I'm Sam": this voice is Sam's
    said = both.intent("AddShareIntent", one_shot=True, question=FROM_SAM)
    assert says(said, SECTION, "heard", name="Sam", other="Maya", question=FROM_SAM)
    both.intent("AMAZON.YesIntent")
    both.intent("AddShareIntent", one_shot=True, question="thank you for today")
    said = both.intent("AMAZON.YesIntent")
    assert says(said, SECTION, "replaced", name="Sam", other="Maya")
    assert [n["text"] for n in kept(stored, both)] == ["Thank you for today."]


def test_hearing_again_before_sunday_keeps_the_surprise(both: Couple) -> None:
    meet(both)
    leave(both, FROM_MAYA, "Maya")
    said = both.intent("HearShareIntent", one_shot=True, giver="Maya")
    assert says(said, SECTION, "waiting_for_sunday", name="Maya") and FROM_MAYA not in said.text


def test_a_note_left_in_the_middle_of_a_ritual_puts_the_ritual_back(both: Couple, stored) -> None:
    meet(both)
    both.resolved("RoseThornBudIntent", "pace", "let's take our time", "open", one_shot=True)
    leave(both, FROM_SAM, "Sam")
    assert stored(both)["in_progress"]["ritual"] == "rose_thorn_bud", "the rose, thorn, bud still waits"


def test_on_a_sunday_afternoon_the_menu_suggests_the_sunday_share(both: Couple) -> None:
    from tests.support.turns_support import menu_examples

    meet(both)
    both.now = both.now.replace(hour=14)  # Sunday, two in the afternoon (the household's clock: UTC here)
    assert "our Sunday share" in menu_examples(both.launch())
    both.later(days=1)  # Monday afternoon: breathing together suits the hour
    assert "breathe together" in menu_examples(both.launch())


def test_words_kept_for_a_while_are_dropped_once_their_time_has_passed_and_nothing_else_is() -> None:
    from skill.household import Household

    household = Household()
    household.rituals["sunday_share"] = {
        "kept": [{"text": "old", "expires_at": 100}, {"text": "new", "expires_at": 300}, "not a note"],
        "keep_weeks": 4,
    }
    household.rituals["our_jar"] = {"kept": [{"text": "Kept?", "expires_at": 100}]}  # not a ritual whose words expire
    household.drop_expired_progress(200)
    assert household.rituals["sunday_share"] == {
        "kept": [{"text": "new", "expires_at": 300}, "not a note"],
        "keep_weeks": 4,
    }
    assert household.rituals["our_jar"]["kept"][0]["text"] == "Kept?"


def test_a_share_with_nothing_expired_is_neither_opened_nor_written_again() -> None:
    from skill.household import Household

    household = Household()
    household.rituals["sunday_share"] = {"kept": [{"giver": 0, "text": "Thank you.", "expires_at": 300}]}
    stored = Household.from_document(household.to_document())
    stored.drop_expired_progress(200)
    assert not stored.changed(stored.to_document()), "looked at, not opened"
    stored.drop_expired_progress(400)
    assert stored.changed(stored.to_document()) and stored.rituals["sunday_share"]["kept"] == []


FAR = 2_000_000_000  # 2033: an expiry far ahead, so only the damage leaves a note out
DAMAGED_NOTES = [
    {"giver": 2, "text": "From nobody.", "on": "2026-11-20", "played_on": None, "expires_at": FAR},
    {"giver": 0, "text": 5, "on": "2026-11-20", "played_on": None, "expires_at": FAR},
    {"giver": 1, "text": "   ", "on": "2026-11-20", "played_on": None, "expires_at": FAR},
    {"giver": 0, "text": "Kept forever?", "on": "2026-11-20", "played_on": None, "expires_at": "never"},
    "a note",
]


@pytest.mark.parametrize("damaged", [{"kept": DAMAGED_NOTES, "keep_weeks": "eight"}, {"kept": "Thanks."}, *NOT_A_STATE])
def test_a_damaged_share_is_read_as_empty_and_a_new_note_is_kept(
    both: Couple, stored, embedded_store, damaged: Any
) -> None:
    meet(both)
    damage(both, embedded_store, SECTION, damaged)
    said = both.intent("SundayShareIntent", one_shot=True)  # Sunday: nothing fit to play
    assert says(said, SECTION, "nothing_this_week") and "nobody" not in said.text.lower()
    said = both.intent("HearShareIntent", one_shot=True)
    assert says(said, SECTION, "none_kept")
    said = leave(both, FROM_MAYA, "Maya")
    assert says(said, SECTION, "kept", name="Maya", other="Sam")
    share = stored(both)["rituals"][SECTION]
    assert [(n["giver"], n["text"], n["played_on"]) for n in share["kept"]] == [(0, FROM_MAYA, None)]
    assert set(share) == {"kept"}, "the damaged keep time is gone: the default one counts"
    assert share["kept"][0]["expires_at"] - int(both.now.timestamp()) == 8 * 7 * 24 * 3600

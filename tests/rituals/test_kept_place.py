"""A place kept by the version before the typed place (skill/engine/turn_place.py) still resumes where it was.

Each test stores a place in exactly the JSON shape that version wrote (household.in_progress["state"]), paced
answers' timelines included, then talks to the skill: the couple come back to the same turn, and a place that
is only renewed ("not now") is stored again byte for byte.
"""

from __future__ import annotations

from typing import Any

from skill.store.sqlite import SQLiteStore
from tests.support.conversation import Couple
from tests.support.turns_support import MAYA, SAM, meet, says, script

# Rose, thorn, bud, paced: all six turns went into one answer; when each began and ended in it (seconds).
RTB_STARTS = [3.1, 40.2, 77.3, 119.5, 156.6, 193.7]
RTB_ENDS = [38.0, 75.1, 115.4, 152.5, 189.6, 231.8]


def keep_place(couple: Couple, store_path: Any, ritual: str, state: dict[str, Any]) -> None:
    """Store `state` as the couple's place in `ritual`, as an earlier version of the skill left it."""
    store = SQLiteStore(store_path)
    snapshot = store.load(couple.key)
    document = dict(snapshot.document)
    document["in_progress"] = {"ritual": ritual, "expires_at": int(couple.now.timestamp()) + 3600, "state": state}
    store.save(couple.key, document, snapshot.version, int(couple.now.timestamp()))


def rose_thorn_bud_playing(couple: Couple, seconds_ago: int) -> dict[str, Any]:
    """The place a paced rose, thorn, bud keeps while its one answer plays, sent `seconds_ago`."""
    stretch = {"at": int(couple.now.timestamp()) - seconds_ago, "from": 0, "starts": RTB_STARTS, "ends": RTB_ENDS}
    return {"first": 0, "cursor": 6, "pace": "paced", "waiting": "playing", "stretch": stretch}


def test_an_answer_kept_while_it_played_resumes_at_the_turn_that_was_playing(
    couple: Couple, stored, embedded_store
) -> None:
    meet(couple)
    keep_place(couple, embedded_store, "rose_thorn_bud", rose_thorn_bud_playing(couple, seconds_ago=130))
    said = couple.intent("AMAZON.ResumeIntent", one_shot=True)  # 130 s in: Sam's rose was playing
    assert says(said, "rose_thorn_bud", "resume", ritual="rose, thorn, bud")
    assert script(said, "rose_thorn_bud")[:3] == [(SAM, "rose"), (SAM, "thorn"), (SAM, "bud")]


def test_a_pause_while_the_kept_answer_plays_keeps_that_turn_in_the_same_shape(
    couple: Couple, stored, embedded_store
) -> None:
    meet(couple)
    keep_place(couple, embedded_store, "rose_thorn_bud", rose_thorn_bud_playing(couple, seconds_ago=50))
    said = couple.intent("AMAZON.PauseIntent")  # 50 s in: Maya's thorn was playing
    assert said.ends_session
    assert stored(couple)["in_progress"]["state"] == {"first": 0, "cursor": 1, "pace": "paced", "waiting": "talking"}
    said = couple.later(hours=1).intent("AMAZON.ResumeIntent", one_shot=True)
    assert script(said, "rose_thorn_bud")[0] == (MAYA, "thorn")


def test_a_place_with_a_rituals_own_fields_and_a_finished_stretch_is_renewed_byte_for_byte(
    couple: Couple, stored, embedded_store
) -> None:
    """Thirty-six, set two, the first four questions played: "not now" keeps it as it was, for longer."""
    meet(couple)
    stretch = {
        "at": int(couple.now.timestamp()) - 3600,
        "from": 0,
        "starts": [9.4, 40.1, 71.9, 102.6, 134.0, 164.7, 196.2, 226.9],
        "ends": [38.3, 69.0, 100.8, 131.5, 162.9, 193.6, 225.1, 235.0],
    }
    state = {"first": 1, "cursor": 8, "pace": "paced", "set": 2, "waiting": "next_part", "stretch": stretch}
    keep_place(couple, embedded_store, "thirty_six", state)
    said = couple.intent("AMAZON.NoIntent", one_shot=True)  # "Alexa, tell our rituals no": not now
    assert says(said, "thirty_six", "later") and said.ends_session
    kept = stored(couple)["in_progress"]
    assert kept["expires_at"] == int(couple.now.timestamp()) + 8 * 3600, "kept again, for the ritual's hours"
    assert kept["ritual"] == "thirty_six" and kept["state"] == state
    said = couple.later(hours=7).intent("AMAZON.ResumeIntent", one_shot=True)
    assert says(said, "thirty_six", "resume"), "the fifth question comes next"
    assert next(line.voice for line in said.lines if line.voice is not None) == SAM, "question five opens with Sam"


def test_a_kept_check_in_with_one_number_given_asks_for_the_other(couple: Couple, stored, embedded_store) -> None:
    meet(couple)
    week = couple.now.strftime("%G-W%V")
    state = {
        "first": 0,
        "cursor": 3,
        "pace": "paced",
        "length": "short",
        "week": week,
        "ratings": [7, None],
        "waiting": "rating",
        "stretch": {"at": int(couple.now.timestamp()) - 600, "from": 0, "starts": [5.0, 70.0], "ends": [65.0, 130.0]},
    }
    keep_place(couple, embedded_store, "check_in", state)
    said = couple.intent("AMAZON.ResumeIntent", one_shot=True)
    assert script(said, "check_in")[-1] == (SAM, "rating_second"), "Sam's number, Maya's kept"
    said = couple.intent("RatingIntent", rating="6")
    assert said.ends_session
    assert stored(couple)["rituals"]["check_in"]["weeks"] == {week: [7, 6]}, "both numbers, the kept one too"

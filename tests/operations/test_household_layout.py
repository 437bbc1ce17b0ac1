"""How a household is stored: a small hot part, bounded wording memory, ritual states kept as text until opened.

A couple who has used the skill for years must cost a request what a new couple costs: these hold the layout
that makes it so (the benchmark measures it: `python -m bench --longevity`), and that a household stored in the
first layout still loads and carries on.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from skill import content as content_module
from skill.content import SUPPORTED_LOCALES, load_content
from skill.household import COMPRESS_OVER, LAYOUT, MAX_WORDINGS, Household, WordingMemory, line_index, readable
from skill.rituals import tonights_question
from skill.state import Households
from skill.store.sqlite import SQLiteStore
from tests.operations.test_state import CountingStore
from tests.support.conversation import Couple

NOW = 1_800_000_000

# A household as the first layout stored it: every ritual's state and the wording memory as plain JSON, the
# memory keyed by the line's text key, a tonight's question deck in its third round with no "after".
FIRST_LAYOUT: dict[str, Any] = {
    "names": ["Maya", "Sam"],
    "voices_swapped": True,
    "next_first": 1,
    "phrasing": {"hug.intro": 1, "menu.from": 4, "menu.at": 1795000000},
    "rituals": {
        "check_in": {"weeks": {"2026-W45": [7, 8], "2026-W46": [6, 8]}, "count": 9, "last": "2026-11-15"},
        "tonights_question": {"decks": {"light": {"seed": 424242, "round": 2, "cursor": 0}}, "depth": "light"},
        "host": {"tried": ["check_in", "hug", "tonights_question"]},
    },
    "in_progress": None,
    "time_zone": None,
    "time_zone_checked": 0,
    "speakers": {},
}


def test_a_household_stored_in_the_first_layout_loads_carries_on_and_is_stored_anew(
    couple: Couple, embedded_store: Path
) -> None:
    store = SQLiteStore(embedded_store)
    store.save(couple.key, json.loads(json.dumps(FIRST_LAYOUT)), 0, NOW)
    light = sorted(
        str(q["id"]) for q in load_content("en-US").section("questions").data["questions"] if q["depth"] == "light"
    )
    expected = tonights_question.deck_order(light, 424242, 2)[0]  # where the first layout's replay put round two

    said = couple.intent("TonightsQuestionIntent", one_shot=True)

    assert "Maya" in said.text or "Sam" in said.text, "the names were kept"
    document = store.load(couple.key).document
    assert document["layout"] == LAYOUT and "phrasing" not in document, "stored in the new layout by this write"
    plain = readable(document)
    assert plain["names"] == ["Maya", "Sam"] and plain["voices_swapped"] is True
    assert plain["rituals"]["check_in"] == FIRST_LAYOUT["rituals"]["check_in"], "the check-in history is intact"
    deck = plain["rituals"]["tonights_question"]["decks"]["light"]
    assert (deck["round"], deck["cursor"]) == (2, 1) and plain["in_progress"]["state"]["question"] == expected
    assert deck["after"] == tonights_question.deck_order(light, 424242, 1)[-1], "replayed once, then kept"
    assert Household.from_document(document).phrasing.get("hug.intro") == 1, "the wording memory came across"


def test_a_request_that_touches_one_ritual_leaves_every_other_part_as_it_was_stored(tmp_path: Path) -> None:
    households = Households(SQLiteStore(tmp_path / "s.db"))
    weeks = {f"20{25 + i // 52}-W{1 + i % 52:02d}": [7, 8] for i in range(60)}
    households.apply("k", NOW, lambda h: h.rituals.__setitem__("check_in", {"weeks": weeks, "count": 60}))
    before = SQLiteStore(tmp_path / "s.db").load("k").document
    assert isinstance(before["rituals"]["check_in"], bytes), "a long history is kept compressed, as a blob"
    assert len(before["rituals"]["check_in"]) < len(json.dumps(weeks)) / 2

    households.apply("k", NOW, lambda h: h.ritual_state("hug").__setitem__("last", 1))
    after = SQLiteStore(tmp_path / "s.db").load("k").document
    assert after["rituals"]["check_in"] == before["rituals"]["check_in"], "not parsed, not packed again"
    assert readable(after)["rituals"]["check_in"]["weeks"] == weeks


def test_opening_a_ritual_without_changing_it_writes_nothing(tmp_path: Path) -> None:
    store = CountingStore(tmp_path / "s.db")
    households = Households(store)
    households.apply(
        "k", NOW, lambda h: h.rituals.__setitem__("our_jar", {"questions": [{"id": "1", "text": "Why?" * 99}]})
    )
    households.apply("k", NOW, lambda h: len(h.rituals["our_jar"]["questions"]) + len(h.phrasing))
    households.apply("k", NOW, lambda h: h.in_progress)
    assert store.saves == 1


def test_the_wording_memory_is_indexes_of_a_few_bytes_and_bounded() -> None:
    memory = WordingMemory()
    for n in range(1000):
        memory[f"ritual_{n % 40}.line_{n}"] = n % 5
    text = memory.serialised()
    entries = text.split(",")
    assert len(entries) == MAX_WORDINGS and all(len(entry) == 5 for entry in entries), "four characters and a digit"
    assert "line" not in text and "ritual" not in text, "an index, not the line's text"
    parsed = WordingMemory.parse(text)
    assert parsed["ritual_39.line_999"] == 4 and "ritual_0.line_0" not in parsed, "the latest kept, the oldest gone"
    assert line_index("check_in.intro") == line_index("check_in.intro") != line_index("check_in.outro")


def test_a_damaged_ritual_state_starts_that_ritual_afresh_and_leaves_the_rest() -> None:
    hug = line_index("hug.intro")
    document = {
        "layout": LAYOUT,
        "names": ["Maya", "Sam"],
        "words": f"zz,{hug}x7,ABCD7,x",
        "rituals": {"hug": "{not json", "jar": "z:bm90IHpsaWI=", "host": '{"tried":["hug"]}'},
    }
    household = Household.from_document(document)
    assert household.rituals["hug"] == {} == household.rituals["jar"] and household.rituals["host"] == {
        "tried": ["hug"]
    }
    assert household.phrasing.get("hug.intro") is None, "a damaged entry reads as nothing remembered"
    household.phrasing["hug.intro"] = 2
    assert household.phrasing["hug.intro"] == 2 and household.phrasing.serialised().endswith(f",ABCD7,x,{hug}2")
    assert len(Household.from_document({**document, "words": "é1,ABCD7"}).phrasing) == 0, "unreadable: started afresh"


def test_placing_a_draw_never_replays_earlier_rounds(monkeypatch: pytest.MonkeyPatch) -> None:
    """However many times they have been through the deck, one draw orders one round (constant work per draw)."""
    shuffles: list[int] = []
    original = tonights_question._raw_order

    def counted(ids: list[str], seed: int, round_: int) -> list[str]:
        shuffles.append(round_)
        return original(ids, seed, round_)

    monkeypatch.setattr(tonights_question, "_raw_order", counted)
    content = load_content("en-US")
    light = [str(q["id"]) for q in content.section("questions").data["questions"] if q["depth"] == "light"]
    from skill.engine.turn import Turn

    household = Household(names=["Maya", "Sam"])
    household.rituals["tonights_question"] = {
        "decks": {"light": {"seed": 7, "round": 5000, "cursor": len(light) - 1, "after": light[0]}}
    }
    import random
    from datetime import datetime, timezone

    turn = Turn(household, content, content.section("tonights_question"), datetime.now(timezone.utc), random.Random(1))
    tonights_question.draw(turn, "light")  # the last question of round 5000
    tonights_question.draw(turn, "light")  # round 5001 opens
    assert shuffles == [5000, 5000, 5001], "one shuffle per round placed, never the rounds before"


def test_the_content_cache_holds_only_the_locales_the_content_defines() -> None:
    for n in range(300):
        assert load_content(f"x{n}-ZZ").locale == "en-US"
    assert content_module._content.cache_info().currsize <= len(SUPPORTED_LOCALES)


def test_stress_map_ratings_are_kept_by_age_as_well_as_count(couple: Couple, embedded_store: Path, stored) -> None:
    couple.meet("Maya", "Sam")
    store = SQLiteStore(embedded_store)
    snapshot = store.load(couple.key)
    document = snapshot.document
    today = couple.now.date()
    old = [{"date": (today - timedelta(days=days)).isoformat(), "partner": 0, "rating": 5} for days in (1200, 800, 30)]
    document["rituals"]["stress_map"] = {"ratings": old}
    store.save(couple.key, document, snapshot.version, NOW)
    couple.intent("StressMapIntent", one_shot=True)
    couple.intent("RatingIntent", rating="6")
    kept = [r["date"] for r in stored(couple)["rituals"]["stress_map"]["ratings"]]
    assert kept == [(today - timedelta(days=30)).isoformat(), today.isoformat()], "older than two years: forgotten"


def test_a_large_state_is_compressed_and_a_small_one_is_plain() -> None:
    household = Household()
    household.rituals["big"] = {"x": "y" * (COMPRESS_OVER + 10)}
    household.rituals["small"] = {"x": 1}
    stored = household.to_document()["rituals"]
    assert stored["big"].startswith("z:") and stored["small"] == '{"x":1}'
    assert Household.from_document(json.loads(json.dumps(household.to_document()))).rituals["big"]["x"] == "y" * (
        COMPRESS_OVER + 10
    )


def test_a_look_at_the_jar_from_tonights_question_does_not_open_it() -> None:
    from skill.rituals import our_jar

    household = Household()
    household.rituals["our_jar"] = {
        "questions": [{"id": "1", "text": "Why?", "heard": 0}, {"id": "2", "text": "How?", "heard": 2}]
    }
    stored = Household.from_document(json.loads(json.dumps(household.to_document())))
    assert our_jar.unheard(stored) == 1
    assert stored.rituals.serialised() is not None and "our_jar" not in stored.rituals._opened, "looked at, not opened"
    assert not stored.changed(stored.to_document())


def test_the_embedded_store_writes_a_ritual_state_only_when_it_changed(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    households = Households(store)
    households.apply("k", NOW, lambda h: h.rituals.update(check_in={"count": 1}, our_jar={"questions": []}))
    statements: list[str] = []
    store._connection().set_trace_callback(statements.append)
    households.apply("k", NOW, lambda h: setattr(h, "next_first", 1))  # the hot part only
    assert not [s for s in statements if "household_parts" in s and not s.startswith("SELECT")], "no ritual row written"
    statements.clear()
    households.apply("k", NOW, lambda h: h.rituals["check_in"].update(count=2))
    written = [s for s in statements if s.startswith("INSERT OR REPLACE INTO household_parts")]
    assert len(written) == 1 and "check_in" in written[0], "the changed state alone"
    assert readable(store.load("k").document)["rituals"] == {"check_in": {"count": 2}, "our_jar": {"questions": []}}


def test_forgetting_or_purging_a_household_takes_its_ritual_rows_with_it(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    Households(store).apply("gone", NOW, lambda h: h.rituals.update(check_in={"count": 1}))
    Households(store).apply("old", NOW - 500 * 86400, lambda h: h.rituals.update(check_in={"count": 1}))
    store.delete("gone")
    store.purge_expired(NOW)
    rows = store._connection().execute("SELECT COUNT(*) FROM household_parts").fetchone()[0]
    assert rows == 0 and store.load("gone").version == 0 and store.load("old").version == 0


def test_a_database_of_the_first_layout_opens_and_its_households_load(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "old.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE households (household_key TEXT PRIMARY KEY, document TEXT NOT NULL, "
                           "version INTEGER NOT NULL, expires_at INTEGER NOT NULL)")  # fmt: skip
        connection.execute("INSERT INTO households VALUES ('k', ?, 3, ?)", (json.dumps(FIRST_LAYOUT), NOW + 86400))
    store = SQLiteStore(path)
    household = Household.from_document(store.load("k").document)
    assert household.names == ["Maya", "Sam"] and household.rituals["check_in"]["count"] == 9
    Households(store).apply("k", NOW, lambda h: h.take_first_turn())
    stored = store.load("k")
    assert (
        stored.version == 4
        and stored.document["layout"] == LAYOUT
        and readable(stored.document)["rituals"]["check_in"]["count"] == 9
    )


def test_an_old_file_restored_under_a_running_service_gets_its_ritual_table(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "live.db"
    store = SQLiteStore(path)
    Households(store).apply("k", NOW, lambda h: h.rituals.update(check_in={"count": 1}))
    with sqlite3.connect(path) as connection:  # as a restore of a file from before household_parts leaves it
        connection.execute("DROP TABLE household_parts")
        connection.execute("UPDATE households SET document = ?", (json.dumps(FIRST_LAYOUT),))
    assert Household.from_document(store.load("k").document).rituals["check_in"]["count"] == 9

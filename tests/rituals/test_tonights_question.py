"""Tonight's question: one question from the deck, both partners answer in their voices, no repeat too soon."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from skill.content import load_content
from skill.rituals.tonights_question import deck_order
from tests.support.conversation import Couple, Said

QUESTIONS: list[dict[str, Any]] = list(load_content("en-US").section("questions").data["questions"])
LINES = load_content("en-US").section("tonights_question").lines
TURNS = load_content("en-US").section("turns").lines
DEPTHS = ("light", "deeper", "deepest")
LIGHT_SECONDS = load_content("en-US").section("tonights_question").settings["answer_seconds"]["light"]
DECK = {depth: {q["text"]: q["id"] for q in QUESTIONS if q["depth"] == depth} for depth in DEPTHS}


def said_one_of(said: Said, key: str) -> bool:
    return any(text in said.text for text in LINES.variants(key))


NAMES = ("Maya", "Sam", *load_content("en-US").section("narrator").settings["stand_in_names"])


def heard_in(text: str, spoken: str) -> bool:
    """Whether a deck question was spoken, its name slot holding one partner's name or the other's."""
    return any(text.replace("{partner}", name) in spoken for name in NAMES)


def asked(said: Said) -> tuple[str, str]:
    """(depth, question text as written in the deck) of the one deck question in this reply."""
    found = [(depth, text) for depth, texts in DECK.items() for text in texts if heard_in(text, said.text)]
    assert len(found) == 1, f"expected exactly one question in: {said.text}"
    return found[0]


# -- the deck itself ---------------------------------------------------------------------------
def test_the_deck_has_at_least_eighty_distinct_questions_per_depth_with_stable_ids() -> None:
    ids = [q["id"] for q in QUESTIONS]
    assert len(ids) == len(set(ids))
    assert len({q["text"].lower() for q in QUESTIONS}) == len(QUESTIONS)
    for depth, texts in DECK.items():
        assert len(texts) >= 80, depth
    for q in QUESTIONS:
        assert re.fullmatch(rf"{q['depth']}-{q['theme']}-\d\d", q["id"]), q["id"]
        assert q["text"].endswith("?") and len(q["text"]) <= 110, q["text"]
    themes = {q["theme"] for q in QUESTIONS}
    assert {"memories", "dreams", "everyday", "how-we-love", "fears-and-hopes", "future", "gratitude", "play"} <= themes


def test_no_question_blames() -> None:
    blaming = re.compile(
        r"\b(why do you always|why don't you|why can't you|whose fault|your fault|blame|what did I do wrong)\b", re.I
    )
    assert not [q["text"] for q in QUESTIONS if blaming.search(q["text"])]


# -- one question, both voices -------------------------------------------------------------------
def test_hands_free_each_partner_answers_in_turn_in_their_own_voice_then_another_or_goodnight(
    couple: Couple, stored
) -> None:
    couple.meet("Maya", "Sam")
    said = couple.intent("TonightsQuestionIntent", one_shot=True)
    depth, question = asked(said)
    assert depth == "light", "a light question unless they ask otherwise"
    maya_named = said.lines.index(next(line for line in said.lines if line.voice == "Joanna"))
    assert heard_in(question, said.lines[maya_named + 1].text) and said.lines[maya_named + 1].voice is None, (
        "Maya is named, then the narrator reads the question"
    )
    assert said.voices.index("Joanna") < said.voices.index("Matthew"), (
        "Maya answers first, then Sam is named in his voice"
    )
    assert "Maya" in said.by_voice("Joanna")[0] and "Sam" in said.by_voice("Matthew")[0]
    assert any(heard_in(question, line) for line in said.by_voice("Matthew")), (
        "Sam hears the same question, in his voice"
    )
    assert len(said.tags("audio")) == 2, "a chime at each change of speaker"
    assert said.timed_seconds() == 2 * LIGHT_SECONDS, "each answer is timed"
    assert "say: your turn" not in said.text.lower() and "i'm done" not in said.text.lower(), (
        "nobody has to speak to the Echo"
    )
    assert said.text.endswith(said.by_voice(None)[-1]) and "another" in said.by_voice(None)[-1].lower()
    assert not said.ends_session and said.reprompt != said.text
    assert stored(couple)["in_progress"]["ritual"] == "tonights_question"

    said = couple.intent("AMAZON.YesIntent")
    second_depth, second = asked(said)
    assert second != question and second_depth == "light"
    assert said.voices.index("Matthew") < said.voices.index("Joanna"), "who answers first alternates per question"

    said = couple.intent("AMAZON.NoIntent")
    assert said.ends_session and said.text and not any(text in said.text for text in DECK["light"])
    assert stored(couple)["in_progress"] is None


def test_at_their_own_pace_the_microphone_closes_for_each_answer_and_a_one_shot_hands_over(
    couple: Couple, stored
) -> None:
    couple.meet("Maya", "Sam")
    said = couple.resolved("TonightsQuestionIntent", "pace", "let's take our time", "open", one_shot=True)
    _, question = asked(said)
    assert said.ends_session and not said.by_voice("Matthew") and "Maya" in said.by_voice("Joanna")[0]
    assert "When you're done, say: Alexa, tell our rituals next." in said.text
    assert any(then.format(other="Sam") in said.text for then in TURNS.variants("then_next")), "who is next is named"
    said = couple.later(minutes=12).intent("AMAZON.NextIntent", one_shot=True)  # "Alexa, tell our rituals next"
    assert (
        "Sam" in said.by_voice("Matthew")[0]
        and any(heard_in(question, line) for line in said.by_voice("Matthew"))
        and said.ends_session
    )
    said = couple.later(minutes=9).intent("DoneIntent", one_shot=True)  # "Alexa, tell our rituals I'm done"
    assert "another" in said.text.lower() and not said.ends_session


def test_repeat_rereads_the_question(couple: Couple) -> None:
    couple.meet()
    _, question = asked(couple.resolved("TonightsQuestionIntent", "pace", "take our time", "open", one_shot=True))
    again = couple.intent("AMAZON.RepeatIntent", one_shot=True)
    assert asked(again)[1] == question and again.ends_session and again.timed_seconds() == 0
    couple.intent("DoneIntent", one_shot=True)
    again = couple.intent("AMAZON.RepeatIntent", one_shot=True)
    assert any(heard_in(question, line) for line in again.by_voice("Matthew")) and again.ends_session
    couple.intent("DoneIntent", one_shot=True)
    again = couple.intent("AMAZON.RepeatIntent")
    assert heard_in(question, again.text) and "another" in again.text.lower() and not again.ends_session


def test_a_yes_or_no_in_a_new_session_while_someone_answers_continues_or_keeps_the_place(
    couple: Couple, stored
) -> None:
    couple.meet("Maya", "Sam")
    _, question = asked(couple.resolved("TonightsQuestionIntent", "pace", "take our time", "open", one_shot=True))
    said = couple.later(minutes=30).launch()
    said = couple.intent("AMAZON.NoIntent")
    assert stored(couple)["in_progress"]["ritual"] == "tonights_question"
    said = couple.later(minutes=30).launch()
    said = couple.intent("AMAZON.YesIntent")
    assert heard_in(question, said.text) and "Maya" in said.by_voice("Joanna")[0] and said.ends_session


def test_a_snatch_of_an_answer_alexa_did_not_understand_gets_a_nudge_not_the_menu(couple: Couple) -> None:
    couple.meet("Maya", "Sam")
    couple.resolved("TonightsQuestionIntent", "pace", "take our time", "open", one_shot=True)
    said = couple.intent("AMAZON.FallbackIntent", one_shot=True)
    assert said.by_voice("Joanna") and "Alexa, tell our rituals next" in said.text and "'a hug'" not in said.text
    assert said.ends_session
    couple.intent("DoneIntent", one_shot=True)
    couple.intent("DoneIntent", one_shot=True)
    said = couple.intent("AMAZON.FallbackIntent")
    assert "another" in said.text.lower() and not said.ends_session and said.reprompt != said.text


def test_next_hands_over_while_answering_and_asks_another_at_the_end(couple: Couple) -> None:
    couple.meet("Maya", "Sam")
    _, question = asked(couple.resolved("TonightsQuestionIntent", "pace", "take our time", "open", one_shot=True))
    said = couple.intent("AMAZON.NextIntent", one_shot=True)
    assert "Sam" in said.by_voice("Matthew")[0] and heard_in(question, said.text)
    couple.intent("AMAZON.NextIntent", one_shot=True)
    said = couple.intent("AMAZON.NextIntent")
    assert asked(said)[1] != question


def test_another_one_skips_to_a_new_question_at_any_point(couple: Couple) -> None:
    couple.meet()
    _, question = asked(couple.intent("TonightsQuestionIntent", one_shot=True))
    said = couple.intent("AnotherQuestionIntent")
    depth, other = asked(said)
    assert other != question and depth == "light"
    assert not said.ends_session


# -- depth ----------------------------------------------------------------------------------------
def test_a_lighter_one_a_deeper_one_and_tired_tonight(couple: Couple, stored) -> None:
    couple.meet()
    said = couple.intent("TonightsQuestionIntent", one_shot=True)
    assert asked(said)[0] == "light"
    said = couple.intent("LighterQuestionIntent")
    assert asked(said)[0] == "light" and said_one_of(said, "already_lightest"), "already the lightest: said kindly"
    said = couple.intent("DeeperQuestionIntent")
    assert asked(said)[0] == "deeper" and said_one_of(said, "deeper")
    said = couple.intent("DeeperQuestionIntent")
    assert asked(said)[0] == "deepest"
    said = couple.intent("DeeperQuestionIntent")
    assert asked(said)[0] == "deepest" and said_one_of(said, "already_deepest")
    said = couple.intent("LighterQuestionIntent")
    assert asked(said)[0] == "light", "heard: 'a lighter one' from deepest landed on a deeper question"
    said = couple.intent("TiredTonightIntent")
    assert asked(said)[0] == "light" and said_one_of(said, "tired")
    assert stored(couple)["rituals"]["tonights_question"]["depth"] == "light"


def test_the_depth_asked_for_is_remembered_for_next_time(couple: Couple) -> None:
    couple.meet()
    said = couple.resolved("TonightsQuestionIntent", "depth", "deep", "deeper", one_shot=True)
    assert asked(said)[0] == "deeper"
    said = couple.later(days=1).intent("TonightsQuestionIntent", one_shot=True)
    assert asked(said)[0] == "deeper"


@pytest.mark.parametrize(("heard", "depth"), [("really deep", "deepest"), ("easy", "light"), ("deepest", "deepest")])
def test_a_depth_alexa_could_not_resolve_is_still_understood(couple: Couple, heard: str, depth: str) -> None:
    couple.meet()
    said = couple.intent("TonightsQuestionIntent", one_shot=True, depth=heard)
    assert asked(said)[0] == depth


@pytest.mark.parametrize("heard", ["?", "purple", None])
def test_a_depth_we_do_not_know_gives_the_usual_one(couple: Couple, heard: str | None) -> None:
    couple.meet()
    said = couple.intent("TonightsQuestionIntent", one_shot=True, depth=heard)
    assert asked(said)[0] == "light" and not said.ends_session


# -- continuing later -----------------------------------------------------------------------------
def test_when_the_microphone_closes_continue_picks_up_the_same_question(couple: Couple) -> None:
    couple.meet("Maya", "Sam")
    _, question = asked(couple.resolved("TonightsQuestionIntent", "pace", "take our time", "open", one_shot=True))
    couple.intent("DoneIntent", one_shot=True)
    said = couple.later(minutes=20).launch()
    assert "tonight's question" in said.text and "continue" in said.text.lower()
    said = couple.intent("AMAZON.ResumeIntent")
    assert "Sam" in said.by_voice("Matthew")[0] and heard_in(question, said.text)
    said = couple.later(hours=5).intent("DoneIntent", one_shot=True)  # "Alexa, tell our rituals I'm done", hours later
    assert "another" in said.text.lower() and not said.ends_session


# -- never a repeat until the deck is used up -------------------------------------------------------
def _evenings(couples: list[Couple], nights: int, draw: Callable[[Couple], Said]) -> dict[str, list[str]]:
    heard: dict[str, list[str]] = {c.user_id: [] for c in couples}
    for _ in range(nights):
        for c in couples:
            said = draw(c.later(days=1))
            heard[c.user_id].append(asked(said)[1])
    return heard


@pytest.mark.slow
def test_the_whole_light_deck_before_any_repeat_across_sessions_devices_and_households(lambda_app, stored) -> None:
    def send(event: dict[str, Any]) -> dict[str, Any]:
        return lambda_app.handler(event, None)

    kitchen = Couple(send=send, user_id="amzn1.ask.account.HOUSEHOLD-ONE")
    # The same household on a second Echo: another device, same Alexa account.
    bedroom = Couple(send=send, user_id="amzn1.ask.account.HOUSEHOLD-ONE")
    neighbours = Couple(send=send, user_id="amzn1.ask.account.HOUSEHOLD-TWO")
    size = len(DECK["light"])
    kitchen.meet()
    neighbours.meet()

    def tonight(c: Couple) -> Said:
        return c.intent("TonightsQuestionIntent", one_shot=True)

    one_a = _evenings([kitchen], size // 2, tonight)[kitchen.user_id]
    one_b = _evenings([bedroom], size - size // 2, tonight)[bedroom.user_id]
    two = _evenings([neighbours], size, tonight)[neighbours.user_id]
    one = one_a + one_b
    assert sorted(one) == sorted(DECK["light"]), "every light question once, nothing twice"
    assert sorted(two) == sorted(DECK["light"])
    assert one != two, "each household has its own order"

    said = tonight(kitchen.later(days=1))
    renewed = asked(said)[1]
    assert said_one_of(said, "deck_renewed_light"), "the couple hears that the deck starts again"
    assert renewed != one[-1], "a new round never opens with the question that closed the last one"
    deck = stored(kitchen)["rituals"]["tonights_question"]["decks"]["light"]
    assert deck["round"] == 1 and deck["cursor"] == 1
    assert set(deck) == {"seed", "round", "cursor", "after"}, "a seed and a place, not the whole order"
    assert deck["after"] == DECK["light"][one[-1]], (
        "the question that closed the last round, so no draw replays earlier rounds"
    )


def test_changing_depth_does_not_disturb_the_other_decks(couple: Couple, stored) -> None:
    couple.meet()
    couple.intent("TonightsQuestionIntent", one_shot=True)
    couple.intent("DeeperQuestionIntent")
    couple.intent("LighterQuestionIntent")
    decks = stored(couple)["rituals"]["tonights_question"]["decks"]
    assert decks["light"]["cursor"] == 2 and decks["deeper"]["cursor"] == 1


def test_a_damaged_deck_record_starts_afresh_instead_of_failing(couple: Couple, embedded_store) -> None:
    from skill.store.sqlite import SQLiteStore

    couple.meet()
    couple.intent("TonightsQuestionIntent", one_shot=True)
    store = SQLiteStore(embedded_store)
    snapshot = store.load(couple.key)
    document = snapshot.document
    document["rituals"]["tonights_question"] = {"decks": {"light": {"seed": "x", "cursor": -4}}, "depth": "sideways"}
    store.save(couple.key, document, snapshot.version, 0)
    said = couple.later(days=1).intent("TonightsQuestionIntent", one_shot=True)
    assert asked(said)[0] == "light" and not said.ends_session


def test_a_question_that_left_the_deck_while_paused_is_replaced_by_a_new_one(couple: Couple, embedded_store) -> None:
    from skill.store.sqlite import SQLiteStore

    couple.meet()
    couple.intent("TonightsQuestionIntent", one_shot=True)
    store = SQLiteStore(embedded_store)
    snapshot = store.load(couple.key)
    document = snapshot.document
    document["in_progress"]["state"].update(question="light-retired-99", depth="sideways")
    store.save(couple.key, document, snapshot.version, 0)
    said = couple.later(minutes=5).intent("AMAZON.ResumeIntent", one_shot=True)
    assert asked(said)[0] == "light" and not said.ends_session


# -- the order itself -----------------------------------------------------------------------------
def test_a_deck_order_is_a_fixed_shuffle_of_the_whole_deck() -> None:
    ids = sorted(DECK["deeper"].values())
    order = deck_order(ids, 12345, 0)
    assert sorted(order) == ids and order != ids
    assert deck_order(ids, 12345, 0) == order, "the same seed and round give the same order, every time"
    assert deck_order(ids, 12345, 1) != order and deck_order(ids, 54321, 0) != order
    for seed in range(200):
        for round_ in range(1, 4):
            assert deck_order(ids, seed, round_)[0] != deck_order(ids, seed, round_ - 1)[-1]


# -- when both have answered, there is nothing to come back to ------------------------------------------------
NARRATOR = load_content("en-US").section("narrator").lines


def said_by_narrator(said: Said, key: str) -> bool:
    return any(text.split("{")[0] in said.text for text in NARRATOR.variants(key))


def test_stop_after_both_have_answered_says_goodbye_and_keeps_no_place(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    couple.intent("TonightsQuestionIntent", one_shot=True)  # both answers play, then "another?"
    said = couple.later(minutes=5).intent("AMAZON.StopIntent")
    assert said.ends_session and said_by_narrator(said, "goodbye") and not said_by_narrator(said, "paused")
    assert stored(couple)["in_progress"] is None
    said = couple.later(hours=1).launch()
    assert not said_by_narrator(said, "offer_resume"), "no 'shall we continue?' for a question already answered"


def test_a_session_that_timed_out_at_another_question_is_not_offered_again_at_launch(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    couple.intent("TonightsQuestionIntent", one_shot=True)
    couple.later(minutes=5).session_ended("EXCEEDED_MAX_REPROMPTS")
    said = couple.later(hours=1).launch()
    assert not said_by_narrator(said, "offer_resume") and said_by_narrator(said, "offer")
    assert stored(couple)["in_progress"] is None


def test_stop_while_the_answers_are_still_playing_keeps_the_place(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    couple.intent("TonightsQuestionIntent", one_shot=True)
    said = couple.into_answer(seconds=40).intent("AMAZON.StopIntent")  # Maya is still answering
    assert said.ends_session and said_by_narrator(said, "paused")
    assert stored(couple)["in_progress"]["ritual"] == "tonights_question"


# -- hosting by depth ------------------------------------------------------------------------------------
TENDER = [q for q in QUESTIONS if "tender" in q.get("tags", [])]


def next_question_is(couple: Couple, store_path: Any, question_id: str) -> None:
    """Set this household's deck so that the next question drawn at its depth is `question_id`."""
    from skill.store.sqlite import SQLiteStore

    depth = next(q["depth"] for q in QUESTIONS if q["id"] == question_id)
    ids = sorted(q["id"] for q in QUESTIONS if q["depth"] == depth)
    store = SQLiteStore(store_path)
    snapshot = store.load(couple.key)
    document = dict(snapshot.document)
    rituals = dict(document.get("rituals") or {})
    rituals["tonights_question"] = {
        "decks": {depth: {"seed": 7, "round": 0, "cursor": deck_order(ids, 7, 0).index(question_id)}}
    }
    document["rituals"] = rituals
    store.save(couple.key, document, snapshot.version, int(couple.now.timestamp()))


def test_questions_that_can_hurt_are_tagged() -> None:
    tagged = {q["text"] for q in TENDER}
    for words in ("forgiveness", "grieving", "ill?", "one year left"):
        assert any(words in text for text in tagged), words
    assert all(q["depth"] == "deepest" for q in TENDER)


def test_grief_gets_a_gentle_lead_in_and_a_gentle_offer_never_that_was_a_good_one(
    couple: Couple, embedded_store: Any
) -> None:
    """Heard: "What are you still grieving?" followed by "That was a good one. Would you like another question?"."""
    couple.meet()
    next_question_is(couple, embedded_store, "deepest-fears-and-hopes-05")
    said = couple.resolved("TonightsQuestionIntent", "depth", "deepest", "deepest", one_shot=True)
    assert asked(said)[1] == "What are you still grieving?"
    assert said_one_of(said, "intro_tender") and not said_one_of(said, "intro_deepest")
    assert not said_one_of(said, "pass_hint"), "the tender lead-in already says they can pass"
    assert said_one_of(said, "offer_deepest") and "good one" not in said.text and not said_one_of(said, "offer")


@pytest.mark.parametrize(
    ("depth", "key"), [("light", "offer"), ("deeper", "offer_deeper"), ("deepest", "offer_deepest")]
)
def test_the_follow_up_line_belongs_to_the_depth(couple: Couple, depth: str, key: str) -> None:
    couple.meet()
    said = couple.resolved("TonightsQuestionIntent", "depth", depth, depth, one_shot=True)
    assert asked(said)[0] == depth and said_one_of(said, key)
    if depth != "light":
        assert "good one" not in said.text


def test_how_to_pass_is_said_once_per_session_at_deeper_and_deepest(couple: Couple) -> None:
    couple.meet()
    said = couple.intent("TonightsQuestionIntent", one_shot=True)
    assert asked(said)[0] == "light" and not said_one_of(said, "pass_hint"), "not needed for a light one"
    said = couple.intent("DeeperQuestionIntent")
    assert said_one_of(said, "pass_hint") or said_one_of(said, "intro_tender")
    for intent in ("AnotherQuestionIntent", "DeeperQuestionIntent", "AnotherQuestionIntent"):
        said = couple.intent(intent)
        assert not said_one_of(said, "pass_hint"), "once per session"
    said = couple.resolved("TonightsQuestionIntent", "depth", "deeper", "deeper", one_shot=True)  # a new session
    assert said_one_of(said, "pass_hint") or said_one_of(said, "intro_tender")


def test_pass_while_the_question_is_theirs_gives_a_different_one(couple: Couple, stored) -> None:
    couple.meet()
    said = couple.resolved("TonightsQuestionIntent", "pace", "take our time", "open", one_shot=True)
    first = asked(said)
    said = couple.intent("SkipIntent", one_shot=True)  # "Alexa, tell our rituals pass"
    assert said_one_of(said, "passed") and asked(said)[1] != first[1] and asked(said)[0] == first[0]
    assert stored(couple)["in_progress"]["ritual"] == "tonights_question"


def test_pass_once_both_have_answered_ends_the_evening(couple: Couple) -> None:
    couple.meet()
    couple.intent("TonightsQuestionIntent", one_shot=True)  # hands-free: both answers, then "another?"
    said = couple.later(minutes=2).intent("SkipIntent")
    assert said.ends_session and said_one_of(said, "goodnight")


# -- saying back what was heard, after a deeper or deepest answer -------------------------------------------------
SETTINGS = load_content("en-US").section("tonights_question").settings
LISTEN_BACK = ("listen_back_first", "listen_back_second")


def said_back(said: Said) -> list[tuple[str | None, str]]:
    """The say-back prompts in a reply: (voice, words)."""
    wordings = {
        text.format(name=n, other=o)
        for key in LISTEN_BACK
        for text in LINES.variants(key)
        for n, o in (("Maya", "Sam"), ("Sam", "Maya"))
    }
    return [(line.voice, line.text) for line in said.lines if line.text in wordings]


@pytest.mark.parametrize("depth", ["deeper", "deepest"])
def test_after_each_answer_to_a_deeper_question_the_listener_says_back_what_they_heard(
    couple: Couple, depth: str
) -> None:
    couple.meet("Maya", "Sam")
    said = couple.resolved("TonightsQuestionIntent", "depth", depth, depth, one_shot=True)
    partners = [line.voice for line in said.lines if line.voice is not None]
    first, second = partners[0], next(v for v in partners if v != partners[0])
    assert [voice for voice, _ in said_back(said)] == [second, first], "each listener, in their own voice"
    texts = [line.text for line in said.lines]
    second_turn = next(
        i
        for i, t in enumerate(texts)
        if any(t == w.format(name=n) for w in LINES.variants("second_turn") for n in NAMES)
    )
    assert texts.index(said_back(said)[0][1]) < second_turn < texts.index(said_back(said)[1][1]), (
        "said back before anything moves on"
    )
    answers, listening = SETTINGS["answer_seconds"][depth], SETTINGS["listen_back_seconds"]
    assert said.timed_seconds() == 2 * answers + 2 * listening and len(said.tags("audio")) == 4, "a short hold each"
    assert said_one_of(said, f"offer_{depth}") and not said.ends_session, "and only then another?"


def test_a_light_question_is_answered_without_saying_back(couple: Couple) -> None:
    couple.meet("Maya", "Sam")
    said = couple.resolved("TonightsQuestionIntent", "depth", "light", "light", one_shot=True)
    assert said_back(said) == [] and said.timed_seconds() == 2 * LIGHT_SECONDS


def test_at_their_own_pace_the_say_back_is_held_briefly_then_the_next_answer_opens(couple: Couple) -> None:
    couple.meet("Maya", "Sam")
    couple.resolved("TonightsQuestionIntent", "depth", "deepest", "deepest", one_shot=True)  # Maya first
    couple.later(minutes=5)
    said = couple.resolved("TonightsQuestionIntent", "pace", "let's take our time", "open", one_shot=True)  # Sam first
    assert said_back(said) == [] and said.ends_session, "Sam answers, the microphone closed"
    said = couple.later(minutes=4).intent("AMAZON.NextIntent", one_shot=True)
    assert said_back(said) and said_back(said)[0][0] == "Joanna", "Maya says back Sam's answer, in her voice"
    assert said.timed_seconds() == SETTINGS["listen_back_seconds"] and said.ends_session, "held, then her own answer"
    said = couple.later(minutes=4).intent("AMAZON.NextIntent", one_shot=True)
    assert [voice for voice, _ in said_back(said)] == ["Matthew"] and said_one_of(said, "offer_deepest")


def test_interrupted_while_a_say_back_plays_the_place_is_that_turn(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    couple.resolved("TonightsQuestionIntent", "depth", "deeper", "deeper", one_shot=True)
    starts = stored(couple)["in_progress"]["state"]["stretch"]["starts"]  # when each turn begins in the answer
    said = couple.into_answer(seconds=starts[1] + 5).intent("AMAZON.PauseIntent")  # into Sam's say-back
    assert said.ends_session
    assert stored(couple)["in_progress"]["state"]["cursor"] == 1, "the say-back that was playing"
    said = couple.later(minutes=10).intent("AMAZON.ResumeIntent", one_shot=True)
    assert said_back(said)[0][0] == "Matthew", "Sam says back Maya's answer again, then goes on"


# -- the filters, offered once -------------------------------------------------------------------------
SITUATION = load_content("en-US").section("our_situation").data["intents"]
YEARS_OR_FAMILY = {q["text"] for q in QUESTIONS if {"long_history", "family_of_origin"} & set(q["assumes"])}


def filters_offered(said: Said) -> bool:
    """Whether the host (Alexa's own voice) said the offer."""
    return any(line in spoken for line in LINES.variants("filters_offer") for spoken in said.by_voice(None))


def test_the_offer_names_the_filters_in_words_the_skill_understands() -> None:
    for line in LINES.variants("filters_offer"):
        assert "we're new" in line and "we'd rather leave family out" in line, line
    assert "we're new" in SITUATION["NewCoupleIntent"]["samples"]
    assert "we'd rather leave family out" in SITUATION["NoFamilyQuestionsIntent"]["samples"]


def test_the_first_time_a_couple_reaches_the_deepest_questions_they_hear_once_how_to_leave_some_out(
    couple: Couple, stored
) -> None:
    couple.meet("Maya", "Sam")
    said = couple.intent("TonightsQuestionIntent", one_shot=True)
    assert asked(said)[0] == "light" and not filters_offered(said)
    said = couple.intent("DeeperQuestionIntent")
    assert asked(said)[0] == "deeper" and not filters_offered(said)
    said = couple.intent("DeeperQuestionIntent")
    depth, question = asked(said)
    assert depth == "deepest" and filters_offered(said), "offered by the host, in Alexa's own voice"
    assert question not in YEARS_OR_FAMILY, "before they could say, the first deepest question assumes neither"
    assert stored(couple)["rituals"]["tonights_question"]["filters_offered"] is True
    said = couple.intent("AnotherQuestionIntent")
    assert asked(said)[0] == "deepest" and not filters_offered(said), "once"
    said = couple.later(days=1).resolved("TonightsQuestionIntent", "depth", "deepest", "deepest", one_shot=True)
    assert asked(said)[0] == "deepest" and not filters_offered(said), "once, not once a session"

    said = couple.later(minutes=10).intent("NoFamilyQuestionsIntent", one_shot=True)  # they take up the offer
    assert any(
        line in said.text for line in load_content("en-US").section("our_situation").lines.variants("noted_no_family")
    )
    couple.later(minutes=1).intent("NewCoupleIntent", one_shot=True)
    skipped = stored(couple)["rituals"]["our_situation"]["skip"]
    assert skipped == ["family_of_origin", "long_history"]
    for _ in range(12):
        said = couple.later(days=1).resolved("TonightsQuestionIntent", "depth", "deepest", "deepest", one_shot=True)
        assert asked(said)[1] not in YEARS_OR_FAMILY and not filters_offered(said)


def test_the_questions_the_first_deepest_one_passed_over_still_come_in_that_round(
    couple: Couple, embedded_store
) -> None:
    """The first deepest question assumes neither years together nor family, so it may come from further on in the
    deck; the ones it passed over are not lost to the round, and the one taken early is not asked twice in it."""
    from collections import Counter

    from skill.store.sqlite import SQLiteStore

    deepest = [q for q in QUESTIONS if q["depth"] == "deepest"]
    ids = sorted(q["id"] for q in deepest)
    family = {q["id"] for q in deepest if {"family_of_origin", "long_history"} & set(q["assumes"])}
    # A round that opens with two questions the first deepest one must not be.
    seed = next(seed for seed in range(10_000) if set(deck_order(ids, seed, 0)[:2]) <= family)
    couple.meet("Maya", "Sam")
    store = SQLiteStore(embedded_store)
    snapshot = store.load(couple.key)
    document = {
        **snapshot.document,
        "rituals": {"tonights_question": {"decks": {"deepest": {"seed": seed, "round": 0, "cursor": 0}}}},
    }
    store.save(couple.key, document, snapshot.version, int(couple.now.timestamp()))

    said = couple.resolved("TonightsQuestionIntent", "depth", "deepest", "deepest", one_shot=True)
    assert filters_offered(said) and asked(said)[1] not in YEARS_OR_FAMILY
    heard = [asked(said)[1]]
    for _ in range(len(deepest) - 1):
        said = couple.later(days=1).resolved("TonightsQuestionIntent", "depth", "deepest", "deepest", one_shot=True)
        heard.append(asked(said)[1])
    expected = Counter(q["text"] for q in deepest)
    assert Counter(heard) == expected, (Counter(heard) - expected, expected - Counter(heard))


def test_a_couple_who_told_us_already_is_not_offered_what_they_chose(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    couple.intent("NewCoupleIntent", one_shot=True)
    couple.intent("NoFamilyQuestionsIntent", one_shot=True)
    said = couple.resolved("TonightsQuestionIntent", "depth", "deepest", "deepest", one_shot=True)
    assert asked(said)[0] == "deepest" and not filters_offered(said)
    assert stored(couple)["rituals"]["tonights_question"]["filters_offered"] is True


def test_a_couple_who_reached_the_deepest_before_the_offer_existed_hears_it_once(
    couple: Couple, embedded_store
) -> None:
    couple.meet("Maya", "Sam")
    next_question_is(couple, embedded_store, "deepest-fears-and-hopes-05")  # a deepest deck already under way
    said = couple.resolved("TonightsQuestionIntent", "depth", "deepest", "deepest", one_shot=True)
    assert filters_offered(said) and asked(said)[1] not in YEARS_OR_FAMILY
    said = couple.intent("AnotherQuestionIntent")
    assert not filters_offered(said)

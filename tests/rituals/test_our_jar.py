"""Our own jar: a question is read back and kept only after a yes; drawn, listed, emptied, and forgotten with the couple."""

from __future__ import annotations

from typing import Any

from skill.content import load_content
from skill.household import readable
from skill.store.sqlite import SQLiteStore
from tests.support.conversation import Couple, Said

JAR = load_content("en-US").section("our_jar")
LINES = JAR.lines
TONIGHT = load_content("en-US").section("tonights_question").lines
TURNS = load_content("en-US").section("turns").lines
MAX_QUESTIONS = int(JAR.settings["max_questions"])
MAX_CHARACTERS = int(JAR.settings["max_characters"])


def said_one_of(said: Said, lines: Any, key: str, **values: Any) -> bool:
    return any(wording.format(**values) in said.text for wording in lines.variants(key))


def jar_of(stored: Any, couple: Couple) -> list[dict[str, Any]]:
    return list(stored(couple)["rituals"].get("our_jar", {}).get("questions", []))


def add(couple: Couple, words: str) -> Said:
    couple.intent("AddToJarIntent", question=words)
    return couple.intent("AMAZON.YesIntent")


# -- adding ----------------------------------------------------------------------------------------
def test_a_question_is_read_back_and_kept_only_after_a_yes(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    said = couple.intent("AddToJarIntent", one_shot=True, question="what was the best part of your week")
    question = "What was the best part of your week?"
    assert said_one_of(said, LINES, "heard", question=question), "read back as it will be kept"
    assert not said.ends_session and said.reprompt != said.text
    assert jar_of(stored, couple) == [], "nothing is kept before the yes"
    assert "what was the best part" not in str(stored(couple)), "not even in the ritual's place"

    said = couple.intent("AMAZON.YesIntent")
    assert said_one_of(said, LINES, "kept_one")
    assert jar_of(stored, couple) == [{"id": "1", "text": question, "heard": 0}]
    said = add(couple, "where would you like to wake up tomorrow")
    assert said_one_of(said, LINES, "kept", count=2)
    assert stored(couple)["in_progress"] is None


def test_a_no_keeps_nothing_and_so_does_a_yes_in_another_session(couple: Couple, stored) -> None:
    couple.meet()
    couple.intent("AddToJarIntent", one_shot=True, question="what song makes you dance")
    said = couple.intent("AMAZON.NoIntent")
    assert said_one_of(said, LINES, "let_go") and jar_of(stored, couple) == []

    couple.intent("AddToJarIntent", one_shot=True, question="what song makes you sing")
    couple.session_ended("EXCEEDED_MAX_REPROMPTS")
    said = couple.later(minutes=1).intent("AMAZON.YesIntent", one_shot=True)
    assert said_one_of(said, LINES, "lost"), "the words were never stored, so a later yes has nothing to keep"
    assert jar_of(stored, couple) == []


def test_only_plain_bounded_words_are_kept_and_they_are_escaped_when_spoken(couple: Couple, stored) -> None:
    couple.meet()
    said = couple.intent("AddToJarIntent", one_shot=True, question='what is <break time="10s"/> & "brave" to you')
    assert "&amp;" not in said.ssml and '<break time="10s"/>' not in said.ssml
    said = couple.intent("AMAZON.YesIntent")
    kept = jar_of(stored, couple)[0]["text"]
    assert kept == "What is break time 10s brave to you?"

    said = couple.intent("AddToJarIntent", question="why " * (MAX_CHARACTERS // 4 + 1))
    assert said_one_of(said, LINES, "too_long") and len(jar_of(stored, couple)) == 1
    said = couple.intent("AddToJarIntent", question=None)
    assert said_one_of(said, LINES, "how_to_add")
    said = couple.intent("AddToJarIntent", question="  ?!  ")
    assert said_one_of(said, LINES, "how_to_add") and len(jar_of(stored, couple)) == 1
    said = couple.intent("AddToJarIntent", question="What is BREAK time 10s brave to you")
    assert said_one_of(said, LINES, "already")


def test_the_jar_holds_a_bounded_number_of_questions(couple: Couple, embedded_store) -> None:
    couple.meet()
    store = SQLiteStore(embedded_store)
    snapshot = store.load(couple.key)
    document = snapshot.document
    document["rituals"]["our_jar"] = {
        "questions": [{"id": str(i), "text": f"Question number {i}?", "heard": 0} for i in range(MAX_QUESTIONS)],
        "next": MAX_QUESTIONS,
    }
    store.save(couple.key, document, snapshot.version, 0)
    said = couple.intent("AddToJarIntent", one_shot=True, question="one question too many")
    assert said_one_of(said, LINES, "full", count=MAX_QUESTIONS)
    assert len(readable(store.load(couple.key).document)["rituals"]["our_jar"]["questions"]) == MAX_QUESTIONS


# -- drawing ---------------------------------------------------------------------------------------
def test_one_from_our_jar_is_answered_in_turn_and_unheard_ones_come_first(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    add(couple, "what would you name a puppy")
    add(couple, "which film should we watch again")
    # Hands-free, like tonight's question: Maya answers, a chime, Sam answers the same question, in one response.
    said = couple.intent("JarQuestionIntent", one_shot=True)
    assert said_one_of(said, TONIGHT, "from_jar") and "What would you name a puppy?" in said.text
    assert said_one_of(said, TURNS, "paced_intro"), "drawn afresh, the jar question says how the turns go"
    partners = [line for line in said.lines if line.voice is not None]
    assert [line.voice for line in partners][:1] == ["Joanna"], "Maya answers first, in her voice"
    assert partners[-1].voice == "Matthew" and partners[-1].text == "What would you name a puppy?", (
        "then Sam, the same question"
    )
    assert said_one_of(said, TONIGHT, "offer_jar"), "one of their own is still unheard"

    said = couple.intent("JarQuestionIntent")
    assert "Which film should we watch again?" in said.text and not said_one_of(said, TURNS, "paced_intro")
    assert next(line.voice for line in said.lines if line.voice is not None) == "Matthew", (
        "who answers first alternates"
    )
    assert [q["heard"] for q in jar_of(stored, couple)] == [1, 1]
    assert said_one_of(said, TONIGHT, "offer") and not said_one_of(said, TONIGHT, "offer_jar"), (
        "nothing unheard is left"
    )


def test_tonights_question_mentions_an_unheard_jar_question(couple: Couple) -> None:
    couple.meet()
    said = couple.intent("TonightsQuestionIntent", one_shot=True)
    assert not said_one_of(said, TONIGHT, "jar_waiting")
    add(couple, "what made you proud today")
    said = couple.intent("TonightsQuestionIntent", one_shot=True)
    assert said_one_of(said, TONIGHT, "jar_waiting")


def test_an_empty_jar_says_how_to_fill_it(couple: Couple) -> None:
    couple.meet()
    for intent in ("JarQuestionIntent", "JarListIntent", "EmptyJarIntent"):
        said = couple.intent(intent, one_shot=True)
        assert said_one_of(said, LINES, "empty") and not said.ends_session


# -- listing and emptying ------------------------------------------------------------------------------
def test_whats_in_our_jar_reads_the_count_and_the_newest_few(couple: Couple) -> None:
    couple.meet()
    add(couple, "what is your favourite smell")
    said = couple.intent("JarListIntent")
    assert said_one_of(said, LINES, "count_one") and "What is your favourite smell?" in said.text
    for words in ("who inspires you", "where do you feel calm", "what would you cook tonight"):
        add(couple, words)
    said = couple.intent("JarListIntent")
    assert said_one_of(said, LINES, "count", count=4)
    newest = "What would you cook tonight? Where do you feel calm? Who inspires you?"
    assert newest in said.text and "favourite smell" not in said.text


def test_empty_our_jar_asks_for_a_yes_first(couple: Couple, stored) -> None:
    couple.meet()
    add(couple, "what is your favourite sound")
    add(couple, "what made you laugh today")
    said = couple.intent("EmptyJarIntent")
    assert said_one_of(said, LINES, "ask_empty", count=2) and not said.ends_session
    said = couple.intent("AMAZON.NoIntent")
    assert said_one_of(said, LINES, "jar_kept") and len(jar_of(stored, couple)) == 2
    couple.intent("EmptyJarIntent")
    said = couple.intent("AMAZON.YesIntent")
    assert said_one_of(said, LINES, "emptied")
    assert "our_jar" not in stored(couple)["rituals"]


def test_forget_us_takes_the_jar_with_everything_else(couple: Couple, stored) -> None:
    couple.meet()
    add(couple, "what are you looking forward to")
    couple.intent("ForgetUsIntent", one_shot=True)
    couple.intent("AMAZON.YesIntent")
    said = couple.intent("JarListIntent", one_shot=True)
    assert "looking forward" not in said.text
    assert "our_jar" not in stored(couple).get("rituals", {})


def test_adding_in_the_middle_of_tonights_question_keeps_its_place(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    # At their own pace, Maya's answer is in the middle of it: the session closed, her turn kept.
    first = couple.resolved("TonightsQuestionIntent", "pace", "let's take our time", "open", one_shot=True)
    place = stored(couple)["in_progress"]
    couple.intent("AddToJarIntent", one_shot=True, question="what is the kindest thing a stranger did for you")
    said = couple.intent("AMAZON.YesIntent")
    assert said_one_of(said, LINES, "kept_one") and said_one_of(said, LINES, "back_to", ritual="tonight's question")
    assert stored(couple)["in_progress"] == place
    said = couple.intent("AMAZON.ResumeIntent")
    deck = load_content("en-US").section("questions").data["questions"]
    spoken = [q["text"].replace("{partner}", "Sam") for q in deck]
    question = next(text for text in spoken if text in first.text)
    assert question in said.text, "back to the same question"
    assert said.by_voice("Joanna") and not said.by_voice("Matthew"), "and to Maya's turn"

    # Hands-free, the place after both answers is the offer: that is where they come back to.
    couple.resolved("TonightsQuestionIntent", "pace", "keep time for us", "paced", one_shot=True)
    place = stored(couple)["in_progress"]
    couple.intent("AddToJarIntent", question="what made you laugh today")
    couple.intent("AMAZON.YesIntent")
    said = couple.intent("AMAZON.ResumeIntent")
    assert said_one_of(said, TONIGHT, "offer_jar") and not said.ends_session
    assert stored(couple)["in_progress"]["state"]["question"] == place["state"]["question"]


# -- the right mouth -------------------------------------------------------------------------------------
def test_a_first_person_question_is_kept_about_each_other_and_never_read_in_the_wrong_mouth(
    couple: Couple, stored
) -> None:
    """Heard: "What do you love most about me?" read by Alexa, then in the other partner's voice."""
    couple.meet("Maya", "Sam")
    said = couple.intent("AddToJarIntent", question="what do you love most about me")
    assert said_one_of(said, LINES, "heard_about", question="What do you love most about your partner?"), said.text
    couple.intent("AMAZON.YesIntent")
    assert jar_of(stored, couple)[0]["text"] == "What do you love most about {partner}?"
    said = couple.intent("JarQuestionIntent", one_shot=True)
    assert "about me" not in said.text
    asked_maya, asked_sam = "What do you love most about Sam?", "What do you love most about Maya?"
    assert asked_maya in said.text, "Maya hears it about Sam"
    partners = [line for line in said.lines if line.voice is not None]
    assert partners[-1].voice == "Matthew" and partners[-1].text == asked_sam, "Sam hears it about Maya, in his voice"
    listed = couple.intent("JarListIntent", one_shot=True)
    assert "What do you love most about your partner?" in listed.text and "{partner}" not in listed.text


def test_first_person_forms_are_rewritten_and_other_questions_left_alone() -> None:
    from skill.rituals.our_jar import about_each_other

    assert about_each_other("What do I do that makes you laugh?") == "What does {partner} do that makes you laugh?"
    assert about_each_other("When am I most myself?") == "When is {partner} most themselves?"
    assert about_each_other("What is my best quality?") == "What is {partner}'s best quality?"
    assert about_each_other("What would you name a puppy?") == "What would you name a puppy?"

"""The rules of the question deck, held for every locale: read aloud to two people, each question must work.

- At least 366 questions (a year of nights without a repeat), the three depths within a few of a third each.
- Nobody's first person: a question is asked by Alexa of one partner, then repeated to the other, so "I",
  "me", "my" (and "we", "us", "our") belong to no one. A partner is named through the `{partner}` slot,
  which the skill fills with the name of the partner who is not answering.
- One question at a time: exactly one question mark, at the end, and no second ask joined on ("..., and why?").
- No near-duplicates: for every pair, take their content-word sets (lower case, the short function words
  below removed, `{partner}` counted as a word). Their Jaccard similarity (shared / all) is below
  SIMILARITY_LIMIT (0.5), and their overlap (shared / the smaller set) is below OVERLAP_LIMIT (0.8), so a
  question cannot hide inside a longer one. And no two questions open with the same STEM_WORDS (6) words.
- Every tag is known; questions about childhood or family of origin sit at "deepest", are tagged so, and
  questions about a shared home or a long history are tagged so (a couple can say those do not fit them).
- Nothing narrow to one culture or climate (seasons, one religion's holidays, particular sports...).
"""

from __future__ import annotations

import itertools
import json
import re
import string
from collections import Counter
from typing import Any

import pytest

from skill.content import CONTENT_DIR, SUPPORTED_LOCALES, load_content
from skill.rituals.tonights_question import ASSUMPTIONS, PARTNER_SLOT

LOCALES = list(SUPPORTED_LOCALES)
DEPTHS = ("light", "deeper", "deepest")
MIN_QUESTIONS = 366
SIMILARITY_LIMIT = 0.5
OVERLAP_LIMIT = 0.8
STEM_WORDS = 6

FIRST_PERSON = re.compile(r"\bI\b|\b(?:me|my|mine|myself|we|us|our|ours|ourselves)\b", re.IGNORECASE)
SECOND_ASK = re.compile(r"\b(?:and|or|but|then)\s+(?:why|what|how|who|where|when|which|do|does|did|is|are|would|could|will)\b", re.I)
STOP_WORDS = frozenset(
    "a an the of to in on for with you your yours is are was were be been do does did what which who how when "
    "where why that this it its at as by from or and about would could most more have has there they them".split()
)
# Words that put a question about childhood or the family someone grew up in.
ROOTS = re.compile(r"\b(?:child|childhood|grew up|growing up|raised|upbringing|parents?|mother|father|mum|mom|dad|"
                   r"siblings?|brother|sister|family|teenager|teenage|when you were (?:young|small))\b", re.I)  # fmt: skip
# Words that assume a home shared now, or many years together.
SHARED_HOME = re.compile(r"\b(?:home together|sharing a home|household|housework|chores?|evenings at home)\b", re.I)
LONG_HISTORY = re.compile(r"\b(?:over time|early days|over the years|since you met|come through|hardest time together)\b", re.I)
NARROW = re.compile(
    r"\b(?:summer|winter|autumn|fall|spring|christmas|thanksgiving|easter|halloween|diwali|hanukkah|ramadan|"
    r"boat|double act|college|church|football|baseball|cricket|hockey|wine|beer|prom)\b", re.I
)  # fmt: skip


def deck(locale: str) -> list[dict[str, Any]]:
    return list(load_content(locale).section("questions").data["questions"])


def content_words(text: str) -> frozenset[str]:
    words = re.findall(r"[a-z']+", text.lower().replace(PARTNER_SLOT, " partner "))
    return frozenset(word for word in words if word not in STOP_WORDS)


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of two questions' content words."""
    wa, wb = content_words(a), content_words(b)
    return len(wa & wb) / len(wa | wb) if wa | wb else 1.0


def overlap(a: str, b: str) -> float:
    """How much of the shorter question's content words the other one shares."""
    wa, wb = content_words(a), content_words(b)
    return len(wa & wb) / min(len(wa), len(wb)) if wa and wb else 1.0


def too_close(a: str, b: str) -> bool:
    return similarity(a, b) >= SIMILARITY_LIMIT or overlap(a, b) >= OVERLAP_LIMIT


def problems(text: str) -> list[str]:
    """What is wrong with one question as a couple would hear it (empty: nothing)."""
    found = []
    if FIRST_PERSON.search(text.replace(PARTNER_SLOT, "")):
        found.append("first person outside the name slot")
    fields = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    if fields - {PARTNER_SLOT.strip("{}")}:
        found.append(f"unknown placeholder {sorted(fields)}")
    if text.count("?") != 1 or not text.endswith("?"):
        found.append("not exactly one question mark, at the end")
    if SECOND_ASK.search(text):
        found.append("a second question joined on")
    if len(text) > 110:
        found.append("longer than 110 characters")
    if NARROW.search(text):
        found.append("culturally narrow")
    return found


# -- the rules catch what they are meant to ----------------------------------------------------------
@pytest.mark.parametrize(
    "bad",
    [
        "What did I do this week that made you laugh?",
        "What do you love most about me?",
        "Where should we go next?",
        "What is your favorite memory of our first home?",
        "What toy did you love, and why?",
        "What scares you? What helps?",
        "What did you do this summer?",
        "What would {name} say?",
        "Tell each other about your day.",
    ],
)
def test_the_rules_catch_questions_a_couple_should_not_hear(bad: str) -> None:
    assert problems(bad)


def test_the_rules_let_a_good_question_through_and_measure_similarity() -> None:
    assert problems("What did {partner} do this week that made you laugh?") == []
    assert too_close("How do you like to be comforted?", "How do you like to be comforted after a hard day?")
    assert too_close("What is your favorite thing about {partner}?", "What is your favorite thing about {partner} today?")
    assert not too_close("What does love mean to you today?", "Which animal best matches {partner}'s personality?")


# -- the deck ---------------------------------------------------------------------------------------
def test_a_year_of_nights_balanced_across_the_depths_with_stable_ids() -> None:
    questions = deck("en-US")
    assert len(questions) >= MIN_QUESTIONS
    ids = [q["id"] for q in questions]
    assert len(ids) == len(set(ids))
    per_depth = Counter(q["depth"] for q in questions)
    assert set(per_depth) == set(DEPTHS)
    for depth in DEPTHS:
        assert abs(per_depth[depth] - len(questions) / 3) <= 6, per_depth
    for q in questions:
        assert re.fullmatch(rf"{q['depth']}-{q['theme']}-\d\d", q["id"]), q["id"]


@pytest.mark.parametrize("locale", LOCALES)
def test_every_question_keeps_the_rules_in_every_locale(locale: str) -> None:
    broken = {q["id"]: problems(q["text"]) for q in deck(locale) if problems(q["text"])}
    assert not broken


@pytest.mark.slow
@pytest.mark.parametrize("locale", LOCALES)
def test_no_two_questions_ask_nearly_the_same_thing(locale: str) -> None:
    texts = [q["text"] for q in deck(locale)]
    close = [(a, b) for a, b in itertools.combinations(texts, 2) if too_close(a, b)]
    assert not close
    stems = Counter(" ".join(text.lower().split()[:STEM_WORDS]) for text in texts)
    assert not [stem for stem, count in stems.items() if count > 1]


# The near-duplicate groups the old deck had, each merged: at most this many questions on each.
MERGED_GROUPS = {
    r"\b(?:grow(?:ing)? old|old age|older)\b": 2,
    r"\b(?:comfort(?:ed)?|reassure)\b": 1,
    r"\b(?:struggling|find the words|can't say|cannot say)\b": 1,
    r"\b(?:playful|silly)\b": 1,
    r"\b(?:rituals?|traditions?)\b": 2,
    r"\bmost loved\b": 1,
    r"\b(?:alone|lonely|loneliest)\b": 2,
}


@pytest.mark.parametrize(("pattern", "most"), MERGED_GROUPS.items())
def test_the_old_near_duplicate_groups_stay_merged(pattern: str, most: int) -> None:
    found = [q["text"] for q in deck("en-US") if re.search(pattern, q["text"], re.I)]
    assert 0 < len(found) <= most, found


def test_every_tag_is_known_and_says_what_the_question_assumes() -> None:
    for q in deck("en-US"):
        assumes = set(q["assumes"])
        assert isinstance(q["assumes"], list) and assumes <= set(ASSUMPTIONS), q["id"]
        if ROOTS.search(q["text"]):
            assert "family_of_origin" in assumes, f"{q['id']} asks about growing up: {q['text']}"
        if "family_of_origin" in assumes:
            assert q["depth"] == "deepest", f"{q['id']}: family of origin sits at the deepest level"
        if SHARED_HOME.search(q["text"]):
            assert "living_together" in assumes, q["text"]
        if LONG_HISTORY.search(q["text"]):
            assert "long_history" in assumes, q["text"]
    tagged = Counter(tag for q in deck("en-US") for tag in q["assumes"])
    assert all(tagged[tag] >= 3 for tag in ASSUMPTIONS), tagged


def test_the_name_slot_is_used_and_the_deep_questions_about_growing_up_are_gentle() -> None:
    questions = deck("en-US")
    assert sum(PARTNER_SLOT in q["text"] for q in questions) >= 60
    roots = [q["text"] for q in questions if "family_of_origin" in q["assumes"]]
    gentle = re.compile(r"\b(?:if|gently|gentle|warms?|kindness|safe|safest|loved?|proud|glad)\b", re.I)
    assert sum(bool(gentle.search(text)) for text in roots) >= len(roots) // 3, "most invite, few demand"


@pytest.mark.parametrize("locale", [locale for locale in LOCALES if (CONTENT_DIR / locale / "questions.json").is_file()])
def test_a_locale_rewords_only_questions_that_exist_and_only_the_words(locale: str) -> None:
    rewordings = json.loads((CONTENT_DIR / locale / "questions.json").read_text(encoding="utf-8"))["questions"]
    base = {q["id"]: q for q in deck("en-US")}
    local = {q["id"]: q for q in deck(locale)}
    assert rewordings and set(rewordings) <= set(base)
    assert set(local) == set(base)
    for question_id, text in rewordings.items():
        assert text != base[question_id]["text"] and local[question_id]["text"] == text
        assert {k: v for k, v in local[question_id].items() if k != "text"} == {
            k: v for k, v in base[question_id].items() if k != "text"
        }


def test_words_that_read_oddly_outside_the_us_are_reworded_there() -> None:
    american = re.compile(r"\b(?:vacation|takeout|candy|cookie|soda)\b", re.I)
    for locale in ("en-GB", "en-AU", "en-IN"):
        odd = [q["text"] for q in deck(locale) if american.search(q["text"])]
        assert not odd, f"{locale}: {odd}"
    assert not [q["text"] for q in deck("en-CA") if re.search(r"\bsoda\b", q["text"])], "Canadians say pop"

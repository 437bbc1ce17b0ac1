"""One spelling per locale: US in en-US, British in en-GB, en-AU and en-IN, Canadian in en-CA, on screens too.

Every locale's whole content is loaded as the skill loads it (every line a ritual can say, every question, every
setting it says or shows, the screens' own text, the widget's and the cards' lines, the store listing) and each word
is held to the locale's spelling with the table in skill/content/spelling.json. Shared English is written in British
spelling; en-US and en-CA are respelt from the table when a file is first loaded (skill/spelling.py).
A failure names the file, the line and the word to change.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from skill.content import CONTENT_FOLDER, NOT_RESPELT, NOT_RESPELT_SETTINGS, SUPPORTED_LOCALES, load_content, read_json
from skill.screen.documents import screen_text
from skill.spelling import forms, speller, spelling_of, us_forms_also_british
from tests.support.conversation import Couple

ROOT = Path(__file__).resolve().parents[2]
CONTENT = Path(CONTENT_FOLDER)
SKILL_JSON = ROOT / "skill-package" / "skill.json"
WORD = re.compile(r"(?<![\w{])[A-Za-z]+(?![\w}])")

# Words that look like a spelling pair (-ise/-ize, -our, -re, -ogue, -lled) but are spelt so everywhere; a word of that
# look in the content that is neither here nor in the table fails `test_the_table_knows_every_variable_word_used`.
SAME_EVERYWHERE = frozenset(
    """
    advertise advertised advertising advise advised advises advising apprise arise arises arising chastise comprise
    comprised compromise compromises compromised compromising despise devise devised disguise disguised enterprise
    excise exercise exercised exercises exercising expertise franchise improvise improvised merchandise noise poise
    praise praised praises praising premise promise promised promises promising raise raised raises raising revise
    revised rise rises rising size sized sizes seize seized capsize prize prized surmise supervise surprise surprised
    surprises surprising televise wise otherwise likewise clockwise precise concise paradise demise cruise bruise
    treatise turquoise tortoise porpoise reprise anise valise citizen citizens franchised
    hour hours our ours your yours four pour poured pouring tour tours toured touring flour sour soured detour contour
    devour devoured glamour journal
    acre acres genre genres ogre ogres mediocre massacre macabre cadre lucre timbre
    dialogue dialogues vogue rogue rogues monologue monologues prologue epilogue
    called caller callers calling compelling controlled controlling dwelling dweller enrolled excelled falling filled
    filling installed killer killing patrolled polling propelled pulled pulling rebelled rolled roller rolling seller
    selling shelled smaller smelling spelling spilled stalled swelling taller teller telling thriller tolling willing
    yelled yelling
    """.split()
)
VARIABLE_LOOK = re.compile(
    r"\w+(?:"
    r"[iy][sz](?:e|es|ed|ing|ation|ations|er|ers)"  # realise, analyse
    r"|ours?|our(?:ed|ing|ite|ites|ful|less|able|hood|ly|y)"  # colour, favourite
    r"|[^aeiouy\W]res?"  # centre, theatres
    r"|ogues?|alogs?"  # catalogue, catalog
    r"|[^aeiou\W][aeiou]ll(?:ed|ing|er|ers|or|ors|ous)"  # travelled, counsellor, marvellous
    r")$"
)


# -- what each locale shows and says --------------------------------------------------------------------------------
def _strings(where: str, value: Any) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(f"{where}[{index}]", item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(f"{where}.{key}", item)


def shown(locale: str) -> Iterator[tuple[str, str, str]]:
    """(content file, where in it, text) for everything the locale says or shows, loaded as the skill loads it."""
    content = load_content(locale)
    for name in content.sections:
        section = content.section(name)
        for key in section.lines:
            for wording in section.lines.variants(key):
                yield name, f"lines.{key}", wording
        settings = {k: v for k, v in section.settings.items() if k not in NOT_RESPELT_SETTINGS}
        for where, text in _strings("settings", settings):
            yield name, where, text
        for where, text in _strings("", {k: v for k, v in section.data.items() if k not in NOT_RESPELT}):
            yield name, where.lstrip("."), text
    for key, line in screen_text(locale).lines.items():
        yield "apl", key, line
    listing = json.loads(SKILL_JSON.read_text())["manifest"]["publishingInformation"]["locales"][locale]
    for where, text in _strings("store listing", listing):
        yield "skill.json", where, text


def shared_english() -> Iterator[tuple[str, str, str]]:
    """The shared English files as written: one spelling, British, whatever locale reads them."""
    for path in sorted((CONTENT / "en").glob("*.json")):
        data = read_json(path)
        settings = {k: v for k, v in data.get("settings", {}).items() if k not in NOT_RESPELT_SETTINGS}
        rest = {k: v for k, v in data.items() if k not in NOT_RESPELT and k not in ("settings", "_about")}
        for where, text in (*_strings("settings", settings), *_strings("", rest)):
            yield path.stem, where.lstrip("."), text
    for where, text in _strings("lines", read_json(CONTENT / "apl" / "en.json")["lines"]):
        yield "apl", where, text


# -- the words each spelling forbids ------------------------------------------------------------------------------
@cache
def wrong_words(spelling: str) -> dict[str, str]:
    """Each word the spelling never uses, with the word it uses instead."""
    also_british = us_forms_also_british()
    wrong: dict[str, str] = {}
    for british, us, canadian in forms():
        if spelling == "british" and us != british and us not in also_british:
            wrong[us] = british
        elif spelling == "us" and us != british:
            wrong[british] = us
        elif spelling == "ca" and canadian is not None:
            if canadian != british:
                wrong[british] = canadian
            if us != canadian and us not in also_british:
                wrong[us] = canadian
    return wrong


def source_lines(locale: str, file: str, word: str, text: str) -> list[str]:
    """Where a word of a text is written (file:line): the locale's own file, then the shared one; the lines that hold
    the words around it when some do."""
    if file == "apl":
        paths = [CONTENT / "apl" / f"{locale}.json", CONTENT / "apl" / "en.json"]
    elif file == "skill.json":
        block = SKILL_JSON.read_text(encoding="utf-8").split(f'"{locale}": {{')[0].count("\n") + 1
        return [f"{SKILL_JSON.relative_to(ROOT)}:{block} ({locale})"]
    else:
        paths = [CONTENT / locale / f"{file}.json", CONTENT / "en" / f"{file}.json"]
    paths = list(dict.fromkeys(paths))
    pattern = re.compile(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])", re.IGNORECASE)
    at = text.find(word)
    around = text[max(0, at - 20) : at + len(word) + 20]
    found, exact = [], []
    for path in paths:
        if path.is_file():
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if pattern.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}")
                    if around in line:
                        exact.append(found[-1])
    return exact or found


def misspelt(locale: str, texts: Iterator[tuple[str, str, str]], spelling: str) -> list[str]:
    wrong = wrong_words(spelling)
    problems = []
    for file, where, text in texts:
        for word in WORD.findall(text):
            right = wrong.get(word.lower())
            if right is None:
                continue
            places = source_lines(locale, file, word, text) or [
                f"made by skill/content/spelling.json ({spelling} table)"
            ]
            problems.append(
                f"{', '.join(places)}: '{word}' is not {spelling} spelling here ({file} {where}); write '{right}'"
            )
    return sorted(set(problems))


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_locale_shows_and_says_one_spelling(locale: str) -> None:
    spelling = spelling_of(locale)
    problems = misspelt(locale, shown(locale), spelling)
    assert not problems, f"{locale} ({spelling} spelling):\n" + "\n".join(problems)


def test_shared_english_is_written_in_british_spelling() -> None:
    problems = misspelt("en", shared_english(), "british")
    hint = (
        "Shared English is written in British spelling; en-US and en-CA are respelt from skill/content/spelling.json."
    )
    assert not problems, hint + "\n" + "\n".join(problems)


def test_the_table_knows_every_variable_word_used() -> None:
    """A word that looks spelt one way of two (-ise, -our, -re, -ogue, -lled) is in the table or spelt so everywhere."""
    known = {word for form in forms() for word in form if word is not None} | SAME_EVERYWHERE
    unknown = set()
    for locale in SUPPORTED_LOCALES:
        for file, where, text in shown(locale):
            for word in WORD.findall(text):
                if VARIABLE_LOOK.match(word.lower()) and word.lower() not in known:
                    unknown.add(f"{word.lower()} ({locale} {file} {where})")
    assert not unknown, "add these to skill/content/spelling.json, or to SAME_EVERYWHERE here:\n" + "\n".join(
        sorted(unknown)
    )


# -- the table itself ------------------------------------------------------------------------------------------------
def test_respelling_keeps_capitals_placeholders_and_addresses() -> None:
    us, canadian = speller("en-US"), speller("en-CA")
    assert us is not None and canadian is not None
    assert (
        us.text("Colour, COLOUR and colourful centres; we travelled.")
        == "Color, COLOR and colorful centers; we traveled."
    )
    assert (
        canadian.text("We realised our favourite colour at the theatre.")
        == "We realized our favourite colour at the theatre."
    )
    assert us.text("{name}, see centre56.org.uk/help or https://example.org/colour-centre") == (
        "{name}, see centre56.org.uk/help or https://example.org/colour-centre"
    )
    assert us.text("Practise your licence; a practice, a cheque.") == "Practice your license; a practice, a check."
    assert speller("en-GB") is None and speller("en-AU") is None and speller("en-IN") is None, "shown as written"


def test_no_spelling_is_both_right_and_wrong() -> None:
    """The table never asks a locale for a word that the same table forbids there."""
    for spelling in ("british", "us", "ca"):
        index = {"british": 0, "us": 1, "ca": 2}[spelling]
        right = {form[index] for form in forms() if form[index] is not None}
        clash = right & set(wrong_words(spelling))
        assert not clash, f"{spelling}: {sorted(clash)}"


# -- heard and seen through the skill -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("locale", "word"), [("en-US", "counseling"), ("en-GB", "counselling"), ("en-CA", "counselling")]
)
def test_the_counselling_answer_in_each_locales_spelling(couple: Couple, locale: str, word: str) -> None:
    couple.locale = locale
    couple.meet()
    said = couple.intent("CounsellingIntent", one_shot=True)
    assert word in said.text.lower(), said.text


def test_each_speller_is_its_table() -> None:
    """The skill's spellers (built fast, family by family) respell exactly the words the table lists for them."""
    us, canadian = speller("en-US"), speller("en-CA")
    assert us is not None and canadian is not None
    assert us.table == {british: american for british, american, _ in forms() if american != british}
    assert canadian.table == {british: ca for british, _, ca in forms() if ca is not None and ca != british}

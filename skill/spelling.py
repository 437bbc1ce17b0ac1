"""One spelling per locale: shared English is written in British spelling; en-US and en-CA respell it word by word.

The table is data (skill/content/spelling.json, with its sources). A locale's speller is built once, and the content
loader respells each content file once, when it is first read (skill/content.py caches the result), so a request
pays nothing for it and a locale without its own spelling (en-GB, en-AU, en-IN) pays nothing at all.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

SPELLING_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "content", "spelling.json")
BRITISH = "british"


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """Compiled when a locale first respells (en-GB, en-AU and en-IN never do): a text's letters, its chunks between
    spaces, the words of a chunk, and a dot before a letter (a web address or an abbreviation: left as written)."""
    return re.compile(r"[a-z]+"), re.compile(r"\S+"), re.compile(r"\w+"), re.compile(r"\.[A-Za-z]")


class Speller:
    """Respells words from the British form to one locale's, keeping each word's capitals."""

    def __init__(self, table: dict[str, str]) -> None:
        self.table = table
        self._letters, self._chunks, self._words, self._dotted = _patterns()

    def _word(self, found: re.Match[str]) -> str:
        word = found.group()
        new = self.table.get(word.lower())
        if new is None:
            return word  # not in the table, or letters touching digits (centre56)
        if len(word) > 1 and word.isupper():
            return new.upper()
        return new[0].upper() + new[1:] if word[0].isupper() else new

    def _chunk(self, found: re.Match[str]) -> str:
        chunk = found.group()
        if "{" in chunk or "://" in chunk or "@" in chunk or self._dotted.search(chunk):
            return chunk  # a {placeholder}, a web or mail address: as written
        return self._words.sub(self._word, chunk)

    def text(self, text: str) -> str:
        if self.table.keys().isdisjoint(self._letters.findall(text.lower())):
            return text  # most lines: nothing to respell, no per-word work
        return self._chunks.sub(self._chunk, text)

    def value(self, value: Any) -> Any:
        """A content value with every string in it respelt (keys stay: they are names, not words)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.value(item) for item in value]
        if isinstance(value, dict):
            return {key: self.value(item) for key, item in value.items()}
        return value


def spelling_table() -> dict[str, Any]:
    """skill/content/spelling.json, as written (read again each time: the skill keeps only a locale's speller)."""
    with open(SPELLING_FILE, encoding="utf-8") as file:
        table: dict[str, Any] = json.loads(file.read())
    return table


def spelling_of(locale: str, table: Mapping[str, Any] | None = None) -> str:
    """The spelling a locale is shown in: "us", "ca" or "british" (shared English as written)."""
    return str((table or spelling_table())["locales"].get(locale, BRITISH))


def _forms(table: Mapping[str, Any]) -> Iterator[tuple[str, str, str | None]]:
    for family in table["families"].values():
        canadian_endings = family["american"] if family["ca"] == "american" else family["british"]
        for stem in family["stems"]:
            for british, american, canadian in zip(
                family["british"], family["american"], canadian_endings, strict=True
            ):
                yield stem + british, stem + american, stem + canadian
    for british, spelt in table["words"].items():
        if isinstance(spelt, dict):
            yield british, spelt["us"], spelt.get("ca", british)


@cache
def forms() -> tuple[tuple[str, str, str | None], ...]:
    """Every word the table knows: (British form, US form, Canadian form, or None where Canadian usage is split)."""
    return tuple(_forms(spelling_table()))


def us_forms_also_british() -> frozenset[str]:
    """US forms that are British words too, in another sense (practice, the noun; license, the verb)."""
    return frozenset(spelling_table()["us_forms_also_british"])


@cache
def speller(locale: str) -> Speller | None:
    """The speller of a locale with its own spelling; None for the locales shown in shared English as written."""
    table = spelling_table()
    spelling = spelling_of(locale, table)
    if spelling == BRITISH:
        return None
    respelt: dict[str, str] = {}
    for family in table["families"].values():
        if spelling == "ca" and family["ca"] == "british":
            continue  # Canada spells the whole family as Britain does
        endings = list(zip(family["british"], family["american"], strict=True))
        respelt.update({stem + british: stem + american for stem in family["stems"] for british, american in endings})
    for british, spelt in table["words"].items():
        if isinstance(spelt, dict):
            new = spelt["us"] if spelling == "us" else spelt.get("ca", british)
            if new is not None and new != british:
                respelt[british] = new
    return Speller(respelt)
